"""``path:line:col: CODE [severity] message``, one line per problem (1-based, UTF-16 columns).

A problem that ``--fix`` fixes carries Ruff's ``[*]`` marker before its
message. File errors are not part of this output: the run writes them to
standard error.
"""

from __future__ import annotations

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
FIXABLE = "[*] "


def line(report, d, color: bool = False) -> str:
    sl, sc, _, _ = report.range(d.span)
    sev = d.severity.label
    mark = FIXABLE if report.is_fixable(d) else ""
    if not color:
        return f"{report.path}:{sl + 1}:{sc + 1}: {d.code} [{sev}] {mark}{d.message}"
    c = _COLORS[sev]
    return (f"{_BOLD}{report.path}{_RESET}:{sl + 1}:{sc + 1}: {c}{_BOLD}{d.code}{_RESET} "
            f"{c}[{sev}]{_RESET} {mark}{d.message}")


def render(reports, registry, out, color: bool = False) -> None:
    for report in reports:
        if report.error is None:
            for d in report.diagnostics:
                out.write(line(report, d, color) + "\n")
