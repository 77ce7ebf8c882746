"""The GitHub Action (action.yml) and the README's Azure Pipelines example: their scripts, run for real with bash."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cliutil import BAD_REGION, DUPLICATE, GOOD, ROOT, write

BIN = str(Path(sys.executable).parent)
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))


def step(step_id_or_name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name")))


def expand(value: str, inputs: dict, outputs: dict | None = None) -> str:
    """``${{ inputs.x }}`` and ``${{ steps.check.outputs.y }}`` as GitHub would substitute them."""
    def sub(m: re.Match) -> str:
        expr = m.group(1).strip()
        if expr.startswith("inputs."):
            name = expr.removeprefix("inputs.")
            return inputs.get(name, ACTION["inputs"][name].get("default", ""))
        if expr.startswith("steps.check.outputs."):
            return (outputs or {}).get(expr.removeprefix("steps.check.outputs."), "")
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"unexpected expression {expr}")

    return re.sub(r"\$\{\{(.*?)\}\}", sub, str(value))


def run_step(name: str, cwd: Path, inputs: dict, outputs: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run one ``run:`` step with bash as the runner does; return the process and what it wrote to GITHUB_OUTPUT."""
    s = step(name)
    assert s["shell"] == "bash"
    out_file = cwd / ".github_output"
    out_file.write_text("")
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"], "GITHUB_OUTPUT": str(out_file),
           "GITHUB_ACTION_PATH": str(ROOT)}
    env.update({k: expand(v, inputs, outputs) for k, v in (s.get("env") or {}).items()})
    # GitHub runs `bash --noprofile --norc -eo pipefail {0}` for shell: bash
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s["run"]], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    written = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
    return proc, written


def test_action_metadata():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "args", "version", "sarif", "sarif-file", "python-version"}
    upload = step("Upload SARIF")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "inputs.sarif == 'true'" in upload["if"] and "always()" in upload["if"]
    install = step("Install aiblint")
    assert install["run"].startswith("python -m pip install") and '"${AIBLINT_VERSION:-$AIBLINT_ACTION_PATH}"' in install["run"]
    assert install["env"]["AIBLINT_ACTION_PATH"] == "${{ github.action_path }}"


def test_action_check_step_annotates_and_reports_the_exit_code(tmp_path):
    write(tmp_path, "templates/bad.json", DUPLICATE)
    write(tmp_path, "templates/region.json", BAD_REGION)
    write(tmp_path, "other/good.json", GOOD)
    proc, outputs = run_step("check", tmp_path, {"paths": "templates other/good.json"})
    assert proc.returncode == 0, proc.stderr  # the step itself passes: the last step fails the job
    lines = proc.stdout.splitlines()
    assert any(x.startswith("::error file=templates/bad.json,line=26,col=41,") and "title=AIB303::" in x for x in lines)
    assert any(x.startswith("::error file=templates/region.json,line=4,col=15,") for x in lines)
    assert lines[-1].startswith("2 problems (2 errors) in 2 of 3 files")
    assert outputs == {"exit-code": "1"}
    final, _ = run_step("Fail on problems", tmp_path, {}, outputs)
    assert final.returncode == 1


def test_action_with_args_and_sarif(tmp_path):
    write(tmp_path, "t.json", DUPLICATE)
    proc, outputs = run_step("check", tmp_path, {"args": "--ignore AIB303 --fail-level warning", "sarif": "true",
                                                 "sarif-file": "out.sarif"})
    assert proc.returncode == 0, proc.stderr
    assert "::error" not in proc.stdout and proc.stdout.splitlines()[-1] == "No problems in 1 file"
    assert outputs == {"sarif-file": "out.sarif", "exit-code": "0"}
    log = json.loads((tmp_path / "out.sarif").read_text())
    assert log["runs"][0]["results"] == [] and log["runs"][0]["invocations"][0]["executionSuccessful"] is True
    assert run_step("Fail on problems", tmp_path, {}, outputs)[0].returncode == 0
    # Without --ignore the SARIF file holds the finding, and the exit code says 1.
    proc, outputs = run_step("check", tmp_path, {"sarif": "true"})
    assert outputs["exit-code"] == "1"
    assert [r["ruleId"] for r in json.loads((tmp_path / "aiblint.sarif").read_text())["runs"][0]["results"]] == ["AIB303"]


def test_action_reports_a_file_error(tmp_path):
    proc, outputs = run_step("check", tmp_path, {"paths": "missing.json"})
    assert "::error file=missing.json,title=aiblint::no such file or directory" in proc.stdout.splitlines()
    assert outputs == {"exit-code": "2"}
    assert run_step("Fail on problems", tmp_path, {}, outputs)[0].returncode == 2


# -- the README's Azure Pipelines example ----------------------------------------------------------

def readme_pipeline() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```yaml\n(# azure-pipelines\.yml\n.*?)```", text, re.S)
    assert m, "README.md has no Azure Pipelines example"
    return YAML(typ="safe").load(m.group(1))


def test_readme_azure_pipelines_example_runs(tmp_path):
    pipeline = readme_pipeline()
    scripts = [s["script"] for s in pipeline["steps"] if "script" in s]
    check = next(s for s in scripts if "aiblint --check" in s)
    assert "--format azure" in check
    write(tmp_path, "templates/t.json", DUPLICATE)
    write(tmp_path, "templates/good.json", GOOD)
    if shutil.which("bash") is None:
        pytest.fail("bash is needed")
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"]}
    proc = subprocess.run(["bash", "-e", "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    assert any(x.startswith("##vso[task.logissue type=error;sourcepath=templates/t.json;linenumber=26;columnnumber=41;"
                            "code=AIB303;]") for x in proc.stdout.splitlines()), proc.stdout
