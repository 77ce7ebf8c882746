"""Where the cursor is in a Bicep file: the imageTemplates resource around it, the path of keys
from the resource body down to the cursor, and whether a key, a value or an array item is typed.

Completion and hover in ``.bicep`` documents start here. A half-typed document
gives tree-sitter error nodes that flatten the objects around them, so the
place is found by a small scanner over the text of the resource declaration
(strings, interpolations, comments and brackets), which reads any state of
typing the same way. The objects along the path keep their literal string
members, so the catalog picks the variant of each discriminated union
(``type: 'Shell'``) exactly as it does for JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Span
from ..document.nodes import Member, ObjectNode, ScalarNode

KEY, VALUE, ITEM, TYPE_STRING, OTHER = "key", "value", "item", "type-string", "other"
RESOURCE_TYPE = "microsoft.virtualmachineimages/imagetemplates"

# A resource declaration up to its '=' (the type string is group 2, 'existing' group 3).
_DECLARATION = re.compile(rb"(?m)^[ \t]*resource[ \t]+([A-Za-z_]\w*)[ \t]+'([^'\n]*)'[ \t]*(existing\b)?[ \t]*=?")
_WORD = re.compile(rb"[A-Za-z0-9_$.\-]")
_WORDS = re.compile(rb"[A-Za-z0-9_$.\-]+")
_SKIP = re.compile(rb"(?:[ \t\r]+|//[^\n]*|/\*.*?(?:\*/|\Z))*", re.S)
_STRING_STOP = re.compile(rb"[\\'\n]|\$\{")
_ESCAPES = {b"n": b"\n", b"t": b"\t", b"r": b"\r"}
_GROUP_STOP = re.compile(rb"[\[\]{}()']|//|/\*")

# Top-level members of an ARM resource that a Bicep resource body does not take (the type string
# holds type and API version; loops and conditions are Bicep syntax).
NOT_IN_BICEP = frozenset({"type", "apiVersion", "condition", "copy", "comments", "metadata", "scope"})


@dataclass
class Frame:
    """An object or array on the way from the resource body to the cursor."""

    kind: str  # "{" or "["
    start: int  # offset of the bracket
    key: str | int | None  # the member name (or item index) it is the value of; None for the body
    indent: int  # indentation of the line it opens on
    keys: dict = field(default_factory=dict)  # object: key -> Span of the key
    strings: dict = field(default_factory=dict)  # object: key -> literal string value
    items: int = 0  # array: items started so far
    state: str = "start"  # object: start, key, colon, value; array: start, item
    pending: tuple | None = None  # object: (key, span) read, waiting for ':'
    current: str | None = None  # object: the key whose value is being read
    value_string: tuple | None = None  # object: (key, value) while the value is one literal string
    opaque: bool = False  # inside a function call or other expression: no schema here
    saved_parens: int = 0  # the open '(' of the enclosing frame


@dataclass
class BicepPlace:
    kind: str  # KEY, VALUE, ITEM, TYPE_STRING or OTHER
    frames: list  # from the resource body (frames[0]) down to the innermost container
    key: str | None = None  # VALUE: the member's name
    token_start: int = 0  # bytes of the token at the cursor (with its quotes)
    token_end: int = 0
    prefix: str = ""
    quoted: bool = False
    key_only: bool = False  # KEY: a ':' already follows the token
    # Bicep needs no commas between members (the attributes the completion builder shares with JSON).
    comma_before: int | None = None
    comma_after: bool = False
    same_line: bool = False
    space_before: bool = False  # VALUE: the ':' is right before the token (insert a space)
    type_string: str = ""  # the declaration's type string
    api_text: str | None = None  # the API version written after '@'
    symbol: str = ""  # the resource's symbolic name
    declaration: Span | None = None

    @property
    def container(self) -> Frame | None:
        return self.frames[-1] if self.frames else None


def declaration_at(data: bytes, off: int):
    """The last imageTemplates resource declaration starting before ``off`` (a regex match), or None.

    Searched backwards from ``off``: the cost is the distance to the declaration, not the file's size.
    """
    end = off
    found = None
    while found is None:
        at = data.rfind(b"resource", 0, end)
        if at < 0:
            return None
        line_start = data.rfind(b"\n", 0, at) + 1
        if not data[line_start:at].strip(b" \t"):
            m = _DECLARATION.match(data, line_start)
            if m is not None and m.start(1) < off:
                found = m
        end = at
    if found.group(3) is not None:
        return None
    rtype = found.group(2).decode("utf-8", "replace")
    if rtype.split("@", 1)[0].lower() != RESOURCE_TYPE:
        return None
    return found


def _body_start(data: bytes, i: int) -> int | None:
    """The offset of the body's '{' after the '=' of a declaration (past ``[for …:`` and ``if (…)``)."""
    n = len(data)

    def space(i):
        while i < n:
            if data[i] in b" \t\r\n":
                i += 1
            elif data.startswith(b"//", i):
                j = data.find(b"\n", i)
                i = n if j < 0 else j
            elif data.startswith(b"/*", i):
                j = data.find(b"*/", i + 2)
                i = n if j < 0 else j + 2
            else:
                break
        return i

    def balanced(i, open_, close):  # i at the opening bracket; returns after the closing one
        depth = 0
        while i < n:
            c = data[i:i + 1]
            if c == b"'":
                j = data.find(b"'", i + 1)
                i = n if j < 0 else j + 1
                continue
            if c == open_:
                depth += 1
            elif c == close:
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return None

    i = space(i)
    if data.startswith(b"[", i):
        i = space(i + 1)
        if not data.startswith(b"for", i):
            return None
        # Up to the ':' that ends the loop header (outside parentheses and strings).
        depth = 0
        while i < n:
            c = data[i:i + 1]
            if c == b"'":
                j = data.find(b"'", i + 1)
                i = n if j < 0 else j + 1
                continue
            if c in (b"(", b"["):
                depth += 1
            elif c in (b")", b"]"):
                depth -= 1
            elif c == b":" and depth == 0:
                break
            elif c == b"{" and depth == 0:
                return None
            i += 1
        i = space(i + 1)
    if data.startswith(b"if", i):
        i = space(i + 2)
        if not data.startswith(b"(", i):
            return None
        after = balanced(i, b"(", b")")
        if after is None:
            return None
        i = space(after)
    return i if data.startswith(b"{", i) else None


class _Scanner:
    """Reads the resource body token by token, keeping the frames around the current position."""

    def __init__(self, data: bytes, start: int):
        self.data = data
        self.i = start
        self.frames: list[Frame] = []
        self.parens = 0  # open '(' in the innermost frame

    def indent_of(self, at: int) -> int:
        line_start = self.data.rfind(b"\n", 0, at) + 1
        j = line_start
        while j < len(self.data) and self.data[j] in b" \t":
            j += 1
        return j - line_start

    def next_token(self):
        """(kind, start, end, value) of the next token, skipping blanks and comments (newline is a token)."""
        data, n = self.data, len(self.data)
        i = _SKIP.match(data, self.i).end()
        if i >= n:
            self.i = n
            return None
        c = data[i:i + 1]
        if c == b"\n":
            self.i = i + 1
            return ("nl", i, i + 1, None)
        if data.startswith(b"'''", i):
            j = data.find(b"'''", i + 3)
            end = n if j < 0 else j + 3
            self.i = end
            return ("string", i, end, None if j < 0 else data[i + 3:j].decode("utf-8", "replace"))
        if c == b"'":
            end, value = _string_end(data, i)
            self.i = end
            return ("string", i, end, value)
        word = _WORDS.match(data, i)
        if word is not None:
            self.i = word.end()
            return ("word", i, word.end(), word.group().decode("utf-8", "replace"))
        self.i = i + 1
        return ("punct", i, i + 1, c.decode("latin-1"))

    def feed(self, tok) -> bool:
        """Take one token into the frames; False once the body has closed."""
        kind, start, end, value = tok
        frames = self.frames
        top = frames[-1] if frames else None
        if kind == "punct" and value in "{[":
            key = None
            opaque = False
            if top is not None:
                opaque = top.opaque or self.parens > 0
                if top.kind == "{":
                    key = top.current if top.state in ("value",) else None
                    opaque = opaque or key is None
                    top.value_string = None
                else:
                    key = top.items if top.state == "start" else None
                    if top.state == "start":
                        top.items += 1
                        top.state = "item"
                    opaque = opaque or key is None
            frame = Frame(value, start, key, self.indent_of(start), opaque=opaque)
            frame.saved_parens = self.parens
            self.parens = 0
            frames.append(frame)
            if top is not None and top.kind == "{" and top.state == "value":
                top.state = "in-value"
            return True
        if kind == "punct" and value in "}]":
            if not frames:
                return False
            done = frames.pop()
            self.parens = done.saved_parens
            return bool(frames)
        if top is None:
            return True
        if kind == "punct" and value == "(":
            self.parens += 1
            top.value_string = None
            return True
        if kind == "punct" and value == ")":
            self.parens = max(self.parens - 1, 0)
            return True
        if self.parens:
            return True
        if kind == "nl" or (kind == "punct" and value == ","):
            if top.kind == "{":
                if top.value_string is not None:
                    top.strings[top.value_string[0]] = top.value_string[1]
                top.value_string = None
                top.state, top.pending, top.current = "start", None, None
            else:
                top.state = "start"
            return True
        if top.kind == "[":
            if top.state == "start":
                top.items += 1
                top.state = "item"
            return True
        # An object.
        if top.state == "start" and kind in ("word", "string"):
            if value is not None:
                top.pending = (value, Span(start, end))
            top.state = "key"
        elif top.state == "key" and kind == "punct" and value == ":":
            if top.pending is not None:
                name, span = top.pending
                top.keys[name] = span
                top.current = name
            top.state = "value"
        elif top.state == "value":
            top.state = "in-value"
            top.value_string = (top.current, value) if kind == "string" and value is not None and top.current else None
        elif top.state == "in-value":
            top.value_string = None
        return True


def _string_end(data: bytes, i: int) -> tuple[int, str | None]:
    """End of the single-quoted string at ``i`` and its literal value (None with interpolation, or
    unterminated on its line). An unterminated string ends at the end of its line."""
    n = len(data)
    j = i + 1
    out = bytearray()
    literal = True
    while True:
        stop = _STRING_STOP.search(data, j)
        if stop is None:
            return n, None
        k = stop.start()
        out += data[j:k]
        c = data[k]
        if c == 0x5C:  # backslash escape
            out += _ESCAPES.get(data[k + 1:k + 2], data[k + 1:k + 2])
            j = k + 2
        elif c == 0x27:
            return k + 1, out.decode("utf-8", "replace") if literal else None
        elif c == 0x0A:
            return k, None
        else:  # an interpolation: to its closing brace on this line (strings inside skipped)
            literal = False
            depth = 0
            j = k
            while j < n and data[j] != 0x0A:
                if data[j] == 0x7B:
                    depth += 1
                elif data[j] == 0x7D:
                    depth -= 1
                    if depth == 0:
                        break
                elif data[j] == 0x27:
                    q = data.find(b"'", j + 1)
                    j = n if q < 0 else q
                j += 1
            j += 1


def place_at(data: bytes, off: int) -> BicepPlace | None:
    """The place at byte ``off``, or None when it is not inside an imageTemplates resource body."""
    decl = declaration_at(data, off)
    if decl is None:
        return None
    type_string = decl.group(2).decode("utf-8", "replace")
    api = type_string.split("@", 1)[1] if "@" in type_string else None
    common = dict(type_string=type_string, api_text=api, symbol=decl.group(1).decode(),
                  declaration=Span(decl.start(0), decl.end(0)))
    ts = decl.start(2) - 1
    if ts < off < decl.end(2) + 1 or (off == decl.end(2) + 1 and data[decl.end(2):decl.end(2) + 1] != b"'"):
        at = data.find(b"@", ts, off)
        start = at + 1 if at >= 0 else ts + 1
        return BicepPlace(TYPE_STRING, [], token_start=start, token_end=decl.end(2),
                          prefix=data[start:off].decode("utf-8", "replace"), **common)
    if not decl.group(0).endswith(b"=") or off < decl.end(0):
        return None
    body = _body_start(data, decl.end(0))
    if body is None or body >= off:
        return None
    scanner = _Scanner(data, body)
    cursor_tok = None
    while True:
        save = scanner.i
        tok = scanner.next_token()
        if tok is None or tok[1] >= off:
            scanner.i = save
            break
        if tok[2] >= off and tok[0] in ("word", "string") and not (tok[0] == "string" and tok[2] == off and (
                data[tok[2] - 1:tok[2]] == b"'" and tok[2] - tok[1] > 1)):
            cursor_tok = tok
            scanner.i = save
            break
        if not scanner.feed(tok):
            return None  # the body closed before the cursor
    frames = scanner.frames
    if not frames:
        return None
    top = frames[-1]
    place = BicepPlace(OTHER, list(frames), token_start=off, token_end=off, **common)
    if cursor_tok is not None:
        kind, start, end, value = cursor_tok
        place.token_start, place.token_end = start, end
        if kind == "string":
            place.quoted = True
            place.prefix = data[start + 1:off].decode("utf-8", "replace")
            if data[end - 1:end] != b"'" or end - start < 2:
                # Unterminated: the token is what is typed of the word, not the rest of the line.
                j = off
                while j < len(data) and _WORD.match(data[j:j + 1]):
                    j += 1
                place.token_end = j
        else:
            place.prefix = data[start:off].decode("utf-8", "replace")
    if scanner.parens or top.opaque:
        return place
    if top.kind == "[":
        if top.state == "start":
            place.kind = ITEM
        return place
    if top.state == "start":
        place.kind = KEY
        n = place.token_end
        while n < len(data) and data[n] in b" \t":
            n += 1
        place.key_only = data[n:n + 1] == b":"
    elif top.state == "value":
        place.kind = VALUE
        place.key = top.current
        place.space_before = data[place.token_start - 1:place.token_start] == b":"
    _read_rest(scanner, top, place)
    return place


def _read_rest(scanner: _Scanner, top: Frame, place: BicepPlace) -> None:
    """Add the members after the cursor to the innermost object (its other keys and its ``type``),
    reading on while the lines are indented deeper than the line that opened it."""
    if top.kind != "{":
        return
    data = scanner.data
    # From after the token at the cursor, in the state that token leaves.
    probe = _Scanner(data, max(scanner.i, place.token_end))
    probe.frames = [Frame("{", top.start, top.key, top.indent)]
    inner = probe.frames[0]
    if place.kind != KEY:
        inner.state = "in-value"
    elif place.token_end > place.token_start:
        inner.state = "key"
    while True:
        tok = probe.next_token()
        if tok is None:
            break
        if tok[0] == "nl" and len(probe.frames) == 1:
            nxt = tok[2]
            while nxt < len(data) and data[nxt] in b" \t":
                nxt += 1
            if nxt < len(data) and data[nxt] not in b"\r\n" and probe.indent_of(nxt) <= top.indent \
                    and not data.startswith(b"//", nxt):
                break
        if tok[0] == "punct" and tok[3] in "{[(" and len(probe.frames) == 1:
            # A nested value says nothing about this object's members: skip it whole.
            probe.feed(tok)
            probe.i = _group_end(data, tok[1])
            if tok[3] != "(":
                probe.feed(("punct", probe.i, probe.i, "}"))
            else:
                probe.parens = 0
            continue
        if not probe.feed(tok):
            break
    if inner.value_string is not None:
        inner.strings[inner.value_string[0]] = inner.value_string[1]
    for k, span in inner.keys.items():
        top.keys.setdefault(k, span)
    for k, v in inner.strings.items():
        top.strings.setdefault(k, v)


def _group_end(data: bytes, i: int) -> int:
    """The offset after the bracket that closes the one at ``i`` (strings and comments skipped; the end
    of the text when it is not closed)."""
    depth = 0
    n = len(data)
    while True:
        m = _GROUP_STOP.search(data, i)
        if m is None:
            return n
        i = m.start()
        c = data[i:i + 1]
        if c in b"{[(":
            depth += 1
            i += 1
        elif c in b"}])":
            depth -= 1
            i += 1
            if depth == 0:
                return i
        elif data.startswith(b"'''", i):
            j = data.find(b"'''", i + 3)
            if j < 0:
                return n
            i = j + 3
        elif c == b"'":
            i = _string_end(data, i)[0]
        elif data.startswith(b"//", i):
            j = data.find(b"\n", i)
            i = n if j < 0 else j
        else:  # /*
            j = data.find(b"*/", i + 2)
            i = n if j < 0 else j + 2


def frame_node(frame: Frame) -> ObjectNode | None:
    """A small value node of an object frame with its literal string members (for discriminators)."""
    if frame.kind != "{":
        return None
    members = []
    for k, v in frame.strings.items():
        span = frame.keys.get(k, Span(frame.start, frame.start))
        members.append(Member(k, span, ScalarNode(span, "string", v, repr(v)), span))
    return ObjectNode(Span(frame.start, frame.start), members)


def resolve(schema, frames):
    """The catalog's :class:`Resolved` spec of the innermost frame (None outside the schema, or outside the
    body: the resource's type string has no frame)."""
    from ..catalog import lookup

    if not frames:
        return None
    res = lookup.root(schema, frame_node(frames[0]))
    for frame in frames[1:]:
        if frame.key is None:
            return None
        res = lookup.child(res, frame.key, frame_node(frame))
        if res is None:
            return None
    return res


def token_place(data: bytes, off: int) -> BicepPlace | None:
    """The place of the whole word or string under ``off`` (for hover: the cursor anywhere on it)."""
    n = len(data)
    if data[off:off + 1] == b"'" and data[off + 1:off + 2] not in (b"", b"\n"):
        off += 1  # on an opening quote
    while off < n and _WORD.match(data[off:off + 1]):
        off += 1
    return place_at(data, off)
