"""No false alarm on the corpus: findings a line-by-line review judged FALSE stay away.

``reviews/corpus-false-findings.tsv`` (in the shared folder) lists findings of an
earlier release on ``corpus/real`` that the service accepts, with the evidence.
A FALSE error must not come back as an error, a FALSE warning neither as a
warning nor as an error; UNSURE rows were decided in the rules' documentation
(AIB203: a missing identity when the API version is not known is a warning).
"""

from __future__ import annotations

import csv

import pytest

from aiblint.diagnostics import Severity
from aiblint.document import Document
from aiblint.engine import lint

from sharedpaths import CORPUS, SHARED

REVIEW = SHARED / "reviews" / "corpus-false-findings.tsv"


def _rows() -> list[dict]:
    with open(REVIEW, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def reviewed():
    corpus_dir = CORPUS
    if not REVIEW.is_file() or not (corpus_dir / "real").is_dir():
        pytest.skip("shared reviews or corpus not present")
    rows = _rows()
    findings: dict[str, list] = {}
    for path in sorted({r["path"] for r in rows}):
        file = corpus_dir / "real" / path
        result = lint(Document(file.read_bytes().decode("utf-8", "replace"), str(file)))
        findings[path] = [(d.code, result.document.lines.range(d.span).start.line + 1, d.severity, d.message)
                          for d in result.diagnostics]
    return rows, findings


def _back(rows, findings, verdict: str) -> list[str]:
    """Rows of ``verdict`` whose finding comes back at a severity the review rules out."""
    out = []
    for r in rows:
        if r["verdict"] != verdict:
            continue
        floor = Severity.ERROR if r["severity"] == "error" else Severity.WARNING
        if verdict == "UNSURE":
            floor = Severity.ERROR  # decided: at most a warning (see AIB203's documentation)
        for code, line, severity, message in findings[r["path"]]:
            if code == r["code"] and line == int(r["line"]) and severity >= floor:
                out.append(f"{r['path']}:{line} {code} {severity.label}: {message}")
    return out


def test_review_lists_the_findings_of_every_kind(reviewed):
    rows, _findings = reviewed
    assert sum(r["verdict"] == "FALSE" for r in rows) >= 140
    assert {r["code"] for r in rows} >= {"AIB200", "AIB201", "AIB203", "AIB204", "AIB206", "AIB209", "AIB300", "AIB306"}


def test_no_false_finding_comes_back(reviewed):
    rows, findings = reviewed
    assert _back(rows, findings, "FALSE") == []


def test_unsure_findings_are_at_most_warnings(reviewed):
    rows, findings = reviewed
    assert _back(rows, findings, "UNSURE") == []
