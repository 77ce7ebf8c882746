"""Output formats of ``aiblint --check``.

``text``, ``json``, ``sarif``, ``github`` (GitHub Actions annotations),
``azure`` (Azure Pipelines logging commands), ``gitlab`` (GitLab code quality
JSON), ``junit`` (JUnit XML) and ``pylint`` (``path:line: [CODE] message``).
Each format module has ``render(reports, registry, out, color=False)`` that
writes a run's :class:`FileReport` list to ``out``.

A report is either a checked file (its document and diagnostics) or a file
that could not be read or checked (``error`` set, no document); a report with
neither path nor document is a problem of the whole run (a usage or
configuration error). Every format shows both kinds.

Positions are 0-based LSP positions (UTF-16 columns) internally; the text
formats print them 1-based, SARIF gives 1-based lines and UTF-16 columns, JSON
gives both the LSP ``range`` and 1-based ``line``/``column``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Fix, Span

FORMATS = ("text", "json", "sarif", "github", "azure", "gitlab", "junit", "pylint")
# Formats whose output is a build log: the run's summary goes there too.
LOG_FORMATS = ("text", "github", "azure")
# The names file errors and errors of the whole run carry where a rule's name would be.
FILE_ERROR = "file-error"
RUN_ERROR = "run-error"


@dataclass
class FileReport:
    """One checked file: the path as shown, its document, what was found, and which findings ``--fix`` fixes.

    ``error`` is set (and ``document`` None) for a file that could not be read
    or checked; ``path`` is None for an error of the whole run.
    """

    path: str | None
    document: object | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None
    # Positions in ``diagnostics`` of those that `--fix` (in the run's mode) fixes: the `[*]` marker.
    # Positions, not the objects themselves, so that a report checked in a worker process keeps them.
    fixable: set[int] = field(default_factory=set)

    def range(self, span: Span) -> tuple[int, int, int, int]:
        """0-based (start line, start character, end line, end character) of a span."""
        r = self.document.lines.range(span)
        return r.start.line, r.start.character, r.end.line, r.end.character

    def is_fixable(self, d: Diagnostic) -> bool:
        ids = self.__dict__.get("_fixable_ids")
        if ids is None:
            ids = self.__dict__["_fixable_ids"] = {id(self.diagnostics[i]) for i in self.fixable}
        return id(d) in ids

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_fixable_ids", None)  # object ids mean nothing in another process
        return state


def render(fmt: str, reports: list[FileReport], registry, out, color: bool = False) -> None:
    module = importlib.import_module(f"{__name__}.{fmt}")
    module.render(reports, registry, out, color=color)


def lsp_range(report: FileReport, span: Span) -> dict:
    a, b, c, d = report.range(span)
    return {"start": {"line": a, "character": b}, "end": {"line": c, "character": d}}


def related_range(report: FileReport, related) -> dict:
    """The range of a related place, in its own file when it is in another one."""
    if related.lines is None:
        return lsp_range(report, related.span)
    r = related.lines.range(related.span)
    return {"start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character}}


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


def error_path(report: FileReport) -> str:
    """Where a file or run error is shown: the file, or ``.`` for the run."""
    return report.path if report.path is not None else "."


def error_name(report: FileReport) -> str:
    """``file-error`` for a file that could not be read or checked, ``run-error`` for the whole run."""
    return FILE_ERROR if report.path is not None else RUN_ERROR
