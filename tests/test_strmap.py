"""Positions inside strings: each character of a value mapped back to the source (JSON and YAML), and
edits written inside a string in its own syntax (JSON, YAML, Bicep)."""

from __future__ import annotations

import json

import pytest

from aiblint.document import Document
from aiblint.document.nodes import ScalarNode
from aiblint.strmap import char_span, string_offsets


def _strings(doc):
    return [n for n in doc.root.walk() if isinstance(n, ScalarNode) and n.kind == "string"]


def _assert_maps(doc, node):
    """Each character's source text, read as a JSON string, is that character."""
    offsets = string_offsets(doc, node)
    assert offsets is not None, node.raw
    assert len(offsets) == len(node.value) + 1
    for i, ch in enumerate(node.value):
        written = doc.data[offsets[i]:offsets[i + 1]].decode("utf-8")
        assert json.loads(f'"{written}"') == ch, (i, ch, written)


JSON_VALUES = ['plain', 'quote \\" and backslash \\\\ here', 'new\\nline\\ttab', 'unicode \\u00e9 é 😀',
               'pair \\ud83d\\ude00 end', 'slash \\/ done', '']


@pytest.mark.parametrize("written", JSON_VALUES)
def test_json_every_character_maps_to_its_source(written):
    doc = Document('{"k": "' + written + '"}', "t.json")
    (key_value,) = [n for n in _strings(doc)]
    _assert_maps(doc, key_value)


def test_json_exact_offsets_after_escapes():
    text = '{"k": "a\\"b\\\\c\\u00e9d"}'
    doc = Document(text, "t.json")
    node = _strings(doc)[0]
    assert node.value == 'a"b\\céd'
    offsets = string_offsets(doc, node)
    start = text.index('"a') + 1
    assert offsets == [start, start + 1, start + 3, start + 4, start + 6, start + 7, start + 13, start + 14]
    # "d" is written after the six characters of \u00e9.
    assert char_span(offsets, node, 6, 7).start == text.index("d\"}")


def test_json_bad_escape_is_unknown():
    doc = Document('{"k": "bad \\q escape"}', "t.json")
    node = _strings(doc)[0]
    assert string_offsets(doc, node) is None
    assert char_span(None, node, 1, 2) == node.span


YAML = """\
plain: just text
multi: first line
  second line
single: 'it''s here'
double: "tab\\there \\"q\\" \\u00e9 \\x41"
folded_double: "one
  two"
literal: |
  line one
    indented
  line three
folded: >
  fold
  me

  para
"""


def test_yaml_every_character_maps_to_its_source():
    doc = Document(YAML, "t.yaml")
    nodes = [n for n in _strings(doc)]
    assert [n.key for n in nodes] == ["plain", "multi", "single", "double", "folded_double", "literal", "folded"]
    values = {n.key: n.value for n in nodes}
    assert values["folded"] == "fold me\npara\n"
    for node in nodes:
        offsets = string_offsets(doc, node)
        assert offsets is not None, node.key
        assert len(offsets) == len(node.value) + 1
        for i, ch in enumerate(node.value):
            written = doc.data[offsets[i]:offsets[i + 1]].decode("utf-8")
            if ch.isalnum():
                assert written[0] == ch or written.startswith("\\"), (node.key, i, ch, written)


def test_yaml_exact_offsets():
    doc = Document(YAML, "t.yaml")
    nodes = {n.key: n for n in _strings(doc)}
    data = YAML.encode()
    lit = nodes["literal"]
    off = string_offsets(doc, lit)
    # "indented" keeps two of its four spaces of indentation: they map to the 3rd and 4th space.
    i = lit.value.index("indented")
    assert off[i] == data.index(b"indented")
    assert off[i - 2] == data.index(b"indented") - 2
    dq = nodes["double"]
    off = string_offsets(doc, dq)
    assert off[dq.value.index("é")] == data.index(b"\\u00e9")
    assert off[dq.value.index("A")] == data.index(b"\\x41")
    single = nodes["single"]
    assert string_offsets(doc, single)[single.value.index("s")] == data.index(b"s here")
    multi = nodes["multi"]
    assert string_offsets(doc, multi)[multi.value.index("second")] == data.index(b"second")


# -- writing inside a string (string_edit / Carrier.escape_in_string) ------------------------------

BICEP_TEMPLATE = "resource t 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {\n  name: 'x'\n}\n"


def _edited(text: str, filename: str, start: int, end: int, new: str) -> str | None:
    """``text`` with characters ``start:end`` of the value of ``k`` (Bicep: ``var v``) replaced by ``new``
    through string_edit, or None when it refuses; the edited text must hold exactly that value."""
    from aiblint.diagnostics import Fix
    from aiblint.fixes import apply_text
    from aiblint.strmap import string_edit

    name = "v" if filename.endswith(".bicep") else "k"
    if filename.endswith(".bicep"):
        text += BICEP_TEMPLATE
    node = Document(text, filename).root.get(name)
    edit = string_edit(Document(text, filename), node, start, end, new)
    if edit is None:
        return None
    out, _ = apply_text(text, [Fix("t", (edit,))])
    assert Document(out, filename).root.get(name).value == node.value[:start] + new + node.value[end:], out
    return out.removesuffix(BICEP_TEMPLATE)


@pytest.mark.parametrize("text, filename, start, end, new, expected", [
    ('{"k": "a\\u00e9b"}', "t.json", 2, 2, '"\\', '{"k": "a\\u00e9\\"\\\\b"}'),
    ('k: "a\\"b"', "t.yaml", 1, 1, '"\\', 'k: "a\\"\\\\\\"b"'),
    ("k: 'it''s'", "t.yaml", 2, 2, "'", "k: 'it''''s'"),
    ("k: echo $1", "t.yaml", 5, 5, '"', 'k: echo "$1'),
    ("k: echo $1", "t.yaml", 0, 0, '"', None),  # a plain scalar that starts with a quote is a quoted one
    ("k: echo $1", "t.yaml", 4, 4, ":", None),
    ("k: echo $1", "t.yaml", 4, 4, " x", None),
    ("k: 0x", "t.yaml", 2, 2, "1", None),  # it would be read as a number
    ('k: "a\\tb"', "t.yaml", 1, 1, "\t", None),
    ("k: |\n  echo $1\n", "t.yaml", 5, 5, '"', 'k: |\n  echo "$1\n'),
    ("k: >\n  echo $1\n", "t.yaml", 5, 5, " x", None),
    ("var v = 'a{b'\n", "t.bicep", 1, 1, "'$", "var v = 'a\\'\\${b'\n"),
    ("var v = 'a$b'\n", "t.bicep", 2, 2, "{x}", None),  # "${" would start an interpolation
    ("var v = 'a\\$b'\n", "t.bicep", 2, 2, "{x}", "var v = 'a\\${x}b'\n"),
    ("var v = 'a'\n", "t.bicep", 1, 1, "${x}", "var v = 'a\\${x}'\n"),
    ("var v = '''\na'b\n'''\n", "t.bicep", 1, 1, "''", None),  # it would close the string
    ("var v = '''\nab\n'''\n", "t.bicep", 2, 2, "'", "var v = '''\nab'\n'''\n"),
    ("var v = '''\nab'''\n", "t.bicep", 2, 2, "'", None),
])
def test_string_edit_escapes_or_refuses(text, filename, start, end, new, expected):
    assert _edited(text, filename, start, end, new) == expected
