"""Paths and helpers shared by the end-to-end editor tests.

The editors come from ``.ci/setup-editors.sh`` (cache folder ``$AIBLINT_E2E_CACHE``,
default ``/var/cache/aiblint-e2e``). Without them the tests skip, telling how to
install them; with ``AIBLINT_E2E=1`` (as in CI) a missing editor is a failure.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
FIXTURES = E2E / "fixtures"
CACHE = Path(os.environ.get("AIBLINT_E2E_CACHE", "/var/cache/aiblint-e2e"))


def missing(what: str):
    """Skip (or, with AIBLINT_E2E=1, fail) because ``what`` is not installed."""
    message = f"{what} not installed: run .ci/setup-editors.sh"
    if os.environ.get("AIBLINT_E2E") == "1":
        pytest.fail(message)
    pytest.skip(message)


def tool(path, what: str) -> str:
    """``path`` as a string if it exists, else :func:`missing`."""
    if not path or not Path(path).exists():
        missing(what)
    return str(path)


def nvim_version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
    return out.splitlines()[0] if out else ""
