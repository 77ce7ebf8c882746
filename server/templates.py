"""Finding Image Builder templates inside a document.

Three carriers hold an imageTemplate body:

* a raw template: the root object itself (``az resource create --properties @file``
  or ``az image builder create``), recognised by its ``type`` or, when the type
  is missing or incomplete, by ``properties`` holding ``source`` plus
  ``customize``/``distribute``;
* an ARM deployment template: every resource of type
  ``Microsoft.VirtualMachineImages/imageTemplates`` in ``resources`` (an array,
  or an object map in languageVersion 2.0 templates);
* nested deployments (``Microsoft.Resources/deployments`` with an inline
  ``properties.template``), searched recursively.

For each template the API version is resolved: a literal ``apiVersion``, or
``[parameters('x')]`` / ``[variables('y')]`` whose default is a literal; anything
else falls back to the configured default, and the template says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document.nodes import ArrayNode, Node, ObjectNode, ScalarNode

IMAGE_TEMPLATES = "microsoft.virtualmachineimages/imagetemplates"
DEPLOYMENTS = "microsoft.resources/deployments"

_PARAM_REF = re.compile(r"^\s*\[\s*(parameters|variables)\s*\(\s*'([^']*)'\s*\)\s*\]\s*$", re.I)


@dataclass
class Template:
    """One imageTemplate body found in a document."""

    node: ObjectNode
    form: str  # "raw" or "arm"
    api_version: str
    # How the version was found: "literal", "parameter", "variable" or "default".
    version_source: str
    # The ``apiVersion`` value node (None when absent).
    version_node: Node | None = None
    # The version text as written or resolved, when it is not a known version.
    unknown_version: str | None = None
    # For ARM: the deployment template (root or nested) whose parameters/variables apply.
    arm_root: ObjectNode | None = None
    # Notes for the user, e.g. that a default version was assumed.
    notes: list[str] = field(default_factory=list)

    @property
    def properties(self) -> ObjectNode | None:
        p = self.node.get("properties")
        return p if isinstance(p, ObjectNode) else None

    @property
    def version_assumed(self) -> bool:
        return self.version_source == "default"


def _str(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and node.kind == "string":
        return node.value
    return None


def declaration(arm_root: ObjectNode | None, node: Node | None) -> tuple[str, Node] | None:
    """For ``[parameters('p')]``/``[variables('v')]``: ("parameters", p's declaration) or ("variables", v's value)."""
    text = _str(node)
    if arm_root is None or text is None:
        return None
    m = _PARAM_REF.match(text)
    if not m:
        return None
    section = m.group(1).lower()
    entries = arm_root.get(section)
    entry = entries.get(m.group(2)) if isinstance(entries, ObjectNode) else None
    return (section, entry) if entry is not None else None


def resolve_reference(arm_root: ObjectNode | None, node: Node | None) -> tuple[str, Node] | None:
    """For ``[parameters('p')]``/``[variables('v')]``: (kind, node of the literal default/value)."""
    found = declaration(arm_root, node)
    if found is None:
        return None
    section, entry = found
    if section == "variables":
        return "variable", entry
    target = entry.get("defaultValue") if isinstance(entry, ObjectNode) else None
    return ("parameter", target) if target is not None else None


def is_arm_template(root: Node | None) -> bool:
    if not isinstance(root, ObjectNode):
        return False
    schema = _str(root.get("$schema")) or ""
    return "deploymenttemplate" in schema.lower() or (
        isinstance(root.get("resources"), (ArrayNode, ObjectNode)) and "properties" not in root
    )


def looks_like_raw_body(root: ObjectNode) -> bool:
    """A root without the full imageTemplates type whose properties hold a template body."""
    props = root.get("properties")
    return isinstance(props, ObjectNode) and "source" in props and ("customize" in props or "distribute" in props)


def find_templates(root: Node | None, known_versions, default_version: str) -> list[Template]:
    """Every imageTemplate body in the document rooted at ``root``."""
    if not isinstance(root, ObjectNode):
        return []
    rtype = _str(root.get("type"))
    # A body with the imageTemplates type is raw even when it carries a stray "$schema".
    if rtype is not None and rtype.lower() == IMAGE_TEMPLATES:
        return [_make(root, "raw", None, known_versions, default_version)]
    if is_arm_template(root):
        found: list[Template] = []
        _scan_arm(root, known_versions, default_version, found, depth=0)
        return found
    if looks_like_raw_body(root):
        return [_make(root, "raw", None, known_versions, default_version)]
    return []


def _resources(arm: ObjectNode) -> list[Node]:
    res = arm.get("resources")
    if isinstance(res, ArrayNode):
        return list(res.items)
    if isinstance(res, ObjectNode):
        return [m.value for m in res.members if m.value is not None]
    return []


def _scan_arm(arm: ObjectNode, known, default: str, found: list[Template], depth: int) -> None:
    if depth > 20:
        return
    for res in _resources(arm):
        if not isinstance(res, ObjectNode):
            continue
        rtype = (_str(res.get("type")) or "").lower()
        if rtype == IMAGE_TEMPLATES:
            found.append(_make(res, "arm", arm, known, default))
        elif rtype == DEPLOYMENTS:
            props = res.get("properties")
            inner = props.get("template") if isinstance(props, ObjectNode) else None
            if isinstance(inner, ObjectNode):
                _scan_arm(inner, known, default, found, depth + 1)
        # Child resources nested in a resource's own "resources" array.
        if isinstance(res.get("resources"), (ArrayNode, ObjectNode)):
            _scan_arm(res, known, default, found, depth + 1)


def _make(node: ObjectNode, form: str, arm_root: ObjectNode | None, known, default: str) -> Template:
    vnode = node.get("apiVersion")
    text = _str(vnode)
    source = "literal"
    if text is not None and text.lstrip().startswith("[") and not text.lstrip().startswith("[["):
        resolved = resolve_reference(arm_root, vnode)
        text = _str(resolved[1]) if resolved else None
        source = resolved[0] if resolved and text is not None else "default"
    elif text is None:
        source = "default"
    t = Template(node=node, form=form, api_version=default, version_source=source, version_node=vnode,
                 arm_root=arm_root)
    if source == "default":
        t.notes.append(f"API version {default} assumed")
    elif text in known:
        t.api_version = text
    else:
        t.unknown_version = text
        t.version_source = "default"
        t.notes.append(f"API version {default} assumed")
    return t
