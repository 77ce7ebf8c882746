"""Shared fixtures: where the shared corpus and references are (tests skip cleanly without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharedpaths import CORPUS, REFERENCE


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
