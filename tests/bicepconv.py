"""Writing one imageTemplate both as an ARM template (JSON) and as Bicep, for comparing their findings.

:func:`forms` takes a parsed ARM template or raw body and returns the two texts,
or None when the template uses something the two forms do not say alike
(expression API versions, floats, ``[[`` escapes, copy loops). An ARM
``[parameters('p')]`` / ``[variables('v')]`` becomes the identifier; any other
ARM expression becomes the opaque Bicep call ``any('<the expression>')``
(the writer is the benchmark's, :func:`aiblint.lsp.bench.arm_to_bicep`).
:func:`locate` names where a diagnostic points (template, param or var, and the
path of the node below it), so the two forms' findings can be compared.
"""

from __future__ import annotations

import json
import re

from aiblint.document.nodes import ArrayNode, ObjectNode
from aiblint.lsp.bench import BICEP_TYPES, arm_to_bicep

RESOURCE = "Microsoft.VirtualMachineImages/imageTemplates"
_ANY_REF = re.compile(r"^\[(parameters|variables)\('([^']+)'\)\]$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEEP = ("name", "location", "tags", "identity", "properties")


class Unsupported(Exception):
    pass


def forms(value, api_versions, version: str | None = None) -> tuple[str, str] | None:
    """(ARM JSON text, Bicep text) of the imageTemplates in ``value``, or None.

    ``value`` is an ARM template, a raw body, or an API example (whose ``parameters.imageTemplate``
    is the body); ``version`` is the API version of a body that names none.
    """
    try:
        if isinstance(value, dict) and isinstance(value.get("parameters"), dict) and "responses" in value:
            value = value["parameters"].get("parameters")
        arm = _as_arm(value, api_versions, version)
        if arm is None:
            return None
        _scan(arm)
        return json.dumps(arm, indent=2, ensure_ascii=False), arm_to_bicep(arm, opaque=True)
    except Unsupported:
        return None


def _as_arm(value, versions, version: str | None = None) -> dict | None:
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("resources"), list):
        resources = [r for r in value["resources"] if isinstance(r, dict)
                     and str(r.get("type", "")).lower() == RESOURCE.lower()]
        params = value.get("parameters") or {}
        variables = value.get("variables") or {}
    elif str(value.get("type", "")).lower() == RESOURCE.lower() or isinstance(value.get("properties"), dict):
        resources = [dict(value, name=value.get("name", "image"),
                          apiVersion=value.get("apiVersion", version or versions[-1]))]
        params, variables = {}, {}
    else:
        return None
    if not resources or not isinstance(params, dict) or not isinstance(variables, dict):
        return None
    out = []
    for r in resources:
        api = r.get("apiVersion")
        m = _ANY_REF.match(api) if isinstance(api, str) else None
        if m is not None:  # the API version from a parameter's default or a variable
            entry = (params if m.group(1) == "parameters" else variables).get(m.group(2))
            api = entry.get("defaultValue") if m.group(1) == "parameters" and isinstance(entry, dict) else entry
        if api not in versions or "copy" in r:
            return None
        body = {"type": RESOURCE, "apiVersion": api}
        body.update((k, r[k]) for k in _KEEP if k in r)
        body.setdefault("name", "image")
        out.append(body)
    params = {k: v for k, v in params.items() if _IDENT.match(k) and isinstance(v, dict)
              and str(v.get("type", "")).lower() in BICEP_TYPES}
    variables = {k: v for k, v in variables.items() if _IDENT.match(k) and k != "copy"}
    return {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0", "parameters": params, "variables": variables, "resources": out}


def _scan(value) -> None:
    """Refuse what the two forms cannot say alike."""
    if isinstance(value, float) or (isinstance(value, str) and value.startswith("[[")):
        raise Unsupported
    if isinstance(value, str) and "\x00" in value:
        raise Unsupported
    if isinstance(value, dict):
        for k, v in value.items():
            if k.startswith("[[") or k == "copy":
                raise Unsupported
            _scan(v)
    elif isinstance(value, list):
        for v in value:
            _scan(v)


# --------------------------------------------------------------------------
# Where a diagnostic points


def locate(result, span) -> tuple:
    """("T"|"P"|"V", index or name, *path below it, "key"|"value"|"start") for a diagnostic's span."""
    root = result.document.root
    tops = {}
    if result.document.language == "bicep":
        for t in result.templates:
            tops[id(t.node)] = ("T", [x.node for x in result.templates].index(t.node))
        for m in root.members:
            if m.value is not None and id(m.value) not in tops:
                kind = "P" if isinstance(m.value, ObjectNode) and m.name in _params(result) else "V"
                tops[id(m.value)] = (kind, m.name)
    else:
        for i, t in enumerate(result.templates):
            tops[id(t.node)] = ("T", i)
        for section, kind in (("parameters", "P"), ("variables", "V")):
            obj = root.get(section) if isinstance(root, ObjectNode) else None
            if isinstance(obj, ObjectNode):
                for m in obj.members:
                    if m.value is not None:
                        tops[id(m.value)] = (kind, m.name)
    for t in result.templates:
        if span == t.version_node.span if t.version_node is not None else False:
            return ("T", [x.node for x in result.templates].index(t.node), "apiVersion")
    best = None
    stack = [(v, ()) for v in _top_nodes(root, tops)]
    while stack:
        node, _ = stack.pop()
        if node.key_span == span:
            return _path(node, tops) + ("key",)
        if node.span == span:
            return _path(node, tops) + ("value",)
        if node.span.start == span.start and best is None:
            best = _path(node, tops) + ("start",)
        if isinstance(node, ObjectNode):
            stack.extend((m.value, ()) for m in node.members if m.value is not None)
        elif isinstance(node, ArrayNode):
            stack.extend((i, ()) for i in node.items)
    return best or ("?",)


def _params(result) -> set[str]:
    view = result.document.root.arm_view.get("parameters")
    return set(view.keys())


def _top_nodes(root, tops):
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in tops:
            out.append(node)
        elif isinstance(node, ObjectNode):
            stack.extend(m.value for m in node.members if m.value is not None)
        elif isinstance(node, ArrayNode):
            stack.extend(node.items)
    return out


def _path(node, tops) -> tuple:
    keys = []
    while id(node) not in tops:
        keys.append(node.key)
        node = node.parent
    return tops[id(node)] + tuple(reversed(keys))


if __name__ == "__main__":
    # python tests/bicepconv.py TEMPLATE.json OUT.bicep: the Bicep form of an ARM template or raw body.
    import sys

    from aiblint import catalog

    source = json.loads(open(sys.argv[1], encoding="utf-8-sig").read())
    both = forms(source, catalog.load().versions)
    if both is None:
        raise SystemExit(f"{sys.argv[1]}: not convertible")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write(both[1])
