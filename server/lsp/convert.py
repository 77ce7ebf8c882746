"""Conversions between the engine's byte spans and LSP types."""

from __future__ import annotations

from ..diagnostics import Severity, Span
from ..document.positions import LineIndex

# LSP DiagnosticSeverity numbers (plain ints: the first diagnostics go out before lsprotocol is loaded).
SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}


def lsp_range(lines: LineIndex, span: Span, encoding: str) -> types.Range:
    from lsprotocol import types

    start = lines.position(span.start, encoding)
    end = start if span.end == span.start else lines.position(span.end, encoding)
    return types.Range(types.Position(start.line, start.character), types.Position(end.line, end.character))


def offset(lines: LineIndex, position: types.Position, encoding: str) -> int:
    return lines.offset(position.line, position.character, encoding)


def lsp_diagnostic(d, lines: LineIndex, encoding: str, uri: str, urls: dict[str, str],
                   related: bool = True) -> types.Diagnostic:
    """One engine diagnostic as an LSP diagnostic (code, docs link, related information)."""
    from lsprotocol import types

    href = urls.get(d.code)
    info = None
    if related and d.related:
        info = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=related_uri(r, uri), range=lsp_range(r.lines or lines, r.span, encoding)),
                message=r.message,
            )
            for r in d.related
        ]
    return types.Diagnostic(
        range=lsp_range(lines, d.span, encoding),
        message=d.message,
        severity=types.DiagnosticSeverity(SEVERITY[d.severity]),
        code=d.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source="aiblint",
        related_information=info,
    )


def related_uri(related, uri: str) -> str:
    """The URI of a related place: the document's own, or the other file's (a path or a URL)."""
    path = related.path
    if path is None:
        return uri
    if "://" in path:
        return path
    import pathlib

    return pathlib.Path(path).absolute().as_uri()


def text_edit(lines: LineIndex, edit, encoding: str) -> types.TextEdit:
    from lsprotocol import types

    return types.TextEdit(range=lsp_range(lines, edit.span, encoding), new_text=edit.new_text)


def range_dict(lines: LineIndex, span: Span, encoding: str) -> dict:
    start = lines.position(span.start, encoding)
    end = start if span.end == span.start else lines.position(span.end, encoding)
    return {"start": {"line": start.line, "character": start.character},
            "end": {"line": end.line, "character": end.character}}


def diagnostic_dict(d, lines: LineIndex, encoding: str, uri: str, urls: dict[str, str],
                    related: bool = True) -> dict:
    """:func:`lsp_diagnostic` as plain JSON data (what is sent on every keystroke)."""
    out = {"range": range_dict(lines, d.span, encoding), "message": d.message,
           "severity": SEVERITY[d.severity], "code": d.code, "source": "aiblint"}
    href = urls.get(d.code)
    if href:
        out["codeDescription"] = {"href": href}
    if related and d.related:
        out["relatedInformation"] = [
            {"location": {"uri": related_uri(r, uri), "range": range_dict(r.lines or lines, r.span, encoding)},
             "message": r.message}
            for r in d.related]
    return out
