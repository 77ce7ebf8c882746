"""Bad input never raises: binary and undecodable files, empty, deeply nested and huge documents."""

from __future__ import annotations

import logging

import pytest

from aiblint.discover import MAX_BYTES, ReadError, TooLarge, decode, read_bytes
from aiblint.document import Document
from aiblint.document.json import MAX_DEPTH
from lintutil import Found, lint, run

DEEP = f"Nesting deeper than {MAX_DEPTH} levels; the values inside are not checked"


def test_binary_file_is_a_clear_problem(tmp_path):
    path = tmp_path / "image.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    source = decode(read_bytes(str(path)))
    assert source.text is None
    assert source.problem == "binary file (it contains NUL bytes); not a JSON or YAML text"


def test_invalid_utf8_names_the_byte_and_is_never_written_back():
    source = decode(b'{\n  "a": "caf\xe9"\n}')
    assert source.problem == "invalid UTF-8 (byte 0xe9); the file must be saved as UTF-8"
    assert source.lossy and source.problem_offset == len(b'{\n  "a": "caf')


def test_utf16_with_bom_is_read():
    source = decode('{"a": "é"}'.encode("utf-16"))
    assert source.text == '{"a": "é"}' and source.encoding.startswith("utf-16")


def test_utf8_bom_is_dropped_by_the_document():
    source = decode(b'\xef\xbb\xbf{"a": 1}')
    doc = Document(source.text, "t.json")
    assert source.bom and doc.text == '{"a": 1}' and doc.root.get("a").value == 1


@pytest.mark.parametrize("make,message", [
    (lambda p: p / "missing.json", "no such file"),
    (lambda p: p, "is a directory"),
])
def test_unreadable_paths(tmp_path, make, message):
    with pytest.raises(ReadError, match=f"^{message}$"):
        read_bytes(str(make(tmp_path)))


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    result = run(decode(read_bytes(str(path))).text)
    assert [(d.code, d.message) for d in result.diagnostics] == [("AIB100", "Empty document: expected a JSON value")]
    assert result.templates == []


@pytest.mark.parametrize("text", [
    "[" * 10000 + "]" * 10000,
    '{"a":' * 10000 + "1" + "}" * 10000,
])
def test_ten_thousand_levels(text, caplog):
    with caplog.at_level(logging.WARNING):
        found = lint(text)
    assert found == [Found("AIB100", (0, MAX_DEPTH, 0, MAX_DEPTH + 1) if text[0] == "[" else
                           (0, 5 * MAX_DEPTH, 0, 5 * MAX_DEPTH + 1), DEEP)]
    assert caplog.records == []


def test_ten_thousand_levels_unclosed(caplog):
    with caplog.at_level(logging.WARNING):
        result = run("[" * 10000)
    assert [d.message for d in result.diagnostics] == ["'[' is never closed: expected ']'", DEEP]
    assert caplog.records == []


def test_deep_values_inside_a_template_are_cut_and_the_rest_checked(caplog):
    text = ('{"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01", '
            '"tags": {"x": ' + "[" * 5000 + "]" * 5000 + '}}')
    with caplog.at_level(logging.WARNING):
        result = run(text)
    assert result.templates and result.templates[0].api_version == "2024-02-01"
    assert DEEP in [d.message for d in result.diagnostics]
    assert [r for r in caplog.records if "internal error" in r.getMessage() or "deeply" in r.getMessage()] == []


def test_walk_and_to_python_work_at_the_depth_limit():
    doc = Document("[" * 5000 + "]" * 5000, "x.json")
    assert sum(1 for _ in doc.root.walk()) == MAX_DEPTH
    value = doc.root.to_python()
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


def test_huge_single_line():
    items = ",".join('{"k": "v%d"}' % i for i in range(20000))
    doc = Document('{"a": [' + items + "]", "x.json")  # 300 kB on one line, last brace missing
    problems = [(p.code, p.message) for p in doc.syntax_problems]
    assert problems == [("AIB100", "'{' is never closed: expected '}'")]
    assert len(doc.root.get("a").items) == 20000
    assert doc.lines.range(doc.root.get("a").items[-1].span).start.character == len(doc.data) - 1 - len('{"k": "v19999"}')


def test_lone_surrogate_and_control_characters_do_not_break_the_reader():
    doc = Document('{"a": "\ud800", "b": "\x01", \x00 "c": 1', "x.json")
    assert doc.root is not None
    assert doc.syntax_problems


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(TooLarge, match=r"^file too large to check \(10\.0 MB; the limit is 10 MB\)$"):
        read_bytes(str(path))
