"""Code actions: the rules' fixes as quick fixes, "disable AIBxxx for this line" where comments are
allowed, and ``source.fixAll.aiblint`` (every safe fix at once, as ``aiblint --check --fix`` does)."""

from __future__ import annotations

import re

from lsprotocol import types

from ..diagnostics import Span
from .convert import lsp_diagnostic, lsp_range, offset, text_edit

FIX_ALL = "source.fixAll.aiblint"
# A whole-line ``aiblint-disable-next-line`` comment: the marker, and its codes (before any `` -- reason``).
NEXT_LINE = re.compile(rb"[ \t]*(//|#)[ \t]*aiblint-disable-next-line(?![\w-])((?:(?! -- ).)*?)[ \t]*(?: -- .*)?$")


def comments_allowed(od) -> bool:
    if od.language in ("jsonc", "yaml", "bicep"):
        return True
    result = od.result
    return bool(result and result.templates and all(t.form == "arm" for t in result.templates))


def _edit(ls, od, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    if ls.supports("workspace.workspace_edit.document_changes"):
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=od.uri, version=od.version),
            edits=edits)])
    return types.WorkspaceEdit(changes={od.uri: edits})


def disable_line_edit(od, d, encoding) -> types.TextEdit:
    """Insert ``// aiblint-disable-next-line CODE`` above the diagnostic's line, same indentation.

    When the line above already is such a comment (two codes on one line), the code joins it: a
    second comment line would become the first one's "next line" and silence nothing.
    """
    lines = od.doc.lines
    line = lines.line_of(d.span.start)
    span = lines.line_span(line)
    data = od.doc.data
    text = data[span.start:span.end].decode("utf-8", "replace")
    indent = text[: len(text) - len(text.lstrip())]
    marker = od.doc.carrier.comment_marker
    if line > 0:
        above = lines.line_span(line - 1)
        found = NEXT_LINE.match(data[above.start:above.end])
        if found is not None and found.group(1) == marker.encode():
            at = above.start + found.end(2)
            pos = lsp_range(lines, Span(at, at), encoding).start
            codes = found.group(2).strip()
            return types.TextEdit(range=types.Range(pos, pos), new_text=(", " if codes else " ") + d.code)
    newline = "\r\n" if data[span.end:span.end + 2] == b"\r\n" else "\n"
    pos = types.Position(line, 0)
    return types.TextEdit(range=types.Range(pos, pos),
                          new_text=f"{indent}{marker} aiblint-disable-next-line {d.code}{newline}")


def fix_all(ls, od):
    """The ``source.fixAll.aiblint`` action, or None when no safe fix applies."""
    from .. import fixes

    chosen = fixes.choose(od.diagnostics, syntax_only=od.doc.has_syntax_error)
    if not chosen:
        return None
    result = fixes.apply(od.doc.data, chosen)
    if not result.applied:
        return None
    edits = sorted((e for f in result.applied for e in f.edits), key=lambda e: e.span.start)
    lsp_edits = [text_edit(od.doc.lines, e, ls.encoding) for e in edits]
    return types.CodeAction(title="aiblint: fix all safe problems", kind=FIX_ALL,
                            edit=_edit(ls, od, lsp_edits))


def _wanted(only, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(ls, od, params: types.CodeActionParams) -> list[types.CodeAction]:
    from .diagnostics import ensure_checked

    ensure_checked(ls, od)
    lines = od.doc.lines
    a = offset(lines, params.range.start, ls.encoding)
    b = offset(lines, params.range.end, ls.encoding)
    only = params.context.only
    urls = ls.rule_urls()
    actions: list[types.CodeAction] = []
    quick = _wanted(only, types.CodeActionKind.QuickFix)
    can_disable = comments_allowed(od)
    # The client's diagnostics count too: Neovim asks with the cursor's position and the line's diagnostics.
    asked = {(str(x.code), x.range.start.line, x.range.start.character) for x in params.context.diagnostics or ()}
    for d in od.diagnostics + od.online_diagnostics():
        if d.span.start > b or d.span.end < a:
            if not asked:
                continue
            start = lines.position(d.span.start, ls.encoding)
            if (d.code, start.line, start.character) not in asked:
                continue
        diag = lsp_diagnostic(d, lines, ls.encoding, od.uri, urls)
        if quick:
            for fix in d.fixes:
                edits = [text_edit(lines, e, ls.encoding) for e in fix.edits]
                actions.append(types.CodeAction(
                    title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                    is_preferred=bool(fix.preferred and fix.safe and len(d.fixes) == 1) or None,
                    edit=_edit(ls, od, edits)))
            if can_disable and d.code != "AIB105":
                actions.append(types.CodeAction(
                    title=f"Disable {d.code} for this line", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag], edit=_edit(ls, od, [disable_line_edit(od, d, ls.encoding)])))
    if _wanted(only, FIX_ALL) and (only or actions):
        action = fix_all(ls, od)
        if action is not None:
            actions.append(action)
    return actions


def setup(server) -> None:
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def code_action(ls, params: types.CodeActionParams):
        od = ls.documents.get(params.text_document.uri)
        if od is None:
            return None
        return code_actions(ls, od, params)
