"""Derive where each parameter of the verified image-template module ends up in the template it creates.

Usage: python tools/gen_module_map.py [--check]  (reads the compiled modules of the shared corpus)
       python tools/gen_module_map.py LABEL=COMPILED_MAIN_JSON ... [--check]

For each compiled module (``bicep build`` of avm/res/virtual-machine-images/image-template, as
published), every parameter is given a probe value in a nested deployment that calls the module,
the module's imageTemplates resource is evaluated with aiblint's own evaluator, and the places
where the probe appears are recorded: ``same`` when the passed value itself is the property,
``built`` when the module builds the property from it (e.g. each distribution target). The result
is written to ``server/modules/image_template.json`` (``--check``: compare instead, exit 1 when it
differs).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "server" / "modules" / "image_template.json"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
IDENTITY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/probe"
BASE = {  # values every call needs, so that the module builds its resource
    "name": "probe-name", "baseTime": "probe-time", "location": "probe-location",
    "imageSource": {"type": "PlatformImage", "publisher": "p", "offer": "o", "sku": "s", "version": "latest"},
    "distributions": [{"type": "ManagedImage", "imageName": "probe-image"}],
    "managedIdentities": {"userAssignedResourceIds": [IDENTITY]},
}
LEFT_OUT = {"lock", "roleAssignments", "enableTelemetry", "enableDefaultTelemetry"}  # other resources, not the template


def _kind(decl: dict, definitions: dict) -> str:
    if "$ref" in decl:
        decl = definitions.get(decl["$ref"].rsplit("/", 1)[-1], {})
    return (decl.get("type") or "object").lower()


def _probe(name: str, kind: str):
    token = f"probe-{name}"
    if kind == "int":
        return 424242
    if kind == "bool":
        return True
    if kind in ("object", "secureobject"):
        return {"subnetResourceId": token, "userAssignedResourceIds": [token], "type": token,
                "inVMValidations": [{"type": "Shell", "name": token, "inline": [token]}]}
    if kind == "array":
        return [{"type": "VHD", "name": token, "inline": [token], "imageName": token, "runOutputName": token}]
    return token


def _paths(ev, probe, path: str, passed_node, node) -> list[tuple[str, str]]:
    """Where ``probe`` appears in the evaluated resource: (path, "same"|"built")."""
    from aiblint.armexpr import Opaque

    found: list[tuple[str, str]] = []
    node = ev.evaluate(node)
    if node is passed_node:
        return [(path, "same")]
    if isinstance(node, Opaque):
        return []
    kind = getattr(node, "kind", None)
    if kind == "object":
        for m in node.members:
            if any(token in m.name for token in _strings(probe)):
                found.append((f"{path}{{}}", "built"))
            if m.name == "copy" and getattr(m.value, "kind", None) == "array":  # property copy loops
                for loop in m.value.items:
                    target = loop.get("name") if getattr(loop, "kind", None) == "object" else None
                    for item in ev.copy_items(loop) if target is not None else ():
                        found += _paths(ev, probe, f"{path}.{target.value}[]", passed_node, item)
            elif m.value is not None:
                found += _paths(ev, probe, f"{path}.{m.name}" if path else m.name, passed_node, m.value)
    elif kind == "array":
        for item in node.items:
            found += _paths(ev, probe, f"{path}[]", passed_node, item)
    elif kind == "string" and isinstance(probe, str) and probe.startswith("probe-") and probe in node.value:
        found.append((path, "same" if node.value == probe else "built"))
    elif kind == "number" and probe == node.value and not isinstance(probe, bool):
        found.append((path, "same"))
    elif isinstance(probe, (dict, list)):
        for token in _strings(probe):
            if kind == "string" and token in node.value:
                found.append((path, "built"))
                break
    return found


def _strings(value):
    """The probe tokens in a probe value."""
    if isinstance(value, str):
        if value.startswith("probe-"):
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def derive(module: dict) -> dict:
    """``{parameter: [{"to": path, "how": "same"|"built"}, ...]}`` for one compiled module."""
    from aiblint.armexpr import Evaluator
    from aiblint.document import Document

    definitions = module.get("definitions", {})
    result: dict[str, list[dict]] = {}
    for name, decl in module.get("parameters", {}).items():
        if name in LEFT_OUT:
            continue
        probe = _probe(name, _kind(decl, definitions))
        params = dict(BASE)
        params[name] = probe
        call = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "probe",
                "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "mode": "Incremental",
                               "parameters": {k: {"value": v} for k, v in params.items()}, "template": module}}
        doc = Document(json.dumps({"$schema": SCHEMA, "resources": [call]}))
        passed = doc.root.get("resources").items[0].get("properties").get("parameters").get(name).get("value")
        inner = doc.root.get("resources").items[0].get("properties").get("template")
        resources = inner.get("resources")
        items = resources.items if hasattr(resources, "items") and not hasattr(resources, "members") \
            else [m.value for m in resources.members]
        evaluator = Evaluator(doc.root, time_limit=30)
        places: list[tuple[str, str]] = []
        for res in items:
            rtype = res.get("type")
            if rtype is None or rtype.value.lower() != "microsoft.virtualmachineimages/imagetemplates":
                continue
            for key in ("name", "location", "tags", "identity", "properties"):
                member = res.get(key)
                if member is not None:
                    places += _paths(evaluator, probe, key, passed, member)
        seen = []
        for to, how in places:
            if {"to": to, "how": how} not in seen:
                seen.append({"to": to, "how": how})
        result[name] = seen
    return result


CORPUS = Path(os.environ.get("AIBLINT_SHARED", ROOT.parent / "shared")) / "corpus" / "real"
# The compiled module of each known version, with what tells the versions apart.
KNOWN = [
    ("0.6", "Azure__bicep-registry-modules/avm/res/virtual-machine-images/image-template/main.json",
     "0.6.0 and later: 'vnetConfig' replaces 'subnetResourceId' (the module's CHANGELOG); "
     "from Azure/bicep-registry-modules"),
    ("0.5", "Azure__avdaccelerator/avm/1.1.0/res/virtual-machine-images/image-template/main.json",
     "before 0.6.0: 'subnetResourceId', 'stagingResourceGroupResourceId', 'autoRunState'; "
     "as vendored by the AVD accelerator (avm/1.1.0)"),
    ("0.1", "Azure__avdaccelerator/avm/1.0.0/res/virtual-machine-images/image-template/main.json",
     "an early version: 'stagingResourceGroup', no 'autoRunState'; as vendored by the AVD accelerator (avm/1.0.0)"),
]


def _api_version(module: dict) -> str | None:
    """The API version of the module's imageTemplates resource (what a call of the module deploys)."""
    resources = module.get("resources", [])
    for res in resources.values() if isinstance(resources, dict) else resources:
        if str(res.get("type", "")).lower() == "microsoft.virtualmachineimages/imagetemplates":
            return res.get("apiVersion")
    return None


def build(sources: list[tuple[str, Path, str]]) -> dict:
    versions = {}
    for label, path, note in sources:
        module = json.loads(path.read_text(encoding="utf-8-sig"))
        generator = module.get("metadata", {}).get("_generator", {})
        versions[label] = {
            "note": note,
            "name": module.get("metadata", {}).get("name"),
            "templateHash": generator.get("templateHash"),
            "apiVersion": _api_version(module),
            "parameters": sorted(module.get("parameters", {})),
            "map": derive(module),
        }
    return {
        "module": "avm/res/virtual-machine-images/image-template",
        "registry": "br/public:avm/res/virtual-machine-images/image-template",
        "source": "https://github.com/Azure/bicep-registry-modules/tree/main/avm/res/virtual-machine-images/image-template",
        "derived": "tools/gen_module_map.py: each parameter probed through the compiled module (main.json)",
        "versions": versions,
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    sources = [(a.split("=", 1)[0], Path(a.split("=", 1)[1]), "") for a in argv if "=" in a]
    if not sources:
        sources = [(label, CORPUS / path, note) for label, path, note in KNOWN]
    data = build(sources)
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    if check:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is not current; run tools/gen_module_map.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
