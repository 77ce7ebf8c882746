"""Where each character of a string value is written in the source.

A string node's value is what its carrier's escapes and folding make of the
written text: in JSON ``\\"``, ``\\\\``, ``\\n`` and ``\\uXXXX`` take more than one
source character for one character of the value; in YAML quoted and block
scalars drop indentation, fold lines and have escapes of their own. A check
that finds something *inside* a value (a shell command in ``inline``, a secret
in a URL) uses :func:`string_offsets` to put its range on exactly the
characters that hold it.

:func:`string_offsets` gives, for a string node, a list with the byte offset in
the document where each character of ``node.value`` starts, plus one last
entry: the offset just after the last character (before the closing quote).
It dispatches on the document's carrier; each carrier implements the mapping
for its own string syntax (:func:`json_string_offsets`, :func:`yaml_string_offsets`).
None means the mapping is not known exactly (then report on the whole string).
"""

from __future__ import annotations

from functools import lru_cache

from .diagnostics import Span

# JSON escapes of one character after the backslash.
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def string_offsets(document, node) -> list[int] | None:
    """Byte offset in ``document`` of each character of the string ``node`` (and of its end), or None."""
    if getattr(node, "kind", None) != "string" or not isinstance(node.value, str):
        return None
    language = getattr(document, "language", "json")
    if language in ("json", "jsonc"):
        return json_string_offsets(node.raw, node.span.start, node.value)
    if language == "yaml":
        return yaml_string_offsets(node.raw, node.span.start, node.value)
    return None


def char_span(offsets: list[int] | None, node, start: int, end: int) -> Span:
    """The byte span of characters ``start:end`` of a string node's value (the node's span when unknown)."""
    if offsets is None or not (0 <= start <= end < len(offsets)):
        return node.span
    if end > start:
        # End after the last character written (an escape ends where the next character starts).
        return Span(offsets[start], offsets[end])
    return Span(offsets[start], offsets[start])


def _byte_positions(raw: str, base: int) -> list[int] | None:
    """Byte offset of each character of ``raw`` (plus the end), or None when ``raw`` is ASCII (identity)."""
    if raw.isascii():
        return None
    out = [base]
    at = base
    for ch in raw:
        at += len(ch.encode("utf-8", "surrogatepass"))
        out.append(at)
    return out


def json_string_offsets(raw: str, base: int, value: str) -> list[int] | None:
    """The mapping for a JSON string token ``raw`` (with its quotes) starting at byte ``base``."""
    return _json_offsets(raw, base, value)


@lru_cache(maxsize=4096)
def _json_offsets(raw: str, base: int, value: str):
    if not raw.startswith('"'):
        return None
    pos = _byte_positions(raw, base)
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
        pos = _byte_positions(raw, base)
        return list(range(base, base + len(raw) + 1)) if pos is None else pos
    if not raw:
        return None
    style = raw[0]
    pos = _byte_positions(raw, base)
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
