"""Per-file ignores and inline suppression comments.

Where a document may hold comments (JSONC, ARM templates, YAML), a comment
silences diagnostics:

* ``// aiblint-disable-next-line AIB200, AIB201`` (``#`` in YAML): those codes
  on the line after the comment;
* ``// aiblint-disable AIB310``: that code anywhere in the file.

Codes may also be prefixes (``AIB3``) or rule names; with no code at all, every
rule is meant. Text after `` -- `` is a free-form reason. A suppression that
silences nothing under the current settings is reported as AIB105
(unused-suppression), with a fix that removes it.

A check that leaves slow work for a later pass (ShellCheck, downloads,
detect-secrets: ``Settings.defer``) cannot tell yet whether a suppression of
the rules that work feeds is used: its AIB105 is *held* (handed back apart,
``LintResult.held``), and the later pass reports it only if it silences
nothing there either (:func:`aiblint.online.check_document`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Fix, Severity, Span, TextEdit

UNUSED = "AIB105"

_DIRECTIVE = re.compile(rb"aiblint-disable(-next-line)?(?![\w-])")
_TOKEN = re.compile(rb"[A-Za-z][A-Za-z0-9_-]*")


@dataclass
class _Entry:
    selector: str
    span: Span
    codes: frozenset[str]
    used: bool = False


@dataclass
class _Directive:
    file_wide: bool
    comment: Span
    target_line: int  # for next-line directives
    entries: list[_Entry] = field(default_factory=list)
    everything: bool = False


def apply(document, diagnostics: list[Diagnostic], selection, settings, pending: frozenset = frozenset(),
          used: set | None = None, held: list | None = None) -> list[Diagnostic]:
    """Drop what per-file ignores and suppression comments silence; add AIB105 for unused comments.

    ``pending``: codes whose findings a later pass may still add; an unused suppression of one of them
    goes to ``held`` instead of the result. ``used``: gets the span of every suppression that silenced
    something.
    """
    ignored = ignored_codes(document, selection, settings)
    if ignored:
        diagnostics = [d for d in diagnostics if d.code not in ignored]
    directives = _directives(document, selection)
    if not directives:
        return diagnostics
    lines = document.lines
    kept = []
    for d in diagnostics:
        if d.path is None and _silenced(d, lines.line_of(d.span.start), directives):
            continue
        kept.append(d)
    if used is not None:
        used.update(e.span for x in directives for e in x.entries if e.used)
    if selection.is_on(UNUSED) and UNUSED not in ignored:
        file_off = [x for x in directives if x.file_wide]
        for u, waits in _unused(document, directives, selection, ignored, pending):
            if not _silenced(u, -1, file_off):
                (held if waits and held is not None else kept).append(u)
    return kept


def _silenced(d: Diagnostic, line: int, directives: list[_Directive]) -> bool:
    for x in directives:
        if not x.file_wide and x.target_line != line:
            continue
        for e in x.entries:
            if d.code in e.codes:
                e.used = True
                return True
    return False


def ignored_codes(document, selection, settings) -> set[str]:
    """The codes that ``per-file-ignores`` turn off for this document."""
    table = getattr(settings, "per_file_ignores", None)
    if not table:
        return set()
    from .discover import match_glob, relative_to

    path = _fs_path(document.path)
    if path is None:
        return set()
    import os

    rel = relative_to(path, settings.root or os.getcwd())
    if rel is None:
        return set()
    out: set[str] = set()
    for glob, selectors in table.items():
        if match_glob(glob, rel):
            for sel in selectors:
                out.update(r.code for r in selection.registry.resolve(sel))
    return out


def _fs_path(path: str | None) -> str | None:
    if not path or path.startswith("<"):
        return None
    if path.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(path).path)
    if "://" in path or path.startswith("untitled:"):
        return None
    return path


def _comment_spans(document) -> list[Span]:
    try:
        return document.comment_spans()
    except (ImportError, AttributeError):  # no comment support for this language yet
        return []


def _directives(document, selection) -> list[_Directive]:
    data = document.data
    if b"aiblint-disable" not in data:
        return []
    out = []
    lines = document.lines
    for span in _comment_spans(document):
        chunk = data[span.start : span.end]
        m = _DIRECTIVE.search(chunk)
        if not m:
            continue
        file_wide = m.group(1) is None
        x = _Directive(file_wide, span, lines.line_of(span.end) + 1)
        rest_start = m.end()
        rest = chunk[rest_start:]
        if rest.endswith(b"*/"):
            rest = rest[:-2]
        reason = rest.find(b"--")
        if reason >= 0:
            rest = rest[:reason]
        for t in _TOKEN.finditer(rest):
            sel = t.group().decode()
            codes = frozenset(r.code for r in selection.registry.resolve(sel))
            start = span.start + rest_start + t.start()
            x.entries.append(_Entry(sel, Span(start, start + len(t.group())), codes))
        if not x.entries:
            x.everything = True
            x.entries.append(_Entry("", span, frozenset(r.code for r in selection.registry)))
        out.append(x)
    return out


def _unused(document, directives: list[_Directive], selection, ignored: set[str], pending: frozenset):
    """(AIB105 finding, whether it waits for ``pending`` codes) for each unused code of the directives."""
    rule = selection.registry.get(UNUSED)
    severity = selection.severity.get(UNUSED, rule.severity if rule else Severity.INFO)
    for x in directives:
        unused = [e for e in x.entries if not e.used]
        # While a held code may yet be used, the fix of another code leaves it (and the comment) in place.
        some_held = any(e.codes & pending for e in unused)
        for e in unused:
            where = "in this file" if x.file_wide else "on the next line"
            if not e.codes:
                message = f"Unknown rule '{e.selector}' in a suppression comment"
            elif not any(selection.is_on(c) and c not in ignored for c in e.codes):
                continue  # the rule is off under these settings; the comment may serve other settings
            elif x.everything:
                message = f"Unused suppression: no problem {where}"
            else:
                message = f"Unused suppression: no {e.selector} problem {where}"
            if len(unused) == len(x.entries) and (not some_held or e.codes & pending):
                edit = _remove_comment(document, x.comment)
                title = "Remove the suppression comment"
            else:
                edit = _remove_token(document.data, x, e)
                title = f"Remove '{e.selector}' from the suppression comment"
            yield (Diagnostic(UNUSED, message, e.span, severity, fixes=(Fix(title, (edit,)),),
                              name=rule.name if rule else "unused-suppression"), bool(e.codes & pending))


def _remove_comment(document, comment: Span) -> TextEdit:
    """Delete a comment; with its whole line when nothing else is on it."""
    data = document.data
    line_start = data.rfind(b"\n", 0, comment.start) + 1
    nl = data.find(b"\n", comment.end)
    line_end = len(data) if nl < 0 else nl + 1
    before = data[line_start : comment.start]
    after = data[comment.end : line_end]
    if not before.strip() and not after.strip():
        return TextEdit(Span(line_start, line_end), "")
    start = comment.start
    while start > line_start and data[start - 1 : start] in (b" ", b"\t"):
        start -= 1
    return TextEdit(Span(start, comment.end), "")


def _remove_token(data: bytes, x: _Directive, e: _Entry) -> TextEdit:
    """Delete one code and the separator that ties it to its neighbour."""
    i = x.entries.index(e)
    if i > 0:
        prev = x.entries[i - 1]
        return TextEdit(Span(prev.span.end, e.span.end), "")
    nxt = x.entries[i + 1]
    return TextEdit(Span(e.span.start, nxt.span.start), "")
