"""SARIF 2.1.0: one run with every rule (id, name, descriptions, help, help URI) and the results.

Regions are 1-based lines and columns counted in UTF-16 code units (the
run's ``columnKind``), the same columns an editor shows. Fixes become SARIF
``fixes`` with ``artifactChanges``; related information becomes
``relatedLocations``. The run's ``invocations`` entry says whether it went
through (``executionSuccessful``) and lists each file that could not be read,
and any error of the whole run, as a ``toolExecutionNotifications`` entry.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from .. import __version__
from ..docs import markdown, section
from . import error_name

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://github.com/aiblint/aiblint"


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference; an absolute one as a ``file://`` URI."""
    posix = path.replace(os.sep, "/")
    if os.path.isabs(path):
        return "file://" + quote(posix)
    return quote(posix)


def _region(report, span) -> dict:
    sl, sc, el, ec = report.range(span)
    return {"startLine": sl + 1, "startColumn": sc + 1, "endLine": el + 1, "endColumn": ec + 1}


def _location(report, span, message: str | None = None, ident: int | None = None) -> dict:
    loc: dict = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(report.path)},
                                      "region": _region(report, span)}}
    if ident is not None:
        loc["id"] = ident
    if message:
        loc["message"] = {"text": message}
    return loc


def _related_location(report, related, ident: int) -> dict:
    """A related place: in the reported file, or in another one (a script the template runs)."""
    if related.path is None:
        return _location(report, related.span, related.message, ident)
    r = related.lines.range(related.span)
    region = {"startLine": r.start.line + 1, "startColumn": r.start.character + 1,
              "endLine": r.end.line + 1, "endColumn": r.end.character + 1}
    uri = related.path if "://" in related.path else artifact_uri(related.path)
    return {"id": ident, "message": {"text": related.message},
            "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}


def _rule(info) -> dict:
    what = section(info.doc, "What it does") or info.summary
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": what},
        "help": {"text": info.doc, "markdown": markdown(info.doc)},
        "helpUri": info.url,
        "defaultConfiguration": {"level": _LEVEL[info.severity.label]},
    }


def _fix(report, fix) -> dict:
    return {
        "description": {"text": fix.title + ("" if fix.safe else " (unsafe: check the inserted value)")},
        "artifactChanges": [{
            "artifactLocation": {"uri": artifact_uri(report.path)},
            "replacements": [{"deletedRegion": _region(report, e.span), "insertedContent": {"text": e.new_text}}
                             for e in fix.edits],
        }],
    }


def build(reports, registry) -> dict:
    rules = list(registry)
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    notifications = []
    for report in reports:
        if report.error is not None:
            note: dict = {"level": "error", "message": {"text": report.error}, "descriptor": {"id": error_name(report)}}
            if report.path is not None:
                note["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(report.path)}}}]
            notifications.append(note)
            continue
        for d in report.diagnostics:
            result: dict = {
                "ruleId": d.code,
                "level": _LEVEL[d.severity.label],
                "message": {"text": d.message},
                "locations": [_location(report, d.span)],
            }
            if d.code in index:
                result["ruleIndex"] = index[d.code]
            if d.related:
                result["relatedLocations"] = [_related_location(report, r, i + 1) for i, r in enumerate(d.related)]
            if d.fixes:
                result["fixes"] = [_fix(report, f) for f in d.fixes]
            results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "aiblint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": [_rule(r) for r in rules]}},
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    }


def render(reports, registry, out, color: bool = False) -> None:
    json.dump(build(reports, registry), out, indent=2, ensure_ascii=False)
    out.write("\n")
