"""One JSON array with a row per problem.

A row is ``{path, code, name, severity, message, range, line, column, endLine,
endColumn, fix, fixable, related}``: ``range`` is the LSP range (0-based lines, UTF-16
columns), ``line``/``column``/``endLine``/``endColumn`` the same place 1-based
as the text output prints it. ``fix`` is null or ``{title, safe, edits:
[{range, newText}]}``; ``fixable`` says whether ``--fix`` (in the run's mode)
fixes the problem (the text output's ``[*]``); ``related`` lists the other places a diagnostic refers
to. A file that could not be read or checked is a row with ``code`` null,
``name`` ``"file-error"``, severity ``error`` and null positions; an error of the
whole run (usage, configuration) is such a row with ``path`` null and ``name``
``"run-error"``.
"""

from __future__ import annotations

import json

from . import error_name, first_fix, fix_json, lsp_range, related_range


def render(reports, registry, out, color: bool = False) -> None:
    rows = []
    for report in reports:
        if report.error is not None:
            rows.append({"path": report.path, "code": None, "name": error_name(report), "severity": "error",
                         "message": report.error, "range": None, "line": None, "column": None, "endLine": None,
                         "endColumn": None, "fix": None, "fixable": False, "related": []})
            continue
        for d in report.diagnostics:
            rng = lsp_range(report, d.span)
            rows.append({
                "path": report.path,
                "code": d.code,
                "name": d.name,
                "severity": d.severity.label,
                "message": d.message,
                "range": rng,
                "line": rng["start"]["line"] + 1,
                "column": rng["start"]["character"] + 1,
                "endLine": rng["end"]["line"] + 1,
                "endColumn": rng["end"]["character"] + 1,
                "fix": fix_json(report, first_fix(d)),
                "fixable": report.is_fixable(d),
                "related": [{**({"path": r.path} if r.path else {}), "range": related_range(report, r),
                             "message": r.message} for r in d.related],
            })
    json.dump(rows, out, indent=2, ensure_ascii=False)
    out.write("\n")
