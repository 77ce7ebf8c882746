"""Shared fixtures: where the shared corpus and references are (tests skip cleanly without them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AIBLINT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference"


@pytest.fixture
def corpus_dir() -> Path:
    if not (CORPUS / "real").is_dir():
        pytest.skip("shared corpus not present")
    return CORPUS


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("shared reference folder not present")
    return REFERENCE
