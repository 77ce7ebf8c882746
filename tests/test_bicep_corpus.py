"""The real Bicep files of the shared corpus: every template found, no crash, the known findings, safe fixes."""

from __future__ import annotations

import collections
import logging

from aiblint.document import Document
from aiblint.engine import lint
from aiblint.fixes import apply_text, choose
from aiblint.settings import Settings

# Reviewed by hand: scripts downloaded without a checksum (AIB301), Windows Update followed by a
# PowerShell step without a restart (AIB317), a customizer name used twice (AIB302), and two
# templates deployed under a fixed name (AIB326, information). AIB001 (information): a source,
# customize or distribute that is a parameter without default (given at deployment, 25) or another
# Bicep expression (a loop, union(), a ternary: 12), so it was not checked.
EXPECTED = {"AIB301": 43, "AIB317": 5, "AIB302": 2, "AIB326": 2, "AIB001": 37}


def test_real_bicep_files(corpus_dir, caplog):
    files = sorted((corpus_dir / "real").rglob("*.bicep"))
    assert len(files) == 50
    counts: collections.Counter = collections.Counter()
    with caplog.at_level(logging.WARNING):
        for path in files:
            text = path.read_bytes().decode("utf-8-sig")
            result = lint(Document(text, str(path)), Settings())
            assert result.templates, path
            counts.update(d.code for d in result.diagnostics)
            # Every fix, unsafe ones too, leaves the template parsing and is not undone by a second round.
            new, _ = apply_text(text, choose(result.diagnostics, unsafe=True))
            fixed = Document(new, str(path))
            assert fixed.has_syntax_error == result.document.has_syntax_error, path
            assert len(fixed.broken_spans) == len(result.document.broken_spans), path
            again = lint(fixed, Settings())
            assert apply_text(new, choose(again.diagnostics, unsafe=True))[0] == new, path
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert dict(counts) == EXPECTED


def test_grammar_gaps_in_real_files_are_not_reported(corpus_dir):
    # Five real files use syntax newer than the grammar (spreads, typed params): nothing is said about it.
    broken = []
    for path in sorted((corpus_dir / "real").rglob("*.bicep")):
        result = lint(Document(path.read_bytes().decode("utf-8-sig"), str(path)), Settings())
        if result.document.broken_spans:
            broken.append(path)
            assert not [d for d in result.diagnostics if d.code.startswith("AIB1")], path
    assert len(broken) == 5
