"""Finding Image Builder templates inside a document.

Four places hold an imageTemplate body:

* a raw template: the root object itself (``az resource create --properties @file``
  or ``az image builder create``), recognised by its ``type`` or, when the type
  is missing or incomplete, by ``properties`` holding ``source`` plus
  ``customize``/``distribute``;
* an ARM deployment template: every resource of type
  ``Microsoft.VirtualMachineImages/imageTemplates`` in ``resources`` (an array,
  or an object map in languageVersion 2.0 templates);
* nested deployments (``Microsoft.Resources/deployments`` with an inline
  ``properties.template``), searched recursively;
* a Bicep ``resource`` declaration of that type (found by the Bicep carrier,
  :mod:`aiblint.document.bicep`; its version is in the type string), and a Bicep
  call of the verified image-template module (``br/public:avm/res/virtual-machine-images/image-template:<v>``):
  the template it creates, built from its ``params`` by the module's mapping
  (:func:`aiblint.modules.module_template`).

For each template the API version is resolved: a literal ``apiVersion``, or
``[parameters('x')]`` / ``[variables('y')]`` whose default is a literal; anything
else falls back to the configured default, and the template says so.

When the version is not written down, :func:`settle_versions` works out the
*plausible* versions (``Template.plausible``) that the schema pass and the rules
check against: the version a parameter file next to the template sets, else the
parameter's ``allowedValues``, else the versions whose schema fits the template's
content best (:func:`content_versions`: a lower-case ``shell`` customizer or
``script`` exists only in the early previews, an ISO source only up to
2019-05-01-preview, ``stagingResourceGroup`` only from 2022-02-14, ...). A
finding is then an error only when it holds under every plausible version.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .document.nodes import ArrayNode, Node, ObjectNode, ScalarNode

IMAGE_TEMPLATES = "microsoft.virtualmachineimages/imagetemplates"
DEPLOYMENTS = "microsoft.resources/deployments"

_PARAM_REF = re.compile(r"^\s*\[\s*(parameters|variables)\s*\(\s*'([^']*)'\s*\)\s*\]\s*$", re.I)


@dataclass
class Template:
    """One imageTemplate body found in a document."""

    node: ObjectNode
    form: str  # "raw", "arm" or "bicep"
    api_version: str
    # How the version was found: "literal", "parameter", "variable", "module" (the one a module deploys)
    # or "default".
    version_source: str
    # The ``apiVersion`` value node (None when absent).
    version_node: Node | None = None
    # The version text as written or resolved, when it is not a known version.
    unknown_version: str | None = None
    # For ARM: the deployment template (root or nested) whose parameters/variables apply;
    # for Bicep: the file's params and vars in that shape.
    arm_root: ObjectNode | None = None
    # Notes for the user, e.g. that a default version was assumed.
    notes: list[str] = field(default_factory=list)
    # The API versions the template may be deployed with, oldest first (see settle_versions);
    # ``api_version`` is the newest of them.
    plausible: tuple[str, ...] = ()
    # How the versions were found, for messages ("API version 2019-05-01-preview from
    # azuredeploy.parameters.json"); None when the template writes its version.
    version_note: str | None = None
    # The document's expression evaluator (ARM templates and Bicep files; shared by its templates).
    arm: object | None = None
    # For a Bicep call of the verified image-template module: the call and the mapping version used
    # (the body is then built from the call's params, see aiblint.modules.module_template).
    module_call: object | None = None
    module_version: object | None = None
    # Key spans of the params that stand for a property of another name (no fix may rename them), and by
    # the span of each such param's value: (the property's name, the param as written).
    module_renamed: set = field(default_factory=set)
    module_names: dict = field(default_factory=dict)

    @property
    def properties(self) -> ObjectNode | None:
        p = self.node.get("properties")
        return p if isinstance(p, ObjectNode) else None

    @property
    def version_assumed(self) -> bool:
        """True when the version is not written in the template, its parameters or a parameter file."""
        return self.version_source in ("default", "inferred")

    @property
    def versions(self) -> tuple[str, ...]:
        """The versions to check against: the plausible ones, or the one version."""
        return self.plausible or (self.api_version,)


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


def find_templates(root: Node | None, known_versions, default_version: str, path: str | None = None) -> list[Template]:
    """Every imageTemplate body in the document rooted at ``root`` (``path``: the document's file, whose
    folder local module paths are relative to)."""
    if not isinstance(root, ObjectNode):
        return []
    declared = getattr(root, "declared_templates", None)
    if declared is not None:  # Bicep: the carrier found the resource declarations
        from .armexpr import Evaluator

        found = [_declared(d, root.arm_view, known_versions, default_version) for d in declared]
        calls = list(root.module_calls)
        if root.local_modules or any(c.local is not None for c in calls):
            from .modules import settle_local

            # A local path is the module when the file it names is (or, not at hand, when its path says so).
            calls = [c for c in calls + root.local_modules if c.local is None or settle_local(c, path)]
            calls.sort(key=lambda c: c.reference.span.start)
        found += [_module_call(c, root, known_versions, default_version) for c in calls]
        if found:
            evaluator = Evaluator(root.arm_view, document=root)
            for t in found:
                t.arm = evaluator
                if t.module_call is not None:  # the body's containers (spanning the params) are not text to fix
                    evaluator.sites.add(t.node.span)
                    evaluator.sites.update(t.module_renamed)
        return found
    rtype = _str(root.get("type"))
    # A body with the imageTemplates type is raw even when it carries a stray "$schema".
    if rtype is not None and rtype.lower() == IMAGE_TEMPLATES:
        return [_make(root, "raw", None, known_versions, default_version)]
    if is_arm_template(root):
        from .armexpr import Evaluator

        found: list[Template] = []
        _scan_arm(root, known_versions, default_version, found, depth=0)
        evaluator = Evaluator(root)
        for t in found:
            t.arm = evaluator
        return found
    if looks_like_raw_body(root):
        return [_make(root, "raw", None, known_versions, default_version)]
    return []


def resources(arm: ObjectNode) -> list[Node]:
    """The resources of an ARM template (a ``resources`` array, or a languageVersion 2.0 map by name)."""
    res = arm.get("resources")
    if isinstance(res, ArrayNode):
        return list(res.items)
    if isinstance(res, ObjectNode):
        return [m.value for m in res.members if m.value is not None]
    return []


def _scan_arm(arm: ObjectNode, known, default: str, found: list[Template], depth: int) -> None:
    if depth > 20:
        return
    for res in resources(arm):
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
        return t
    return _take_version(t, text, known, default)


def _take_version(t: Template, text: str, known, default: str) -> Template:
    """``t`` with the version ``text`` it gives, or the default (noted) when that is not a known version."""
    if text in known:
        t.api_version = text
    else:
        t.unknown_version = text
        t.version_source = "default"
        t.notes.append(f"API version {default} assumed")
    return t


# --------------------------------------------------------------------------
# Plausible API versions of a template whose version is not written down

# Parameter files a deployment template may come with, besides ``<name>.parameters*.json``.
_PARAMETER_FILE = re.compile(r".*\.parameters.*\.json$", re.I)
_MAX_PARAMETER_FILE = 1 << 20


def settle_versions(templates: list[Template], catalog, path: str | None = None, infer: bool = True) -> None:
    """Set ``plausible`` (and ``api_version``, the newest of them) of every template.

    A template that writes its version has just that one. Otherwise, unless
    ``infer`` is off (a configured default version applies as given), the versions
    come from, in order: parameter files next to ``path`` that set the version
    parameter, the parameter's ``allowedValues``, the template's content.
    """
    known = catalog.versions
    for t in templates:
        if not t.version_assumed or not infer:
            t.plausible = (t.api_version,)
            continue
        found = _parameter_versions(t, known, path)
        if found is not None:
            versions, t.version_note = found
            t.version_source = "parameter-file" if len(versions) == 1 else "inferred"
        else:
            versions = content_versions(t.node, catalog)
            t.version_source = "inferred"
            if len(versions) == len(known):
                t.version_note = "API version not given; checked against all API versions"
            else:
                words = catalog.describe_versions(versions)
                t.version_note = f"API version not given; the content fits API version{'s' if len(versions) > 1 else ''} {words}"
        t.plausible = versions
        t.api_version = versions[-1]
        t.notes = [t.version_note]


def _version_parameter(t: Template) -> tuple[str, ObjectNode] | None:
    """The name and declaration of the parameter ``apiVersion`` refers to, if any."""
    found = declaration(t.arm_root, t.version_node)
    if found is None or found[0] != "parameters" or not isinstance(found[1], ObjectNode):
        return None
    m = _PARAM_REF.match(t.version_node.value)
    return m.group(2), found[1]


def _parameter_versions(t: Template, known, path: str | None) -> tuple[tuple[str, ...], str] | None:
    """The versions that parameter files (else the parameter's allowedValues) give, with a note."""
    param = _version_parameter(t)
    if param is None:
        return None
    name, decl = param
    if path and t.arm_root is not None and t.arm_root.parent is None:
        declared = t.arm_root.get("parameters")
        names = {m.name.lower() for m in declared.members} if isinstance(declared, ObjectNode) else set()
        found: dict[str, list[str]] = {}
        for file, values in _parameter_files(path):
            if not set(values) <= names:
                continue  # a parameter file of another template
            value = values.get(name.lower())
            if isinstance(value, str) and value in known:
                found.setdefault(value, []).append(file)
        if found:
            versions = tuple(v for v in known if v in found)
            files = sorted({f for fs in found.values() for f in fs})
            noun = "API version" if len(versions) == 1 else "API versions"
            return versions, f"{noun} {', '.join(versions)} from {', '.join(files)}"
    allowed = decl.get("allowedValues")
    if isinstance(allowed, ArrayNode):
        values = {_str(item) for item in allowed.items}
        versions = tuple(v for v in known if v in values)
        if versions:
            return versions, f"API version not given; parameter '{name}' allows {', '.join(versions)}"
    return None


def _parameter_files(path: str) -> list[tuple[str, dict]]:
    """(file name, {lower-case parameter name: value}) of the parameter files beside ``path``."""
    folder, base = os.path.split(os.path.abspath(path))
    stem = base.rsplit(".", 1)[0].lower()
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    out = []
    for name in names:
        low = name.lower()
        if low == base.lower() or not (_PARAMETER_FILE.match(low) or low == f"{stem}.parameters.json"):
            continue
        full = os.path.join(folder, name)
        try:
            st = os.stat(full)
        except OSError:
            continue
        values = _read_parameter_file(full, st.st_mtime_ns, st.st_size)
        if values:
            out.append((name, values))
    return out


@lru_cache(maxsize=64)
def _read_parameter_file(path: str, mtime_ns: int, size: int) -> dict:
    """The parameter values of a deployment parameter file (empty when it is not one)."""
    if size > _MAX_PARAMETER_FILE:
        return {}
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        return {}
    return {k.lower(): v.get("value") for k, v in params.items() if isinstance(v, dict)}


def content_versions(node: ObjectNode, catalog) -> tuple[str, ...]:
    """The API versions whose schema fits the most of a template's version-specific content.

    Every property name, discriminator value and enum value that only some
    versions have is one piece of evidence (each distinct place counts once);
    the versions that agree with the most pieces are plausible. Names no version
    knows, and ARM expressions, say nothing. Without evidence every version is.
    """
    everything = (1 << len(catalog.versions)) - 1
    evidence: set[int] = set()

    def note(location: tuple) -> int:
        mask = catalog.availability_mask(location)
        if mask and mask != everything:
            evidence.add(mask)
        return mask

    def walk(obj: ObjectNode, loc: tuple, depth: int) -> None:
        if depth > 16:
            return
        variant = None
        kind = _str(obj.get("type"))
        if kind and not kind.startswith("[") and note(loc + (kind,)):
            variant = loc + (kind,)
        for m in obj.members:
            if m.name == "type" and variant:
                continue
            child = None
            for cand in ((variant + (m.name,)) if variant else None, loc + ("*", m.name), loc + (m.name,)):
                if cand is not None and note(cand):
                    child = cand
                    break
            if child is None:
                if catalog.availability_mask(loc + ("{}",)):
                    child = loc + ("{}",)
                else:
                    continue
            value(m.value, child, depth)

    def value(v: Node | None, loc: tuple, depth: int) -> None:
        if isinstance(v, ObjectNode):
            walk(v, loc, depth + 1)
        elif isinstance(v, ArrayNode):
            for item in v.items:
                value(item, loc + ("[]",), depth + 1)
        elif isinstance(v, ScalarNode) and v.kind == "string" and v.value and not v.value.startswith("["):
            note(loc + ("=" + v.value,))

    walk(node, (), 0)
    versions = catalog.versions
    if not evidence:
        return tuple(versions)
    scores = [sum(1 for mask in evidence if mask >> i & 1) for i in range(len(versions))]
    best = max(scores)
    return tuple(v for v, score in zip(versions, scores) if score == best)


def _declared(d, arm_view: ObjectNode, known, default: str) -> Template:
    """A template whose API version is written in its declaration (a Bicep resource type)."""
    text = d.version_node.value
    t = Template(node=d.node, form="bicep", api_version=default, version_source="literal",
                 version_node=d.version_node, arm_root=arm_view)
    return _take_version(t, text, known, default)


def _module_call(call, root: ObjectNode, known, default: str) -> Template:
    """The template a Bicep call of the verified image-template module creates (its API version is the
    one the module deploys)."""
    from .modules import module_template

    made = module_template(call, root, root.arm_view)
    t = Template(node=made.body, form="bicep", api_version=default, version_source="module",
                 arm_root=root.arm_view, module_call=call, module_version=made.version)
    t.module_renamed, t.module_names = made.renamed, made.names
    return _take_version(t, made.api_version or "", known, default)
