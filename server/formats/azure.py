"""Azure Pipelines logging commands: ``##vso[task.logissue ...]message``, one per error or warning.

``##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=CODE;]message``
with 1-based lines and columns; Azure Pipelines shows them as the step's errors
and warnings. Logging commands know no "info": such problems are plain
``path:line:col: CODE [info] message`` lines of the log. A file that could not
be read is an error without a line; an error of the whole run has no
``sourcepath``. Values are escaped as the agent expects (``%AZP25`` for ``%``,
``%3B`` for ``;``, ``%5D`` for ``]``, ``%0D``/``%0A`` for line breaks).
"""

from __future__ import annotations


def _data(text: str) -> str:
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(";", "%3B").replace("]", "%5D")


def render(reports, registry, out, color: bool = False) -> None:
    for report in reports:
        if report.error is not None:
            where = f"sourcepath={_prop(report.path)};" if report.path is not None else ""
            out.write(f"##vso[task.logissue type=error;{where}]{_data(report.error)}\n")
            continue
        for d in report.diagnostics:
            sl, sc, _, _ = report.range(d.span)
            if d.severity.label == "info":
                out.write(f"{report.path}:{sl + 1}:{sc + 1}: {d.code} [info] {d.message}\n")
                continue
            out.write(f"##vso[task.logissue type={d.severity.label};sourcepath={_prop(report.path)};"
                      f"linenumber={sl + 1};columnnumber={sc + 1};code={_prop(d.code)};]{_data(d.message)}\n")
