"""Go to definition and find references for ``parameters('x')`` / ``variables('y')`` in ARM templates."""

from __future__ import annotations

import re

from lsprotocol import types

from ..diagnostics import Span
from ..document.nodes import ObjectNode, ScalarNode, find_node_at
from .convert import lsp_range, offset

REF = re.compile(r"\b(parameters|variables)\s*\(\s*'([^']*)'\s*\)", re.I)
SECTIONS = {"parameters": "parameters", "variables": "variables"}


def _refs(raw: str, start: int):
    for m in REF.finditer(raw):
        at = start + len(raw[: m.start(2)].encode("utf-8"))
        yield m.group(1).lower(), m.group(2), Span(at, at + len(m.group(2).encode("utf-8")))


def references_in(node: ScalarNode, data: bytes):
    """(kind, name, span of the name) for each reference in an expression string node."""
    if not (isinstance(node, ScalarNode) and node.kind == "string" and node.is_expression):
        return
    yield from _refs(data[node.span.start:node.span.end].decode("utf-8", "replace"), node.span.start)


def key_references(member, data: bytes):
    """The same for a member whose key is an expression (``"[parameters('identityId')]": {}``)."""
    raw = data[member.key_span.start:member.key_span.end].decode("utf-8", "replace")
    if raw.startswith('"[') and not raw.startswith('"[[') and raw.endswith(']"'):
        yield from _refs(raw, member.key_span.start)


def arm_scope(node):
    """The innermost deployment template (an object with ``resources``) around ``node``."""
    while node is not None:
        if isinstance(node, ObjectNode) and "resources" in node and ("parameters" in node or "variables" in node
                                                                     or node.parent is None):
            return node
        node = node.parent
    return None


def declaration(scope: ObjectNode, kind: str, name: str):
    section = scope.get(kind)
    if not isinstance(section, ObjectNode):
        return None
    member = section.member(name)
    if member is None:
        low = name.lower()  # ARM names are case-insensitive
        member = next((m for m in section.members if m.name.lower() == low), None)
    return member


def target_at(od, off: int):
    """(scope, kind, name) for the reference or declaration under the byte offset ``off``."""
    root = od.doc.root
    node = find_node_at(root, off)
    if node is None:
        return None
    refs = list(references_in(node, od.doc.data))
    for kind, name, span in refs:
        if span.start <= off <= span.end:
            return arm_scope(node), kind, name
    if len(refs) == 1 and node.span.contains(off):
        kind, name, _ = refs[0]
        return arm_scope(node), kind, name
    parent = node.parent
    on_key = node.key_span is not None and node.key_span.contains(off) and isinstance(parent, ObjectNode)
    if on_key:  # a key that is an expression
        member = next((m for m in parent.members if m.key_span == node.key_span), None)
        refs = list(key_references(member, od.doc.data)) if member is not None else []
        for kind, name, span in refs:
            if span.start <= off <= span.end or len(refs) == 1:
                return arm_scope(node), kind, name
    # On a declaration's key.
    if on_key:
        section = parent.key
        if section in SECTIONS and isinstance(parent.parent, ObjectNode):
            return parent.parent, section, node.key
    return None


def setup(server) -> None:
    def target(ls, params):
        """The open document and the (scope, kind, name) reference at the request's position, or None."""
        od = ls.documents.get(params.text_document.uri)
        if od is None or od.language == "bicep":  # ARM references only
            return None
        found = target_at(od, offset(od.doc.lines, params.position, ls.encoding))
        if not found or found[0] is None:
            return None
        return od, found

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls, params: types.DefinitionParams):
        hit = target(ls, params)
        if hit is None:
            return None
        od, found = hit
        member = declaration(*found)
        if member is None:
            return None
        return types.Location(uri=od.uri, range=lsp_range(od.doc.lines, member.key_span, ls.encoding))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls, params: types.ReferenceParams):
        hit = target(ls, params)
        if hit is None:
            return None
        od, (scope, kind, name) = hit
        low = name.lower()
        spans = []
        member = declaration(scope, kind, name)
        if member is not None and params.context.include_declaration:
            spans.append(member.key_span)
        for node in scope.walk():
            if arm_scope(node) is not scope and node is not scope:
                continue
            found = list(references_in(node, od.doc.data))
            if isinstance(node, ObjectNode):
                for m in node.members:
                    found += key_references(m, od.doc.data)
            for k, n, span in found:
                if k == kind and n.lower() == low:
                    spans.append(span)
        spans.sort(key=lambda s: s.start)
        return [types.Location(uri=od.uri, range=lsp_range(od.doc.lines, s, ls.encoding)) for s in spans]
