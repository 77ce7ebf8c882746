"""Document symbols: the outline of each template (source, customizers, distribute targets,
validators), nested under their resource in ARM templates."""

from __future__ import annotations

from lsprotocol import types

from ..document.nodes import ArrayNode, ObjectNode, ScalarNode
from ..templates import is_arm_template
from .convert import lsp_range

K = types.SymbolKind


def _str(node) -> str | None:
    return node.value if isinstance(node, ScalarNode) and node.kind == "string" else None


class Builder:
    def __init__(self, od, encoding):
        self.lines = od.doc.lines
        self.encoding = encoding

    def symbol(self, name, kind, node, detail=None, children=None, member_span=None):
        span = node.span
        if node.key_span is not None and node.key_span.start < span.start:
            span = type(span)(node.key_span.start, span.end)
        sel = node.key_span or node.span
        return types.DocumentSymbol(
            name=name or "(unnamed)", kind=kind, detail=detail,
            range=lsp_range(self.lines, span, self.encoding),
            selection_range=lsp_range(self.lines, sel, self.encoding),
            children=children or None)

    def template(self, node: ObjectNode, name: str) -> types.DocumentSymbol:
        props = node.get("properties")
        children = []
        if isinstance(props, ObjectNode):
            src = props.get("source")
            if isinstance(src, ObjectNode):
                children.append(self.symbol("source", K.Module, src, _str(src.get("type"))))
            children += self.items(props.get("customize"), "customize", "name", K.Function)
            children += self.items(props.get("distribute"), "distribute", "runOutputName", K.Event)
            validate = props.get("validate")
            if isinstance(validate, ObjectNode):
                kids = self.items(validate.get("inVMValidations"), "inVMValidations", "name", K.Function)
                children.append(self.symbol("validate", K.Namespace, validate, None, kids))
        children.sort(key=lambda s: (s.range.start.line, s.range.start.character))  # document order
        return self.symbol(name, K.Class, node, "imageTemplate", children)

    def items(self, arr, label, name_key, kind) -> list:
        if not isinstance(arr, ArrayNode):
            return []
        kids = []
        for i, item in enumerate(arr.items):
            if not isinstance(item, ObjectNode):
                continue
            name = _str(item.get(name_key)) or f"{label}[{i}]"
            kids.append(self.symbol(name, kind, item, _str(item.get("type"))))
        return [self.symbol(label, K.Array, arr, f"{len(arr.items)}", kids)]

    def arm(self, root: ObjectNode, depth=0) -> list:
        out = []
        for section, kind in (("parameters", K.Constant), ("variables", K.Variable)):
            obj = root.get(section)
            if isinstance(obj, ObjectNode):
                kids = [self.symbol(m.name, kind, m.value) for m in obj.members if m.value is not None]
                out.append(self.symbol(section, K.Namespace, obj, None, kids))
        res = root.get("resources")
        items = res.items if isinstance(res, ArrayNode) else (
            [m.value for m in res.members if m.value is not None] if isinstance(res, ObjectNode) else [])
        kids = []
        for r in items:
            if isinstance(r, ObjectNode):
                kids.append(self.resource(r, depth))
        if res is not None:
            out.append(self.symbol("resources", K.Array, res, f"{len(items)}", kids))
        return out

    def resource(self, r: ObjectNode, depth) -> types.DocumentSymbol:
        rtype = _str(r.get("type")) or ""
        name = _str(r.get("name")) or rtype or "resource"
        if rtype.lower() == "microsoft.virtualmachineimages/imagetemplates":
            return self.template(r, name)
        children = []
        props = r.get("properties")
        inner = props.get("template") if isinstance(props, ObjectNode) else None
        if isinstance(inner, ObjectNode) and depth < 10:
            children = self.arm(inner, depth + 1)
        sub = r.get("resources")
        if isinstance(sub, (ArrayNode, ObjectNode)) and depth < 10:
            subs = sub.items if isinstance(sub, ArrayNode) else [m.value for m in sub.members if m.value]
            children += [self.resource(x, depth + 1) for x in subs if isinstance(x, ObjectNode)]
        return self.symbol(name, K.Object, r, rtype, children)


def bicep_symbols(od, encoding) -> list[types.DocumentSymbol]:
    """One symbol per imageTemplates resource of a Bicep file (its symbolic name, the whole
    declaration), with the template's outline; the rest of the file is the Bicep server's."""
    from ..diagnostics import Span
    from .bicep_context import declaration_at

    result = od.result
    if result is None:
        return []
    b = Builder(od, encoding)
    out = []
    for t in result.templates:
        symbol = b.template(t.node, "imageTemplate")
        decl = declaration_at(od.doc.data, t.node.span.start)
        if decl is not None:
            symbol.name = decl.group(1).decode()
            symbol.detail = decl.group(2).decode("utf-8", "replace").split("/")[-1]
            symbol.range = lsp_range(b.lines, Span(decl.start(0) + len(decl.group(0)) - len(
                decl.group(0).lstrip()), t.node.span.end), encoding)
            symbol.selection_range = lsp_range(b.lines, Span(decl.start(1), decl.end(1)), encoding)
        out.append(symbol)
    return out


def document_symbols(od, encoding) -> list[types.DocumentSymbol]:
    if od.language == "bicep":
        return bicep_symbols(od, encoding)
    root = od.doc.root
    if not isinstance(root, ObjectNode):
        return []
    b = Builder(od, encoding)
    if is_arm_template(root):
        return b.arm(root)
    rtype = (_str(root.get("type")) or "").lower()
    props = root.get("properties")
    if rtype.endswith("/imagetemplates") or (isinstance(props, ObjectNode) and "source" in props):
        return b.template(root, _str(root.get("name")) or "imageTemplate").children or []
    return []


def setup(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls, params: types.DocumentSymbolParams):
        from .diagnostics import ensure_checked

        od = ls.documents.get(params.text_document.uri)
        if od is None:
            return None
        if od.language == "bicep":
            ensure_checked(ls, od)
        return document_symbols(od, ls.encoding)
