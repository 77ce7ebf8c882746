"""End to end in real VS Code: code-server with the built .vsix, driven by headless Chromium.

The extension is packaged from editors/vscode (``npm ci`` + ``vsce package``), installed
into a fresh code-server, and vscode_driver.js opens tests/e2e/fixtures/template.json
(then template.bicep) the way a user would. The server is the real ``aiblint``, found on the user's PATH (no setting).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from e2eutil import FIXTURES, E2E, ROOT

EXTENSION = ROOT / "editors" / "vscode"
DRIVER = E2E / "vscode_driver.js"
SCREENSHOT = EXTENSION / "images" / "screenshot.png"
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "update.mode": "none",
    "json.schemaDownload.enable": False,
    "workbench.tips.enabled": False,
    "editor.hover.delay": 100,
    "editor.stickyScroll.enabled": False,
    "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
}


@pytest.fixture(scope="session")
def vsix(tmp_path_factory, node_modules) -> Path:
    """The extension packaged from a copy of editors/vscode, as CI would."""
    build = tmp_path_factory.mktemp("vsix") / "vscode"
    shutil.copytree(EXTENSION, build, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    start = time.monotonic()
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=build, check=True,
                   stdin=subprocess.DEVNULL, timeout=300)
    out = build.parent / "aiblint.vsix"
    subprocess.run([str(node_modules / ".bin" / "vsce"), "package", "--no-rewrite-relative-links",
                    "--allow-missing-repository", "--skip-license", "-o", str(out)],
                   cwd=build, check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    print(f"npm ci + vsce package: {time.monotonic() - start:.1f} s")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_vscode(mode: str, tmp_path: Path, vsix: Path, code_server: str, node_modules: Path,
               chromium: str, server: Path | None, path_setting: Path | None = None) -> tuple[dict, float, Path]:
    start = time.monotonic()
    ws = tmp_path / "workspace"
    shutil.copytree(FIXTURES, ws)
    ud, ext = tmp_path / "user-data", tmp_path / "extensions"
    (ud / "User").mkdir(parents=True)
    (ud / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS))
    # VS Code takes PATH from a login shell of the user, so the server is installed the way
    # pipx does it: ~/.local/bin/aiblint, with ~/.profile putting that folder on PATH.
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".profile").write_text('PATH="$HOME/.local/bin:$PATH"\n')
    if server:
        (home / ".local" / "bin" / "aiblint").symlink_to(server)
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               XDG_DATA_HOME=str(tmp_path / "xdg"), PATH="/usr/local/bin:/usr/bin:/bin")
    node = shutil.which("node")
    base = [node, code_server, "--user-data-dir", str(ud), "--extensions-dir", str(ext)]
    subprocess.run([*base, "--install-extension", str(vsix)], env=env, check=True, capture_output=True,
                   timeout=60)
    port = free_port()
    log = (tmp_path / "code-server.log").open("w")
    proc = subprocess.Popen(
        [*base, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
         "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
         str(ws)],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    out = tmp_path / "result.json"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("code-server did not start: " + (tmp_path / "code-server.log").read_text())
                time.sleep(0.2)
        driver_env = dict(
            env, CS_URL=f"http://127.0.0.1:{port}/?folder={ws}", NODE_PATH=str(node_modules),
            CHROMIUM=chromium, PROFILE_DIR=str(tmp_path / "chromium"), OUT_FILE=str(out),
            SCREENSHOT=str(tmp_path / "screenshot.png"), WORKSPACE=str(ws), MODE=mode,
            AIBLINT_PATH=str(path_setting or ""))
        driver = subprocess.run([node, str(DRIVER)], env=driver_env, capture_output=True, text=True,
                                timeout=90)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    elapsed = time.monotonic() - start
    result = json.loads(out.read_text()) if out.exists() else {}
    assert driver.returncode == 0 and "error" not in result, (
        f"driver failed: {result.get('error') or driver.stderr[-3000:]}\nresult: {json.dumps(result)[:3000]}")
    print(f"code-server ({mode}): {elapsed:.1f} s; steps {result['steps']}")
    return result, elapsed, ws


def test_template_session(tmp_path, vsix, code_server, node_modules, chromium, server_bin):
    result, elapsed, ws = run_vscode("session", tmp_path, vsix, code_server, node_modules, chromium,
                                     server_bin)
    # Diagnostics of the real server, with their codes, for the template.
    problems = "\n".join(result["problems"])
    assert "AIB102" in problems and "Trailing comma" in problems
    assert "AIB302" in problems and '"setup"' in problems

    # Hover: the property's documentation.
    assert "buildTimeoutInMinutes" in result["hover"]
    assert "minutes" in result["hover"].replace("buildTimeoutInMinutes", "")
    # On a diagnostic: its message and the offer of a quick fix.
    assert "AIB302" in result["diagnostic_hover"]
    assert "Quick Fix" in result["diagnostic_hover"]

    # Completion offers vmProfile's properties.
    completion = "\n".join(result["completion"])
    assert "vmSize" in completion

    # The quick fix removed the comma in the saved file, and the diagnostic went away.
    assert "comma" in result["applied"].lower()
    original = (FIXTURES / "template.json").read_text().splitlines()
    saved = result["saved_after_quick_fix"].splitlines()
    assert original[32] == "      },"
    assert saved[32] == "      }"
    assert saved[:32] == original[:32] and saved[33:] == original[33:]
    after = "\n".join(result["problems_after"])
    assert "AIB102" not in after and "AIB302" in after

    # "aiblint: Fix all problems" renamed the duplicate customizer; no aiblint problem is left.
    fixed = (ws / "template.json").read_text()
    assert fixed == result["saved_after_fix_all"]
    fixed_lines = fixed.splitlines()
    assert fixed_lines[30] != saved[30] and fixed_lines[30].startswith('        "name": "setup')
    assert fixed_lines[:30] == saved[:30] and fixed_lines[31:] == saved[31:]
    after = "\n".join(result["problems_after_fix_all"])
    assert "AIB" not in after

    # package.json (not a template, with its own trailing comma) gets nothing from aiblint.
    with_package = "\n".join(result["problems_with_package_json"])
    assert "Trailing comma" in with_package  # VS Code's own JSON check sees package.json
    assert "AIB" not in with_package

    # A Bicep template (no Bicep extension here: the document is in aiblint's own bicep language).
    assert result["bicep_language"] == "Bicep"
    problems = "\n".join(result["bicep_problems"])
    assert "AIB201" in problems and "buildTimeOutInMinutes" in problems and "AIB302" in problems
    assert "buildTimeoutInMinutes" in result["bicep_applied"]
    original = (FIXTURES / "template.bicep").read_text().splitlines()
    saved = result["bicep_saved"].splitlines()
    assert original[13] == "    buildTimeOutInMinutes: 90"
    assert saved[13] == "    buildTimeoutInMinutes: 90"
    assert saved[:13] == original[:13] and saved[14:] == original[14:]
    after = "\n".join(result["bicep_problems_after"])
    assert "AIB201" not in after and "AIB302" in after

    if os.environ.get("AIBLINT_UPDATE_SCREENSHOT") == "1":
        shutil.copy(tmp_path / "screenshot.png", SCREENSHOT)


def test_missing_server_then_path_setting(tmp_path, vsix, code_server, node_modules, chromium, server_bin):
    # No aiblint anywhere (PATH has only system folders; python3 there cannot import it).
    result, elapsed, _ = run_vscode("missing-server", tmp_path, vsix, code_server, node_modules,
                                    chromium, None, path_setting=server_bin)
    mine = [n for n in result["notifications"] if "aiblint" in n]
    assert len(mine) == 1, result["notifications"]
    assert "not found" in mine[0] and "pip install aiblint" in mine[0]
    assert any("not found" in s for s in result["status"])
    # aiblint.path set to a program that is not the server: one notification saying so.
    broken = [n for n in result["notifications_broken"] if "/bin/false" in n]
    assert len(broken) == 1, result["notifications_broken"]
    assert "--version" in broken[0] and "failed" in broken[0]
    assert not any("couldn't create connection" in n for n in result["notifications_broken"])
    # Then the user sets aiblint.path right: the server starts, the failure status goes away.
    problems = "\n".join(result["problems_after_setting"])
    assert "AIB102" in problems and "AIB302" in problems
    assert not any("not found" in s for s in result["status_after_setting"])


def test_package_contents(vsix):
    """The .vsix holds the extension, its runtime dependency, the README and its screenshot."""
    import zipfile

    names = set(zipfile.ZipFile(vsix).namelist())
    for name in ("extension/extension.js", "extension/package.json", "extension/readme.md",
                 "extension/images/screenshot.png",
                 "extension/node_modules/vscode-languageclient/lib/node/main.js"):
        assert name in names
    assert not any(n.endswith(".vsix") or n.endswith("package-lock.json") for n in names)
    manifest = json.loads(zipfile.ZipFile(vsix).read("extension/package.json"))
    settings = manifest["contributes"]["configuration"]["properties"]
    assert set(settings) == {"aiblint.path", "aiblint.args", "aiblint.online", "aiblint.defaultApiVersion",
                             "aiblint.select", "aiblint.ignore", "aiblint.trace.server"}
    assert all(s.get("description") or s.get("markdownDescription") for s in settings.values())
    commands = {c["command"]: c["title"] for c in manifest["contributes"]["commands"]}
    assert commands == {"aiblint.restart": "Restart server", "aiblint.showOutput": "Show output",
                        "aiblint.fixAll": "Fix all problems"}
    assert set(manifest["activationEvents"]) == {"onLanguage:json", "onLanguage:jsonc", "onLanguage:yaml",
                                                 "onLanguage:bicep"}
    # The bicep language for *.bicep (merged with the Bicep extension's when that is installed).
    assert manifest["contributes"]["languages"] == [{"id": "bicep", "aliases": ["Bicep", "bicep"],
                                                     "extensions": [".bicep"]}]
