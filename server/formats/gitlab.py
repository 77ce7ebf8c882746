"""GitLab code quality report: a JSON array of issues (``artifacts:reports:codequality``).

Each issue has ``description``, ``check_name`` (the code), ``fingerprint``,
``severity`` (error → ``major``, warning → ``minor``, info → ``info``; a file that
could not be read → ``critical``) and ``location`` with the path and 1-based
``positions``. The fingerprint hashes the path, code, message and the
occurrence's number among equal ones — not the line — so an issue keeps its
identity when lines above it move. Absolute paths inside the current folder
are made relative to it, as GitLab expects paths relative to the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter

from . import error_name, error_path

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def _relative(path: str) -> str:
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def render(reports, registry, out, color: bool = False) -> None:
    issues = []
    seen: Counter = Counter()

    def fingerprint(*parts: str) -> str:
        seen[parts] += 1
        return hashlib.sha256("\0".join((*parts, str(seen[parts]))).encode("utf-8", "replace")).hexdigest()

    for report in reports:
        if report.error is not None:
            path = _relative(error_path(report))
            issues.append({"description": report.error, "check_name": error_name(report),
                           "fingerprint": fingerprint(path, error_name(report), report.error), "severity": "critical",
                           "location": {"path": path, "lines": {"begin": 1}}})
            continue
        path = _relative(report.path)
        for d in report.diagnostics:
            sl, sc, el, ec = report.range(d.span)
            issues.append({
                "description": f"{d.code} {d.message}",
                "check_name": d.code,
                "fingerprint": fingerprint(path, d.code, d.message),
                "severity": _SEVERITY[d.severity.label],
                "location": {"path": path, "positions": {"begin": {"line": sl + 1, "column": sc + 1},
                                                         "end": {"line": el + 1, "column": ec + 1}}},
            })
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")
