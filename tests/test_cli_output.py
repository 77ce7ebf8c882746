"""What a run prints: CI formats, file and run errors in every format, summaries, fix counts and the new options."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from cliutil import BAD_REGION, BAD_REGION_AT, DUPLICATE, DUPLICATE_AT, GOOD, NOT_TEMPLATE, run, write
from sharedpaths import CORPUS, REFERENCE

from aiblint.formats import FORMATS

BOTH = DUPLICATE.replace('"westeurope"', '"East US 3"')
LINE, COL = DUPLICATE_AT[0] + 1, DUPLICATE_AT[1] + 1  # 1-based place of the AIB303 finding


# -- the CI formats -------------------------------------------------------------------

def test_azure_logging_commands(tmp_path):
    write(tmp_path, "t.json", BOTH)
    write(tmp_path, "p.json", NOT_TEMPLATE)
    r = run("--check", "t.json", "p.json", "--format", "azure", cwd=tmp_path)
    assert r.code == 1 and r.err == ""
    lines = r.out.splitlines()
    assert f"##vso[task.logissue type=error;sourcepath=t.json;linenumber={LINE};columnnumber={COL};code=AIB303;]" \
           'runOutputName "ubuntu-vhd" is already used by distribute[0]; each distribute target needs its own run ' \
           "output name" in lines
    assert any(x.startswith("##vso[task.logissue type=error;sourcepath=t.json;linenumber=4;columnnumber=15;"
                            "code=AIB300;]") for x in lines)
    # Logging commands know no "info": a plain log line.
    assert "p.json:1:1: AIB000 [info] Not an Image Builder template; nothing was checked" in lines
    assert lines[-1].startswith("3 problems (2 errors, 1 info) in 2 of 2 files")


def test_azure_escaping():
    import io

    from aiblint.diagnostics import Diagnostic, Severity, Span
    from aiblint.document import Document
    from aiblint.formats import FileReport, azure
    from aiblint.rule import registry

    doc = Document('{"a": 1}', "a;b].json")
    d = Diagnostic("AIB105", "100% done\nnext; line]", Span(1, 4), Severity.WARNING, name="unused-suppression")
    out = io.StringIO()
    azure.render([FileReport("a;b].json", doc, [d])], registry(), out)
    assert out.getvalue() == ("##vso[task.logissue type=warning;sourcepath=a%3Bb%5D.json;linenumber=1;columnnumber=2;"
                              "code=AIB105;]100%AZP25 done%0Anext; line]\n")


def test_gitlab_code_quality(tmp_path):
    write(tmp_path, "t.json", BOTH)
    write(tmp_path, "u.json", BOTH)
    issues = run("--check", "t.json", str(tmp_path / "u.json"), "--format", "gitlab", cwd=tmp_path).json()
    assert len(issues) == 4
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
    dup = next(i for i in issues if i["check_name"] == "AIB303" and i["location"]["path"] == "t.json")
    assert dup["severity"] == "major" and dup["description"].startswith("AIB303 runOutputName")
    assert dup["location"]["positions"] == {"begin": {"line": LINE, "column": COL},
                                            "end": {"line": LINE, "column": COL + 12}}
    # An absolute path inside the current folder is made relative (GitLab wants repository paths).
    assert {i["location"]["path"] for i in issues} == {"t.json", "u.json"}
    assert len({i["fingerprint"] for i in issues}) == 4
    # The fingerprint does not depend on the line: moving the finding keeps its identity.
    write(tmp_path, "t.json", BOTH.replace("{\n", "{\n\n\n", 1))
    again = run("--check", "t.json", "--format", "gitlab", cwd=tmp_path).json()
    moved = next(i for i in again if i["check_name"] == "AIB303")
    assert moved["fingerprint"] == dup["fingerprint"] and moved["location"]["positions"]["begin"]["line"] == LINE + 2


def test_junit(tmp_path):
    write(tmp_path, "t.json", BOTH)
    write(tmp_path, "good.json", GOOD)
    r = run("--check", "t.json", "good.json", "missing.json", "--format", "junit", cwd=tmp_path)
    assert r.code == 2
    root = ET.fromstring(r.out)
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"t.json", "good.json", "missing.json"}
    cases = suites["t.json"].findall("testcase")
    assert [c.get("name") for c in cases] == ["AIB300 at 4:15", f"AIB303 at {LINE}:{COL}"]
    failure = cases[1].find("failure")
    assert failure.get("type") == "AIB303" and failure.get("message").startswith("runOutputName")
    assert failure.text.startswith(f"t.json:{LINE}:{COL}: AIB303 [error] ")
    [ok] = suites["good.json"].findall("testcase")
    assert ok.find("failure") is None and ok.find("error") is None
    error = suites["missing.json"].find("testcase/error")
    assert error.get("message") == "no such file or directory"


def test_pylint(tmp_path):
    write(tmp_path, "t.json", BOTH)
    r = run("--check", "t.json", "--format", "pylint", cwd=tmp_path)
    assert r.code == 1
    assert r.out.splitlines() == [
        't.json:4: [AIB300] "East US 3" is not an Azure region; did you mean "eastus"?',
        f't.json:{LINE}: [AIB303] runOutputName "ubuntu-vhd" is already used by distribute[0]; each distribute '
        "target needs its own run output name",
    ]


def test_json_positions_are_both_0_and_1_based(tmp_path):
    write(tmp_path, "t.json", BAD_REGION)
    [row] = run("--check", "t.json", "--format", "json", cwd=tmp_path).json()
    line, col = BAD_REGION_AT
    assert row["range"]["start"] == {"line": line, "character": col}
    assert (row["line"], row["column"]) == (line + 1, col + 1)
    assert f"t.json:{row['line']}:{row['column']}: AIB300" in run("--check", "t.json", cwd=tmp_path).out


# -- file and run errors in every format -------------------------------------------------

def _sarif_schema():
    path = REFERENCE / "sarif-schema-2.1.0.json"
    return json.loads(path.read_text()) if path.exists() else None


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_that_cannot_be_read_shows_in_every_format(tmp_path, fmt):
    write(tmp_path, "t.json", DUPLICATE)
    r = run("--check", "t.json", "missing.json", "--format", fmt, cwd=tmp_path)
    assert r.code == 2
    out = r.out
    if fmt == "text":
        assert r.err == "missing.json: error: no such file or directory\n"
        assert out.splitlines()[-1] == "1 problem (1 error) in 1 of 1 file; 1 file could not be checked; 1 fixable with --fix"
    elif fmt == "json":
        row = next(x for x in r.json() if x["path"] == "missing.json")
        assert (row["code"], row["name"], row["severity"], row["message"], row["line"]) == (
            None, "file-error", "error", "no such file or directory", None)
    elif fmt == "sarif":
        log = json.loads(out)
        [inv] = log["runs"][0]["invocations"]
        assert inv["executionSuccessful"] is False
        [note] = inv["toolExecutionNotifications"]
        assert note["message"]["text"] == "no such file or directory" and note["level"] == "error"
        assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.json"
        schema = _sarif_schema()
        if schema:
            jsonschema.validators.validator_for(schema)(schema).validate(log)
    elif fmt == "github":
        assert "::error file=missing.json,title=aiblint::no such file or directory" in out.splitlines()
        assert r.err == ""  # the annotations are the log
        assert out.splitlines()[-1].endswith("1 file could not be checked; 1 fixable with --fix")
    elif fmt == "azure":
        assert "##vso[task.logissue type=error;sourcepath=missing.json;]no such file or directory" in out.splitlines()
        assert r.err == ""
    elif fmt == "gitlab":
        issue = next(x for x in r.json() if x["location"]["path"] == "missing.json")
        assert (issue["check_name"], issue["severity"], issue["description"]) == (
            "file-error", "critical", "no such file or directory")
    elif fmt == "junit":
        root = ET.fromstring(out)
        assert root.get("errors") == "1"
        assert root.find("testsuite[@name='missing.json']/testcase/error").get("message") == "no such file or directory"
    elif fmt == "pylint":
        assert "missing.json:1: [file-error] no such file or directory" in out.splitlines()


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "azure", "gitlab", "junit", "pylint"])
def test_a_usage_or_configuration_error_shows_in_machine_formats(tmp_path, fmt):
    write(tmp_path, "t.json", GOOD)
    r = run("--check", "t.json", "--select", "AIB999", "--format", fmt, cwd=tmp_path)
    assert r.code == 2 and r.err.startswith("aiblint: error: no rule matches 'AIB999'")
    message = "no rule matches 'AIB999'; see 'aiblint --list-rules'"
    assert message in r.out.replace("%AZP25", "%")
    if fmt == "json":
        assert r.json() == [{"path": None, "code": None, "name": "run-error", "severity": "error", "message": message,
                             "range": None, "line": None, "column": None, "endLine": None, "endColumn": None,
                             "fix": None, "fixable": False, "related": []}]
    if fmt == "sarif":
        [inv] = json.loads(r.out)["runs"][0]["invocations"]
        assert inv["executionSuccessful"] is False and "locations" not in inv["toolExecutionNotifications"][0]
    r = run("--check", "t.json", "--fix", "--diff", "--format", fmt, cwd=tmp_path)
    assert r.code == 2 and "--fix and --diff exclude each other" in r.out
    write(tmp_path, ".aiblint.yaml", "ignore: [AIB999]\n")
    r = run("--check", "t.json", "--format", fmt, cwd=tmp_path)
    assert r.code == 2 and ".aiblint.yaml:1: ignore[0]: no rule matches 'AIB999'" in r.out


def test_sarif_of_a_clean_run_says_it_succeeded(tmp_path):
    write(tmp_path, "t.json", GOOD)
    log = json.loads(run("--check", "t.json", "--format", "sarif", cwd=tmp_path).out)
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


# -- summaries ------------------------------------------------------------------------

def test_no_templates_found(tmp_path):
    write(tmp_path, "d/package.json", NOT_TEMPLATE)
    write(tmp_path, "d/config.yaml", "a: 1\n")
    write(tmp_path, "d/notes.txt", "hello")
    r = run("--check", "d", cwd=tmp_path)
    assert (r.code, r.out) == (0, "No templates found in d (2 files looked at)\n")
    r = run("--check", cwd=tmp_path)
    assert r.out == "No templates found in . (2 files looked at)\n"
    (tmp_path / "e").mkdir()
    assert run("--check", "e", "d", cwd=tmp_path).out == "No templates found in e, d (2 files looked at)\n"


def test_only_errors(tmp_path):
    r = run("--check", "a.json", "b.json", cwd=tmp_path)
    assert (r.code, r.out) == (2, "2 files could not be checked\n")


def test_stdin_yaml_is_recognised_without_a_file_name(tmp_path):
    yaml_text = ("type: Microsoft.VirtualMachineImages/imageTemplates\napiVersion: '2024-02-01'\n"
                 "location: East US 3\n")
    by_name = run("--check", "-", "--stdin-filename", "t.yaml", "--format", "json", stdin=yaml_text, cwd=tmp_path)
    sniffed = run("--check", "-", "--format", "json", stdin=yaml_text, cwd=tmp_path)
    assert "AIB100" not in {row["code"] for row in sniffed.json()}
    assert [(r["code"], r["line"]) for r in sniffed.json()] == [(r["code"], r["line"]) for r in by_name.json()]
    assert "AIB300" in {row["code"] for row in sniffed.json()}
    # Bicep is recognised by its image template resource declaration.
    from cliutil import ROOT

    bicep = ROOT / "examples" / "bad" / "typos-and-mistakes.bicep"
    named = run("--check", str(bicep), "--format", "json", cwd=tmp_path).json()
    piped = run("--check", "-", "--format", "json", stdin=bicep.read_text(encoding="utf-8"), cwd=tmp_path).json()
    assert named and [(r["code"], r["line"], r["column"]) for r in piped] == [
        (r["code"], r["line"], r["column"]) for r in named]
    # JSON (also JSON with comments) stays JSON.
    assert run("--check", "-", stdin=DUPLICATE, cwd=tmp_path).out.startswith("<stdin>:26:41: AIB303")
    assert "\n<stdin>:27:41: AIB303 [error]" in run("--check", "-", stdin="// c\n" + DUPLICATE, cwd=tmp_path).out


# -- one count of fixes ---------------------------------------------------------------------

BROKEN = (GOOD.replace('"location": "westeurope",', '"location": "westeurope"')  # a missing comma (unsafe fix)
          .replace('"ubuntu-vhd-2"', '"ubuntu-vhd"')  # AIB303: safe, applied once the file parses
          .replace('["sudo apt-get update"]', '["sudo apt-get update",]'))  # trailing comma: safe


def _count(text: str, pattern: str) -> int:
    m = re.search(pattern, text)
    return int(m.group(1)) if m else 0


@pytest.mark.skipif(not (CORPUS / "real").is_dir(), reason="needs ../shared/corpus")
def test_counts_without_a_second_check_agree_with_the_fix_passes_on_the_corpus():
    """``--check`` counts the fixes of rules with CERTAIN_FIXES without checking the fixed text again;
    ``--diff --unsafe-fixes`` always applies them and checks again: on every real template the two agree."""
    target = str(CORPUS / "real")
    check = run("--check", target, "--format", "json", timeout=300)
    unsafe = run("--check", "--diff", "--unsafe-fixes", target, timeout=300)
    summary = run("--check", target, timeout=300)
    fixable = sum(d["fixable"] for d in json.loads(check.out))
    more = _count(summary.out, r"\((\d+) more with --unsafe-fixes\)")
    assert fixable == _count(summary.out, r"; (\d+) fixable with --fix") and fixable > 0 and more > 0
    assert _count(unsafe.err, r"Would fix (\d+) problem") == fixable + more


def test_check_diff_and_fix_count_the_same_fixes(tmp_path):
    write(tmp_path, "a.json", BOTH)
    write(tmp_path, "b.json", DUPLICATE.replace('"type": "Microsoft.VirtualMachineImages/imageTemplates"',
                                                 '"type": "Microsoft.VirtualMachineImages"'))
    write(tmp_path, "c.json", GOOD.replace('"upgrade -y"]', '"upgrade -y"],').replace('"sudo apt-get upgrade -y"] }',
                                                                                         '"sudo apt-get upgrade -y",] }'))
    check = run("--check", ".", cwd=tmp_path)
    fixable = _count(check.out, r"; (\d+) fixable with --fix")
    more = _count(check.out, r"\((\d+) more with --unsafe-fixes\)")
    marked = sum("[*]" in x for x in check.out.splitlines())
    assert fixable == marked and fixable >= 3 and more >= 1, check.out
    diff = run("--check", "--diff", ".", cwd=tmp_path)
    assert _count(diff.err, r"Would fix (\d+) problem") == fixable
    assert _count(diff.err, r"\((\d+) more with --unsafe-fixes\)") == more
    unsafe = run("--check", "--diff", "--unsafe-fixes", ".", cwd=tmp_path)
    assert _count(unsafe.err, r"Would fix (\d+) problem") == fixable + more
    fix = run("--check", "--fix", ".", cwd=tmp_path)
    assert _count(fix.out, r"Fixed (\d+) problem") == fixable
    assert "[*]" not in fix.out


def test_the_unsafe_missing_comma_fix_is_applied(tmp_path):
    path = write(tmp_path, "t.json", BROKEN)
    check = run("--check", "t.json", cwd=tmp_path)
    assert "Expected ',' between properties" in check.out
    comma = next(x for x in check.out.splitlines() if "Expected ','" in x)
    assert "[*]" not in comma  # unsafe: not applied by plain --fix
    # Once the comma is in, the file parses and the duplicate's safe fix applies too.
    assert check.out.splitlines()[-1].endswith("; 1 fixable with --fix (2 more with --unsafe-fixes)"), check.out
    r = run("--check", "--fix", "t.json", cwd=tmp_path)  # the trailing comma only: the file still does not parse
    assert r.out.splitlines()[-1] == "Fixed 1 problem. 2 problems (2 errors) in 1 of 1 file; 2 more fixable with --unsafe-fixes"
    assert '"location": "westeurope"\n' in path.read_text()
    r = run("--check", "--fix", "--unsafe-fixes", "t.json", cwd=tmp_path)
    assert json.loads(path.read_text()) == json.loads(GOOD)
    assert (r.code, r.out) == (0, "Fixed 2 problems. No problems in 1 file\n")


def test_diff_marks_the_missing_final_newline_where_it_belongs(tmp_path):
    text = DUPLICATE.rstrip("\n")
    write(tmp_path, "t.json", text.replace("\n  }\n}", "\n  }\n\n\n\n\n\n\n\n}"))
    r = run("--check", "--diff", "t.json", cwd=tmp_path)
    lines = r.out.splitlines()
    for i, x in enumerate(lines):
        if x == "\\ No newline at end of file":
            assert i > 0 and lines[i - 1][1:] in ("}", "  }")
    # a change on the last line (no final newline): the marker follows the removed and the added line
    write(tmp_path, "u.json", GOOD.rstrip("\n").replace('\n  }\n}', '\n  },\n  "tags": {"a": "b",}}'))
    r = run("--check", "--diff", "u.json", cwd=tmp_path)
    out = r.out.splitlines()
    minus = out.index('-  "tags": {"a": "b",}}')
    assert out[minus + 1] == "\\ No newline at end of file"
    assert out[minus + 2] == '+  "tags": {"a": "b"}}' and out[minus + 3] == "\\ No newline at end of file"
    assert out[-1] == "\\ No newline at end of file"


# -- options --------------------------------------------------------------------------

def test_quiet_exit_zero_and_output_file(tmp_path):
    write(tmp_path, "t.json", DUPLICATE)
    r = run("--check", "t.json", "-q", cwd=tmp_path)
    assert r.code == 1 and r.out == f"t.json:{LINE}:{COL}: AIB303 [error] [*] runOutputName \"ubuntu-vhd\" is " \
                                    "already used by distribute[0]; each distribute target needs its own run output name\n"
    assert run("--check", "t.json", "--quiet", cwd=tmp_path).out == r.out
    assert run("--check", "t.json", "-e", cwd=tmp_path).code == 0
    assert run("--check", "t.json", "--exit-zero", "--format", "json", cwd=tmp_path).code == 0
    # --exit-zero does not hide a file error.
    assert run("--check", "t.json", "missing.json", "--exit-zero", cwd=tmp_path).code == 2
    r = run("--check", "t.json", "-o", "out/report.sarif", "--format", "sarif", cwd=tmp_path)
    assert r.code == 2 and "cannot write --output-file 'out/report.sarif'" in r.err
    (tmp_path / "out").mkdir()
    r = run("--check", "t.json", "--output-file", "out/report.sarif", "--format", "sarif", cwd=tmp_path)
    assert (r.code, r.out, r.err) == (1, "", "")
    log = json.loads((tmp_path / "out" / "report.sarif").read_text())
    assert [x["ruleId"] for x in log["runs"][0]["results"]] == ["AIB303"]
    r = run("--check", "t.json", "-o", "report.txt", cwd=tmp_path)
    assert r.out == "" and (tmp_path / "report.txt").read_text().endswith("1 fixable with --fix\n")


def test_statistics(tmp_path):
    write(tmp_path, "a.json", BOTH)
    write(tmp_path, "b.json", DUPLICATE)
    r = run("--check", ".", "--statistics", cwd=tmp_path)
    assert r.code == 1
    assert r.out.splitlines() == ["2\tAIB303\t[*] duplicate-run-output-name",
                                  "1\tAIB300\t    unsupported-region",
                                  "3 problems (3 errors) in 2 of 2 files; 2 fixable with --fix (1 more with --unsafe-fixes)"]
    rows = run("--check", ".", "--statistics", "--format", "json", cwd=tmp_path).json()
    assert rows == [{"code": "AIB303", "name": "duplicate-run-output-name", "count": 2, "fixable": 2},
                    {"code": "AIB300", "name": "unsupported-region", "count": 1, "fixable": 0}]
    assert run("--check", ".", "--statistics", "--format", "sarif", cwd=tmp_path).code == 2


def test_show_settings(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.aiblint]\nignore = ["AIB317"]\n'
                                      'default-api-version = "2022-07-01"\n')
    write(tmp_path, "sub/.aiblint.yaml", "fail-level: warning\nseverity:\n  AIB303: warning\n")
    write(tmp_path, "sub/t.json", GOOD)
    r = run("--show-settings", "sub/t.json", "--ignore", "AIB313", cwd=tmp_path)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "Settings for sub/t.json"
    assert lines[1] == f"configuration: {tmp_path / 'sub' / '.aiblint.yaml'} (nearest configuration file)"
    assert lines[-1] == "this file is checked"
    settings = {x.split("=", 1)[0].strip(): x.split("=", 1)[1].strip() for x in lines[2:-1]}
    assert settings["fail-level"] == '"warning"  # .aiblint.yaml:1'
    assert settings["severity"] == '{"AIB303": "warning"}  # .aiblint.yaml:2'
    assert settings["ignore"] == '["AIB313"]  # --ignore'
    assert settings["select"] == '["ALL"]  # default'
    assert settings["default-api-version"] == '"2025-10-01"  # default'
    r = run("--show-settings", cwd=tmp_path)
    settings = {x.split("=", 1)[0].strip(): x.split("=", 1)[1].strip() for x in r.out.splitlines()[2:]}
    assert settings["ignore"] == '["AIB317"]  # pyproject.toml:5'
    assert settings["default-api-version"] == '"2022-07-01"  # pyproject.toml:6'
    write(tmp_path, "pyproject.toml", '[tool.aiblint]\nexclude = ["gen/**"]\nper-file-ignores = { "legacy/*.json" = ["AIB2"] }\n')
    write(tmp_path, "legacy/a.json", GOOD)
    last = run("--show-settings", "legacy/a.json", cwd=tmp_path).out.splitlines()[-1]
    assert last.startswith("this file is checked; per-file-ignores turn off AIB200, AIB201, ")
    assert run("--show-settings", "gen/x.json", cwd=tmp_path).out.splitlines()[-1] == "this file is excluded (exclude)"
    r = run("--show-settings", ".", "--no-config", "--default-api-version", "2024-02-01", cwd=tmp_path)
    assert "configuration: none (--no-config)" in r.out and '"2024-02-01"  # --default-api-version' in r.out


@pytest.mark.parametrize("args, message", [
    (["--stdio", "--check", "x.json"], "'--check' cannot be used with the language server"),
    (["serve", "--format=json"], "'--format' cannot be used with the language server"),
    (["--tcp", "--port", "2087", "--list-rules"], "'--list-rules' cannot be used with the language server"),
    (["--list-rules", "--explain", "AIB300"], "--list-rules and --explain cannot be used together"),
    (["--explain", "AIB300", "t.json"], "--explain and --check cannot be used together"),
    (["--version", "--schema", "2024-02-01"], "--schema and --version cannot be used together"),
    (["--list-rules", "--fix"], "--fix cannot be used with --list-rules"),
    (["--show-settings", "--format", "json"], "--format cannot be used with --show-settings"),
    (["--check", "--config", "a.toml", "--no-config"], "--config and --no-config exclude each other"),
    (["--check", "--statistics", "--diff"], "--statistics works with --format text or json"),
])
def test_conflicting_options_are_usage_errors(tmp_path, args, message):
    r = run(*args, cwd=tmp_path)
    assert r.code == 2 and r.err.startswith("aiblint: error: ") and message in r.err, r.err


def test_help_names_the_new_formats_and_options():
    out = run("--help").out
    for word in ("azure", "gitlab", "junit", "pylint", "--quiet", "--exit-zero", "--output-file", "--statistics",
                 "--show-settings", "[*] marks"):
        assert word in out, word
    for short in ("-q", "-e", "-o FILE", "-v"):
        assert short in out, short
