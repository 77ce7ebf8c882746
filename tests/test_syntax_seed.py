"""The seed document's ```json snippets give the syntax diagnostics a reader would expect.

Snippets that start with ``{`` are checked as they are. The others are fragments of a
template (``"source": {...},``); they are checked the way a person would use them:
pasted into an object (``{`` + fragment without its final comma + ``}``). Positions are
reported as in the CLI (1-based line of the seed document, 1-based column).
"""

from __future__ import annotations

import pytest

from aiblint import syntax
from aiblint.document import Document

SEED = "000_b46ac01f1555d858.txt"

# snippet number (1-based, in document order) -> expected [(code, seed line, column, message start)]
EXPECTED = {
    1: [("AIB100", 31, 15, "Expected ',' between properties"),
        ("AIB100", 35, 34, "Expected a value, found '<minutes>'")],
    2: [], 3: [], 4: [], 5: [], 6: [], 7: [], 8: [], 9: [],
    10: [("AIB102", 225, 46, "Trailing comma after the last item")],
    11: [("AIB102", 246, 10, "Trailing comma after the last item"),
         ("AIB103", 248, 9, "Duplicate key 'customize'"),
         ("AIB102", 253, 10, "Trailing comma after the last item")],
    12: [("AIB100", 274, 13, "Missing '{' before property \"type{ \"")],
    13: [], 14: [], 15: [],
    16: [("AIB101", 441, 24, "Typographic quotes “ ” around a string"),
         ("AIB100", 446, 15, "Expected ',' between properties")],
    17: [],
}


def snippets(text: str) -> list[tuple[int, str]]:
    """(1-based line of the snippet's first line, snippet text) for every ```json block."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith("```json"):
            j = i + 1
            while not lines[j].strip().startswith("```"):
                j += 1
            found.append((i + 2, "\n".join(lines[i + 1 : j])))
            i = j
        i += 1
    return found


def check_snippet(first_line: int, snippet: str):
    fragment = not snippet.lstrip().startswith("{")
    text = snippet
    shift = 0
    if fragment:
        body = snippet.rstrip()
        body = body[:-1] if body.endswith(",") else body
        text = "{\n" + body + "\n}\n"
        shift = 1
    doc = Document(text, "snippet.json")
    out = []
    for d in sorted(syntax.check(doc, []), key=lambda d: d.sort_key):
        pos = doc.lines.position(d.span.start)
        out.append((d.code, first_line + pos.line - shift, pos.character + 1, d.message, d))
    return doc, out


@pytest.fixture
def seed(reference_dir):
    return snippets((reference_dir / SEED).read_text(encoding="utf-8"))


def test_seed_has_seventeen_json_snippets(seed):
    assert len(seed) == len(EXPECTED)


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_seed_snippet(seed, number):
    first_line, snippet = seed[number - 1]
    _, found = check_snippet(first_line, snippet)
    got = [(code, line, col) for code, line, col, _, _ in found]
    assert got == [(code, line, col) for code, line, col, _ in EXPECTED[number]]
    for (_, _, _, message, _), (_, _, _, start) in zip(found, EXPECTED[number]):
        assert message.startswith(start)


def test_seed_typographic_quotes_have_safe_fix(seed):
    first_line, snippet = seed[15]
    doc, found = check_snippet(first_line, snippet)
    d = next(d for code, *_, d in found if code == "AIB101")
    (fix,) = d.fixes
    assert fix.safe
    (edit,) = fix.edits
    assert doc.slice(edit.span) == "“<resource ID>”"
    assert edit.new_text == '"<resource ID>"'


def test_seed_missing_comma_points_between_members(seed):
    first_line, snippet = seed[0]
    doc, found = check_snippet(first_line, snippet)
    d = found[0][4]
    assert d.span.start == d.span.end
    # Right after the '}' that closes "tags", before the line break and "identity".
    assert doc.data[d.span.start - 1 : d.span.start] == b"}"
    assert doc.data[d.span.start :].lstrip().startswith(b'"identity"')


def test_seed_fragment_as_is_reports_missing_brace_once(seed):
    first_line, snippet = seed[1]
    doc = Document(snippet, "fragment.json")
    found = [(d.code, d.message) for d in syntax.check(doc, [])]
    assert found == [("AIB100", "Missing '{' before property \"type\": properties belong inside an object")]
    assert doc.root.to_python() == {"type": "Microsoft.VirtualMachineImages/imageTemplates",
                                    "apiVersion": "2019-05-01-preview"}
