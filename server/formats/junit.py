"""JUnit XML: a test suite per file, a failed test case per problem, a passed one for a clean file.

``<testsuites name="aiblint">`` holds one ``<testsuite name=PATH>`` per file;
each problem is ``<testcase name="CODE at L:C" classname=PATH file=PATH line=L>``
with a ``<failure type=CODE message=...>``, and a file without problems has
one passing ``<testcase name="aiblint">``. A file that could not be read is a
test case with an ``<error>``; an error of the whole run is a suite named
``aiblint``. Every problem is a failure, whatever its severity; the exit
status still follows ``--fail-level``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import error_name



def render(reports, registry, out, color: bool = False) -> None:
    root = ET.Element("testsuites", name="aiblint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for report in reports:
        name = report.path if report.path is not None else "aiblint"
        suite = ET.SubElement(root, "testsuite", name=name)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if report.error is not None:
            case = ET.SubElement(suite, "testcase", name="read", classname=name)
            ET.SubElement(case, "error", type=error_name(report), message=report.error).text = report.error
            counts["tests"], counts["errors"] = 1, 1
        elif not report.diagnostics:
            ET.SubElement(suite, "testcase", name="aiblint", classname=report.path, file=report.path)
            counts["tests"] = 1
        for d in report.diagnostics if report.error is None else ():
            sl, sc, _, _ = report.range(d.span)
            case = ET.SubElement(suite, "testcase", name=f"{d.code} at {sl + 1}:{sc + 1}", classname=report.path,
                                 file=report.path, line=str(sl + 1))
            failure = ET.SubElement(case, "failure", type=d.code, message=d.message)
            failure.text = f"{report.path}:{sl + 1}:{sc + 1}: {d.code} [{d.severity.label}] {d.message}"
            counts["tests"] += 1
            counts["failures"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
