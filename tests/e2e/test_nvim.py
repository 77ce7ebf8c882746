"""End to end in real Neovim (headless): Debian's 0.7 and the newer PyPI build.

Each run opens tests/e2e/fixtures/template.json (or template.bicep) with the plugin from editors/nvim,
the real ``aiblint --stdio`` found on PATH, and nvim_driver.lua doing what a user
does: wait for diagnostics, hover, complete, apply a quick fix, fix all, open a
non-template JSON file. The assertions are on what the server sent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from e2eutil import CACHE, E2E, FIXTURES, ROOT, missing, nvim_version

PLUGIN = ROOT / "editors" / "nvim"
DRIVER = E2E / "nvim_driver.lua"
DEBIAN_NVIM = "/usr/bin/nvim"
PYPI_NVIM = CACHE / "nvim-venv" / "bin" / "nvim"
# 0-based positions in fixtures/template.json.
HOVER = (11, 6)  # the key "buildTimeoutInMinutes"
COMPLETION = (13, 6)  # key position inside "vmProfile"
TRAILING_COMMA_LINE = 32
DUPLICATE_NAME_LINE = 30

BUILDS = {"0.7": DEBIAN_NVIM, "pypi": str(PYPI_NVIM)}


def nvim_exe(build: str) -> str:
    exe = BUILDS[build]
    if not Path(exe).exists():
        missing(f"Neovim ({build} build)")
    return exe


def editor_env(tmp_path: Path, server_dir: Path) -> dict:
    env = dict(os.environ)
    for var, sub in (("XDG_CONFIG_HOME", "c"), ("XDG_DATA_HOME", "d"), ("XDG_STATE_HOME", "s"),
                     ("XDG_CACHE_HOME", "k")):
        env[var] = str(tmp_path / "xdg" / sub)
    # The plugin finds the server on PATH: nothing is configured.
    env["PATH"] = f"{server_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


JOB = {"hover": HOVER, "completion": COMPLETION, "fix": "AIB102", "fix_all": True, "other": "package.json",
       "late": "new.json"}
# 0-based positions in fixtures/template.bicep: the key "publisher", key position inside "vmProfile".
BICEP_JOB = {"hover": (19, 8), "completion": (15, 6), "fix": "AIB201", "fix_all": True}
BICEP_CASING_LINE = 13
BICEP_DUPLICATE_LINE = 34


def run_driver(exe: str, mode: str, tmp_path: Path, server_dir: Path, file: str = "template.json",
               job: dict = JOB) -> tuple[dict, float]:
    work = tmp_path / "project"
    shutil.copytree(FIXTURES, work)
    out = tmp_path / "out.json"
    env = editor_env(tmp_path, server_dir)
    env.update(
        AIBLINT_PLUGIN=str(PLUGIN),
        AIBLINT_MODE=mode,
        AIBLINT_CMD="",
        OUT_FILE=str(out),
        AIBLINT_JOB=json.dumps(job),
    )
    start = time.monotonic()
    proc = subprocess.run([exe, "--headless", "--clean", "-n", "-u", str(DRIVER), file],
                          cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    elapsed = time.monotonic() - start
    assert out.exists(), f"nvim wrote no result (rc {proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(out.read_text())
    assert "lua_error" not in result, result["lua_error"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    print(f"{nvim_version(exe)} ({mode}): {elapsed:.1f} s")
    return result, elapsed


def codes_and_lines(diags: list[dict]) -> list[tuple[str, int]]:
    return sorted((d["code"], d["lnum"]) for d in diags)


@pytest.mark.parametrize(("build", "mode"), [("0.7", "setup"), ("pypi", "setup"), ("pypi", "enable")])
def test_template_session(build, mode, tmp_path, server_dir):
    exe = nvim_exe(build)
    result, _ = run_driver(exe, mode, tmp_path, server_dir)
    if build == "0.7":
        assert result["nvim"]["minor"] == 7
    else:
        assert (result["nvim"]["major"], result["nvim"]["minor"]) >= (0, 11)

    # Attached to the template, with the server's diagnostics at the right lines.
    assert result["filetype"] == "json"
    assert result["attached"] is True
    assert result["omnifunc"] == "v:lua.vim.lsp.omnifunc"
    assert result["diag_ok"] is True
    assert codes_and_lines(result["diagnostics"]) == [("AIB102", TRAILING_COMMA_LINE),
                                                      ("AIB302", DUPLICATE_NAME_LINE)]
    by_code = {d["code"]: d for d in result["diagnostics"]}
    assert by_code["AIB102"]["col"] == 7
    assert "Trailing comma" in by_code["AIB102"]["message"]
    assert '"setup"' in by_code["AIB302"]["message"]

    # Hover on a property: its documentation.
    hover = "\n".join(h["contents"]["value"] for h in result["hover"])
    assert "buildTimeoutInMinutes" in hover
    assert "minutes" in hover.replace("buildTimeoutInMinutes", "")

    # Completion in key position inside vmProfile: its properties, minus the one present.
    assert "vmSize" in result["completion"]
    assert "osDiskSizeGB" not in result["completion"]

    # The quick fix removed the trailing comma, and its diagnostic went away.
    assert "comma" in result["applied"].lower()
    assert result["lines"][TRAILING_COMMA_LINE] == "      }"
    assert result["lines"][TRAILING_COMMA_LINE + 1] == "    ],"
    assert codes_and_lines(result["diagnostics_after"]) == [("AIB302", DUPLICATE_NAME_LINE)]

    # Fix all (source.fixAll.aiblint) renamed the duplicate customizer.
    assert result["fix_all"] is True
    after = result["lines_after_fix_all"]
    assert after[DUPLICATE_NAME_LINE] != result["lines"][DUPLICATE_NAME_LINE]
    assert '"name": "setup' in after[DUPLICATE_NAME_LINE]
    assert after[:DUPLICATE_NAME_LINE] == result["lines"][:DUPLICATE_NAME_LINE]

    # A JSON file that is not a template gets no server.
    assert result["other_filetype"] == "json"
    assert result["other_attached"] is False

    # A new, empty JSON buffer is left alone until its text becomes a template; setup()
    # attaches it then (vim.lsp.enable decides once, when the buffer is opened).
    assert result["late_attached_empty"] is False
    if mode == "setup":
        assert result["late_attached"] is True
        assert codes_and_lines(result["late_diagnostics"]) == [("AIB302", DUPLICATE_NAME_LINE)]
    else:
        assert result["late_attached"] is False


@pytest.mark.parametrize(("build", "mode"), [("0.7", "setup"), ("pypi", "setup"), ("pypi", "enable")])
def test_bicep_session(build, mode, tmp_path, server_dir):
    exe = nvim_exe(build)
    result, _ = run_driver(exe, mode, tmp_path, server_dir, "template.bicep", BICEP_JOB)
    assert result["filetype"] == "bicep"
    assert result["attached"] is True
    assert result["diag_ok"] is True
    assert codes_and_lines(result["diagnostics"]) == [("AIB201", BICEP_CASING_LINE), ("AIB302", BICEP_DUPLICATE_LINE)]
    by_code = {d["code"]: d for d in result["diagnostics"]}
    assert by_code["AIB201"]["col"] == 4

    hover = "\n".join(h["contents"]["value"] for h in result["hover"])
    assert "publisher" in hover.lower()
    assert "vmSize" in result["completion"] and "osDiskSizeGB" not in result["completion"]

    # The quick fix renamed the key in Bicep syntax, and its diagnostic went away.
    assert "buildTimeoutInMinutes" in result["applied"]
    assert result["lines"][BICEP_CASING_LINE] == "    buildTimeoutInMinutes: 90"
    assert codes_and_lines(result["diagnostics_after"]) == [("AIB302", BICEP_DUPLICATE_LINE)]
    # Fix all renamed the duplicate customizer.
    assert result["fix_all"] is True
    after = result["lines_after_fix_all"]
    assert after[BICEP_DUPLICATE_LINE].startswith("        name: 'setup")
    assert after[BICEP_DUPLICATE_LINE] != result["lines"][BICEP_DUPLICATE_LINE]


@pytest.mark.parametrize("build", ["0.7", "pypi"])
def test_checkhealth(build, tmp_path, server_bin, server_dir):
    exe = nvim_exe(build)
    work = tmp_path / "project"
    shutil.copytree(FIXTURES, work)
    report = tmp_path / "health.txt"
    setup = f'lua require("aiblint").setup({{ cmd = {{ "{server_bin}", "--stdio" }} }})'
    wait = ('lua vim.wait(10000, function() return #(vim.lsp.get_clients or vim.lsp.get_active_clients)()'
            ' > 0 end, 20)')
    proc = subprocess.run(
        [exe, "--headless", "--clean", "-n", "--cmd", f"set rtp+={PLUGIN}", "-c", setup, "-c", wait,
         "-c", "checkhealth aiblint", "-c", f"write! {report}", "-c", "qall!", "template.json"],
        cwd=work, env=editor_env(tmp_path, server_dir), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = report.read_text()
    version = subprocess.run([str(server_bin), "--version"], capture_output=True, text=True).stdout.strip()
    assert version.startswith("aiblint ")
    assert f"Server found: `{server_bin} --stdio` ({version})" in text
    assert "Running (client" in text and "template.json" in text
    assert "ERROR" not in text


def test_checkhealth_reports_missing_server(tmp_path, server_dir):
    exe = nvim_exe("0.7")
    report = tmp_path / "health.txt"
    setup = 'lua require("aiblint").setup({ cmd = { "/nonexistent/aiblint", "--stdio" } })'
    proc = subprocess.run(
        [exe, "--headless", "--clean", "-n", "--cmd", f"set rtp+={PLUGIN}", "-c", setup,
         "-c", "checkhealth aiblint", "-c", f"write! {report}", "-c", "qall!"],
        cwd=tmp_path, env=editor_env(tmp_path, server_dir), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = report.read_text()
    assert "ERROR" in text and "not found: /nonexistent/aiblint" in text
    assert "pip install aiblint" in text
