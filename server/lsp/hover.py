"""Hover: documentation of the key or type value under the cursor (for the template's API version),
and the rule behind any diagnostic there."""

from __future__ import annotations

from lsprotocol import types

from ..catalog import lookup
from ..diagnostics import Span
from ..document.nodes import ObjectNode, ScalarNode
from .context import node_at, resolve, template_for
from .convert import lsp_range, offset


def _doc_markdown(location, version) -> str | None:
    from .. import catalog

    cat = catalog.load()
    doc = cat.doc_for(location, version)
    return doc.markdown() if doc is not None else None


def schema_hover(od, off: int):
    """(markdown, span) for the key or value at ``off``; None when the schema says nothing."""
    node = node_at(od.doc, off)
    member_key = None
    parent = None
    if node is not None and node.key_span is not None and node.key_span.contains(off):
        member_key, parent, span = node.key, node.parent, node.key_span
    elif node is None or isinstance(node, ObjectNode):
        # A key whose value is still missing.
        obj = node if isinstance(node, ObjectNode) else None
        for m in (obj.members if obj else []):
            if m.key_span.contains(off):
                member_key, parent, span = m.name, obj, m.key_span
    if member_key is not None and isinstance(parent, ObjectNode):
        template = template_for(od, parent)
        if template is None:
            return None
        res = resolve(template, parent)
        if res is None or res.spec.type not in ("object", "map"):
            return None
        # A key of a map (the identity's resource ID under userAssignedIdentities) is documented as its value.
        if res.spec.type == "map":
            from .. import catalog

            doc = catalog.load().doc_for(res.location + ("{}",), template.api_version)
            text = doc.markdown() if doc is not None and doc.text else None  # free-form maps: nothing to say
        elif res.union is not None and member_key == res.union.discriminator:
            # The discriminator itself exists as long as the union does, whichever type is chosen.
            text = _doc_markdown(res.location + (lookup.ANY_VARIANT, member_key), template.api_version)
        else:
            text = _doc_markdown(res.property_location(member_key), template.api_version)
        return (text, span) if text else None
    if isinstance(node, ScalarNode) and node.kind == "string" and isinstance(node.parent, ObjectNode):
        template = template_for(od, node)
        if template is None:
            return None
        parent_res = resolve(template, node.parent)
        if parent_res is None:
            return None
        union = parent_res.union
        if union is not None and node.key == union.discriminator:
            # Also a type value of other API versions only (the diagnostic there says so).
            text = _doc_markdown(parent_res.variant_location(node.value), template.api_version)
            return (text, node.span) if text else None
        res = resolve(template, node)
        if res is not None and res.spec.enum and node.value in res.spec.enum:
            text = _doc_markdown(res.location + ("=" + node.value,), template.api_version)
            return (text, node.span) if text else None
    return None


def bicep_hover(od, off: int):
    """(markdown, span) for the key or type/enum value at ``off`` of a Bicep imageTemplates body."""
    from .. import catalog
    from .bicep_completion import api_version
    from .bicep_context import KEY, VALUE, resolve, token_place

    data = od.doc.data
    place = token_place(data, off)
    if place is None or place.token_end <= place.token_start or not (
            place.token_start <= off <= place.token_end):
        return None
    version = api_version(od, place)
    res = resolve(catalog.load().version(version), place.frames)
    if res is None:
        return None
    span = Span(place.token_start, place.token_end)
    if place.kind == KEY and place.key_only:
        name = data[place.token_start:place.token_end].decode("utf-8", "replace").strip("'")
        if res.spec.type != "object":
            return None
        if res.union is not None and name == res.union.discriminator:
            text = _doc_markdown(res.location + (lookup.ANY_VARIANT, name), version)
        else:
            text = _doc_markdown(res.property_location(name), version)
        return (text, span) if text else None
    if place.kind == VALUE and place.quoted and place.key:
        value = data[place.token_start + 1:place.token_end - 1].decode("utf-8", "replace")
        if res.union is not None and place.key == res.union.discriminator:
            text = _doc_markdown(res.variant_location(value), version)
            return (text, span) if text else None
        child = lookup.child(res, place.key)
        if child is not None and child.spec.enum and value in child.spec.enum:
            text = _doc_markdown(child.location + ("=" + value,), version)
            return (text, span) if text else None
    return None


def rule_hover(ls, od, off: int) -> list[str]:
    from ..rule import registry

    reg = registry()
    out = []
    for d in od.diagnostics + od.online_diagnostics():
        if d.span.start <= off <= d.span.end:
            rule = reg.get(d.code)
            if rule is not None:
                out.append(f"**{rule.code}** `{rule.name}`: {rule.summary} ([rule docs]({rule.url}))")
    return list(dict.fromkeys(out))


def setup(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls, params: types.HoverParams):
        from .diagnostics import ensure_checked

        od = ls.documents.get(params.text_document.uri)
        if od is None:
            return None
        ensure_checked(ls, od)
        off = offset(od.doc.lines, params.position, ls.encoding)
        parts = rule_hover(ls, od, off)
        found = bicep_hover(od, off) if od.language == "bicep" else schema_hover(od, off)
        span = None
        if found is not None:
            parts.append(found[0])
            span = found[1]
        if not parts:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
            range=lsp_range(od.doc.lines, span, ls.encoding) if span is not None else None)
