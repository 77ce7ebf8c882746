"""Fixtures for the end-to-end editor tests: the server and the installed editors."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from e2eutil import CACHE, tool


@pytest.fixture(scope="session")
def server_bin() -> Path:
    """The ``aiblint`` console script of the Python running the tests (or $AIBLINT_E2E_SERVER)."""
    exe = Path(os.environ.get("AIBLINT_E2E_SERVER") or Path(sys.executable).parent / "aiblint")
    if not exe.exists():
        found = shutil.which("aiblint")
        if not found:
            pytest.fail("aiblint is not installed in this environment")
        exe = Path(found)
    return exe


@pytest.fixture(scope="session")
def server_dir(server_bin) -> Path:
    """The folder of ``aiblint``, to put on PATH: the integrations find the server there."""
    return server_bin.parent


@pytest.fixture(scope="session")
def code_server() -> str:
    return tool(CACHE / "code-server/node_modules/.bin/code-server", "code-server")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The folder holding playwright-core and @vscode/vsce."""
    tool(CACHE / "node/node_modules/playwright-core", "playwright-core")
    return CACHE / "node/node_modules"


@pytest.fixture(scope="session")
def chromium() -> str:
    return tool(shutil.which("chromium"), "chromium")
