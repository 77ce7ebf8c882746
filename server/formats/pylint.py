"""Pylint's parseable format: ``path:line: [CODE] message`` (1-based lines), for editors and tools that read it.

A file that could not be read is ``path:1: [file-error] message``; an error of the whole run is
``.:1: [run-error] message``.
"""

from __future__ import annotations

from . import error_name, error_path


def render(reports, registry, out, color: bool = False) -> None:
    for report in reports:
        if report.error is not None:
            out.write(f"{error_path(report)}:1: [{error_name(report)}] {report.error}\n")
            continue
        for d in report.diagnostics:
            sl, _, _, _ = report.range(d.span)
            out.write(f"{report.path}:{sl + 1}: [{d.code}] {d.message}\n")
