"""Output formats: text, json, sarif (validated against the SARIF 2.1.0 schema) and github annotations."""

from __future__ import annotations

import io
import json

import jsonschema

from cliutil import DUPLICATE, DUPLICATE_AT, GOOD, NOT_TEMPLATE, run, write

from aiblint.docs import markdown
from aiblint.diagnostics import Diagnostic, Related, Severity, Span
from aiblint.document import Document
from aiblint.formats import FileReport, github
from aiblint.rule import registry

BOTH = DUPLICATE.replace('"westeurope"', '"East US 3"')


def test_json_shape(tmp_path):
    write(tmp_path, "t.json", BOTH)
    rows = run("--check", "t.json", "--format", "json", cwd=tmp_path).json()
    by_code = {r["code"]: r for r in rows}
    dup = by_code["AIB303"]
    assert set(dup) == {"path", "code", "name", "severity", "message", "range", "line", "column", "endLine",
                        "endColumn", "fix", "fixable", "related"}
    # 1-based line and column next to the 0-based LSP range: the place the text output prints.
    assert (dup["line"], dup["column"], dup["endLine"], dup["endColumn"]) == (
        DUPLICATE_AT[0] + 1, DUPLICATE_AT[1] + 1, DUPLICATE_AT[0] + 1, DUPLICATE_AT[1] + 13)
    assert dup["fixable"] is True and by_code["AIB300"]["fixable"] is False
    assert [r["range"]["start"] for r in dup["related"]] == [{"line": DUPLICATE_AT[0] - 1, "character": DUPLICATE_AT[1]}]
    assert (dup["path"], dup["name"], dup["severity"]) == ("t.json", "duplicate-run-output-name", "error")
    line, col = DUPLICATE_AT
    assert dup["range"] == {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 12}}
    assert dup["fix"] == {"title": dup["fix"]["title"], "safe": True, "edits": [
        {"range": dup["range"], "newText": '"ubuntu-vhd-2"'}]}
    assert by_code["AIB300"]["fix"]["safe"] is False
    assert all(r["fix"] is None or r["fix"]["edits"] for r in rows)


def test_json_empty_array_and_nothing_else(tmp_path):
    write(tmp_path, "t.json", GOOD)
    r = run("--check", "t.json", "--format", "json", cwd=tmp_path)
    assert (r.code, r.out, r.err) == (0, "[]\n", "")


def test_columns_are_utf16_through_bom_crlf_and_tabs(tmp_path):
    src = DUPLICATE.replace('"ubuntu-vhd"', '"é😀"').replace("      { \"type\": \"VHD\", \"runOutputName\": \"é😀\" }\n",
                                                          "\t{ \"type\": \"VHD\", \"runOutputName\": \"é😀\" }\n")
    src = src.replace("\n", "\r\n")
    write(tmp_path, "t.json", b"\xef\xbb\xbf" + src.encode())
    rows = run("--check", "t.json", "--format", "json", cwd=tmp_path).json()
    [dup] = [r for r in rows if r["code"] == "AIB303"]
    line = src.split("\r\n").index('\t{ "type": "VHD", "runOutputName": "é😀" }')
    col = len('\t{ "type": "VHD", "runOutputName": ')
    # "é😀" with its quotes: 1 + 1 + 2 (a surrogate pair) + 1 UTF-16 code units
    assert dup["range"] == {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 5}}
    text = run("--check", "t.json", cwd=tmp_path).out
    assert f"t.json:{line + 1}:{col + 1}: AIB303 [error]" in text


def test_sarif_is_valid_and_complete(tmp_path, reference_dir):
    write(tmp_path, "dir with space/t.json", BOTH)
    r = run("--check", "dir with space/t.json", "--format", "sarif", cwd=tmp_path)
    assert r.code == 1
    log = json.loads(r.out)
    schema = json.loads((reference_dir / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0" and run_["columnKind"] == "utf16CodeUnits"
    rules = run_["tool"]["driver"]["rules"]
    assert [x["id"] for x in rules] == [x.code for x in registry()]
    for rule, info in zip(rules, registry()):
        assert rule["helpUri"] == info.url and rule["name"] == info.name
        assert rule["shortDescription"]["text"] == info.summary
        assert rule["fullDescription"]["text"] and rule["help"]["markdown"] == markdown(info.doc)
        assert "``" not in rule["help"]["markdown"].replace("```", "")
    dup = next(x for x in run_["results"] if x["ruleId"] == "AIB303")
    assert rules[dup["ruleIndex"]]["id"] == "AIB303" and dup["level"] == "error"
    loc = dup["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "dir%20with%20space/t.json"
    line, col = DUPLICATE_AT
    assert loc["region"] == {"startLine": line + 1, "startColumn": col + 1, "endLine": line + 1,
                             "endColumn": col + 13}
    [change] = dup["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [{"deletedRegion": loc["region"], "insertedContent": {"text": '"ubuntu-vhd-2"'}}]
    [rel] = dup["relatedLocations"]  # the first target with that name
    assert rel["id"] == 1 and rel["message"]["text"]
    assert rel["physicalLocation"]["region"] == {"startLine": line, "startColumn": col + 1, "endLine": line,
                                                 "endColumn": col + 13}


def test_sarif_info_is_note_and_empty_run_is_valid(tmp_path, reference_dir):
    write(tmp_path, "p.json", NOT_TEMPLATE)
    log = json.loads(run("--check", "p.json", "--format", "sarif", cwd=tmp_path).out)
    schema = json.loads((reference_dir / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert [(x["ruleId"], x["level"]) for x in log["runs"][0]["results"]] == [("AIB000", "note")]
    write(tmp_path, "t.json", GOOD)
    log = json.loads(run("--check", "t.json", "--format", "sarif", cwd=tmp_path).out)
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert log["runs"][0]["results"] == []


def test_github_annotations(tmp_path):
    write(tmp_path, "t.json", DUPLICATE)
    write(tmp_path, "p.json", NOT_TEMPLATE)
    r = run("--check", "t.json", "p.json", "--format", "github", cwd=tmp_path)
    lines = r.out.splitlines()
    line, col = DUPLICATE_AT
    assert lines[0].startswith(f"::error file=t.json,line={line + 1},col={col + 1},endLine={line + 1},"
                               f"endColumn={col + 13},title=AIB303::runOutputName ")
    assert lines[1] == ("::notice file=p.json,line=1,col=1,endLine=1,endColumn=1,title=AIB000::"
                        "Not an Image Builder template; nothing was checked")
    assert lines[2].startswith("2 problems (1 error, 1 info) in 2 of 2 files")


def test_github_escaping():
    doc = Document('{"a": 1}', "a,b:c%.json")
    d = Diagnostic("AIB105", "50% done\nnext: line", Span(1, 4), Severity.WARNING, name="unused-suppression",
                   related=(Related(Span(0, 1), "x"),))
    out = io.StringIO()
    github.render([FileReport("a,b:c%.json", doc, [d])], registry(), out)
    assert out.getvalue() == ("::warning file=a%2Cb%3Ac%25.json,line=1,col=2,endLine=1,endColumn=5,"
                              "title=AIB105::50% done%0Anext: line\n".replace("50% done", "50%25 done"))


def test_whole_corpus_gives_valid_sarif_and_no_errors(corpus_dir, reference_dir):
    r = run("--check", str(corpus_dir / "real"), "--format", "sarif", timeout=600)
    assert r.code in (0, 1) and r.err == "", r.err[:2000]
    log = json.loads(r.out)
    schema = json.loads((reference_dir / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    uris = {x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in log["runs"][0]["results"]}
    assert len(uris) > 100
