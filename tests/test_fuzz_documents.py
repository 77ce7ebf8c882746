"""Property tests (Hypothesis) of the document layer and of the server's edit path.

The editor is modelled independently, on Python strings: lines end at ``\\n``,
``\\r\\n`` or ``\\r``; a column is counted in the negotiated encoding; a column
past the line's end is the line's end, a line past the last one the document's
end, and a column inside a character the start of that character. Properties:

* after any sequence of edits the document's text is the editor's text, and its
  bytes, line index and tree-sitter tree are those of a fresh parse;
* positions and offsets convert back and forth on every character boundary;
* the server's diagnostics after any edit sequence (incremental reparse, string
  fast path, per-resource checks, broken intermediate states) are the engine's
  diagnostics for a fresh document with the same text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiblint.document import Document
from aiblint.document.positions import UTF8, UTF16, UTF32
from aiblint.engine import Selection, lint
from aiblint.lsp import checker, incremental
from aiblint.lsp.diagnostics import might_be_template
from aiblint.lsp.store import OpenDocument
from aiblint.rule import registry
from aiblint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.json"))

PIECES = ['{', '}', '[', ']', ':', ',', '"', '\\', ' ', '\n', '\r', '\r\n', '\t', '/', '*', '//', 'a', 'x1', '0',
          '-', 'é', '€', '😀', '\ufeff', '\ud800', '\udfff', '\x00', '"type"', '"source"', 'true', 'null', '\u2028']
ENCODINGS = [UTF8, UTF16, UTF32]


# -- the editor's model ---------------------------------------------------------------------------


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\r" and i + 1 < n and text[i + 1] == "\n":
            i += 1
        if c in "\r\n":
            starts.append(i + 1)
        i += 1
    return starts


def _width(ch: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(ch.encode("utf-8", "surrogatepass"))
    if encoding == UTF16:
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def model_index(text: str, line: int, character: int, encoding: str) -> int:
    """Index into ``text`` of an LSP position, as the editor (and the LSP specification) means it."""
    starts = _line_starts(text)
    if line < 0:
        return 0
    if line >= len(starts):
        return len(text)
    s = starts[line]
    e = starts[line + 1] if line + 1 < len(starts) else len(text)
    if e > s and text[e - 1] == "\n":
        e -= 1
    if e > s and text[e - 1] == "\r":
        e -= 1
    units = 0
    for i in range(s, e):
        w = _width(text[i], encoding)
        if units + w > max(character, 0):
            return i
        units += w
    return e


def model_apply(text: str, start, end, new: str, encoding: str) -> str:
    if start is None:
        return new
    a = model_index(text, *start, encoding)
    b = model_index(text, *end, encoding)
    a, b = min(a, b), max(a, b)
    return text[:a] + new + text[b:]


# -- strategies ---------------------------------------------------------------------------------------

inserted = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
positions = st.tuples(st.integers(-1, 40), st.integers(-2, 90))


@st.composite
def edits(draw, full_text: bool = True):
    """(start, end, text): a range edit with arbitrary positions, now and then a whole-text change."""
    if full_text and draw(st.integers(0, 20)) == 0:
        return (None, None, draw(inserted))
    return (draw(positions), draw(positions), draw(inserted))


@st.composite
def local_edits(draw, text: str):
    """An edit near a random place of ``text`` (where the fast paths apply), in valid positions."""
    starts = _line_starts(text)
    line = draw(st.integers(0, len(starts) - 1))
    col = draw(st.integers(0, 60))
    length = draw(st.integers(0, 3))
    return ((line, col), (line, col + length), draw(inserted))


@st.composite
def typing_in_strings(draw, text: str, encoding: str):
    """Typing or deleting inside a string value (the server's string fast path)."""
    import re

    quoted = [m for m in re.finditer(r'"[^"\\\r\n]{2,}"', text)]
    if not quoted:
        return draw(local_edits(text))
    m = draw(st.sampled_from(quoted))
    at = draw(st.integers(m.start() + 1, m.end() - 2))
    line = text.count("\n", 0, at) + (0 if "\n" in text else text.count("\r", 0, at))
    line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    col = sum(_width(ch, encoding) for ch in text[line_start:at])
    typed = draw(st.lists(st.sampled_from(["a", "b", "-", " ", "é", "😀", "1"]), max_size=3).map("".join))
    gone = draw(st.integers(0, 1)) if typed else 1
    return ((line, col), (line, col + gone), typed)


# -- the document layer -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.lists(edits(), max_size=8),
       st.sampled_from(ENCODINGS), st.sampled_from(["json", "yaml"]))
def test_document_text_is_the_editors_text_after_any_edits(text, changes, encoding, language):
    doc = Document(text, "x." + language)
    model = text
    for start, end, new in changes:
        doc.apply_change(start, end, new, encoding)
        model = model_apply(model, start, end, new, encoding)
        assert doc.text == model
    fresh = Document(model, "x." + language)
    assert doc.data == fresh.data
    assert doc.lines.line_starts == fresh.lines.line_starts
    if doc.tree is not None:
        assert str(doc.tree.root_node) == str(fresh.tree.root_node)
    assert [(p.code, p.span, p.message) for p in doc.syntax_problems] == \
        [(p.code, p.span, p.message) for p in fresh.syntax_problems]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.sampled_from(ENCODINGS))
def test_positions_and_offsets_convert_back_and_forth(text, encoding):
    doc = Document(text, "x.json")
    lines = doc.lines
    offset = 0
    for i, ch in enumerate(text):
        if ch == "\n" and text[i - 1 : i] == "\r":
            assert lines.position(offset, encoding) == lines.position(offset - 1, encoding)
            offset += 1
            continue
        pos = lines.position(offset, encoding)
        assert lines.offset(pos.line, pos.character, encoding) == offset
        assert model_index(text, pos.line, pos.character, encoding) == len(
            doc.data[:offset].decode("utf-8", "surrogatepass"))
        offset += len(ch.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.sampled_from(["json", "yaml"]))
def test_every_span_is_on_character_boundaries_without_a_line_break_at_its_end(text, language):
    text = '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "properties": {"x": ' + text
    if language == "yaml":
        text = "type: Microsoft.VirtualMachineImages/imageTemplates\nproperties:\n  source: " + text
    doc = Document(text, "x." + language)
    for d in lint(doc).diagnostics:
        for span in (d.span, *(r.span for r in d.related)):
            doc.data[: span.start].decode("utf-8", "surrogatepass")
            doc.data[span.start : span.end].decode("utf-8", "surrogatepass")
            assert not doc.data[span.start : span.end].endswith((b"\n", b"\r")), d


# -- edit sequences through the server's document store and checks ---------------------------------------


SETTINGS = Settings()
SELECTION = Selection(SETTINGS, registry())


def server_view(od) -> list:
    """What the server shows for ``od`` now (the path ``ensure_checked`` takes)."""
    if not od.was_template and not might_be_template(od.doc.data):
        return []
    return checker.visible(od, incremental.check(od, SETTINGS, SELECTION))


def cli_view(text: str, path: str, language: str):
    """The engine's diagnostics for a fresh document (None when it holds no template)."""
    result = lint(Document(text, path, language=language), SETTINGS, selection=SELECTION)
    return result.diagnostics if result.is_template else None


def brief(diags) -> list[tuple]:
    return [(d.code, d.span.start, d.span.end, d.message, d.severity, tuple(r.span for r in d.related))
            for d in diags]


class Change:
    def __init__(self, start, end, text):
        self.text = text
        if start is not None:
            P = type("P", (), {})
            self.range = P()
            self.range.start, self.range.end = P(), P()
            self.range.start.line, self.range.start.character = start
            self.range.end.line, self.range.end.character = end


def run_session(text: str, language: str, batches, encoding: str) -> None:
    path = "/tmp/t." + language
    od = OpenDocument("file://" + path, text, 1, language)
    model = text
    server_view(od)
    for changes in batches:
        for start, end, new in changes:
            model = model_apply(model, start, end, new, encoding)
        od.apply([Change(*c) for c in changes], encoding)
        od.data_serial += 1
        assert od.doc.text == model
        expected = cli_view(model, path, language)
        got = server_view(od)
        if expected is not None:
            assert brief(got) == brief(expected)


TEMPLATES = [p.read_text(encoding="utf-8") for p in EXAMPLES]
YAML_TEMPLATE = """type: Microsoft.VirtualMachineImages/imageTemplates
apiVersion: 2022-07-01
location: westus2
properties:
  source:
    type: PlatformImage
    publisher: Canonical
  customize:
    - type: Shell
      inline: ["echo é 😀"]
  distribute: []
"""


@st.composite
def sessions(draw):
    language = draw(st.sampled_from(["json"] * 3 + ["yaml"]))
    text = draw(st.sampled_from(TEMPLATES)) if language == "json" else YAML_TEMPLATE
    encoding = draw(st.sampled_from(ENCODINGS))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    batches = []
    current = text
    for _ in range(draw(st.integers(1, 8))):
        one = st.one_of(typing_in_strings(current, encoding), typing_in_strings(current, encoding),
                        local_edits(current), edits(full_text=False))
        batch = draw(st.lists(one, min_size=1, max_size=draw(st.sampled_from([1, 1, 3]))))
        batches.append(batch)
        for start, end, new in batch:
            current = model_apply(current, start, end, new, encoding)
    return text, language, batches, encoding


@pytest.mark.skipif(not TEMPLATES, reason="no example templates")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sessions())
def test_server_diagnostics_equal_the_engines_after_any_edit_sequence(session):
    run_session(*session)
