"""One JSON array of ``{path, code, name, severity, message, range, fix}`` (0-based LSP ranges).

``fix`` is null or ``{title, safe, edits: [{range, newText}]}``; ``related`` lists
the other places a diagnostic refers to.
"""

from __future__ import annotations

import json

from . import first_fix, fix_json, lsp_range


def render(reports, registry, out, color: bool = False) -> None:
    rows = []
    for report in reports:
        for d in report.diagnostics:
            rows.append({
                "path": report.path,
                "code": d.code,
                "name": d.name,
                "severity": d.severity.label,
                "message": d.message,
                "range": lsp_range(report, d.span),
                "fix": fix_json(report, first_fix(d)),
                "related": [{"range": lsp_range(report, r.span), "message": r.message} for r in d.related],
            })
    json.dump(rows, out, indent=2, ensure_ascii=False)
    out.write("\n")
