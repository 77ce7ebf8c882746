"""Conversion between byte offsets and LSP positions.

A :class:`LineIndex` is built once per document text. Line breaks are ``\\n``,
``\\r\\n`` and a lone ``\\r`` (as in LSP). Columns are counted in the position
encoding negotiated with the client: ``utf-16`` (LSP's default), ``utf-8`` or
``utf-32``. A byte-order mark, when the text has one, is an ordinary character.

Per the LSP specification a position is never an error: a column past the end
of its line means the line's end, a line past the last one the document's end,
and a column inside a character (in the middle of a UTF-8 sequence or between
the two halves of a UTF-16 surrogate pair) the start of that character. Lone
surrogates (which JSON-RPC can carry) are one UTF-16 unit, as in the editor.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add

from ..diagnostics import Span

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Range:
    start: Position
    end: Position


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def char_start(data: bytes, offset: int) -> int:
    """``offset`` moved back to the first byte of the UTF-8 character it falls in."""
    offset = max(0, min(offset, len(data)))
    while 0 < offset < len(data) and 0x80 <= data[offset] < 0xC0:
        offset -= 1
    return offset


def char_end(data: bytes, offset: int) -> int:
    """``offset`` moved forward to the end of the UTF-8 character it falls in."""
    offset = max(0, min(offset, len(data)))
    while 0 < offset < len(data) and 0x80 <= data[offset] < 0xC0:
        offset += 1
    return offset


def decode(data: bytes) -> str:
    """Text of UTF-8 bytes that may hold lone surrogates (encoded with ``surrogatepass``)."""
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


class LineIndex:
    """Maps byte offsets of a UTF-8 text to (line, column) and back."""

    __slots__ = ("data", "line_starts")

    def __init__(self, data: bytes):
        self.data = data
        if b"\r" not in data or data.count(b"\r") == data.count(b"\r\n"):
            # Every line ends in \n (or \r\n): each line starts after the \n of the one before, which the
            # line lengths give without a Python loop over the lines.
            lines = data.split(b"\n")
            lines.pop()
            starts = [0, *map(add, accumulate(map(len, lines)), count(1))]
        else:
            starts = [0]
            i = 0
            n = len(data)
            while i < n:
                c = data[i]
                if c == 0x0A:
                    starts.append(i + 1)
                elif c == 0x0D:
                    if i + 1 < n and data[i + 1] == 0x0A:
                        i += 1
                    starts.append(i + 1)
                i += 1
        self.line_starts = starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def line_span(self, line: int) -> Span:
        """Bytes of ``line`` without its line break."""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.data)
        while end > start and self.data[end - 1] in (0x0A, 0x0D):
            end -= 1
        return Span(start, end)

    def position(self, offset: int, encoding: str = UTF16) -> Position:
        offset = char_start(self.data, offset)
        if 0 < offset < len(self.data) and self.data[offset - 1] == 0x0D and self.data[offset] == 0x0A:
            offset -= 1  # inside a \r\n: the end of the line
        line = self.line_of(offset)
        start = self.line_starts[line]
        prefix = self.data[start:offset]
        if encoding == UTF8:
            return Position(line, len(prefix))
        return Position(line, _units(decode(prefix), encoding))

    def range(self, span: Span, encoding: str = UTF16) -> Range:
        return Range(self.position(span.start, encoding), self.position(span.end, encoding))

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Byte offset of an LSP position: past a line's end is its end, inside a character its start."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.data)
        span = self.line_span(line)
        character = max(character, 0)
        if encoding == UTF8:
            return char_start(self.data, min(span.start + character, span.end))
        raw = self.data[span.start : span.end]
        if raw.isascii():
            return span.start + min(character, len(raw))
        text = decode(raw)
        units = 0
        for i, ch in enumerate(text):
            units += 2 if (encoding == UTF16 and ord(ch) > 0xFFFF) else 1
            if units > character:
                return span.start + len(text[:i].encode("utf-8", "surrogatepass"))
        return span.end
