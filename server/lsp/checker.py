"""Running the engine on an open document (full check; see :mod:`.incremental` for the fast path)."""

from __future__ import annotations

import logging

from ..engine import limit, lint

log = logging.getLogger(__name__)


def full_check(od, settings, selection):
    """The engine's result for the document as it is now.

    The value tree lives on with the result: what it keeps only to build its unwalked parts is let go
    (after the start-up phase's first check, once its answer is out: see ``Front._settle_documents``).
    """
    result = lint(od.doc, settings, selection=selection, limited=False, split=od.split_check)
    if not od.split_check:
        od.doc.carrier.release_values(od.doc)
    return result


def visible(od, result) -> list:
    """The diagnostics to show: only for templates (and a template being typed that is now broken).

    The engine's limits apply here, to the assembled result (the incremental check combines full lists).
    """
    if result.is_template:
        od.was_template = True
    elif not (od.was_template and od.doc.has_syntax_error):
        return []
    return limit([d for d in result.diagnostics if d.path is None])
