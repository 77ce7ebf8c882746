"""Where the cursor is: the template, the schema spec there, and key/value/item position.

Completion and hover both start here. Works on half-typed documents: the value
tree keeps what could be read, and the cursor's position kind is found from the
text of the current line (JSON strings never span lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document.nodes import ArrayNode, Node, ObjectNode, find_node_at

KEY, VALUE, ITEM, EMPTY, OTHER = "key", "value", "item", "empty", "other"
RESOURCE_TYPE = "Microsoft.VirtualMachineImages/imageTemplates"


@dataclass
class Place:
    kind: str  # KEY, VALUE, ITEM, EMPTY or OTHER
    container: Node | None = None  # the object (KEY/VALUE) or array (ITEM)
    key: str | None = None  # VALUE: the member's name
    token_start: int = 0  # bytes of the token being typed (with its quotes)
    token_end: int = 0
    prefix: str = ""  # what is typed of it so far, without the quote
    quoted: bool = False
    comma_before: int | None = None  # KEY/ITEM after a value with no comma: where the comma goes
    comma_after: bool = False  # another member or item follows the token without a comma
    same_line: bool = False  # ... on the same line (the comma then takes a space after it)
    key_only: bool = False  # KEY: the token is followed by ':' (renaming a key, keep its value)


def _string_state(line: bytes, col: int) -> int | None:
    """Start of the string literal that contains column ``col`` of ``line``, else None."""
    start = None
    i = 0
    while i < col:
        c = line[i]
        if start is not None:
            if c == 0x5C:  # backslash
                i += 2
                continue
            if c == 0x22:
                start = None
        elif c == 0x22:
            start = i
        elif c == 0x2F and i + 1 < len(line) and line[i + 1] == 0x2F:  # // comment
            return None
        i += 1
    return start


def _container_at(root: Node | None, off: int, data: bytes) -> Node | None:
    """The innermost object or array whose brackets enclose ``off`` (or that is left unclosed before it)."""
    node = root
    best = None
    while node is not None:
        end = node.span.end
        if isinstance(node, (ObjectNode, ArrayNode)) and node.span.start < off and (
                off < end or (off >= end and data[end - 1:end] not in (b"}", b"]"))):
            best = node
        nxt = None
        children = ([m.value for m in node.members if m.value is not None] if isinstance(node, ObjectNode)
                    else node.items if isinstance(node, ArrayNode) else [])
        for c in children:
            if isinstance(c, (ObjectNode, ArrayNode)) and c.span.start < off and (
                    off < c.span.end or data[c.span.end - 1:c.span.end] not in (b"}", b"]")):
                nxt = c
        if nxt is not None and nxt.span.end < off and node is not best:
            nxt = None
        node = nxt
    return best


def place_at(doc, off: int) -> Place:
    """The kind of position at byte offset ``off`` of ``doc``."""
    data = doc.data
    if not data.strip():
        return Place(EMPTY, token_start=off, token_end=off)
    lines = doc.lines
    line = lines.line_of(off)
    span = lines.line_span(line)
    text = data[span.start:span.end]
    col = min(max(off - span.start, 0), len(text))
    off = span.start + col
    qs = _string_state(text, col)
    if qs is not None:
        tok_start = span.start + qs
        # The rest of the string (through its closing quote, if on this line).
        end = text.find(b'"', col)
        while end > 0 and text[end - 1] == 0x5C:
            end = text.find(b'"', end + 1)
        if end >= 0:
            tok_end = span.start + end + 1
        else:  # unterminated: only the rest of the word, not the brackets after it
            j = col
            while j < len(text) and (chr(text[j]).isalnum() or text[j] in b"_-./"):
                j += 1
            tok_end = span.start + j
        prefix = data[tok_start + 1:off].decode("utf-8", "replace")
        quoted = True
    else:
        i = col
        while i > 0 and (chr(text[i - 1]).isalnum() or text[i - 1] in b"_-."):
            i -= 1
        tok_start = span.start + i
        j = col
        while j < len(text) and (chr(text[j]).isalnum() or text[j] in b"_-."):
            j += 1
        tok_end = span.start + j
        prefix = data[tok_start:off].decode("utf-8", "replace")
        quoted = False
    # The previous significant character before the token.
    k = _before_space(data, tok_start - 1)
    prev = data[k:k + 1]
    root = doc.root
    container = _container_at(root, tok_start, data) if root is not None else None
    place = Place(OTHER, container, None, tok_start, tok_end, prefix, quoted)
    if prev == b":":
        place.kind = VALUE
        j = k - 1
        while j >= 0 and data[j] in b" \t\r\n":
            j -= 1
        if j >= 0 and data[j] == 0x22:
            q = data.rfind(b'"', 0, j)
            if q >= 0:
                place.key = data[q + 1:j].decode("utf-8", "replace")
        # A value typed on a line of its own before the next member: that member needs a comma.
        n = _skip_space(data, tok_end)
        place.comma_after = data[n:n + 1] == b'"' and b"\n" in data[tok_end:n]
        return place
    comma_missing = prev not in (b"{", b",", b"[", b"") and _ends_value(data, k, isinstance(container, ArrayNode))
    if prev in (b"{", b",", b"[") or comma_missing:
        if isinstance(container, ObjectNode):
            place.kind = KEY
        elif isinstance(container, ArrayNode):
            place.kind = ITEM
        elif prev == b"{" and root is None:
            place.kind = KEY
        if comma_missing and place.kind in (KEY, ITEM):
            place.comma_before = k + 1
    if place.kind in (KEY, ITEM):
        n = _skip_space(data, tok_end)
        nxt = data[n:n + 1]
        place.key_only = place.kind == KEY and nxt == b":"
        place.comma_after = nxt in (b'"', b"{", b"[") or (nxt.isalnum() or nxt == b"-")
        place.same_line = b"\n" not in data[tok_end:n]
    if prev == b"" and root is None:
        place.kind = EMPTY
    return place


def _before_space(data: bytes, k: int) -> int:
    """The last byte at or before ``k`` that is neither white space nor inside a comment."""
    while k >= 0:
        if data[k] in b" \t\r\n":
            k -= 1
            continue
        if data[k - 1:k + 1] == b"*/" and k >= 1:
            start = data.rfind(b"/*", 0, k - 1)
            if start >= 0:
                k = start - 1
                continue
        line_start = data.rfind(b"\n", 0, k) + 1
        line = data[line_start:k + 1]
        if b"//" in line:
            cut = _comment_start(line)
            if cut is not None:
                k = line_start + cut - 1
                continue
        return k
    return k


def _comment_start(line: bytes) -> int | None:
    """Where a ``//`` comment starts in ``line`` (outside strings), else None."""
    in_string = False
    i = 0
    while i < len(line):
        c = line[i]
        if in_string:
            if c == 0x5C:
                i += 2
                continue
            if c == 0x22:
                in_string = False
        elif c == 0x22:
            in_string = True
        elif line[i:i + 2] == b"//":
            return i
        i += 1
    return None


def _skip_space(data: bytes, n: int) -> int:
    while n < len(data) and data[n] in b" \t\r\n":
        n += 1
    return n


def _ends_value(data: bytes, k: int, in_array: bool) -> bool:
    """Whether the byte at ``k`` ends a complete value (not a key waiting for its ':')."""
    c = data[k:k + 1]
    if c in (b"}", b"]") or c.isdigit() or data[max(k - 3, 0):k + 1] in (b"true", b"null") or (
            data[max(k - 4, 0):k + 1] == b"false"):
        return True
    if c != b'"':
        return False
    # A string is a value after ':', or after '[' or ',' in an array; otherwise it is a key.
    line_start = data.rfind(b"\n", 0, k) + 1
    q = _string_state(data[line_start:k], k - line_start)
    if q is None:
        return False
    j = line_start + q - 1
    while j >= 0 and data[j] in b" \t\r\n":
        j -= 1
    before = data[j:j + 1]
    if before == b":":
        return True
    return before in (b"[", b",") and in_array


def template_for(od, node: Node | None):
    """The template whose resource object contains ``node`` (None outside templates)."""
    result = od.result
    templates = result.templates if result is not None else []
    best = None
    for t in templates:
        cur = node
        while cur is not None and cur is not t.node:
            cur = cur.parent
        if cur is t.node:
            best = t
    if best is None and node is not None and not templates:
        best = _body_being_typed(od, node)
    return best


def _body_being_typed(od, node: Node):
    """A raw body whose ``properties`` are being written but hold no ``source`` with
    ``customize``/``distribute`` yet (so not a template for the checker): the template that
    completion and hover assume, at the default API version. None for other JSON documents."""
    from .. import catalog
    from ..templates import Template

    root = node
    while root.parent is not None:
        root = root.parent
    if not (isinstance(root, ObjectNode) and isinstance(root.get("properties"), ObjectNode)):
        return None
    cat = catalog.load()
    allowed = cat.version(cat.newest).resource.properties
    rtype = root.get("type")
    if any(m.name not in allowed for m in root.members) or (
            rtype is not None and str(getattr(rtype, "value", "")).lower() not in ("", RESOURCE_TYPE.lower())):
        return None
    settings = getattr(od, "result_settings", None)
    version = settings.default_api_version if settings is not None else cat.newest
    return Template(root, "raw", version if version in cat.versions else cat.newest, "default")


def resolve(template, node: Node):
    """The catalog's :class:`Resolved` spec of ``node`` inside ``template`` (None outside its schema)."""
    from .. import catalog
    from ..catalog import lookup

    schema = catalog.load().version(template.api_version)
    path = lookup.relative_path(template.node, node)
    if path is None:
        return None
    return lookup.resolve_path(schema, path, template.node)


def node_at(doc, off: int) -> Node | None:
    """The innermost value node at byte offset ``off``."""
    return find_node_at(doc.root, off)
