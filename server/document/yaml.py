"""The YAML carrier: the value tree of a ``.yaml``/``.yml`` template.

The text is composed (not constructed) with ruamel.yaml, which keeps every node's
start and end mark and every key, duplicates included. Marks are character
indexes; they are turned into byte offsets of the UTF-8 text so that YAML nodes
have the same kind of spans as JSON nodes. Merge keys (``<<: *base``) are
expanded, aliases are read as copies of their anchor (spans point at the
anchor), and only the first document of a multi-document stream is used.
Aliases can make a few hundred bytes stand for billions of values, so the
copies are counted: past :data:`MAX_ALIAS_VALUES` more values than the text
itself holds, no more are made and the document gets an error.
After a syntax error the lines the parser stumbles on are blanked out and the
rest is read again, so a half-typed YAML template is still checked. Comments are
found with tree-sitter-yaml (:func:`yaml_comment_spans`).
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from ..diagnostics import Span, TextEdit
from .carrier import Carrier, Problem, char_byte_offsets
from .treesitter import ts_parser
from .json import json_text, number_value
from .nodes import ArrayNode, Member, Node, ObjectNode, ScalarNode, attach

MAX_DEPTH = 128
MAX_ALIAS_VALUES = 10_000

_TAG = "tag:yaml.org,2002:"


class _Offsets:
    """Character index -> byte offset in the UTF-8 encoding of ``text``."""

    def __init__(self, text: str):
        self.ascii = text.isascii()
        if not self.ascii:
            # Per line: the character index and byte offset where it starts.
            self.chars: list[int] = []
            self.bytes: list[int] = []
            self.lines: list[str] = []
            c = b = 0
            for line in text.splitlines(keepends=True):
                self.chars.append(c)
                self.bytes.append(b)
                self.lines.append(line)
                c += len(line)
                b += len(line.encode("utf-8", "surrogatepass"))
            self.total = (c, b)

    def __call__(self, index: int) -> int:
        if self.ascii:
            return index
        if not self.chars or index >= self.total[0]:
            return self.total[1] if self.chars else 0
        i = bisect.bisect_right(self.chars, index) - 1
        return self.bytes[i] + len(self.lines[i][: index - self.chars[i]].encode("utf-8", "surrogatepass"))


def build_yaml_tree(text: str, data: bytes) -> tuple[Node | None, tuple[Span, str] | None]:
    """The value tree of a YAML text and its first syntax error as ``(span, message)``.

    After a syntax error the lines the parser cannot read are left out (blanked)
    and the rest is still read, so the tree holds what can be checked; it is None
    when nothing can be read. An empty document has no tree and no error.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if _flow_depth(data) > 3 * MAX_DEPTH:
        # ruamel.yaml gets very slow long before its recursion fails: do not try.
        return None, (Span(0, 0), f"Invalid YAML: nesting deeper than {MAX_DEPTH} levels")
    offset = _Offsets(text)
    error = None
    readable = text
    try:
        try:
            node = _compose(YAML, text)
        except MarkedYAMLError as e:
            error = _error(e, offset, len(text), len(data))
            node, readable = _recover(YAML, MarkedYAMLError, text, e)
    except YAMLError as e:
        return None, (Span(0, 0), f"Invalid YAML: {e}")
    except RecursionError:
        return None, (Span(0, 0), f"Invalid YAML: nesting deeper than {MAX_DEPTH} levels")
    if node is None:
        return None, error
    builder = _Builder(readable, offset)
    root = builder.value(node, 0, ())
    if error is None and builder.too_many is not None:
        error = (builder.too_many, f"Aliases here expand to more than {MAX_ALIAS_VALUES} values; "
                                   "the document is checked without the rest of them")
    if error is None and builder.too_deep is not None:
        error = (builder.too_deep, f"Nesting deeper than {MAX_DEPTH} levels; the values inside are not checked")
    return root, error


def _compose(yaml_class, text: str):
    for doc in yaml_class(typ="rt").compose_all(text):
        return doc
    return None


def _recover(yaml_class, error_class, text: str, error, attempts: int = 6):
    """The first document of ``text`` with the lines the parser stumbles on blanked out.

    Blanking keeps every other character where it was, so the nodes that are read
    still have their own positions. Returns (node or None, the text that was read).
    """
    for _ in range(attempts):
        blanked = text
        # The line where the broken construct starts (context) is the likelier culprit.
        for mark in (error.context_mark, error.problem_mark):
            if mark is not None:
                blanked = _blank_line(blanked, mark.index)
                if blanked != text:
                    break
        if blanked == text:
            return None, text
        text = blanked
        try:
            return _compose(yaml_class, text), text
        except error_class as e:
            error = e
    return None, text


def _blank_line(text: str, index: int) -> str:
    """``text`` with the line holding ``index`` turned into spaces (line break kept)."""
    start = text.rfind("\n", 0, index) + 1 if index < len(text) else text.rfind("\n", 0, max(index - 1, 0)) + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end]
    kept = line.rstrip("\r")
    return text[:start] + " " * len(kept) + line[len(kept):] + text[end:]


_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_STEP = {0x5B: 1, 0x7B: 1, 0x5D: -1, 0x7D: -1}


def _flow_depth(data: bytes) -> int:
    """An upper estimate of how deep flow collections (``[...]``, ``{...}``) nest."""
    brackets = data.translate(None, _BRACKETS)
    if len(brackets) <= 3 * MAX_DEPTH:
        return len(brackets)
    depth = deepest = 0
    for c in brackets:
        depth += _STEP[c]
        if depth > deepest:
            deepest = depth
    return deepest


def _error(e, offset, length: int, size: int) -> tuple[Span, str]:
    """Span and message of a ruamel.yaml error; ``length`` is the text's length in characters."""
    mark = e.problem_mark or e.context_mark
    if e.context_mark is not None and mark.index >= length:
        mark = e.context_mark  # "unexpected end of stream": point at what was left open
    problem = e.problem or e.context or "syntax error"
    message = f"Invalid YAML: {problem}"
    if e.context and e.problem and e.context_mark is not None:
        message += f" ({e.context} started at line {e.context_mark.line + 1})"
    if mark is None:
        return Span(0, 0), message
    start = offset(mark.index)
    return Span(start, min(start + 1, size)), message


class _Builder:
    def __init__(self, text: str, offset):
        self.text = text
        self.offset = offset
        self.too_deep: Span | None = None
        # Without aliases a document has fewer values than characters: the rest are alias copies.
        self.budget = len(text) + MAX_ALIAS_VALUES
        self.too_many: Span | None = None

    def span(self, node) -> Span:
        start = self.offset(node.start_mark.index)
        end = node.end_mark.index
        # Block collections end where their next sibling starts: trim the trailing blank and comment lines.
        if type(node).__name__ != "ScalarNode" and not getattr(node, "flow_style", False):
            end = self._last_end(node, end)
        return Span(start, self.offset(end))

    def _last_end(self, node, end: int) -> int:
        while True:
            items = node.value
            if not items:
                return node.start_mark.index
            last = items[-1]
            if isinstance(last, tuple):
                last = last[1]
            if type(last).__name__ == "ScalarNode" or getattr(last, "flow_style", False):
                return last.end_mark.index
            node = last

    def value(self, node, depth: int, path: tuple) -> Node | None:
        kind = type(node).__name__
        if id(node) in path:
            return None  # an alias that refers to itself
        self.budget -= 1
        if self.budget < 0:
            if self.too_many is None:
                at = self.offset(node.start_mark.index)
                self.too_many = Span(at, at + 1)
            return None
        if kind == "ScalarNode":
            return self.scalar(node)
        if depth >= MAX_DEPTH:
            if self.too_deep is None:
                self.too_deep = Span(self.offset(node.start_mark.index), self.offset(node.start_mark.index) + 1)
            return None
        path = path + (id(node),)
        if kind == "SequenceNode":
            items = []
            for child in node.value:
                v = self.value(child, depth + 1, path)
                if v is not None:
                    items.append(v)
            arr = ArrayNode(self.span(node), items)
            for i, item in enumerate(items):
                attach(arr, item, i, None)
            return arr
        if kind == "MappingNode":
            members: list[Member] = []
            merged: list[Member] = []
            for key, val in node.value:
                if key.tag == _TAG + "merge":
                    sources = val.value if type(val).__name__ == "SequenceNode" else [val]
                    for src in sources:
                        sub = self.value(src, depth, path)
                        if isinstance(sub, ObjectNode):
                            merged.extend(sub.members)
                    continue
                key_span = self.span(key)
                name = key.value if isinstance(key.value, str) else self.text[key.start_mark.index : key.end_mark.index]
                v = self.value(val, depth + 1, path)
                if isinstance(v, ScalarNode) and v.span.start == v.span.end:
                    # "key:" with nothing after it: place the empty value right after the colon.
                    colon = self.text.find(":", key.end_mark.index)
                    at = self.offset(colon + 1) if colon >= 0 else key_span.end
                    v.span = Span(at, at)
                end = v.span.end if v is not None else key_span.end
                members.append(Member(name, key_span, v, Span(key_span.start, max(end, key_span.end))))
            names = {m.name for m in members}
            for m in merged:
                if m.name not in names:
                    names.add(m.name)
                    members.append(m)
            obj = ObjectNode(self.span(node), members)
            for m in members:
                if m.value is not None:
                    attach(obj, m.value, m.name, m.key_span)
            return obj
        return None

    def scalar(self, node) -> ScalarNode:
        span = self.span(node)
        raw = self.text[node.start_mark.index : node.end_mark.index]
        tag = node.tag or ""
        value = node.value
        style = getattr(node, "style", None)
        if style == ">" and isinstance(value, str):
            value = value.replace("\a", "")  # ruamel.yaml marks the folds of a folded scalar with BEL
        if tag.startswith(_TAG) and not style:
            t = tag[len(_TAG):]
            if t == "null":
                return ScalarNode(span, "null", None, raw)
            if t == "bool":
                return ScalarNode(span, "boolean", value.lower() in ("true", "yes", "on", "y"), raw)
            if t in ("int", "float"):
                number = _yaml_number(value, t)
                if number is not None:
                    return ScalarNode(span, "number", number, raw)
        return ScalarNode(span, "string", value, raw)


def _yaml_number(text: str, tag: str):
    clean = text.replace("_", "")
    if tag == "int":
        try:
            return int(clean, 0) if clean.lower().startswith(("0x", "0o", "0b")) else int(clean)
        except ValueError:
            return None
    low = clean.lower()
    if low in (".inf", "+.inf"):
        return float("inf")
    if low == "-.inf":
        return float("-inf")
    if low == ".nan":
        return float("nan")
    value = number_value(clean)
    return value if isinstance(value, (int, float)) else None


def yaml_comment_spans(data: bytes) -> list[Span]:
    """Spans of the ``#`` comments of a YAML text (not ``#`` inside strings or block scalars)."""
    tree = ts_parser("yaml").parse(data)
    spans: list[Span] = []
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        if n.type == "comment":
            spans.append(Span(n.start_byte, n.end_byte))
        elif n.child_count:
            stack.extend(n.children)
    spans.sort(key=lambda s: s.start)
    return spans


def yaml_string_offsets(raw: str, base: int, value: str) -> list[int] | None:
    """The mapping for a YAML scalar written as ``raw`` (plain, quoted or block) starting at byte ``base``."""
    return _yaml_offsets(raw, base, value)


_YAML_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
                 "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
                 "L": "\u2028", "P": "\u2029"}
_YAML_HEX = {"x": 2, "u": 4, "U": 8}


@lru_cache(maxsize=4096)
def _yaml_offsets(raw: str, base: int, value: str):
    if raw == value:
        pos = char_byte_offsets(raw, base)
        return list(range(base, base + len(raw) + 1)) if pos is None else pos
    if not raw:
        return None
    style = raw[0]
    pos = char_byte_offsets(raw, base)
    where = (lambda i: base + i) if pos is None else pos.__getitem__
    if style in "|>":
        idx = _block_indexes(raw, value, folded=style == ">")
    else:
        idx = _flow_indexes(raw, value, style if style in "'\"" else "")
    if idx is None:
        return None
    return [where(i) for i in idx]


def _flow_indexes(raw: str, value: str, quote: str) -> list[int] | None:
    """Character index in ``raw`` of each character of ``value`` for a plain or quoted scalar."""
    out: list[int] = []
    j = 1 if quote else 0
    end = len(raw) - (1 if quote and len(raw) > 1 and raw.endswith(quote) else 0)
    for c in value:
        while True:
            if j >= end:
                return None
            r = raw[j]
            if quote == '"' and r == "\\":
                nxt = raw[j + 1] if j + 1 < end else ""
                if nxt in "\r\n":  # an escaped line break: the text goes on without it
                    j += 2 if raw[j + 1 : j + 3] != "\r\n" else 3
                    while j < end and raw[j] in " \t":
                        j += 1
                    continue
                if nxt in _YAML_HEX:
                    size = _YAML_HEX[nxt]
                    try:
                        decoded = chr(int(raw[j + 2 : j + 2 + size], 16))
                    except ValueError:
                        return None
                    length = 2 + size
                else:
                    decoded = _YAML_ESCAPES.get(nxt)
                    length = 2
                if decoded != c:
                    return None
                out.append(j)
                j += length
                break
            if quote == "'" and r == "'" and raw[j + 1 : j + 2] == "'" and c == "'":
                out.append(j)
                j += 2
                break
            if r == c:
                out.append(j)
                j += 1
                break
            if r in " \t":
                j += 1
                continue
            if r in "\r\n":
                if c == " ":  # a folded line break
                    out.append(j)
                    j += 1
                    break
                j += 1
                continue
            return None
    out.append(min(j, end))
    return out


def _block_indexes(raw: str, value: str, folded: bool) -> list[int] | None:
    """Character index in ``raw`` of each character of ``value`` for a ``|`` or ``>`` block scalar."""
    header_end = raw.find("\n")
    if header_end < 0:
        return None
    header = raw[:header_end]
    lines: list[tuple[int, str]] = []  # (index of the line's first character, the line with its break)
    at = header_end + 1
    for line in raw[at:].splitlines(keepends=True):
        lines.append((at, line))
        at += len(line)
    indicator = next((ch for ch in header[1:] if ch.isdigit()), None)
    if indicator is not None:
        indent = int(indicator)  # relative to the parent's indentation, which we do not know here
        content = [ln for _, ln in lines if ln.strip()]
        if not content:
            return None
        indent = min(len(ln) - len(ln.lstrip(" ")) for ln in content)
    else:
        content = [ln for _, ln in lines if ln.strip()]
        if not content:
            return None
        indent = len(content[0]) - len(content[0].lstrip(" "))
    # The written characters that are content, in order, each with its index in ``raw``.
    written: list[tuple[int, str]] = []
    for start, line in lines:
        body = line[indent:] if len(line) - len(line.lstrip(" ")) >= indent else line.lstrip(" ")
        first = start + (len(line) - len(body))
        written.extend((first + k, ch) for k, ch in enumerate(body))
    out: list[int] = []
    j = 0
    for c in value:
        while True:
            if j >= len(written):
                return None
            i, r = written[j]
            if r == "\r" and (c == "\n" or (folded and c == " ")) and j + 1 < len(written) \
                    and written[j + 1][1] == "\n":  # a CRLF line break: the value's one character
                out.append(i)
                j += 2
                break
            if r == c or (folded and c == " " and r == "\n"):
                out.append(i)
                j += 1
                break
            if r in "\r\n":  # a line break that folding or chomping dropped
                j += 1
                continue
            return None
    out.append(written[j][0] if j < len(written) else len(raw))
    return out


# Characters that can end or change a plain scalar next to others (": ", " #", flow collections).
_NOT_PLAIN = frozenset(":#,[]{}")


def _resolves_to_string(value: str) -> bool:
    """Whether a plain scalar ``value`` is read as a string (not a number, boolean, null or date)."""
    from ruamel.yaml.nodes import ScalarNode as YamlScalar
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver().resolve(YamlScalar, value, (True, False)) == _TAG + "str"


class YamlCarrier(Carrier):
    """YAML: read with ruamel.yaml (no incremental tree); fixes replace scalars or write inside strings."""

    comment_marker = "#"

    def build(self, doc):
        root, error = build_yaml_tree(doc.text, doc.data)
        return root, [Problem("AIB100", error[1], error[0])] if error is not None else []

    def comment_spans(self, doc):
        return yaml_comment_spans(doc.parse_data)

    def string_offsets(self, doc, node):
        return yaml_string_offsets(node.raw, node.span.start, node.value)

    def escape_in_string(self, doc, node, text, start, end):
        """Escaped as the scalar's style needs. Line breaks and other control characters are never
        inserted; in a block scalar or a scalar written over several lines, where folding and
        indentation decide what white space means, neither is any white space; in a plain scalar
        only text that keeps it plain and a string (no ``: ``, `` #``, flow indicators, not at its
        start)."""
        raw = node.raw
        if not raw or not text.isprintable():
            return None
        style = raw[0]
        spaced = any(c in " \t" for c in text)
        if spaced and (style in "|>" or "\n" in raw or "\r" in raw):
            return None
        if style == '"':
            return text.replace("\\", "\\\\").replace('"', '\\"')
        if style == "'":
            return text.replace("'", "''")
        if style in "|>":
            return text
        if style in "!&*%@`" or start == 0 or spaced or any(c in _NOT_PLAIN for c in text):
            return None
        value = node.value[:start] + text + node.value[end:]
        return text if _resolves_to_string(value) else None

    def key_text(self, name: str) -> str:
        return json_text(name)

    def value_text(self, value) -> str:
        return json_text(value)

    def replace_value(self, doc, node, value):
        """A scalar by a scalar (JSON's quoted strings, numbers and booleans are valid YAML too)."""
        if not isinstance(node, ScalarNode) or isinstance(value, (dict, list)):
            return None
        return TextEdit(node.span, json_text(value))


CARRIER = YamlCarrier()
