"""Bicep in the language server: the per-resource check after an edit gives exactly the full check's answer."""

from __future__ import annotations

import json
import random

import pytest

from aiblint import catalog
from aiblint.document import Document
from aiblint.engine import Selection, lint
from aiblint.lsp import incremental
from aiblint.lsp.store import OpenDocument
from aiblint.rule import registry
from aiblint.settings import Settings
from bicepconv import forms
from test_lsp_incremental import keys, make_arm

SAFE = ["x", "", "step0", "2", "e", " ", "Shell", "é", "Windows", "<", "0"]
RISKY = ["'", "}", "\n", "{", "/", "]", ":", "${"]


def make_bicep(seed: int, n: int = 4) -> str:
    text = forms(json.loads(make_arm(seed, n)), catalog.load().versions)[1]
    # A parameter between two resources, and comments: the blanked view keeps both.
    text = text.replace("resource template2", "// the third one\nparam late string = 'westus2'\nresource template2")
    # An API version that is not known: its finding sits in the type string, outside the value tree.
    last = text.rindex("imageTemplates@") + len("imageTemplates@")
    return text[:last] + "2022-07-02" + text[last + 10:]


def _change(od, a: int, b: int, new: str):
    lines = od.doc.lines
    start, end = lines.position(a), lines.position(b)

    class Change:
        range = type("R", (), {"start": type("P", (), {"line": start.line, "character": start.character}),
                               "end": type("P", (), {"line": end.line, "character": end.character})})
        text = new

    od.apply([Change], "utf-16")


@pytest.mark.parametrize("seed", range(3))
def test_random_edits_match_full_check(seed):
    rng = random.Random(seed)
    text = make_bicep(seed)
    settings = Settings()
    selection = Selection(settings, registry())
    od = OpenDocument("file:///tmp/inc.bicep", text, 1, "bicep")
    incremental.check(od, settings, selection)
    fast = 0
    for step in range(40):
        data = od.doc.data
        if rng.random() < 0.85:
            # Typing at the start of a string value mostly (the text stays valid Bicep), anything anywhere else.
            quotes = [i for i in range(1, len(data)) if data[i:i + 1] == b"'" and data[i - 1:i] in b" (["]
            a = rng.choice(quotes) + 1
            b, new = a, rng.choice(SAFE)
        else:
            a = rng.randrange(len(data))
            b = min(len(data), a + rng.choice([0, 1, 3]))
            new = rng.choice(RISKY + SAFE)
        _change(od, a, b, new)
        result = incremental.check(od, settings, selection)
        fast += isinstance(result, incremental.IncrementalResult)
        expected = lint(Document(od.doc.text, od.path), settings, selection=selection)
        assert keys(result.diagnostics) == keys(expected.diagnostics), f"step {step}: {new!r} at {a}"
        if (od.doc.tree is None or od.doc.tree.root_node.has_error) and rng.random() < 0.5:
            _change(od, 0, len(od.doc.data), make_bicep(seed))
            incremental.check(od, settings, selection)
    assert fast >= 10


def test_typing_in_a_name_takes_the_fast_path_and_a_suppression_does_not():
    text = make_bicep(1, n=6)
    settings = Settings()
    selection = Selection(settings, registry())
    od = OpenDocument("file:///tmp/inc2.bicep", text, 1, "bicep")
    incremental.check(od, settings, selection)
    at = text.index("'tmpl3'") + 3
    for i in range(6):
        _change(od, at, at + (i % 2), "x" if i % 2 == 0 else "")
        result = incremental.check(od, settings, selection)
        assert isinstance(result, incremental.IncrementalResult)
        expected = lint(Document(od.doc.text, od.path), settings, selection=selection)
        assert keys(result.diagnostics) == keys(expected.diagnostics)
    # A file-wide suppression typed into one resource silences the others too: the full check runs.
    line = od.doc.text.index("  name: 'tmpl3'")
    _change(od, line, line, "  // aiblint-disable AIB310\n")
    result = incremental.check(od, settings, selection)
    assert not isinstance(result, incremental.IncrementalResult)
    assert keys(result.diagnostics) == keys(lint(Document(od.doc.text, od.path), settings,
                                                 selection=selection).diagnostics)


@pytest.mark.parametrize("seed", range(3))
def test_typing_in_strings_keeps_the_value_tree_exact(seed):
    """Edits inside Bicep string literals patch the kept value tree; it must equal a fresh build."""
    from test_lsp_incremental import _tree

    rng = random.Random(seed)
    text = make_bicep(seed, n=2).replace("'echo 0'", "'echo \\'0\\' é'")
    od = OpenDocument("file:///tmp/tree.bicep", text, 1, "bicep")
    _ = od.doc.root
    patched = 0
    for _step in range(40):
        data = od.doc.data
        quotes = [i for i in range(1, len(data)) if data[i:i + 1] == b"'" and data[i - 1:i] in b" (["]
        a = rng.choice(quotes) + 1  # just after an opening quote
        b = a + rng.choice([0, 0, 1])
        root = od.doc.root
        _change(od, a, b, rng.choice(["x", "", "é", "[", "2", "$", "{"]))
        patched += od.doc.__dict__.get("root") is root
        fresh = Document(od.doc.text, od.path)
        assert _tree(od.doc.root) == _tree(fresh.root)
        if od.doc.tree is None or od.doc.tree.root_node.has_error:  # broken, or no template left: start again
            od = OpenDocument("file:///tmp/tree.bicep", text, 1, "bicep")
            _ = od.doc.root
    assert patched >= 5


def test_a_patched_tree_keeps_the_api_version_place():
    """The API version lives in a type string outside the value tree: a patch before it moves it too."""
    text = make_bicep(2, n=2)
    settings = Settings()
    od = OpenDocument("file:///tmp/ver.bicep", text, 1, "bicep")
    root = od.doc.root
    at = text.index("'tmpl0'") + 1
    _change(od, at, at, "longer-")
    assert od.doc.__dict__.get("root") is root  # patched, not rebuilt
    patched = lint(od.doc, settings).diagnostics
    fresh = lint(Document(od.doc.text, od.path), settings).diagnostics
    assert "AIB207" in [d.code for d in fresh]
    assert keys(patched) == keys(fresh)


def test_a_string_that_becomes_an_interpolation_is_rebuilt():
    """Deleting the 'x' of '$x{a}' makes an interpolation: its value is no longer the literal text."""
    from test_lsp_incremental import _tree

    text = ("param a string = 'westus2'\n"
            "resource one 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' = {\n  name: '$x{a}'\n}\n"
            "resource two 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' = {\n  name: 'two'\n}\n")
    for target, deleted in (("$x{a}", "x"), ("$x{a}", "a")):  # the second stays a plain literal
        od = OpenDocument("file:///tmp/plain.bicep", text, 1, "bicep")
        _ = od.doc.root
        at = text.index(target) + target.index(deleted)
        _change(od, at, at + 1, "")
        fresh = Document(od.doc.text, od.path)
        assert _tree(od.doc.root) == _tree(fresh.root)
        assert [(t.version_node.span, t.version_node.value) for t in od.doc.root.declared_templates] == \
            [(t.version_node.span, t.version_node.value) for t in fresh.root.declared_templates]
