"""Derive where each parameter of the verified image-template module ends up in the template it creates.

Usage: python tools/gen_module_map.py [--check]  (reads the compiled modules of the shared corpus)
       python tools/gen_module_map.py LABEL=COMPILED_MAIN_JSON ... [--check]

For each compiled module (``bicep build`` of avm/res/virtual-machine-images/image-template, as
published), every parameter is given a probe value in a nested deployment that calls the module,
the module's imageTemplates resource is evaluated with aiblint's own evaluator, and the places
where the probe appears are recorded: ``same`` when the passed value itself is the property,
``built`` when the module builds the property from it, ``key`` when a passed string becomes a key.
The properties of an object parameter that is not passed whole (``vnetConfig``,
``managedIdentities``) are probed one by one (``members``), and so are, per variant, the
properties of an item of a union-array parameter (``distributions``: ``elements``, with ``unless``
for a property whose place another given property makes the module build, and ``computed`` for
what the module fills in for an item that gives only what is required). A module version whose
compiled form is not at hand is described as a known one with its parameters renamed
(``DERIVED``), from the module's published source. The result is written to
``server/modules/image_template.json`` (``--check``: compare instead, exit 1 when it differs).
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
    """Where ``probe`` appears in the evaluated resource: (path, "same"|"built"|"key")."""
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
            if any(token == m.name for token in _strings(probe)):
                found.append((f"{path}{{}}", "key"))  # the passed string is this key
            elif any(token in m.name for token in _strings(probe)):
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


def _resolve(decl: dict, definitions: dict) -> dict:
    """A declaration with its ``$ref`` followed (once per step, at most a few steps)."""
    for _ in range(4):
        if "$ref" not in decl:
            return decl
        decl = definitions.get(decl["$ref"].rsplit("/", 1)[-1], {})
    return decl


def _image_template(doc, evaluator):
    """The evaluated imageTemplates resource inside the probe call of ``doc``: {key: value node}."""
    inner = doc.root.get("resources").items[0].get("properties").get("template")
    resources = inner.get("resources")
    items = resources.items if hasattr(resources, "items") and not hasattr(resources, "members") \
        else [m.value for m in resources.members]
    for res in items:
        rtype = res.get("type")
        if rtype is not None and rtype.value.lower() == "microsoft.virtualmachineimages/imagetemplates":
            return {key: res.get(key) for key in ("name", "location", "tags", "identity", "properties")
                    if res.get(key) is not None}
    return {}


def _call(module: dict, params: dict):
    """A document holding one call of ``module`` with ``params``, and its evaluator."""
    from aiblint.armexpr import Evaluator
    from aiblint.document import Document

    call = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "probe",
            "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "mode": "Incremental",
                           "parameters": {k: {"value": v} for k, v in params.items()}, "template": module}}
    doc = Document(json.dumps({"$schema": SCHEMA, "resources": [call]}))
    return doc, Evaluator(doc.root, time_limit=30)


def _passed(doc, name: str):
    return doc.root.get("resources").items[0].get("properties").get("parameters").get(name).get("value")


def _probe_places(module: dict, params: dict, probe, passed_at) -> list[dict]:
    """Where ``probe`` (passed inside ``params``; ``passed_at(doc)`` finds its node) lands: [{to, how}]."""
    doc, evaluator = _call(module, params)
    passed = passed_at(doc)
    places: list[tuple[str, str]] = []
    for key, member in _image_template(doc, evaluator).items():
        places += _paths(evaluator, probe, key, passed, member)
    seen: list[dict] = []
    for to, how in places:
        if {"to": to, "how": how} not in seen:
            seen.append({"to": to, "how": how})
    return seen


def _members(module: dict, name: str, decl: dict, definitions: dict) -> dict:
    """For an object parameter: where each of its properties lands ({property: [{to, how}]})."""
    out = {}
    for field, fdecl in _resolve(decl, definitions).get("properties", {}).items():
        probe = _probe(f"{name}.{field}", _kind(fdecl, definitions))
        if isinstance(probe, list):
            probe = [f"probe-{name}.{field}"]  # an array of strings (resource IDs)
        params = dict(BASE)
        params[name] = {field: probe}
        out[field] = _probe_places(module, params, probe, lambda doc: _passed(doc, name).get(field))
    return out


def _elements(module: dict, name: str, decl: dict, definitions: dict) -> dict | None:
    """For an array parameter whose items are a discriminated union (the distribution targets): per
    variant, where each property of an item lands and which properties the module computes itself."""
    items = _resolve(decl.get("items", {}), definitions) if _kind(decl, definitions) == "array" else {}
    disc = items.get("discriminator")
    if not disc:
        return None
    by = disc["propertyName"]
    variants = {}
    for value, ref in disc["mapping"].items():
        fields = _resolve(ref, definitions).get("properties", {})
        required = {f: _probe(f"{name}.{f}", _kind(d, definitions)) for f, d in fields.items()
                    if f != by and not d.get("nullable")}
        minimal = {by: value, **required}
        found = {}
        for field, fdecl in fields.items():
            probe = value if field == by else _probe(f"{name}.{field}", _kind(fdecl, definitions))
            if isinstance(probe, list):
                probe = [f"probe-{name}.{field}"]
            params = dict(BASE)
            params[name] = [{**minimal, field: probe}]
            found[field] = _probe_places(module, params, probe, lambda doc: _passed(doc, name).items[0].get(field))
        for field, places in found.items():
            for target in places:
                if target["how"] == "same" and field != by:
                    unless = _unless(module, name, fields, definitions, minimal, field, target, by)
                    if unless:
                        target["unless"] = unless
        params = dict(BASE)
        params[name] = [minimal]
        doc, evaluator = _call(module, params)
        body = _image_template(doc, evaluator)
        computed = sorted({m.name for target in _element_containers(found)
                           for m in _built_elements(evaluator, body, target)})
        variants[value] = {"required": sorted(required), "map": found, "computed": computed}
    return {"by": by, "variants": variants}


def _unless(module: dict, name: str, fields: dict, definitions: dict, minimal: dict, field: str, target: dict,
            by: str) -> list[str]:
    """The other properties of an item that, when given too, make the module build ``target`` itself
    instead of passing ``field`` (a gallery image definition with a target version)."""
    out = []
    probe = _probe(f"{name}.{field}", _kind(fields[field], definitions))
    for other, odecl in fields.items():
        if other in (field, by):
            continue
        params = dict(BASE)
        params[name] = [{**minimal, field: probe, other: _probe(f"{name}.{other}", _kind(odecl, definitions))}]
        places = _probe_places(module, params, probe, lambda doc: _passed(doc, name).items[0].get(field))
        if {"to": target["to"], "how": "same"} not in places:
            out.append(other)
    return out


def _element_containers(found: dict) -> set[str]:
    """The array paths (``properties.distribute``) that a union parameter's items land in."""
    return {target["to"].split("[]", 1)[0] for places in found.values() for target in places if "[]" in target["to"]}


def _built_elements(evaluator, body: dict, path: str):
    """The members of the first item the module builds at array ``path`` in the evaluated resource (an
    array value, or a property copy loop of that name)."""
    steps = path.split(".")
    node = evaluator.evaluate(body[steps[0]]) if steps[0] in body else None
    for step in steps[1:]:
        if getattr(node, "kind", None) != "object":
            return []
        items = None
        for m in node.members:
            if m.name == "copy" and getattr(m.value, "kind", None) == "array":
                for loop in m.value.items:
                    name = loop.get("name") if getattr(loop, "kind", None) == "object" else None
                    if name is not None and name.value == step:
                        items = evaluator.copy_items(loop)
        value = node.get(step)
        node = evaluator.evaluate(value) if value is not None else None
        if items is not None:
            node = None
            break
    if items is None:
        items = node.items if getattr(node, "kind", None) == "array" else []
    item = evaluator.evaluate(items[0]) if items else None
    return item.members if getattr(item, "kind", None) == "object" else []


def derive(module: dict) -> tuple[dict, dict, dict]:
    """For one compiled module: ``{parameter: [{"to": path, "how": "same"|"built"}, ...]}``, where the
    properties of object parameters land (``members``), and per variant where the properties of the items
    of a union-array parameter land (``elements``)."""
    definitions = module.get("definitions", {})
    result: dict[str, list[dict]] = {}
    members: dict[str, dict] = {}
    elements: dict[str, dict] = {}
    for name, decl in module.get("parameters", {}).items():
        if name in LEFT_OUT:
            continue
        probe = _probe(name, _kind(decl, definitions))
        params = dict(BASE)
        params[name] = probe
        result[name] = _probe_places(module, params, probe, lambda doc: _passed(doc, name))
        union = _elements(module, name, decl, definitions)
        if union is not None:
            elements[name] = union
        elif _kind(decl, definitions) == "object" and _resolve(decl, definitions).get("properties") \
                and not any(place["how"] == "same" for place in result[name]):
            members[name] = _members(module, name, decl, definitions)
    return result, members, elements


def _fixed(module: dict) -> dict:
    """The identity's scalar properties that the module writes itself whatever is passed ({path: value})."""
    doc, evaluator = _call(module, BASE)
    identity = _image_template(doc, evaluator).get("identity")
    identity = evaluator.evaluate(identity) if identity is not None else None
    out = {}
    for m in identity.members if getattr(identity, "kind", None) == "object" else ():
        value = evaluator.evaluate(m.value)
        if getattr(value, "kind", None) == "string" and "probe" not in value.value:
            out[f"identity.{m.name}"] = value.value
    return out


def _required(module: dict) -> list[str]:
    """The parameters a call must pass: no default, not nullable."""
    definitions = module.get("definitions", {})
    return sorted(name for name, decl in module.get("parameters", {}).items()
                  if "defaultValue" not in decl and not decl.get("nullable")
                  and not _resolve(decl, definitions).get("nullable"))


CORPUS = Path(os.environ.get("AIBLINT_SHARED", ROOT.parent / "shared")) / "corpus" / "real"
# The compiled module of each known version, with what tells the versions apart.
KNOWN = [
    ("0.6", "Azure__bicep-registry-modules/avm/res/virtual-machine-images/image-template/main.json",
     "0.6.0 and later: the repository's own main.json (Bicep 0.41.2); the CHANGELOG says 0.6.0 folded "
     "'subnetResourceId' into 'vnetConfig' (with 'containerInstanceSubnetResourceId' and 'proxyVmSize') and "
     "0.6.1 changed only the lock type; from Azure/bicep-registry-modules"),
    ("0.5", "Azure__avdaccelerator/avm/1.1.0/res/virtual-machine-images/image-template/main.json",
     "before 0.6.0: API 2024-02-01 with 'autoRunState', the error handling and 'managedResourceTags', "
     "'subnetResourceId', 'stagingResourceGroupResourceId'; the build vendored by the AVD accelerator "
     "(avm/1.1.0, Bicep 0.33.13), whose hash is not among the repository's stored builds: its version is told "
     "by its parameters (the CHANGELOG starts at 0.5.2, and public calls of 0.5.2 pass these names), not by a "
     "version file"),
    ("0.1", "Azure__avdaccelerator/avm/1.0.0/res/virtual-machine-images/image-template/main.json",
     "0.1 and 0.2: API 2023-07-01, 'stagingResourceGroup', 'subnetResourceId', 'customizationSteps' required; "
     "this build (Bicep 0.26.170) is the repository's main.json at commit 0cf0926b, also vendored by the AVD "
     "accelerator (avm/1.0.0); public calls pinned to 0.1.1 and 0.2.1 pass these names ('stagingResourceGroup' "
     "with 0.2.1). The module's first source (before 'distributions') took other params and is not mapped"),
]
# Versions whose compiled module is not at hand, described as a known build with its params renamed,
# from the module's published source: (label, base label, {old name: new name}, params made optional, note).
DERIVED = [
    ("0.3", "0.1", {"stagingResourceGroup": "stagingResourceGroupResourceId"}, ["customizationSteps"],
     "0.3 and 0.4: the 0.1 build with 'stagingResourceGroup' renamed 'stagingResourceGroupResourceId' and "
     "'customizationSteps' optional, as the repository's main.bicep of that time declares them (API "
     "2023-07-01, 'subnetResourceId', no 'autoRunState'); public calls pinned to 0.3.1 and 0.4.0 pass "
     "'stagingResourceGroupResourceId' and 'subnetResourceId'. Its build hash is not known"),
]


def _renamed(entry: dict, names: dict, optional: list, note: str) -> dict:
    """A known version's entry with its params renamed (``names``) and ``optional`` no longer required."""
    text = json.dumps(entry)
    for old, new in names.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    out = json.loads(text)
    out["note"] = note
    out["templateHash"] = None
    out["parameters"] = sorted(out["parameters"])
    out["required"] = sorted(name for name in out["required"] if name not in optional)
    return out


def _api_version(module: dict) -> str | None:
    """The API version of the module's imageTemplates resource (what a call of the module deploys)."""
    resources = module.get("resources", [])
    for res in resources.values() if isinstance(resources, dict) else resources:
        if str(res.get("type", "")).lower() == "microsoft.virtualmachineimages/imagetemplates":
            return res.get("apiVersion")
    return None


def _order(label: str) -> tuple[int, ...]:
    return tuple(int(part) for part in label.split("."))


def build(sources: list[tuple[str, Path, str]], derived: bool = True) -> dict:
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
            "required": _required(module),
            "fixed": _fixed(module),
        }
        versions[label]["map"], versions[label]["members"], versions[label]["elements"] = derive(module)
    for label, base, names, optional, note in DERIVED if derived else ():
        if base in versions:
            versions[label] = _renamed(versions[base], names, optional, note)
    versions = {label: versions[label] for label in sorted(versions, key=_order, reverse=True)}
    return {
        "module": "avm/res/virtual-machine-images/image-template",
        "registry": "br/public:avm/res/virtual-machine-images/image-template",
        "source": "https://github.com/Azure/bicep-registry-modules/tree/main/avm/res/virtual-machine-images/image-template",
        "derived": "tools/gen_module_map.py: each parameter (and each property of an object parameter and of "
                   "each variant of a distribution target) probed through the compiled module (main.json)",
        "versions": versions,
    }


def main(argv: list[str]) -> int:
    check = "--check" in argv
    sources = [(a.split("=", 1)[0], Path(a.split("=", 1)[1]), "") for a in argv if "=" in a]
    derived = not sources
    if not sources:
        sources = [(label, CORPUS / path, note) for label, path, note in KNOWN]
    data = build(sources, derived)
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
