"""Completion in the imageTemplates resources of Bicep files, in Bicep syntax.

The same catalog answers as for JSON (properties per API version and
discriminator, type values, enums, regions, one snippet per customizer /
distribute target / validator type), written as Bicep: ``key: `` with
single-quoted values, no commas, objects and arrays over several lines. The
API version comes from the declaration's type string, and after its ``@`` the
versions are offered. Outside imageTemplates bodies nothing is offered (the
Bicep extension owns the rest of the file).
"""

from __future__ import annotations

from lsprotocol import types

from ..document.bicep import key_text, quote
from .bicep_context import ITEM, KEY, NOT_IN_BICEP, TYPE_STRING, VALUE, place_at, resolve
from .completion import ITEM_KINDS, TARGET_TITLES, Builder, _doc, holds_region, snippet_shapes
from .convert import offset

CIK = types.CompletionItemKind
# A resource body needs a name in Bicep (it is part of the declaration in ARM's sense).
REQUIRED_IN_BICEP = frozenset({"name"})


def api_version(od, place) -> str:
    """The API version of the place's declaration: its type string's, else the configured default."""
    from .. import catalog

    cat = catalog.load()
    if place.api_text in cat.versions:
        return place.api_text
    settings = getattr(od, "result_settings", None)
    default = settings.default_api_version if settings is not None else cat.newest
    return default if default in cat.versions else cat.newest


def placeholder(spec, i: int = 1) -> str:
    """A Bicep snippet for a value of ``spec`` with tab stop ``i``."""
    t = spec.type if spec is not None else "any"
    if t == "array":
        inner = f"'${i}'" if spec.items is not None and spec.items.type == "string" else f"${i}"
        return "[\n\t" + inner + "\n]"
    if spec is not None and spec.enum:
        return f"'${{{i}|" + ",".join(spec.enum) + "|}'"
    return {"string": f"'${i}'", "integer": f"${{{i}:0}}", "number": f"${{{i}:0}}",
            "boolean": f"${{{i}|true,false|}}", "object": f"{{\n\t${i}\n}}",
            "map": f"{{\n\t${i}\n}}"}.get(t, f"${i}")


def _indented(text: str) -> str:
    return text.replace("\n", "\n\t")


def complete_keys(b: Builder, place, schema, version: str) -> None:
    res = resolve(schema, place.frames)
    if res is None or res.spec.type != "object":
        return
    top = place.container
    at_root = len(place.frames) == 1
    typing = place.token_end > place.token_start
    present = {k for k, span in top.keys.items() if not (typing and span.start == place.token_start)}
    for name, prop in res.properties.items():
        if name in present or prop.read_only or (at_root and (name in NOT_IN_BICEP or prop.arm_only
                                                              and name != "dependsOn")):
            continue
        required = prop.required or (at_root and name in REQUIRED_IN_BICEP)
        key = key_text(name)
        insert = key if place.key_only else f"{key}: " + (placeholder(prop.spec) if b.snippets else "")
        detail = ("required " if required else "deprecated " if prop.deprecated else "") + (
            prop.spec.type if prop.spec else "")
        b.add(name, insert, CIK.Property, detail, _doc(res.property_location(name), version),
              sort="0" if required else "2" if prop.deprecated else "1", filter_text=name, snippet=True,
              deprecated=prop.deprecated)


def _value(b: Builder, place, label: str, text: str, kind, detail=None, doc=None, sort="1", snippet=False):
    """A value item: the filter text follows what is typed (with or without its quote)."""
    lead = " " if place.space_before else ""
    typed_quote = "'" if place.quoted else ""
    b.add(label, lead + text, kind, detail, doc, sort=sort, filter_text=typed_quote + label, snippet=snippet)


def complete_values(b: Builder, place, schema, version: str) -> None:
    from ..catalog import lookup

    res = resolve(schema, place.frames)
    if res is None:
        return
    key = place.key
    at_root = len(place.frames) == 1
    if res.union is not None and key == res.union.discriminator:
        for value in res.union.variants:
            _value(b, place, value, quote(value), CIK.EnumMember, None,
                   _doc(res.variant_location(value), version))
        return
    child = lookup.child(res, key)
    if child is None:
        return
    spec = child.spec
    if holds_region(res, key):
        _regions(b, place, version, at_root)
        return
    if child.union is not None and child.variant is None:  # e.g. source: one snippet per type
        for label, snippet, detail, doc in union_snippets(child.union, child.location, key, version):
            _value(b, place, label, snippet, CIK.Snippet, detail, doc, snippet=True)
        return
    if spec.type in ("object", "map", "array") and not place.quoted:
        if place.token_start == place.token_end:
            empty = placeholder(spec) if spec.type == "array" else "{\n\t$1\n}"
            _value(b, place, "[]" if spec.type == "array" else "{}", empty, CIK.Value, f"empty {spec.type}",
                   snippet=True)
        return
    if spec.enum:
        for value in spec.enum:
            _value(b, place, value, quote(value), CIK.EnumMember, None,
                   _doc(child.location + ("=" + value,), version))
    elif spec.type == "boolean" and not place.quoted:
        for value in ("true", "false"):
            _value(b, place, value, value, CIK.Value)


def _regions(b: Builder, place, version: str, build_region: bool) -> None:
    from ..catalog import regions

    extra = b.od.result_settings.extra_regions if getattr(b.od, "result_settings", None) else ()
    supported = regions.aib_regions(version, extra) if build_region else None
    for r in supported or list(regions.BY_NAME.values()):
        lead = " " if place.space_before else ""
        b.add(r.name, lead + quote(r.name), CIK.Value, r.display_name,
              filter_text=("'" if place.quoted else "") + f"{r.name} {r.display_name}")


def complete_items(b: Builder, place, schema, version: str) -> None:
    res = resolve(schema, place.frames)
    if res is None:
        return
    if res.location[-1:] == ("replicationRegions",):
        _regions(b, place, version, False)
        return
    if res.spec.type != "array" or res.spec.items is None:
        return
    items = res.spec.items
    if place.quoted:
        return
    if items.type == "object" and not items.is_union:  # e.g. targetRegions: an entry with its required fields
        props = [(n, p) for n, p in items.properties.items() if p.required and not p.read_only]
        body = "".join(f"\n\t{key_text(n)}: " + _indented(placeholder(p.spec, i)) for i, (n, p) in enumerate(props, 1))
        label = f"{res.location[-1]} entry"
        b.add(label, "{" + body + "\n}" if body else "{\n\t$1\n}", CIK.Snippet, f"an item of {res.location[-1]}",
              _doc(res.location + ("[]",), version), snippet=True)
        return
    if not items.is_union:
        return
    kind = ITEM_KINDS.get(tuple(res.location), "item")
    for label, snippet, detail, doc in union_snippets(items, res.location + ("[]",), kind, version):
        b.add(label, snippet, CIK.Snippet, detail, doc, filter_text=label, snippet=True)


def union_snippets(union, location, kind: str, version: str):
    """(label, snippet, detail, docs) per type of a discriminated union, in Bicep: the type and the
    properties a useful object of that type needs (e.g. "Shell customizer (inline)")."""
    for value, suffix, props in snippet_shapes(union):
        lines = [f"\t{key_text(union.discriminator)}: {quote(value)}"]
        for i, (n, p) in enumerate(props, start=1):
            lines.append(f"\t{key_text(n)}: " + _indented(placeholder(p.spec, i)))
        title = TARGET_TITLES.get(value) if kind == "target" else None
        yield ((title or f"{value} {kind}") + suffix, "{\n" + "\n".join(lines) + "\n}", f"{value} {kind}",
               _doc(location + (value,), version))


def complete_type_string(b: Builder, place) -> None:
    """After ``imageTemplates@``: the API versions, newest first."""
    from .. import catalog

    if "@" not in place.type_string:
        return
    for i, v in enumerate(reversed(catalog.load().versions)):
        b.add(v, v, CIK.Value, "Image Builder API version", sort=f"{i:02d}")


def completions(ls, od, position) -> list[types.CompletionItem]:
    from .. import catalog

    off = offset(od.doc.lines, position, ls.encoding)
    place = place_at(od.doc.data, off)
    if place is None:
        return []
    b = Builder(ls, od, place)
    if place.kind == TYPE_STRING:
        complete_type_string(b, place)
        return _marked(b.items)
    version = api_version(od, place)
    schema = catalog.load().version(version)
    if place.kind == KEY:
        complete_keys(b, place, schema, version)
    elif place.kind == VALUE and place.key:
        complete_values(b, place, schema, version)
    elif place.kind == ITEM:
        complete_items(b, place, schema, version)
    return _marked(b.items)


def _marked(items: list) -> list:
    """Items marked as Image Builder's: the Bicep extension offers its own in the same list."""
    for item in items:
        item.label_details = types.CompletionItemLabelDetails(description="Image Builder")
    return items
