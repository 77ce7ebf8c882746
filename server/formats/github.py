"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation per problem."""

from __future__ import annotations

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports, registry, out, color: bool = False) -> None:
    for report in reports:
        for d in report.diagnostics:
            sl, sc, el, ec = report.range(d.span)
            title = f"{d.code} {d.name}".strip()
            out.write(f"::{_LEVEL[d.severity.label]} file={_prop(report.path)},line={sl + 1},col={sc + 1},"
                      f"endLine={el + 1},endColumn={ec + 1},title={_prop(title)}::{_data(d.message)}\n")
