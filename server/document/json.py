"""The JSON/JSONC carrier: the value tree from tree-sitter-json, a tolerant reader, and fixes as JSON.

A clean tree-sitter tree is converted directly (:class:`JsonTreeBuilder`). For
a broken one, tree-sitter-json recovers from errors, but its ``ERROR``/``MISSING`` nodes say
little about *what* is wrong. This reader walks the text with a small token
scanner and a recovering recursive-descent parser, and returns both

* the value tree (everything that could be read is kept: a member whose value
  is missing has ``value`` None, an unclosed object ends where the text ends),
* :class:`Problem` s: one per real mistake, with a specific message at the
  exact place (missing comma, unclosed brace, single quotes, ...).

Parts of the document that tree-sitter parsed without error (whole objects and
arrays) are not scanned again: the reader takes them as one token and builds
them from the syntax tree, so the cost follows the broken parts, not the file.
"""

from __future__ import annotations

import bisect
import gc
import json
import re
from functools import lru_cache
from itertools import accumulate

from ..diagnostics import Fix, Related, Span, TextEdit, new_span
from .carrier import Carrier, Problem, char_byte_offsets
from .nodes import ArrayNode, Member, Node, ObjectNode, ScalarNode, attach
from .treesitter import error_spans, ts_parser

MAX_DEPTH = 128

INVALID_JSON = "AIB100"
TYPOGRAPHIC_QUOTE = "AIB101"
TRAILING_COMMA = "AIB102"


_CONTROL_TEXT = re.compile(r"[\x00-\x1f]")
_CURLY = rb"\xe2\x80[\x98\x99\x9c\x9d]"  # ‘ ’ “ ”
# Spaces JSON does not allow between tokens: NBSP, BOM, the U+2000 block, ideographic space.
_ODD_SPACE = rb"\xc2\xa0|\xef\xbb\xbf|\xe2\x80[\x80-\x8b\xa8\xa9\xaf]|\xe3\x80\x80"

_TOKEN = re.compile(
    rb"(?P<ws>[ \t\r\n]+)"
    rb"|(?P<lc>//[^\r\n]*)"
    rb"|(?P<bc>/\*.*?(?:\*/|\Z))"
    rb"|(?P<punct>[{}\[\]:,])"
    rb'|(?P<str>"(?:[^"\\\r\n]|\\[^\r\n])*")'
    rb'|(?P<ustr>"(?:[^"\\\r\n]|\\[^\r\n])*\\?)'
    rb"|(?P<curly>" + _CURLY + rb'(?:(?!' + _CURLY + rb')[^"\\\r\n])*(?:' + _CURLY + rb'|"))'
    rb"|(?P<sq>'(?:[^'\\\r\n]|\\[^\r\n])*')"
    rb"|(?P<space>" + _ODD_SPACE + rb")"
    rb"|(?P<word>(?:(?!" + _CURLY + rb"|" + _ODD_SPACE + rb"|//|/\*)[^ \t\r\n{}\[\]:,\"'])+)"
    rb"|(?P<other>" + _CURLY + rb"|.)",
    re.S,
)
_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
_ESCAPE = re.compile(rb'\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})|(\\u[0-9A-Fa-f]{0,3}|\\(?:[\xc0-\xf7][\x80-\xbf]{0,3}|.)?)')
_MIXED_CLOSE = re.compile(rb'\xe2\x80\x9d[ \t]*[,:][ \t]*"\Z')
_DELIMITER = re.compile(rb"[ \t]*(?:[,:}\]\r\n]|\Z)")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*\Z")
_CURLY_ANY = re.compile(_CURLY)

# Token kinds that can stand for a property name (after their own problem is reported).
_KEYISH = frozenset(("str", "curly", "sq", "ustr", "word"))
_VALUE_START = frozenset(("str", "curly", "sq", "ustr", "word", "num", "lit", "clean", "{", "["))


def _show(raw: bytes, limit: int = 30) -> str:
    text = raw.decode("utf-8", "replace")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CONTROL = re.compile(rb"[\x00-\x1f]")
_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0C: "\\f"}


def string_problems(raw: bytes, base: int) -> list[Problem]:
    """Problems inside a string token starting at byte ``base``: bad escapes, raw control characters."""
    found = []
    m = _CONTROL.search(raw)
    if m is not None:
        at = base + m.start()
        c = raw[m.start()]
        if c in (0x0A, 0x0D):
            found.append(Problem(INVALID_JSON, "Line break inside a string: is the closing '\"' missing?", Span(base, at)))
        else:
            escape = _ESCAPES.get(c, f"\\u{c:04x}")
            found.append(Problem(INVALID_JSON, f"Control character U+{c:04X} inside a string; write it as '{escape}'",
                                 Span(at, at + 1), fix=Fix(f"Replace with '{escape}'", (TextEdit(Span(at, at + 1), escape),))))
    if b"\\" in raw:
        found.extend(escape_problems(raw, base))
    return found


def escape_problems(raw: bytes, base: int) -> list[Problem]:
    """Problems for the invalid escape sequences in a string token starting at byte ``base``."""
    found = []
    for m in _ESCAPE.finditer(raw):
        if m.group(1) is not None:
            found.append(Problem(INVALID_JSON, f"Invalid escape sequence '{_show(m.group(1))}' in a string",
                                 Span(base + m.start(), base + m.end())))
    return found


class _Token:
    __slots__ = ("kind", "start", "end", "value")

    def __init__(self, kind: str, start: int, end: int, value=None):
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value


class TolerantReader:
    """Reads a broken JSON text into value nodes plus problems.

    ``clean`` maps the start byte of every error-free tree-sitter object/array
    found among the broken parts to its tree-sitter node; ``build_clean(ts_node,
    depth) -> Node`` turns such a node into values.
    """

    def __init__(self, data: bytes, clean: dict | None = None, build_clean=None):
        self.data = data
        self.clean = clean or {}
        self.build_clean = build_clean
        self.problems: list[Problem] = []
        self.pos = 0
        self.ahead: list[_Token] = []
        self.depth_reported = False
        self.eof_problem: Problem | None = None
        self.stack: list[str] = []  # open containers: "{", "[" (implicit objects too)
        self.unterminated_ends: set[int] = set()  # where unterminated strings end (at the line end)
        self.tok = self._scan()

    # -- tokens -------------------------------------------------------------

    def problem(self, message: str, start: int, end: int, code: str = INVALID_JSON, related=(), fix=None) -> None:
        self.problems.append(Problem(code, message, Span(start, end), tuple(related), fix))

    def _scan(self) -> _Token:
        data = self.data
        n = len(data)
        while True:
            pos = self.pos
            if pos >= n:
                return _Token("eof", n, n)
            ts = self.clean.get(pos)
            if ts is not None:
                self.pos = ts.end_byte
                return _Token("clean", pos, ts.end_byte, ts)
            m = _TOKEN.match(data, pos)
            kind = m.lastgroup
            end = m.end()
            self.pos = end
            if kind == "ws" or kind == "lc":
                continue
            if kind == "bc":
                if not data.endswith(b"*/", 0, end) or end - pos < 4:
                    self.problem("Unterminated comment: '/*' has no closing '*/'", pos, pos + 2)
                    # The comment runs to the end: containers left open are part of this one mistake.
                    self.eof_problem = self.problems[-1]
                continue
            if kind == "punct":
                return _Token(chr(data[pos]), pos, end)
            if kind == "str":
                raw = data[pos:end]
                if b"\xe2\x80\x9d" in raw:
                    m = _MIXED_CLOSE.search(raw)
                    if m is not None:
                        # "abc”, "next": the string was closed with a typographic quote.
                        self.pos = pos + m.start() + 3
                        return self._curly(pos, self.pos)
                if b"\\" in raw or _CONTROL.search(raw):
                    self.problems.extend(string_problems(raw, pos))
                return _Token("str", pos, end, decode_json_string(raw.decode("utf-8", "replace")))
            if kind == "word":
                return self._word(pos, end)
            if kind == "ustr":
                return self._unterminated(pos, end)
            if kind == "curly":
                return self._curly(pos, end)
            if kind == "sq":
                raw = data[pos:end]
                inner = raw[1:-1]
                fix = None
                if b'"' not in inner and b"\\" not in inner:
                    fix = Fix("Use double quotes", (TextEdit(Span(pos, end), '"' + inner.decode("utf-8", "replace") + '"'),))
                self.problem("Strings must use double quotes, not single quotes", pos, end, fix=fix)
                return _Token("sq", pos, end, inner.decode("utf-8", "replace"))
            if kind == "space":
                char = data[pos:end].decode("utf-8", "replace")
                self.problem(f"Invalid whitespace character U+{ord(char):04X}; JSON allows only spaces, tabs and line breaks",
                             pos, end, fix=Fix("Replace with a space", (TextEdit(Span(pos, end), " "),)))
                continue
            # "other": a lone typographic quote or a stray character
            raw = data[pos:end]
            if len(raw) == 3:
                self.problem(f"Typographic quote '{_show(raw)}' where JSON needs a straight double quote '\"'",
                             pos, end, code=TYPOGRAPHIC_QUOTE)
                continue
            return _Token("bad", pos, end, raw)

    def _word(self, pos: int, end: int) -> _Token:
        raw = self.data[pos:end]
        if raw in (b"true", b"false", b"null"):
            return _Token("lit", pos, end, raw)
        if _NUMBER.match(raw):
            return _Token("num", pos, end, raw)
        return _Token("word", pos, end, raw)

    def _unterminated(self, pos: int, end: int) -> _Token:
        raw = self.data[pos:end]
        m = _CURLY_ANY.search(raw, 1)
        if m is not None:
            # "abc” : opened straight, closed typographic.
            self.pos = pos + m.end()
            return self._curly(pos, self.pos)
        self.problems.append(Problem(INVALID_JSON, "Unterminated string: missing closing '\"'", Span(pos, end),
                                     supersedes=True))
        self.unterminated_ends.add(end)
        return _Token("ustr", pos, end, decode_json_string(raw.decode("utf-8", "replace")))

    def _curly(self, pos: int, end: int) -> _Token:
        raw = self.data[pos:end]
        open_q = raw[:1] if raw[:1] == b'"' else raw[:3]
        close_q = raw[-1:] if raw.endswith(b'"') else raw[-3:]
        inner = raw[len(open_q) : len(raw) - len(close_q)]
        text = inner.decode("utf-8", "replace")
        fix = None
        # “text" followed by more text: where the string really ends is unclear.
        sure_end = close_q != b'"' or _DELIMITER.match(self.data, end) is not None
        if sure_end and b'"' not in inner and b"\\" not in inner:
            fix = Fix("Replace with straight quotes", (TextEdit(Span(pos, end), '"' + text + '"'),))
        curly = [q.decode() for q in (open_q, close_q) if q != b'"']
        if len(curly) == 2:
            msg = f"Typographic quotes {curly[0]} {curly[1]} around a string; JSON needs straight double quotes '\"'"
        else:
            msg = f"Typographic quote {curly[0]} in place of '\"' around a string"
        self.problem(msg, pos, end, code=TYPOGRAPHIC_QUOTE, fix=fix)
        return _Token("curly", pos, end, text)

    def advance(self) -> None:
        self.tok = self.ahead.pop(0) if self.ahead else self._scan()

    def peek(self) -> _Token:
        """The token after the current one."""
        if not self.ahead:
            self.ahead.append(self._scan())
        return self.ahead[0]

    # -- grammar ------------------------------------------------------------

    def read(self) -> Node | None:
        """The document's value tree; problems are collected in ``self.problems``."""
        tok = self.tok
        if tok.kind == "eof":
            self.problem("Empty document: expected a JSON value", 0, 0)
            return None
        root = None
        while root is None and self.tok.kind != "eof":
            tok = self.tok
            if tok.kind in _KEYISH and self.peek().kind == ":":
                self.problem(f"Missing '{{' before property {self._name_text(tok)}: properties belong inside an object",
                             tok.start, tok.end)
                root = self._object(tok, depth=1, implicit=True)
            elif tok.kind in _VALUE_START:
                root = self._value(depth=0)
                if tok.kind != "word":
                    break  # a bad word was reported; a value may still follow it
            else:
                self.problem(f"Unexpected {self._describe(tok)}; expected a JSON value", tok.start, tok.end)
                self.advance()
        if self.tok.kind != "eof":
            start = self.tok.start
            end = len(self.data.rstrip())
            self.problem("Unexpected text after the end of the JSON value", start, max(end, self.tok.end))
        return root

    def _describe(self, tok: _Token) -> str:
        if tok.kind == "eof":
            return "end of document"
        return "'" + _show(self.data[tok.start : tok.end]) + "'"

    def _name_text(self, tok: _Token) -> str:
        return '"' + (tok.value if isinstance(tok.value, str) else _show(self.data[tok.start : tok.end])) + '"'

    def _value(self, depth: int) -> Node | None:
        tok = self.tok
        k = tok.kind
        if k == "{":
            return self._object(tok, depth + 1)
        if k == "[":
            return self._array(tok, depth + 1)
        self.advance()
        span = Span(tok.start, tok.end)
        if k in ("str", "curly", "sq", "ustr"):
            return ScalarNode(span, "string", tok.value, self.data[tok.start : tok.end].decode("utf-8", "replace"))
        if k == "num":
            raw = tok.value.decode()
            return ScalarNode(span, "number", number_value(raw), raw)
        if k == "lit":
            raw = tok.value.decode()
            return ScalarNode(span, "null" if raw == "null" else "boolean", {"true": True, "false": False}.get(raw), raw)
        if k == "clean":
            return self.build_clean(tok.value, depth)
        if k == "word":
            self._bad_value(tok)
        return None

    def _bad_value(self, tok: _Token) -> None:
        raw: bytes = tok.value
        word = _show(raw)
        low = raw.lower()
        if low in (b"true", b"false", b"null"):
            msg = f"Invalid literal '{word}': JSON literals are lower case ('{low.decode()}')"
            fix = Fix(f"Replace with '{low.decode()}'", (TextEdit(Span(tok.start, tok.end), low.decode()),))
            self.problem(msg, tok.start, tok.end, fix=fix)
        elif low.lstrip(b"+-") in (b"nan", b"infinity", b"inf"):
            self.problem(f"Invalid number '{word}': JSON has no NaN or Infinity", tok.start, tok.end)
        elif raw[:1] in b"+-.0123456789":
            self.problem(f"Invalid number '{word}'", tok.start, tok.end)
        else:
            self.problem(f"Expected a value, found '{word}' (a string needs double quotes)", tok.start, tok.end)

    def _too_deep(self, open_tok: _Token) -> None:
        if not self.depth_reported:
            self.depth_reported = True
            self.problem(f"Nesting deeper than {MAX_DEPTH} levels; the values inside are not checked",
                         open_tok.start, open_tok.end)
        level = 0
        while True:
            k = self.tok.kind
            if k in ("{", "["):
                level += 1
            elif k in ("}", "]"):
                level -= 1
                if level == 0:
                    self.advance()
                    return
            elif k == "eof":
                return
            self.advance()

    def _comma(self, tok, need_comma: bool, close: str, noun: str) -> None:
        """Consume a ',' inside an object or array: report it when stray, or when ``close`` follows it."""
        self.advance()
        if not need_comma:
            self.problem("Unexpected ','", tok.start, tok.end,
                         fix=Fix("Remove the comma", (TextEdit(Span(tok.start, tok.end), ""),)))
        elif self.tok.kind == close:
            self.problem(f"Trailing comma after the last {noun}", tok.start, tok.end, code=TRAILING_COMMA,
                         fix=Fix("Remove the trailing comma", (TextEdit(Span(tok.start, tok.end), ""),)))

    def _unclosed(self, open_tok: _Token, found: _Token) -> None:
        close = "}" if open_tok.kind == "{" else "]"
        if found.kind == "eof":
            if self.eof_problem is not None:
                # One problem for the document ending early; the outer openers become related places.
                p = self.eof_problem
                p.related = p.related + (Related(Span(open_tok.start, open_tok.end), f"'{open_tok.kind}' opened here is not closed either"),)
                return
            related = (Related(Span(found.start, found.start), f"the document ends here without '{close}'"),)
            msg = f"'{open_tok.kind}' is never closed: expected '{close}'"
            self.problem(msg, open_tok.start, open_tok.end, related=related)
            self.eof_problem = self.problems[-1]
            return
        else:
            related = (Related(Span(found.start, found.end), f"'{found.kind}' found here"),)
            msg = f"'{open_tok.kind}' is not closed: expected '{close}' before '{found.kind}'"
        self.problem(msg, open_tok.start, open_tok.end, related=related)

    def _object(self, open_tok: _Token, depth: int, implicit: bool = False) -> ObjectNode | None:
        """An object from ``{`` (or, ``implicit``, from a property written where a value belongs)."""
        if depth > MAX_DEPTH:
            self._too_deep(open_tok)
            return None
        if not implicit:
            self.advance()
        members: list[Member] = []
        self.stack.append("{")
        need_comma = False
        quiet = False  # just skipped over an unexpected token: no "missing comma" on top of it
        last_end = open_tok.end
        end = None
        while end is None:
            tok = self.tok
            k = tok.kind
            if k == "}":
                end = tok.end
                self.advance()
                break
            if k == "eof" or (k == "]" and "[" in self.stack):
                if not implicit:
                    self._unclosed(open_tok, tok)
                end = last_end
                break
            if k == ",":
                self._comma(tok, need_comma, "}", "property")
                need_comma = False
                continue
            is_key = k in _KEYISH and (k != "word" or self.peek().kind == ":")
            if need_comma:
                if not is_key:
                    self.problem(f"Unexpected {self._describe(tok)}; expected ',' or '}}'", tok.start, tok.end)
                    self._skip_to_member(depth)
                    quiet = True
                    continue
                if not quiet:
                    self.problem("Expected ',' between properties", last_end, last_end,
                                 fix=Fix("Insert ','", (TextEdit(Span(last_end, last_end), ","),), safe=False))
            quiet = False
            if not is_key:
                if k == ":":
                    self.problem("Expected a property name before ':'", tok.start, tok.end)
                    self.advance()
                    if self.tok.kind in _VALUE_START:
                        self._value(depth)
                elif k == "word":
                    self._bad_key_or_value(tok)
                    self.advance()
                else:
                    self.problem(f"Expected a property name in double quotes, found {self._describe(tok)}", tok.start, tok.end)
                    self._skip_value(depth)
                need_comma = True
                last_end = tok.end
                continue
            member = self._member(tok, depth)
            members.append(member)
            last_end = member.span.end
            # A missing value before the next property is one mistake, not also a missing comma.
            need_comma = not (member.value is None and self.tok.kind in _KEYISH and self.peek().kind == ":")
            # An unterminated string runs to the end of its line, over the comma that followed it.
            quiet = last_end in self.unterminated_ends
        self.stack.pop()
        obj = ObjectNode(Span(open_tok.start, end), members)
        for m in members:
            if m.value is not None:
                attach(obj, m.value, m.name, m.key_span)
        return obj

    def _bad_key_or_value(self, tok: _Token) -> None:
        self.problem(f"Expected a property name in double quotes, found '{_show(tok.value)}'", tok.start, tok.end)

    def _member(self, key_tok: _Token, depth: int) -> Member:
        if key_tok.kind == "word":
            word = key_tok.value.decode("utf-8", "replace")
            fix = None
            if _IDENT.match(word):
                fix = Fix("Put the name in double quotes", (TextEdit(Span(key_tok.start, key_tok.end), f'"{word}"'),))
            self.problem(f"Property name '{_show(key_tok.value)}' must be in double quotes", key_tok.start, key_tok.end, fix=fix)
            name = word
        else:
            name = key_tok.value
        key_span = Span(key_tok.start, key_tok.end)
        self.advance()
        end = key_tok.end
        value = None
        tok = self.tok
        if tok.kind == ":":
            end = tok.end
            self.advance()
            tok = self.tok
            if tok.kind in _VALUE_START and not (tok.kind in _KEYISH and self.peek().kind == ":"):
                value = self._value(depth)
                end = tok.end if value is None else value.span.end
            else:
                self.problem(f"Expected a value for property \"{name}\"", end, end)
        elif tok.kind in _VALUE_START and not (tok.kind in _KEYISH and self.peek().kind == ":"):
            self.problem(f"Expected ':' after property name \"{name}\"", key_tok.end, key_tok.end,
                         fix=Fix("Insert ':'", (TextEdit(Span(key_tok.end, key_tok.end), ":"),), safe=False))
            value = self._value(depth)
            end = tok.end if value is None else value.span.end
        elif key_tok.kind != "ustr":  # an unterminated name is reported once, as such
            self.problem(f"Expected ':' and a value after property name \"{name}\"", key_tok.end, key_tok.end)
        return Member(name, key_span, value, Span(key_tok.start, end))

    def _skip_to_member(self, depth: int) -> None:
        """Skip the current token (or value), then up to the next ',', closer, or ``"name":``."""
        self._skip_value(depth)
        while True:
            k = self.tok.kind
            if k in (",", "}", "]", "eof") or (k in _KEYISH and self.peek().kind == ":"):
                return
            self._skip_value(depth)

    def _skip_value(self, depth: int) -> None:
        """Skip the current token, or a whole value if it starts one."""
        if self.tok.kind in ("{", "[", "clean"):
            self._value(depth)
        else:
            self.advance()

    def _array(self, open_tok: _Token, depth: int) -> ArrayNode | None:
        if depth > MAX_DEPTH:
            self._too_deep(open_tok)
            return None
        self.advance()
        items: list[Node] = []
        self.stack.append("[")
        need_comma = False
        quiet = False
        last_end = open_tok.end
        end = None
        while end is None:
            tok = self.tok
            k = tok.kind
            if k == "]":
                end = tok.end
                self.advance()
                break
            if k == "eof" or (k == "}" and "{" in self.stack):
                self._unclosed(open_tok, tok)
                end = last_end
                break
            if k == ",":
                self._comma(tok, need_comma, "]", "item")
                need_comma = False
                continue
            if k in _KEYISH and self.peek().kind == ":":
                # "name": value written straight into an array: read it as an object missing its '{'.
                if need_comma:
                    self.problem("Expected ',' between items", last_end, last_end)
                self.problem(f"Missing '{{' before property {self._name_text(tok)}: an array holds values, not properties",
                             tok.start, tok.end)
                item = self._object(tok, depth + 1, implicit=True)
                if item is not None:
                    items.append(item)
                    last_end = item.span.end
                need_comma = True
                continue
            if k not in _VALUE_START:
                self.problem(f"Unexpected {self._describe(tok)}; expected a value", tok.start, tok.end)
                self.advance()
                quiet = True
                continue
            if need_comma and not quiet:
                self.problem("Expected ',' between items", last_end, last_end,
                             fix=Fix("Insert ','", (TextEdit(Span(last_end, last_end), ","),), safe=False))
            item = self._value(depth)
            if item is not None:
                items.append(item)
            last_end = tok.end if item is None else item.span.end
            need_comma = True
            quiet = last_end in self.unterminated_ends
        self.stack.pop()
        arr = ArrayNode(Span(open_tok.start, end), items)
        for i, item in enumerate(items):
            attach(arr, item, i, None)
        return arr


# --------------------------------------------------------------------------
# Building the tree from tree-sitter-json


def decode_json_string(raw: str) -> str:
    """Decode the text of a JSON string token (with its quotes), tolerating bad escapes."""
    inner = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
    if "\\" not in inner:
        return inner
    try:
        return json.loads('"' + inner + '"')
    except ValueError:
        return inner


def number_value(raw: str):
    """The Python value of a JSON number token (the raw text if it is not a number)."""
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


_KINDS: dict[str, int] | None = None
_COMMENTS = None


def _comment_query():
    """A query cursor for the comment nodes of a tree-sitter-json tree (the query is made once)."""
    global _COMMENTS
    import tree_sitter

    if _COMMENTS is None:
        import tree_sitter_json

        _COMMENTS = tree_sitter.Query(tree_sitter.Language(tree_sitter_json.language()), "(comment) @comment")
    return tree_sitter.QueryCursor(_COMMENTS)


def _kinds() -> dict[str, int]:
    """tree-sitter-json kind ids by name (looked up once)."""
    global _KINDS
    if _KINDS is None:
        import tree_sitter
        import tree_sitter_json

        lang = tree_sitter.Language(tree_sitter_json.language())
        _KINDS = {name: lang.id_for_node_kind(name, True)
                  for name in ("object", "array", "pair", "string", "number", "true", "false", "null")}
    return _KINDS


class JsonTreeBuilder:
    """Turns a tree-sitter-json syntax tree into value nodes.

    An error-free tree is converted directly, walking it with a TreeCursor (no
    recursion, no Python objects for punctuation). A tree with errors is read by
    :class:`aiblint.document.json.TolerantReader`, which reports each mistake
    precisely and reuses the error-free objects and arrays of the tree.
    After :meth:`build`, ``problems`` holds the syntax problems found
    (:class:`aiblint.document.json.Problem`), including nesting deeper than
    ``MAX_DEPTH`` (deeper values are left out of the tree).
    """

    def __init__(self, data: bytes):
        self.data = data
        self.problems: list = []
        self._depth_reported = False

    def text(self, ts_node) -> str:
        return self.data[ts_node.start_byte : ts_node.end_byte].decode("utf-8", "replace")

    def build(self, ts_root) -> Node | None:
        # Building allocates one object per value and all of them live on: the cyclic
        # garbage collector would rescan them again and again (3x slower on big files).
        if not gc.isenabled():
            return self._build(ts_root)
        gc.disable()
        try:
            return self._build(ts_root)
        finally:
            gc.enable()

    def _build(self, ts_root) -> Node | None:
        if ts_root.has_error:
            return self._tolerant(ts_root)
        values = [c for c in ts_root.named_children if c.type != "comment"]
        if not values:
            self.problems.append(Problem("AIB100", "Empty document: expected a JSON value", Span(0, 0)))
            return None
        if len(values) > 1:
            end = len(self.data.rstrip())
            self.problems.append(Problem("AIB100", "Unexpected text after the end of the JSON value",
                                         Span(values[1].start_byte, max(end, values[1].end_byte))))
        return self.build_clean(values[0], 0)

    def _tolerant(self, ts_root) -> Node | None:
        clean: dict[int, object] = {}
        kinds = _kinds()
        containers = (kinds["object"], kinds["array"])
        stack = [ts_root]
        while stack:
            n = stack.pop()
            for child in n.children:
                if not child.has_error:
                    if child.kind_id in containers and not child.is_missing:
                        clean[child.start_byte] = child
                elif child.child_count:
                    stack.append(child)
        reader = TolerantReader(self.data, clean, self.build_clean)
        root = reader.read()
        self.problems.extend(reader.problems)
        if self._depth_reported:
            # Keep one nesting problem when both the reader and the direct builder found one.
            nesting = [p for p in self.problems if p.message.startswith("Nesting deeper")]
            for p in nesting[1:]:
                self.problems.remove(p)
        return root

    def build_clean(self, ts_node, depth: int = 0) -> Node | None:
        """The value of an error-free tree-sitter value node; ``depth`` is its container depth."""
        k = _kinds()
        OBJ, ARR, PAIR, STR, NUM = k["object"], k["array"], k["pair"], k["string"], k["number"]
        TRUE, FALSE, NULL = k["true"], k["false"], k["null"]
        data = self.data
        # Spans, strings, containers and members are made without their __init__ (a third of the build time
        # otherwise).
        new = object.__new__
        set_start = Span.start.__set__
        set_end = Span.end.__set__
        cursor = ts_node.walk()
        # Open containers: [node, pending member or None]; a pair pushes nothing of its own.
        frames: list = []
        root: Node | None = None
        # Cursor depths at which we descended into a container or a pair.
        descended: list[int] = []
        level = 0
        while True:
            n = cursor.node
            kid = n.kind_id
            node = None
            descend = False
            # (Offsets are read only for values: most of the nodes visited are punctuation.)
            if kid == STR:
                s = n.start_byte
                e = n.end_byte
                span = new(Span)
                set_start(span, s)
                set_end(span, e)
                raw = data[s:e].decode("utf-8", "replace")
                value = raw[1:-1] if "\\" not in raw else decode_json_string(raw)
                if "\\u" in raw or (not raw.isprintable() and _CONTROL_TEXT.search(raw)):
                    # tree-sitter-json accepts "\u" with fewer than four hex digits and raw control characters
                    # (which are never printable: most strings are ruled out without the pattern).
                    self.problems.extend(string_problems(data[s:e], s))
                frame = frames[-1] if frames else None
                if frame is not None and frame[2] and frame[1] is None:
                    # The key of the pair being read.
                    member = new(Member)
                    member.name = value
                    member.key_span = span
                    member.value = None
                    member.span = frame[3]
                    frame[1] = member
                    frame[0].members.append(member)
                else:
                    # ScalarNode(span, "string", value, raw) without the two __init__ calls.
                    node = new(ScalarNode)
                    node.span = span
                    node.kind = "string"
                    node.value = value
                    node.raw = raw
                    node.parent = node.key = node.key_span = None
            elif kid == NUM:
                s = n.start_byte
                e = n.end_byte
                span = new(Span)
                set_start(span, s)
                set_end(span, e)
                raw = data[s:e].decode()
                node = ScalarNode(span, "number", number_value(raw), raw)
            elif kid == PAIR:
                frames[-1][2] = True
                frames[-1][1] = None
                span = new(Span)
                set_start(span, n.start_byte)
                set_end(span, n.end_byte)
                frames[-1][3] = span
                descend = True
            elif kid == OBJ or kid == ARR:
                s = n.start_byte
                if len(frames) + depth >= MAX_DEPTH:
                    if not self._depth_reported:
                        self._depth_reported = True
                        self.problems.append(Problem(
                            "AIB100", f"Nesting deeper than {MAX_DEPTH} levels; the values inside are not checked",
                            Span(s, s + 1)))
                else:
                    span = new(Span)
                    set_start(span, s)
                    set_end(span, n.end_byte)
                    if kid == OBJ:
                        node = new(ObjectNode)
                        node.members = []
                        node._index = None
                    else:
                        node = new(ArrayNode)
                        node.items = []
                    node.span = span
                    node._source = None
                    node.parent = node.key = node.key_span = None
                    descend = True
            elif kid == TRUE or kid == FALSE:
                node = ScalarNode(Span(n.start_byte, n.end_byte), "boolean", kid == TRUE,
                                  "true" if kid == TRUE else "false")
            elif kid == NULL:
                node = ScalarNode(Span(n.start_byte, n.end_byte), "null", None, "null")
            if node is not None:
                if not frames:
                    root = node
                else:
                    frame = frames[-1]
                    parent = frame[0]
                    node.parent = parent
                    if frame[2]:
                        member = frame[1]
                        if member is not None and member.value is None:
                            member.value = node
                            node.key = member.name
                            node.key_span = member.key_span
                    else:
                        node.key = len(parent.items)
                        parent.items.append(node)
                if descend:
                    frames.append([node, None, False, None])
            if descend and cursor.goto_first_child():
                level += 1
                descended.append(kid)
                continue
            # Move to the next sibling, closing finished containers on the way up.
            while not cursor.goto_next_sibling():
                if level == 0 or not cursor.goto_parent():
                    return root
                level -= 1
                if descended.pop() == PAIR:
                    frames[-1][2] = False
                else:
                    frames.pop()
            if level == 0:
                return root


# --------------------------------------------------------------------------
# The carrier


def json_text(value) -> str:
    """A Python value as JSON text for an edit."""
    return json.dumps(value, ensure_ascii=False)


def line_indent(data: bytes, offset: int) -> str | None:
    """The indentation of the line holding ``offset`` if only whitespace precedes it there."""
    start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[start:offset]
    return prefix.decode("utf-8") if prefix.strip() == b"" else None


# JSON escapes of one character after the backslash.
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}



def json_string_offsets(raw: str, base: int, value: str) -> list[int] | None:
    """The mapping for a JSON string token ``raw`` (with its quotes) starting at byte ``base``."""
    return _json_offsets(raw, base, value)


@lru_cache(maxsize=4096)
def _json_offsets(raw: str, base: int, value: str):
    if not raw.startswith('"'):
        return None
    pos = char_byte_offsets(raw, base)
    where = (lambda i: base + i) if pos is None else pos.__getitem__
    out: list[int] = []
    chars: list[str] = []
    i, n = 1, len(raw) - (1 if raw.endswith('"') and len(raw) > 1 else 0)
    while i < n:
        c = raw[i]
        out.append(where(i))
        if c != "\\":
            chars.append(c)
            i += 1
            continue
        e = raw[i + 1] if i + 1 < n else ""
        if e in _JSON_SIMPLE:
            chars.append(_JSON_SIMPLE[e])
            i += 2
        elif e == "u" and i + 6 <= n:
            try:
                code = int(raw[i + 2 : i + 6], 16)
            except ValueError:
                return None
            i += 6
            if 0xD800 <= code < 0xDC00 and raw[i : i + 2] == "\\u" and i + 6 <= n:
                try:
                    low = int(raw[i + 2 : i + 6], 16)
                except ValueError:
                    return None
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
            chars.append(chr(code))
        else:
            return None
    out.append(where(i))
    return out if "".join(chars) == value else None



class JsonCarrier(Carrier):
    """JSON and JSONC (and ARM templates, which are JSON)."""

    def parse(self, data: bytes, old_tree=None):
        parser = ts_parser("json")
        return parser.parse(data, old_tree) if old_tree is not None else parser.parse(data)

    def build(self, doc):
        if doc.lazy:
            root = read_strict(doc.text, doc.data)
            if root is not None:
                doc.duplicate_free = doc.strict_json = True
                return root, []
        builder = JsonTreeBuilder(doc.parse_data)
        root = builder.build(doc.tree.root_node)
        return root, builder.problems

    def defers_parse(self, doc) -> bool:
        return doc.lazy

    def release_values(self, doc) -> None:
        if doc.strict_json:
            release_values(doc.__dict__.get("root"))

    def broken_spans(self, doc):
        if self._strict_without_tree(doc):
            return []
        return error_spans(doc.tree)

    def has_syntax_error(self, doc) -> bool:
        if self._strict_without_tree(doc):
            return False
        return doc.tree.root_node.has_error

    @staticmethod
    def _strict_without_tree(doc) -> bool:
        """Whether ``doc`` has no syntax tree yet and its values tell it is strict JSON (no syntax error then).
        With a tree, the tree is asked: reading the values may cost more."""
        return doc.tree_pending and doc.root is not None and doc.strict_json

    def comment_spans(self, doc):
        if doc.strict_json:
            return []
        root = doc.tree.root_node
        if not root.has_error:
            if not _comment_opener_outside_strings(doc.data, root):
                return []
            nodes = _comment_query().captures(root).get("comment", [])
            return sorted((Span(n.start_byte, n.end_byte) for n in nodes), key=lambda s: s.start)
        spans: list[Span] = []
        stack = [root]
        while stack:
            n = stack.pop()
            if n.type == "comment":
                spans.append(Span(n.start_byte, n.end_byte))
            elif n.child_count and (n.type in ("document", "object", "array", "pair", "ERROR")):
                stack.extend(n.children)
        spans.sort(key=lambda s: s.start)
        return spans

    def string_offsets(self, doc, node):
        return json_string_offsets(node.raw, node.span.start, node.value)

    def escape_in_string(self, doc, node, text, start, end):
        """Quotes, backslashes and control characters escaped; the rest as it is."""
        if not node.raw.startswith('"'):
            return None
        return json_text(text)[1:-1]

    def key_text(self, name: str) -> str:
        return json_text(name)

    def value_text(self, value) -> str:
        return json_text(value)

    def replace_value(self, doc, node, value):
        return TextEdit(node.span, json_text(value))

    def insert_member(self, doc, obj, name, value, after=None):
        """One member per line objects get a new line with the same indentation;
        single-line objects get ``, "name": value``. The comma goes before the new
        member, so the edit is right wherever it is inserted."""
        data = doc.data
        pair = f"{json_text(name)}: {json_text(value)}"
        anchor = after or (obj.members[-1] if obj.members else None)
        if anchor is None:
            # Empty object: put the member inside the braces.
            indent = line_indent(data, obj.span.start)
            inner = data[obj.span.start + 1 : obj.span.end - 1]
            if indent is not None and b"\n" in inner:
                return TextEdit(Span(obj.span.start + 1, obj.span.end - 1), f"\n{indent}  {pair}\n{indent}")
            return TextEdit(Span(obj.span.start + 1, obj.span.end - 1), f" {pair} ")
        end = anchor.value.span.end if anchor.value is not None else anchor.span.end
        indent = line_indent(data, anchor.key_span.start)
        if indent is not None:
            return TextEdit(Span(end, end), f",\n{indent}{pair}")
        return TextEdit(Span(end, end), f", {pair}")

    def remove_member(self, doc, obj, member):
        """Deletes one separating comma too. A member after the first goes from the end of the
        previous value, taking the comma before it, so removing several non-first members never
        overlaps."""
        members = obj.members
        # Members are in source order: found in log time (a rule may remove thousands of them).
        i = bisect.bisect_left(members, member.key_span.start, key=lambda m: m.key_span.start)
        if i >= len(members) or members[i] is not member:
            i = members.index(member)
        end = member.value.span.end if member.value is not None else member.span.end
        if i > 0:
            prev = obj.members[i - 1]
            prev_end = prev.value.span.end if prev.value is not None else prev.span.end
            return TextEdit(Span(prev_end, end), "")
        if len(obj.members) > 1:
            # The first member: up to the next one, taking our comma and keeping its indentation.
            return TextEdit(Span(member.key_span.start, obj.members[1].key_span.start), "")
        return TextEdit(Span(obj.span.start + 1, obj.span.end - 1), "")

    def insert_item(self, doc, after, value):
        """The new item gets the indentation of ``after``; an object is written one member per
        line, indented like ``after``'s own members."""
        data = doc.data
        indent = line_indent(data, after.span.start)
        if indent is None:
            return TextEdit(Span(after.span.end, after.span.end), ", " + json_text(value))
        step = "  "
        if isinstance(after, ObjectNode) and after.members:
            inner = line_indent(data, after.members[0].key_span.start)
            if inner is not None and inner.startswith(indent) and len(inner) > len(indent):
                step = inner[len(indent):]
        text = json.dumps(value, ensure_ascii=False, indent=step).replace("\n", "\n" + indent)
        return TextEdit(Span(after.span.end, after.span.end), f",\n{indent}{text}")


def _comment_opener_outside_strings(data: bytes, root) -> bool:
    """Whether the clean tree ``root`` of ``data`` has a comment: a "//" or "/*" that is not inside a string.

    Asked on every keystroke: the few openers a text has (in URLs and paths) are looked up in the tree,
    which costs a third (7 KB) to a half (700 KB) of cutting the strings out of the text.
    """
    for opener in (b"//", b"/*"):
        at = data.find(opener)
        while at >= 0:
            if root.descendant_for_byte_range(at, at + 1).type == "comment":
                return True
            at = data.find(opener, at + 2)
    return False


CARRIER = JsonCarrier()


# --------------------------------------------------------------------------
# Strict JSON: read by the standard library, positions found when asked for

_NOT_BRACKET_OR_QUOTE = bytes(b for b in range(256) if b not in b'[]{}"')
# An escape of strict JSON: a backslash and the character after it (\uXXXX's digits are neither quotes nor brackets).
_ANY_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("{")] = _DEPTH_STEP[ord("[")] = 1
_DEPTH_STEP[ord("}")] = _DEPTH_STEP[ord("]")] = -1
# What the standard library's reader skips between tokens, and its numbers (as it reads them).
_SPACE = re.compile(r"[ \t\n\r]*").match
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?").match
# Between a key and its value; between a value and the next entry (or the end of its container).
_AFTER_KEY = re.compile(r"[ \t\n\r]*:[ \t\n\r]*").match
_AFTER_VALUE = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*").match
# Reads a string's rest (after its opening quote): (value, index after the closing quote).
_scan_string = json.decoder.scanstring
# Entries nested this deep below the root are read with their positions right away: the root's members
# and their entries (an ARM file's resources, parameters and variables); deeper ones when asked for.
_PLACED_LEVELS = 2


class _Repeated(ValueError):
    """An object repeats a key."""


def _object_without_repeats(pairs: list) -> dict:
    """The reader's object hook: the object, unless a key repeats."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Repeated
    return value


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


# Reads one value at an index: (value, index after it); no repeated key, no NaN or Infinity.
_scan_checked = json.JSONDecoder(object_pairs_hook=_object_without_repeats, parse_constant=_not_json).scan_once
# The same without the checks, for values already read once (to find where they end).
_scan_plain = json.JSONDecoder().scan_once


def _deepest(data: bytes) -> int:
    """How deep the brackets of the strict JSON ``data`` nest, leaving out those inside strings."""
    # With the escapes gone (taken from left to right, as a reader of the string does), every quote opens or
    # closes a string: what lies between the 2nth and the (2n+1)th is outside them. (One regular expression
    # pass: replacing the escaped backslashes and then the escaped quotes took three times as long.)
    quotes_and_brackets = _ANY_ESCAPE.sub(b"", data).translate(None, _NOT_BRACKET_OR_QUOTE)
    skeleton = b"".join(quotes_and_brackets.split(b'"')[::2])
    return max(accumulate(map(_DEPTH_STEP.__getitem__, skeleton)), default=0)


def read_strict(text: str, data: bytes) -> Node | None:
    """The value tree of ``text`` (encoded: ``data``) if it is strict JSON with no syntax problem at all, else None.

    That is: one value, no comments, no raw control character or bad escape in a
    string, no repeated key in any object, nothing nested near :data:`MAX_DEPTH`
    levels deep. The standard library's reader (C code) reads the values; the
    syntax tree is not needed. The spans of values below the first two levels are
    found when first asked for, one container at a time (:class:`_StrictText`), and
    their containers are filled from what the reader made when first walked.
    The tree then equals :meth:`JsonTreeBuilder.build_clean`'s.
    """
    where = _StrictText.of(text)
    if where is None or _deepest(data) >= MAX_DEPTH - 1:
        return None
    try:
        root, end = where.read(_SPACE(text, 0).end(), _PLACED_LEVELS)
    except (ValueError, StopIteration, IndexError, RecursionError):
        return None
    return root if _SPACE(text, end).end() == len(text) else None


class _StrictText:
    """A strict JSON text, and the byte offsets in its UTF-8 encoding of its characters."""

    __slots__ = ("text", "_chars", "_bytes", "_extra")

    @classmethod
    def of(cls, text: str) -> "_StrictText | None":
        """None for text holding a lone surrogate (its bytes and its characters would not agree)."""
        where = cls()
        where.text = text
        where._chars = where._bytes = where._extra = None
        if text.isascii():
            return where
        chars, offsets, extra, total = [], [], [], 0
        for found in re.finditer(r"[^\x00-\x7f]", text):
            code = ord(found.group())
            if 0xD800 <= code < 0xE000:
                return None
            chars.append(found.start())
            offsets.append(found.start() + total)
            total += 1 if code < 0x800 else 2 if code < 0x10000 else 3
            extra.append(total)
        where._chars, where._bytes, where._extra = chars, offsets, extra
        return where

    def byte(self, i: int) -> int:
        """The byte offset of character ``i``."""
        if self._chars is None:
            return i
        k = bisect.bisect_left(self._chars, i)
        return i + self._extra[k - 1] if k else i

    def char(self, offset: int) -> int:
        """The character at byte ``offset`` (a character's first byte)."""
        if self._bytes is None:
            return offset
        k = bisect.bisect_left(self._bytes, offset)
        return offset - self._extra[k - 1] if k else offset

    def span(self, i: int, j: int) -> Span:
        if self._chars is None:
            return new_span(i, j)
        return new_span(self.byte(i), self.byte(j))

    def read(self, i: int, levels: int) -> tuple[Node, int]:
        """(the value at character ``i``, the index after it), the entries of containers ``levels`` deep placed."""
        text = self.text
        opener = text[i]
        if levels and (opener == "{" or opener == "["):
            return self._read_container(i, levels)
        value, end = _scan_checked(text, i)
        node = self.node(value)
        node.span = self.span(i, end)
        node.parent = node.key = node.key_span = None
        if type(node) is ScalarNode:
            node.raw = text[i:end]
        return node, end

    def _read_container(self, i: int, levels: int) -> tuple[Node, int]:
        text = self.text
        entries: list = []
        j = _SPACE(text, i + 1).end()
        if text[i] == "{":
            node = _new(ObjectNode)
            node._index = None
            closer = "}"
            while text[j] != closer or entries:
                if text[j] != '"':
                    raise ValueError("expected a key")
                name, key_end = _scan_string(text, j + 1)
                key_span = self.span(j, key_end)
                colon = _AFTER_KEY(text, key_end)
                if colon is None:
                    raise ValueError("expected ':'")
                child, j = self.read(colon.end(), levels - 1)
                child.parent, child.key, child.key_span = node, name, key_span
                member = _new(Member)
                member.name, member.key_span, member.value = name, key_span, child
                member.span = new_span(key_span.start, child.span.end)
                entries.append(member)
                j = _SPACE(text, j).end()
                if text[j] != ",":
                    break
                j = _SPACE(text, j + 1).end()
            if len({m.name for m in entries}) != len(entries):
                raise _Repeated
            node.members = entries
        else:
            node = _new(ArrayNode)
            closer = "]"
            while text[j] != closer or entries:
                child, j = self.read(j, levels - 1)
                child.parent, child.key = node, len(entries)
                entries.append(child)
                j = _SPACE(text, j).end()
                if text[j] != ",":
                    break
                j = _SPACE(text, j + 1).end()
            node.items = entries
        if text[j] != closer:
            raise ValueError(f"expected '{closer}'")
        node.span = self.span(i, j + 1)
        node._source = node._where = None
        node.parent = node.key = node.key_span = None
        return node, j + 1

    def node(self, value) -> Node:
        """The node of a value the reader made; its span (and text) are set when its container is placed."""
        kind = type(value)
        if kind is str:
            node = _new(ScalarNode)
            node.kind = "string"
            node.value = value
        elif kind is dict or kind is list:
            node = _new(ObjectNode if kind is dict else ArrayNode)
            if kind is dict:
                node._index = None
            node._source = _Entries(value, self)
            node._where = self
        else:
            node = _new(ScalarNode)
            node.kind = "boolean" if kind is bool else "null" if value is None else "number"
            node.value = value
        return node

    def place(self, node: Node) -> None:
        """Set the spans of ``node``'s entries (and the text of its scalars), reading ``node``'s text."""
        text = self.text
        span = new_span if self._chars is None else self.span
        end_of = self._end
        j = _SPACE(text, self.char(node.span.start) + 1).end()
        if isinstance(node, ObjectNode):
            for member in node.members:
                key_end = end_of(j)
                key_span = span(j, key_end)
                j = _AFTER_KEY(text, key_end).end()
                end = end_of(j)
                child = member.value
                child.span = value_span = span(j, end)
                child.key_span = member.key_span = key_span
                member.span = new_span(key_span.start, value_span.end)
                if type(child) is ScalarNode:
                    child.raw = text[j:end]
                j = _AFTER_VALUE(text, end).end()
        else:
            for child in node.items:
                end = end_of(j)
                child.span = span(j, end)
                if type(child) is ScalarNode:
                    child.raw = text[j:end]
                j = _AFTER_VALUE(text, end).end()

    def _end(self, i: int) -> int:
        """Where the value at character ``i`` ends (the text is known to be strict JSON)."""
        text = self.text
        first = text[i]
        if first == '"':
            end = text.find('"', i + 1) + 1
            return end if text.find("\\", i + 1, end) < 0 else _scan_string(text, i + 1)[1]
        if first == "{" or first == "[":
            return _scan_plain(text, i)[1]
        if first == "t" or first == "n":
            return i + 4
        if first == "f":
            return i + 5
        return _JSON_NUMBER(text, i).end()


def release_values(root: Node | None) -> None:
    """Let the containers nobody walked read their entries again from the text when first walked, instead of
    keeping what the reader made of them (most of a large file made of other resources, held for nothing).

    Walks only what was filled.
    """
    stack = [root] if isinstance(root, (ObjectNode, ArrayNode)) else []
    while stack:
        node = stack.pop()
        source = node._source
        if source is None:
            children = (m.value for m in node.members) if isinstance(node, ObjectNode) else node.items
            stack.extend(child for child in children if isinstance(child, (ObjectNode, ArrayNode)))
        elif type(source) is _Entries:
            node._source = _Reread(source.where)  # its span is found when it is filled


class _Reread:
    """The entries of a container read again from the text when first walked (see :func:`release_values`)."""

    __slots__ = ("where",)

    def __init__(self, where: "_StrictText"):
        self.where = where

    def fill(self, node: Node) -> None:
        where = self.where
        _Entries(_scan_plain(where.text, where.char(node.span.start))[0], where).fill(node)


class _Entries:
    """The members or items of a container, as the reader made them (see :func:`read_strict`)."""

    __slots__ = ("value", "where")

    def __init__(self, value, where: _StrictText):
        self.value = value
        self.where = where

    def fill(self, node: Node) -> None:
        make = self.where.node
        if isinstance(node, ObjectNode):
            members: list[Member] = []
            for name, value in self.value.items():
                child = make(value)
                child.parent = node
                child.key = name
                member = _new(Member)
                member.name = name
                member.value = child
                members.append(member)
            node.members = members
        else:
            items: list[Node] = []
            for value in self.value:
                child = make(value)
                child.parent = node
                child.key = len(items)
                child.key_span = None
                items.append(child)
            node.items = items


_new = object.__new__
