"""Diagnostics: checking open documents, push (publishDiagnostics) and pull (textDocument/diagnostic).

A change schedules one check with ``call_soon``: changes that are already
queued are applied first, so fast typing is checked once, for its newest
version. Clients that support pull diagnostics get them on request (with
result ids and unchanged reports); the others get versioned pushes, never for a
version older than one already published.
"""

from __future__ import annotations

import logging
import re
import time

from . import checker, incremental
from .convert import diagnostic_dict

log = logging.getLogger(__name__)


def ensure_checked(ls, od) -> None:
    """Check ``od`` unless its results are for its current version and settings."""
    key = (od.version, ls.settings.generation, od.data_serial)
    if od.checked == key:
        return
    from ..rules.aib313_secret_in_template import detectors_ready, worth_asking

    settings, selection, online, first = ls.settings.for_path(od.path)
    secrets_later = not detectors_ready() and worth_asking(od.doc.data)
    if secrets_later:
        settings = first
    start = time.perf_counter()
    try:
        if not od.was_template and not might_be_template(od.doc.data):
            result = None
            diagnostics = []
            raise _Skip
        result = incremental.check(od, settings, selection)
        diagnostics = checker.visible(od, result)
    except _Skip:
        pass
    except RecursionError:
        log.warning("%s: too deeply nested to check", od.uri)
        diagnostics = []
        result = None
    except Exception:  # noqa: BLE001 - one bad document must not take the server down
        log.exception("checking %s failed", od.uri)
        diagnostics = []
        result = None
    od.result = result
    od.result_settings = settings
    od.diagnostics = diagnostics
    od.checked = key
    od.serial += 1
    log.debug("checked %s v%s in %.1f ms: %d diagnostics", od.uri, od.version,
              (time.perf_counter() - start) * 1e3, len(diagnostics))
    if od.online_secrets and not secrets_later:
        # This check reported detect-secrets' findings itself: the slow pass's copies would be twice there.
        od.online_serial = -1
        od.online_secrets = False
    slow_pass = result is not None and result.is_template and (
        online.online or secrets_later or _mentions_shell(od.doc.data))
    held = [d for d in getattr(result, "held", ()) if d.path is None]
    # Unused-suppression findings the slow pass has to confirm (see aiblint.suppress); with no slow pass
    # to come, they stand now.
    od.held = held if slow_pass else []
    if held and not slow_pass:
        od.diagnostics = diagnostics + held
    if slow_pass:
        ls.online.request(od, online, secrets=secrets_later)


def _mentions_shell(data: bytes) -> bool:
    """Whether ``data`` says "shell" other than in "PowerShell": only a Shell step has work for ShellCheck
    when offline. (The look-behind is tested by hand: in the pattern it makes the search ten times slower.)"""
    for found in _SHELL.finditer(data):
        if data[max(found.start() - 5, 0):found.start()].lower() != b"power":
            return True
    return False


_SHELL = re.compile(rb"(?i)shell")


class _Skip(Exception):
    """The document cannot be a template: nothing to check."""


def might_be_template(data: bytes) -> bool:
    """False when the text cannot hold a template: no imageTemplates type, no ``source`` key and no call
    of the verified image-template module.

    For JSON and YAML alike (a YAML key needs no quotes); a backslash could spell either
    with an escape, so a text with one is always checked.
    """
    low = data.lower()
    return (b"imagetemplates" in low or b"source" in low or b"\\" in low
            or b"virtual-machine-images/image-template" in low)


def lsp_items(ls, od) -> list[dict]:
    """The document's diagnostics as LSP JSON data; unchanged ones come from ``od.lsp_cache``."""
    lines = od.doc.lines
    related = bool(ls.supports("text_document.publish_diagnostics.related_information", True))
    urls = ls.rule_urls()
    cache = od.lsp_cache
    fresh = {}
    out = []
    for d in od.diagnostics + od.online_diagnostics():
        hit = cache.get(id(d))
        if hit is not None and hit[0] is d:
            item = hit[1]
        else:
            item = diagnostic_dict(d, lines, ls.encoding, od.uri, urls, related)
        fresh[id(d)] = (d, item)
        out.append(item)
    od.lsp_cache = fresh
    return out


def check_and_publish(ls, uri: str) -> None:
    od = ls.documents.get(uri)
    if od is None:
        return
    od.scheduled = False
    try:
        ensure_checked(ls, od)
        if not ls.pull:
            publish(ls, od)
    except Exception:  # noqa: BLE001 - never let a check kill the event loop
        log.exception("diagnostics for %s failed", uri)


def publish(ls, od, force: bool = False) -> None:
    """Push ``od``'s diagnostics unless a newer or the same result was already pushed."""
    stamp = (od.version if od.version is not None else -1, od.serial)
    if od.published is not None and not force:
        if stamp[0] < od.published[0] or stamp == od.published:
            return
    od.published = stamp
    params = {"uri": od.uri, "diagnostics": lsp_items(ls, od)}
    if od.version is not None:
        params["version"] = od.version
    ls.protocol._send_data({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})


def pull_report(ls, params: types.DocumentDiagnosticParams) -> dict:
    """The ``textDocument/diagnostic`` result as JSON data."""
    uri = params.text_document.uri
    if uri not in ls.documents:
        config = ls.config_reports.get(uri) or []
        return {"kind": "full", "items": [ls.protocol._converter.unstructure(d) for d in config]}
    return document_report(ls, uri, params.previous_result_id)


def document_report(ls, uri: str, previous_result_id: str | None) -> dict:
    """The pull diagnostics report of the open document ``uri``."""
    od = ls.documents[uri]
    ensure_checked(ls, od)
    result_id = od.result_id
    if previous_result_id == result_id:
        return {"kind": "unchanged", "resultId": result_id}
    return {"kind": "full", "resultId": result_id, "items": lsp_items(ls, od)}


def setup(server) -> None:
    from lsprotocol import types

    options = types.DiagnosticOptions(identifier="aiblint", inter_file_dependencies=False,
                                      workspace_diagnostics=True)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, options)
    def document_diagnostic(ls, params: types.DocumentDiagnosticParams):
        # Answered by AibProtocol with pull_report (plain JSON, no per-item conversion objects).
        return pull_report(ls, params)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    def workspace_diagnostic(ls, params: types.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        reports = []
        for od in list(ls.documents.values()):
            ensure_checked(ls, od)
            if previous.get(od.uri) == od.result_id:
                reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=od.uri, version=od.version, result_id=od.result_id))
            else:
                items = [ls.protocol._converter.structure(i, types.Diagnostic) for i in lsp_items(ls, od)]
                reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                    uri=od.uri, version=od.version, items=items, result_id=od.result_id))
        for uri, items in ls.config_reports.items():
            reports.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=items))
        return types.WorkspaceDiagnosticReport(items=reports)
