"""Every real template of the shared corpus is checked without an internal error."""

from __future__ import annotations

import logging

import pytest

from aiblint.document import Document
from aiblint.engine import lint


def _json_files(corpus_dir):
    return sorted(p for p in (corpus_dir / "real").rglob("*") if p.suffix.lower() in (".json", ".jsonc"))


def test_every_corpus_template_checks_cleanly(corpus_dir, caplog):
    files = _json_files(corpus_dir)
    assert len(files) > 100
    found_templates = 0
    with caplog.at_level(logging.WARNING, logger="aiblint"):
        for path in files:
            text = path.read_bytes().decode("utf-8", "replace")
            result = lint(Document(text, str(path)))
            found_templates += result.is_template
            for d in result.diagnostics:
                assert d.span.start <= d.span.end <= len(result.document.data), (path, d)
    internal = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not internal, [(r.getMessage(), r.exc_text) for r in internal[:5]]
    # Almost every corpus file carries at least one imageTemplate body.
    assert found_templates >= len(files) - 10


@pytest.mark.parametrize("form", ["raw", "arm"])
def test_corpus_forms_are_recognised(corpus_dir, form):
    manifest = (corpus_dir / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = manifest[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in manifest[1:]]
    paths = [corpus_dir / r["path"] for r in rows if r["form"] == form and r["path"].endswith(".json")]
    assert paths
    missed = []
    for path in paths:
        result = lint(Document(path.read_bytes().decode("utf-8", "replace"), str(path)))
        if not result.is_template:
            missed.append(path.name)
    assert not missed, missed
