"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation per problem.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message``, with
1-based lines and columns; ``%``, line breaks, ``:`` and ``,`` are escaped as
the workflow-command syntax requires. A file that could not be read is
``::error file=F,title=aiblint::message``; an error of the whole run has no ``file``.
"""

from __future__ import annotations

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports, registry, out, color: bool = False) -> None:
    for report in reports:
        if report.error is not None:
            where = f"file={_prop(report.path)}," if report.path is not None else ""
            out.write(f"::error {where}title=aiblint::{_data(report.error)}\n")
            continue
        for d in report.diagnostics:
            sl, sc, el, ec = report.range(d.span)
            out.write(f"::{_LEVEL[d.severity.label]} file={_prop(report.path)},line={sl + 1},col={sc + 1},"
                      f"endLine={el + 1},endColumn={ec + 1},title={_prop(d.code)}::{_data(d.message)}\n")
