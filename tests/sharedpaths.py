"""Where the shared material is: ``../shared`` beside the checkout, or ``$AIBLINT_SHARED``.

Test modules import these names from here, not from ``conftest`` (under ``tests/e2e`` another
``conftest`` module exists, and which one ``import conftest`` finds depends on collection order).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AIBLINT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference"
