"""Completion from the catalog, for the template's API version and the object's ``type``.

* key position: the properties allowed here that are not present yet, required
  ones first, each with its documentation; inserts ``"name": `` and a value
  placeholder of the right type;
* value position: allowed values (enums, type values, ``apiVersion``s, regions
  with display names, booleans); for ``source`` (and other discriminated
  objects) one snippet per type, for other objects and arrays ``{}``/``[]``;
  versions and regions for the ``defaultValue`` of the ARM parameter an
  imageTemplate uses as its ``apiVersion`` or ``location``;
* an item of ``customize``/``distribute``/``validate.inVMValidations``: one
  snippet per type with its required properties;
* an empty document: complete minimal templates (raw and ARM); an item of an
  ARM template's ``resources``: the imageTemplate resource.
"""

from __future__ import annotations

import json

from lsprotocol import types

from ..diagnostics import Span, TextEdit
from ..document.nodes import ArrayNode, ObjectNode
from ..templates import is_arm_template
from .capabilities import TRIGGER_CHARACTERS
from .context import EMPTY, ITEM, KEY, RESOURCE_TYPE, VALUE, place_at, resolve, template_for
from .convert import lsp_range, offset, text_edit

CIK = types.CompletionItemKind
PLAIN, SNIPPET = types.InsertTextFormat.PlainText, types.InsertTextFormat.Snippet

RAW_TEMPLATE = """{
\t"type": "Microsoft.VirtualMachineImages/imageTemplates",
\t"apiVersion": "${1:%(version)s}",
\t"location": "${2:westus2}",
\t"identity": {
\t\t"type": "UserAssigned",
\t\t"userAssignedIdentities": {
\t\t\t"${3:/subscriptions/<subscriptionID>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<identity>}": {}
\t\t}
\t},
\t"properties": {
\t\t"source": {
\t\t\t"type": "PlatformImage",
\t\t\t"publisher": "${4:Canonical}",
\t\t\t"offer": "${5:0001-com-ubuntu-server-jammy}",
\t\t\t"sku": "${6:22_04-lts-gen2}",
\t\t\t"version": "latest"
\t\t},
\t\t"customize": [
\t\t\t{
\t\t\t\t"type": "Shell",
\t\t\t\t"name": "${7:setup}",
\t\t\t\t"inline": ["${8:sudo apt-get update}"]
\t\t\t}
\t\t],
\t\t"distribute": [
\t\t\t{
\t\t\t\t"type": "ManagedImage",
\t\t\t\t"imageId": "${9:/subscriptions/<subscriptionID>/resourceGroups/<rg>/providers/Microsoft.Compute/images/<image>}",
\t\t\t\t"location": "${2:westus2}",
\t\t\t\t"runOutputName": "${10:image}"
\t\t\t}
\t\t]
\t}
}"""

ARM_TEMPLATE = """{
\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
\t"contentVersion": "1.0.0.0",
\t"parameters": {
\t\t"imageTemplateName": {"type": "string"},
\t\t"identityId": {"type": "string"},
\t\t"location": {"type": "string", "defaultValue": "[resourceGroup().location]"}
\t},
\t"resources": [
\t\t{
\t\t\t"type": "Microsoft.VirtualMachineImages/imageTemplates",
\t\t\t"apiVersion": "${1:%(version)s}",
\t\t\t"name": "[parameters('imageTemplateName')]",
\t\t\t"location": "[parameters('location')]",
\t\t\t"identity": {
\t\t\t\t"type": "UserAssigned",
\t\t\t\t"userAssignedIdentities": {"[parameters('identityId')]": {}}
\t\t\t},
\t\t\t"properties": {
\t\t\t\t"source": {
\t\t\t\t\t"type": "PlatformImage",
\t\t\t\t\t"publisher": "${2:Canonical}",
\t\t\t\t\t"offer": "${3:0001-com-ubuntu-server-jammy}",
\t\t\t\t\t"sku": "${4:22_04-lts-gen2}",
\t\t\t\t\t"version": "latest"
\t\t\t\t},
\t\t\t\t"customize": [
\t\t\t\t\t{"type": "Shell", "name": "${5:setup}", "inline": ["${6:sudo apt-get update}"]}
\t\t\t\t],
\t\t\t\t"distribute": [
\t\t\t\t\t{
\t\t\t\t\t\t"type": "ManagedImage",
\t\t\t\t\t\t"imageId": "[resourceId('Microsoft.Compute/images', '${7:image}')]",
\t\t\t\t\t\t"location": "[parameters('location')]",
\t\t\t\t\t\t"runOutputName": "${8:image}"
\t\t\t\t\t}
\t\t\t\t]
\t\t\t}
\t\t}
\t]
}"""

# What a type value is called in snippet titles, by the array's location.
ITEM_KINDS = {
    ("properties", "customize"): "customizer",
    ("properties", "distribute"): "target",
    ("properties", "validate", "inVMValidations"): "validator",
}
# Properties a useful item of a type needs although the API does not mark them required.
ESSENTIAL = {"File": ("sourceUri", "destination")}
# Objects whose ``name`` is a region: the items of a SharedImage target's ``targetRegions``.
REGION_ITEMS = ("targetRegions", "[]")
TARGET_TITLES = {"SharedImage": "Shared Image Gallery target", "ManagedImage": "Managed image target",
                 "VHD": "VHD target"}


def holds_region(res, key: str) -> bool:
    """Whether the value of ``key`` in the object ``res`` (a :class:`lookup.Resolved`) is a region."""
    return key == "location" or key.endswith("Region") or (key == "name" and res.location[-2:] == REGION_ITEMS)


def _plain_snippet(text: str) -> str:
    """A snippet's text with its placeholders replaced by their defaults."""
    import re

    return re.sub(r"\$\{\d+:([^}]*)\}|\$\{\d+\|([^,|]*)[^}]*\}|\$\d+", lambda m: m.group(1) or m.group(2) or "", text)


class Builder:
    def __init__(self, ls, od, place):
        self.ls = ls
        self.od = od
        self.place = place
        self.snippets = bool(ls.supports("text_document.completion.completion_item.snippet_support"))
        lines = od.doc.lines
        self.range = lsp_range(lines, Span(place.token_start, place.token_end), ls.encoding)
        self.items: list[types.CompletionItem] = []
        # A key or item typed after a value with no comma, or before one: add the missing comma.
        self.extra = None
        if place.comma_before is not None:
            at = lsp_range(lines, Span(place.comma_before, place.comma_before), ls.encoding)
            self.extra = [types.TextEdit(range=at, new_text=",")]
        self.suffix = ("," + " " * place.same_line) if place.comma_after else ""
        self.around = None  # whole-document snippets: edits removing the text around the token

    def add(self, label, insert, kind, detail=None, doc=None, sort="1", filter_text=None, snippet=False,
            whole=False, deprecated=False):
        if snippet and not self.snippets:
            insert, snippet = _plain_snippet(insert), False
        if not whole:
            insert += self.suffix
        self.items.append(types.CompletionItem(
            label=label, kind=kind, detail=detail,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc) if doc else None,
            sort_text=f"{sort}{label}", filter_text=filter_text or label,
            text_edit=types.TextEdit(range=self.range, new_text=insert),
            additional_text_edits=self.around if whole else self.extra,
            tags=[types.CompletionItemTag.Deprecated] if deprecated else None,
            insert_text_format=SNIPPET if snippet else PLAIN))


def _placeholder(spec) -> str:
    t = spec.type if spec is not None else "any"
    if t == "array" and spec.items is not None and spec.items.type == "string":
        return '["$1"]'
    if spec is not None and spec.enum:
        return '"${1|' + ",".join(spec.enum) + '|}"'
    return {"string": '"$1"', "integer": "${1:0}", "number": "${1:0}", "boolean": "${1|true,false|}",
            "array": "[$1]", "object": "{$1}", "map": "{$1}"}.get(t, "$1")


def _doc(location, version) -> str | None:
    from .. import catalog

    d = catalog.load().doc_for(location, version)
    return d.markdown() if d is not None else None


def complete_keys(b: Builder, obj: ObjectNode) -> None:
    template = template_for(b.od, obj)
    if template is None:
        return
    res = resolve(template, obj)
    if res is None or res.spec.type != "object":
        return
    present = {m.name for m in obj.members if m.key_span.end <= b.place.token_start
               or m.key_span.start >= b.place.token_end}
    for name, prop in res.properties.items():
        if name in present or prop.read_only or (prop.arm_only and template.form == "raw"):
            continue
        required = prop.required or (prop.arm_required and template.form == "arm")
        if b.place.key_only:  # renaming a key whose value is already there
            insert = f'"{name}"'
        else:
            insert = f'"{name}": ' + (_placeholder(prop.spec) if b.snippets else "")
        detail = ("required " if required else "deprecated " if prop.deprecated else "") + (
            prop.spec.type if prop.spec else "")
        b.add(name, insert, CIK.Property, detail, _doc(res.property_location(name), template.api_version),
              sort="0" if required else "2" if prop.deprecated else "1", filter_text=f'"{name}"', snippet=True,
              deprecated=prop.deprecated)


def _quoted(value: str) -> str:
    return json.dumps(value)


def complete_values(b: Builder, obj: ObjectNode, key: str) -> None:
    from .. import catalog
    from ..catalog import lookup

    template = template_for(b.od, obj)
    if template is None:
        if key == "type" and (obj.parent is None or obj.parent.key == "resources") and _could_be_template(obj):
            # A template being started by hand, or a new resource of an ARM template.
            b.add(RESOURCE_TYPE, _quoted(RESOURCE_TYPE), CIK.EnumMember, "Image Builder template",
                  _doc(("type",), catalog.load().newest), filter_text=f'"{RESOURCE_TYPE}"')
        _parameter_values(b, obj, key)
        return
    version = template.api_version
    if key == "apiVersion" and obj is template.node:
        cat = catalog.load()
        for i, v in enumerate(reversed(cat.versions)):
            b.add(v, _quoted(v), CIK.Value, "Image Builder API version", sort=f"{i:02d}",
                  filter_text=f'"{v}"')
        return
    res = resolve(template, obj)
    if res is None:
        return
    if res.union is not None and key == res.union.discriminator:
        for value in res.union.variants:
            b.add(value, _quoted(value), CIK.EnumMember, None, _doc(res.variant_location(value), version),
                  filter_text=f'"{value}"')
        return
    child = lookup.child(res, key)
    if child is None:
        return
    spec = child.spec
    if holds_region(res, key):
        _regions(b, version, obj is template.node)
        return
    if child.union is not None and child.variant is None:  # e.g. "source": one snippet per type
        _union_snippets(b, child.union, child.location, key, version)
        return
    if spec.type in ("object", "map", "array") and b.place.token_start == b.place.token_end:
        empty = "[$1]" if spec.type == "array" else "{$1}"
        b.add(empty.replace("$1", " "), empty, CIK.Value, f"empty {spec.type}", snippet=True)
        return
    if spec.enum:
        for value in spec.enum:
            b.add(value, _quoted(value), CIK.EnumMember, None,
                  _doc(child.location + ("=" + value,), version), filter_text=f'"{value}"')
    elif spec.type == "boolean":
        for value in ("true", "false"):
            b.add(value, value, CIK.Value)


def _could_be_template(obj: ObjectNode) -> bool:
    """Whether every member of ``obj`` is one an imageTemplate resource may have (not, say, a package.json)."""
    from .. import catalog

    allowed = catalog.load().version(catalog.load().newest).resource.properties
    return all(m.name in allowed for m in obj.members)


def _parameter_values(b: Builder, obj: ObjectNode, key: str) -> None:
    """API versions or regions for the ``defaultValue`` of an ARM parameter that an imageTemplate
    uses as its ``apiVersion`` or ``location``."""
    from .. import catalog

    used = _parameter_use(b.od, obj) if key == "defaultValue" else None
    if used == "apiVersion":
        for i, v in enumerate(reversed(catalog.load().versions)):
            b.add(v, _quoted(v), CIK.Value, "Image Builder API version", sort=f"{i:02d}", filter_text=f'"{v}"')
    elif used is not None:
        _regions(b, used, True)


def _parameter_use(od, obj: ObjectNode) -> str | None:
    """For the declaration ``obj`` of an ARM parameter: "apiVersion" when an imageTemplate's apiVersion
    is that parameter, the template's API version when its location is; else None."""
    from .definition import references_in

    section = obj.parent
    if not (isinstance(section, ObjectNode) and section.key == "parameters" and isinstance(obj.key, str)):
        return None
    name = obj.key.lower()
    for t in od.result.templates if od.result is not None else ():
        if t.arm_root is not section.parent:
            continue
        for member in ("apiVersion", "location"):
            for kind, ref, _ in references_in(t.node.get(member), od.doc.data):
                if kind == "parameters" and ref.lower() == name:
                    return "apiVersion" if member == "apiVersion" else t.api_version
    return None


def _regions(b: Builder, version: str, build_region: bool) -> None:
    """Region names with their display names: where Image Builder runs for the template's own
    ``location``, every Azure region elsewhere (targets may be anywhere)."""
    from ..catalog import regions

    extra = b.od.result_settings.extra_regions if getattr(b.od, "result_settings", None) else ()
    supported = regions.aib_regions(version, extra) if build_region else None
    for r in supported or list(regions.BY_NAME.values()):
        b.add(r.name, _quoted(r.name), CIK.Value, r.display_name, filter_text=f'"{r.name}" {r.display_name}')


def complete_items(b: Builder, arr: ArrayNode) -> None:
    template = template_for(b.od, arr)
    if template is None:
        return
    res = resolve(template, arr)
    if res is not None and res.location[-1:] == ("replicationRegions",):
        _regions(b, template.api_version, False)
        return
    if res is None or res.spec.type != "array" or res.spec.items is None:
        return
    items = res.spec.items
    if items.type == "object" and not items.is_union:  # e.g. targetRegions: an entry with its required fields
        props = [(n, p) for n, p in items.properties.items() if p.required and not p.read_only]
        body = ",\n".join(f'\t"{n}": ' + _placeholder(p.spec).replace("$1", f"${i}").replace("${1", "${" + str(i))
                          for i, (n, p) in enumerate(props, start=1))
        label = f"{res.location[-1]} entry"
        b.add(label, "{\n" + body + "\n}" if body else "{$1}", CIK.Snippet, f"an item of {res.location[-1]}",
              _doc(res.location + ("[]",), template.api_version), snippet=True)
        return
    if not items.is_union:
        return
    _union_snippets(b, res.spec.items, res.location + ("[]",), ITEM_KINDS.get(tuple(res.location), "item"),
                    template.api_version)


def snippet_shapes(union):
    """(type, label suffix, [(name, property)]) of the snippets for a discriminated union: per type its
    required and essential properties, the name first; a step that takes ``inline`` or ``scriptUri``
    twice, once with each (" (inline)", " (script)")."""
    for value, variant in union.variants.items():
        fields = [(n, p) for n, p in variant.properties.items()
                  if (p.required or n in ESSENTIAL.get(value, ())) and n != union.discriminator and not p.read_only]
        shapes = [("", fields)]
        if "inline" in variant.properties and "scriptUri" in variant.properties:
            shapes = [(" (inline)", fields + [("inline", variant.properties["inline"])]),
                      (" (script)", fields + [("scriptUri", variant.properties["scriptUri"]),
                                              ("sha256Checksum", variant.properties.get("sha256Checksum"))])]
        for suffix, props in shapes:
            props = [(n, p) for n, p in props if p is not None]
            if "name" in variant.properties and "name" not in [n for n, _ in props]:
                props.insert(0, ("name", variant.properties["name"]))
            yield value, suffix, props


def _union_snippets(b: Builder, union, location, kind: str, version: str) -> None:
    """One snippet per type of a discriminated union (with its required properties), e.g. "Shell
    customizer (inline)"; ``location`` is the union's schema location."""
    indent = "\t"
    for value, suffix, props in snippet_shapes(union):
        body = [f'{indent}"{union.discriminator}": "{value}"']
        for i, (n, p) in enumerate(props, start=1):
            ph = _placeholder(p.spec).replace("$1", f"${i}").replace("${1", "${" + str(i))
            body.append(f'{indent}"{n}": {ph}')
        snippet = "{\n" + ",\n".join(body) + "\n}"
        title = TARGET_TITLES.get(value) if kind == "target" else None
        label = (title or f"{value} {kind}") + suffix
        b.add(label, snippet, CIK.Snippet, f"{value} {kind}",
              _doc(location + (value,), version), filter_text=label, snippet=True)


def complete_arm_resource(b: Builder) -> None:
    """In the ``resources`` of an ARM template: the imageTemplate resource of the ARM snippet."""
    from .. import catalog

    text = ARM_TEMPLATE % {"version": catalog.load().newest}
    body = text[text.index("\t\t{"):text.rindex("\t\t}") + 3].split("\n")
    resource = "\n".join(line[2:] for line in body)
    b.add("Image Builder template resource", resource, CIK.Snippet,
          "an imageTemplate resource (its parameters: imageTemplateName, location, identityId)", snippet=True)


def complete_empty(b: Builder) -> None:
    from .. import catalog

    version = catalog.load().newest
    typed = b.od.doc.data[b.place.token_start:b.place.token_end].decode("utf-8", "replace")
    for sort, (label, text, detail) in enumerate((
            ("Image Builder template (raw)", RAW_TEMPLATE, "a complete minimal imageTemplate body"),
            ("Image Builder template (ARM deployment)", ARM_TEMPLATE,
             "an ARM template with one imageTemplate resource"))):
        # The filter text starts with what is typed, so that clients keep the item whatever the key.
        b.add(label, text % {"version": version}, CIK.Snippet, detail, snippet=True, sort=str(sort), whole=True,
              filter_text=f"{typed} {label}" if typed else label)


def completions(ls, od, position) -> list[types.CompletionItem]:
    from .diagnostics import ensure_checked

    ensure_checked(ls, od)
    if od.language == "bicep":
        from . import bicep_completion

        return bicep_completion.completions(ls, od, position)
    off = offset(od.doc.lines, position, ls.encoding)
    place = place_at(od.doc, off)
    b = Builder(ls, od, place)
    if place.kind == EMPTY or (place.kind == KEY and isinstance(place.container, ObjectNode)
                               and place.container.parent is None and not od.was_template
                               and all(place.token_start <= m.key_span.start < place.token_end
                                       for m in place.container.members)):
        if place.kind == KEY:
            # The snippet replaces the whole object. The main edit must stay on the cursor's line (LSP
            # rule), so the rest of the object is removed by additional edits.
            span = place.container.span
            before = Span(min(span.start, place.token_start), place.token_start)
            after = Span(place.token_end, max(span.end, place.token_end))
            b.around = [text_edit(od.doc.lines, TextEdit(s, ""), ls.encoding) for s in (before, after) if s.end > s.start]
        complete_empty(b)
    elif place.kind == KEY and isinstance(place.container, ObjectNode):
        complete_keys(b, place.container)
    elif place.kind == VALUE and isinstance(place.container, ObjectNode) and place.key:
        complete_values(b, place.container, place.key)
    elif place.kind == ITEM and isinstance(place.container, ArrayNode):
        arr = place.container
        if arr.key == "resources" and isinstance(arr.parent, ObjectNode) and is_arm_template(arr.parent):
            complete_arm_resource(b)
        else:
            complete_items(b, arr)
    return b.items


def setup(server) -> None:
    options = types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, options)
    def completion(ls, params: types.CompletionParams):
        od = ls.documents.get(params.text_document.uri)
        if od is None:
            return None
        return types.CompletionList(is_incomplete=False, items=completions(ls, od, params.position))
