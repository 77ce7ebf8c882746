"""Output formats of ``aiblint --check``: ``text``, ``json``, ``sarif`` and ``github``.

Each format module has ``render(reports, registry, out, color=False)``
that writes the diagnostics of a run's :class:`FileReport` list to ``out``.
Positions are 0-based LSP positions (UTF-16 columns) internally; text and
github print them 1-based, SARIF gives 1-based lines and UTF-16 columns.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Fix, Span

FORMATS = ("text", "json", "sarif", "github")


@dataclass
class FileReport:
    """One checked file: the path as shown, its document (None if unreadable) and what was found."""

    path: str
    document: object | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def range(self, span: Span) -> tuple[int, int, int, int]:
        """0-based (start line, start character, end line, end character) of a span."""
        r = self.document.lines.range(span)
        return r.start.line, r.start.character, r.end.line, r.end.character


def render(fmt: str, reports: list[FileReport], registry, out, color: bool = False) -> None:
    module = importlib.import_module(f"{__name__}.{fmt}")
    module.render(reports, registry, out, color=color)


def lsp_range(report: FileReport, span: Span) -> dict:
    a, b, c, d = report.range(span)
    return {"start": {"line": a, "character": b}, "end": {"line": c, "character": d}}


def fix_json(report: FileReport, fix: Fix | None) -> dict | None:
    """A fix as JSON: title, whether it is safe, and its edits with LSP ranges."""
    if fix is None:
        return None
    return {
        "title": fix.title,
        "safe": fix.safe,
        "edits": [{"range": lsp_range(report, e.span), "newText": e.new_text} for e in fix.edits],
    }


def first_fix(d: Diagnostic) -> Fix | None:
    """The fix a diagnostic offers first (its preferred one)."""
    return next((f for f in d.fixes if f.preferred), d.fixes[0] if d.fixes else None)
