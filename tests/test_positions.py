"""Exact positions: line breaks (LF, CRLF, lone CR), BOM, tabs and non-ASCII text."""

from __future__ import annotations

import pytest

from aiblint.document import Document
from aiblint.document.positions import UTF8, UTF16, UTF32, LineIndex, Position
from lintutil import Found, lint


def test_line_starts_for_every_kind_of_line_break():
    idx = LineIndex(b"a\nb\r\nc\rd")
    assert idx.line_starts == [0, 2, 5, 7]
    assert [idx.position(o) for o in (0, 2, 5, 7, 8)] == [
        Position(0, 0), Position(1, 0), Position(2, 0), Position(3, 0), Position(3, 1)]
    assert idx.line_span(1).end == 3  # without the \r\n


def test_crlf_counts_as_one_line_break():
    idx = LineIndex(b"{\r\n\r\n}")
    assert idx.line_count == 3
    assert idx.position(5) == Position(2, 0)


@pytest.mark.parametrize("text", [b"", b"\n", b"a", b"a\r\nb\r\n", b"\r\n\r\n", b"a\rb\nc\r\n", b"\r", b"a\r\r\nb",
                                  b"x\n\ny", b"\r\n" * 3 + b"\r"])
def test_line_starts_are_the_same_on_the_fast_and_the_careful_path(text):
    # Texts whose every break ends in \n take the fast path; one with a lone \r the careful one.
    expected = [0] + [i + 1 for i, c in enumerate(text)
                      if c == 0x0A or (c == 0x0D and text[i + 1 : i + 2] != b"\n")]
    assert LineIndex(text).line_starts == expected


def test_columns_in_utf16_utf8_and_utf32():
    line = "\t\"é中😀\": x"
    data = line.encode()
    idx = LineIndex(data)
    x = data.index(b"x")
    assert idx.position(x, UTF16) == Position(0, 9)  # tab, ", é, 中, 😀 (2 units), ", :, space
    assert idx.position(x, UTF8) == Position(0, len(data) - 1)
    assert idx.position(x, UTF32) == Position(0, 8)


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_offset_is_the_inverse_of_position(encoding):
    data = "é\r\n\t😀中 x\rz".encode()
    idx = LineIndex(data)
    for offset in range(len(data) + 1):
        try:
            data[:offset].decode()
        except UnicodeDecodeError:
            continue  # inside a character
        pos = idx.position(offset, encoding)
        if data[offset:offset + 1] == b"\n" and data[offset - 1:offset] == b"\r":
            continue  # between \r and \n: no position of its own
        assert idx.offset(pos.line, pos.character, encoding) == offset


def test_offset_clamps_past_the_end_of_a_line():
    idx = LineIndex(b"ab\ncd")
    assert idx.offset(0, 99) == 2
    assert idx.offset(9, 0) == 5
    assert idx.offset(-1, 0) == 0


def test_bom_is_a_character_of_the_text_and_read_as_white_space():
    # An editor that sends a byte-order mark counts it as a column: so does the document.
    text = "\ufeff{\"a\": 1 \"b\": 2}"
    assert Document(text, "x.json").text == text
    assert lint(text, "x.json") == [Found("AIB100", (0, 8, 0, 8), "Expected ',' between properties")]
    assert lint(text[1:], "x.json") == [Found("AIB100", (0, 7, 0, 7), "Expected ',' between properties")]


NASTY = [
    # (description, text, expected range of the AIB100 missing comma)
    ("CRLF", '{\r\n  "a": 1\r\n  "b": 2\r\n}', (1, 8, 1, 8)),
    ("lone CR", '{\r  "a": 1\r  "b": 2\r}', (1, 8, 1, 8)),
    ("tabs", '{\n\t"a":\t1\n\t"b": 2\n}', (1, 7, 1, 7)),
    ("accents", '{\n  "é": "café"\n  "b": 2\n}', (1, 13, 1, 13)),
    ("emoji", '{\n  "😀": "🚀🚀"\n  "b": 2\n}', (1, 14, 1, 14)),
    ("CJK", '{\n  "名前": "画像テンプレート"\n  "b": 2\n}', (1, 18, 1, 18)),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in NASTY], ids=[c[0] for c in NASTY])
def test_diagnostic_positions_in_unusual_text(text, expected):
    assert lint(text, "x.json") == [Found("AIB100", expected, "Expected ',' between properties")]


def test_positions_after_emoji_on_the_same_line():
    found = lint('{"😀": 1, "k": “v”}', "x.json")
    # 😀 is two UTF-16 units: “ starts at character 15.
    assert [(f.code, f.range) for f in found] == [("AIB101", (0, 15, 0, 18))]


def test_value_spans_after_multibyte_text_are_byte_exact():
    doc = Document('{"名": "😀", "after": 1}', "x.json")
    node = doc.root.get("after")
    assert doc.slice(node.span) == "1"
    assert doc.slice(node.key_span) == '"after"'
    assert doc.lines.range(node.span).start == Position(0, 21)


def test_yaml_positions_after_multibyte_text():
    doc = Document("# ünïcödé 😀\nname: \"é😀\"\nlocation: westeurope\n", "x.yaml")
    loc = doc.root.get("location")
    assert doc.slice(loc.span) == "westeurope"
    assert doc.lines.range(loc.span).start == Position(2, 10)
    assert doc.slice(doc.root.member("name").value.span) == '"é😀"'


def test_yaml_with_crlf_and_bom():
    doc = Document("\ufeffa: 1\r\nb:\r\n  c: x\r\n", "x.yaml")
    c = doc.root.get("b").get("c")
    assert doc.lines.range(c.span).start == Position(2, 5)
    assert doc.lines.range(c.key_span).start == Position(2, 2)
