"""What the command line and a ``--check`` run share: their errors, the fix-pass limit and logging.

Kept apart so that :mod:`aiblint.cli` (argument parsing) and :mod:`aiblint.check`
(the run) both import it and neither imports the other at module level.
"""

from __future__ import annotations

import logging
import sys

# ``--fix`` re-checks and fixes again until nothing changes, at most this many times.
MAX_FIX_PASSES = 5


class UsageError(Exception):
    """A mistake on the command line; the message is shown with exit status 2."""


class SetupError(Exception):
    """A run that cannot start (e.g. a bad configuration file); exit status 2."""


class OneLineFormatter(logging.Formatter):
    """Log records as ``aiblint: message``; tracebacks only with ``--verbose``."""

    def __init__(self, verbose: bool):
        super().__init__("aiblint: %(message)s")
        self.verbose = verbose

    def format(self, record):
        if not self.verbose and record.exc_info:
            exc = record.exc_info[1]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
            record.msg = f"{record.getMessage()}: {type(exc).__name__}: {exc}"
            record.args = ()
        return super().format(record)


def setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(verbose))
    root = logging.getLogger("aiblint")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel(logging.INFO if verbose else logging.WARNING)
