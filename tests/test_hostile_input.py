"""Hostile and broken input: bounded time and output, exact spans and messages.

Each test is a minimal case of a problem that once made the linter slow, flooded
its output or put a range in the wrong place.
"""

from __future__ import annotations

import json
import time

import pytest

from aiblint import engine
from aiblint.document import Document
from aiblint.document.positions import UTF8, UTF16, UTF32, LineIndex
from cliutil import run, write

TEMPLATE_HEAD = '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-07-01", '


def lint(text: str, path: str = "t.json"):
    return engine.lint(Document(text, path)).diagnostics


def timed(text: str, path: str = "t.json"):
    start = time.process_time()
    found = lint(text, path)
    return found, time.process_time() - start


def alias_bomb(levels: int) -> str:
    lines = ["type: Microsoft.VirtualMachineImages/imageTemplates", "properties:", "  source: {type: PlatformImage}",
             "  bomb:", "    l0: &a0 [x, x, x, x]"]
    lines += [f"    l{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [8, 12])
def test_yaml_alias_expansion_is_counted_and_stopped(levels):
    found, cpu = timed(alias_bomb(levels), "t.yaml")
    assert cpu < 1.0
    bomb = [d for d in found if d.code == "AIB100"]
    assert [d.message for d in bomb] == [
        "Aliases here expand to more than 10000 values; the document is checked without the rest of them"]


def test_a_few_aliases_are_read_as_copies():
    text = "type: Microsoft.VirtualMachineImages/imageTemplates\nbase: &b {type: Shell, inline: [ls]}\n" \
           "properties:\n  source: {type: PlatformImage}\n  customize: [*b, *b]\n"
    doc = Document(text, "t.yaml")
    assert doc.yaml_error is None
    assert [i.get("type").value for i in doc.root.get("properties").get("customize").items] == ["Shell", "Shell"]


@pytest.mark.parametrize("field", ["location", "apiVersion", "vmSize", "key"])
def test_similarity_search_is_bounded_for_huge_values(field):
    huge = "westus" * 20_000
    body = {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-07-01",
            "location": "westus2", "properties": {"source": {"type": "PlatformImage"}, "vmProfile": {}}}
    if field == "key":
        body["properties"][huge] = 1
    elif field == "vmSize":
        body["properties"]["vmProfile"]["vmSize"] = huge
    else:
        body[field] = huge
    found, cpu = timed(json.dumps(body))
    assert cpu < 1.0
    assert not any("did you mean" in d.message.lower() for d in found)


def test_similarity_search_still_suggests_for_short_values():
    body = {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-07-01",
            "location": "westuss2", "properties": {"source": {"type": "PlatformImage"}}}
    assert any("westus2" in d.message for d in lint(json.dumps(body)))


def test_syntax_findings_are_capped_per_code_with_one_summary():
    text = TEMPLATE_HEAD + '"x": "abc\n' + '{"a": "b\n' * 3000 + "}"
    found, cpu = timed(text)
    assert cpu < 2.0
    by_code = [d for d in found if d.code == "AIB100"]
    assert len(by_code) == engine.MAX_PER_CODE + 1
    more = by_code[-1]
    total = len(engine.lint(Document(text, "t.json"), limited=False).diagnostics)
    assert total > 3000
    assert more.message == f"… and {total - 100} more AIB100 findings in this file (not shown)"
    assert more.data["more"] == total - 100
    # The summary sits at the first finding left out, after every one shown.
    assert all(d.span.start <= more.span.start for d in by_code)


def test_findings_are_capped_per_file():
    found = engine.limit([engine.Diagnostic(f"AIB{300 + i % 10}", "m", engine.Span(i, i), engine.Severity.WARNING)
                          for i in range(2000)])
    assert len(found) == engine.MAX_PER_FILE + 10
    assert sum(d.data.get("more", 0) for d in found) == 2000 - engine.MAX_PER_FILE


def test_the_cap_is_the_same_in_the_cli(tmp_path):
    text = TEMPLATE_HEAD + '"x": "abc\n' + '{"a": "b\n' * 300 + "}"
    write(tmp_path, "t.json", text)
    r = run("--check", "t.json", "--format", "json", cwd=tmp_path)
    rows = r.json()
    assert len(rows) == engine.MAX_PER_CODE + 1
    total = len(engine.lint(Document(text, "t.json"), limited=False).diagnostics)
    assert rows[-1]["message"] == f"… and {total - 100} more AIB100 findings in this file (not shown)"


DEEP = [
    ("unclosed arrays", TEMPLATE_HEAD + '"x": ' + "[" * 100_000),
    ("unclosed objects", TEMPLATE_HEAD + '"x": ' + '{"a":' * 20_000),
    ("closed arrays with a bad byte", TEMPLATE_HEAD + '"x": ' + "[" * 50_000 + "\udcff" + "]" * 50_000 + "}"),
    ("yaml block nesting", "type: Microsoft.VirtualMachineImages/imageTemplates\nx:\n"
     + "".join(" " * i + "a:\n" for i in range(1, 450))),
    ("yaml flow nesting", "type: Microsoft.VirtualMachineImages/imageTemplates\nx: " + "[" * 100_000 + "\n"),
]


@pytest.mark.parametrize("text", [c[1] for c in DEEP], ids=[c[0] for c in DEEP])
def test_deep_nesting_is_cut_in_bounded_time(text):
    path = "t.yaml" if text.startswith("type:") else "t.json"
    found, cpu = timed(text, path)
    size_100k = max(len(text.encode("utf-8", "surrogatepass")) / 100_000, 1)
    assert cpu / size_100k < 1.0
    assert any(d.code == "AIB100" for d in found)


def test_comment_range_on_a_crlf_line_ends_before_the_line_break():
    text = '{\r\n  // note\r\n  "type": "Microsoft.VirtualMachineImages/imageTemplates",\r\n' \
           '  "properties": {"source": {"type": "PlatformImage"}}\r\n}\r\n'
    doc = Document(text, "t.json")
    comment = [d for d in engine.lint(doc).diagnostics if d.code == "AIB104"]
    assert [doc.slice(d.span) for d in comment] == ["// note"]
    r = doc.lines.range(comment[0].span)
    assert (r.start.line, r.start.character, r.end.line, r.end.character) == (1, 2, 1, 9)


def test_invalid_escape_message_shows_the_whole_character():
    found = lint('{"a": "\\é", "b": "\\😀"}')
    assert [d.message for d in found if d.code == "AIB100"] == [
        "Invalid escape sequence '\\é' in a string", "Invalid escape sequence '\\😀' in a string"]


def test_yaml_error_mark_covers_a_whole_character():
    text = "type: Microsoft.VirtualMachineImages/imageTemplates\nproperties:\n  source: é: x\n"
    doc = Document(text, "t.yaml")
    errors = [d for d in engine.lint(doc).diagnostics if d.code == "AIB100"]
    assert errors
    for d in errors:
        doc.data[d.span.start : d.span.end].decode("utf-8")  # never half a character


@pytest.mark.parametrize("encoding,character,expected", [
    # bytes: é 0-2, a 2-3, 😀 3-7, x 7-8; UTF-16 columns: é 0, a 1, 😀 2-3, x 4
    (UTF8, 1, 0), (UTF8, 2, 2), (UTF8, 4, 3), (UTF8, 6, 3), (UTF8, 7, 7),
    (UTF16, 3, 3), (UTF16, 4, 7), (UTF32, 3, 7), (UTF16, 99, 8), (UTF8, -3, 0),
])
def test_positions_inside_a_character_snap_to_its_start(encoding, character, expected):
    data = "éa😀x".encode()
    index = LineIndex(data)
    assert index.offset(0, character, encoding) == expected


def test_lone_surrogates_count_as_one_utf16_unit():
    data = 'a\ud800b\udfffc'.encode("utf-8", "surrogatepass")
    index = LineIndex(data)
    assert index.position(len(data), UTF16).character == 5
    assert index.offset(0, 2, UTF16) == 4  # after 'a' and the 3 bytes of the lone surrogate
    doc = Document('"\ud800x"', "t.json")
    doc.apply_change((0, 2), (0, 3), "y", UTF16)
    assert doc.text == '"\ud800y"'


def test_an_edit_inside_a_character_is_never_dropped():
    doc = Document('{"a": "é"}', "t.json")
    doc.apply_change((0, 8), (0, 8), "x", UTF8)  # byte 8 is inside é
    assert doc.text == '{"a": "xé"}'


def test_a_byte_order_mark_in_a_full_change_is_kept():
    doc = Document("{}", "t.json")
    doc.apply_change(None, None, '\ufeff{"a": 1 "b": 2}', UTF16)
    assert doc.text.startswith("\ufeff")
    doc.apply_change((0, 8), (0, 8), ",", UTF16)
    assert doc.text == '\ufeff{"a": 1, "b": 2}'
    assert not doc.syntax_problems
    doc.apply_change((0, 0), (0, 1), "", UTF16)
    assert doc.text == '{"a": 1, "b": 2}' and not doc.has_syntax_error


def test_thousands_of_members_to_remove_take_linear_time():
    # Found by the corpus fuzz run: a fix removing each extra identity searched the member list again.
    ids = ", ".join(f'"i{i}": {{}}' for i in range(40_000))
    text = (TEMPLATE_HEAD + '"location": "westus2", "identity": {"type": "UserAssigned", "userAssignedIdentities": {'
            + ids + '}}, "properties": {"source": {"type": "PlatformImage"}}}')
    found, cpu = timed(text)
    assert cpu / max(len(text) / 100_000, 1) < 1.0
    assert found

