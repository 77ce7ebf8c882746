"""Scripts and files a template downloads, found in the local checkout: AIB406, AIB301's fix, and the
script checks on referenced scripts (a temporary git repository with a remote URL; no network)."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest

from aiblint import scriptsrc
from aiblint.settings import Settings

SCRIPT = b"#!/bin/bash\nset -e\napt-get update\nsudo reboot\n"
SHA = hashlib.sha256(SCRIPT).hexdigest()
WRONG = "0" * 64


def template(url: str, checksum: str | None = None, kind: str = "Shell") -> str:
    step = {"type": kind, "name": "setup", "scriptUri": url}
    if checksum is not None:
        step["sha256Checksum"] = checksum
    doc = {
        "type": "Microsoft.VirtualMachineImages/imageTemplates",
        "apiVersion": "2024-02-01",
        "location": "westeurope",
        "properties": {
            "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
                       "sku": "server", "version": "latest"},
            "customize": [step],
            "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
        },
    }
    return json.dumps(doc, indent=2)


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    """A checkout of github.com/Contoso/Images with scripts/setup.sh and a template folder."""
    root = tmp_path / "images"
    (root / "scripts").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "scripts" / "setup.sh").write_bytes(SCRIPT)
    _git("init", "-q", cwd=root)
    _git("remote", "add", "origin", "git@github.com:Contoso/Images.git", cwd=root)
    _git("remote", "add", "ado", "https://contoso@dev.azure.com/contoso/Platform/_git/images", cwd=root)
    return root


def lint_file(path, **settings):
    from aiblint.document import Document
    from aiblint.engine import lint

    return lint(Document(path.read_text(encoding="utf-8"), str(path)), Settings(**settings))


@pytest.mark.parametrize("url", [
    "https://raw.githubusercontent.com/Contoso/Images/main/scripts/setup.sh",
    "https://raw.githubusercontent.com/contoso/images/refs/heads/release/1.0/scripts/setup.sh",
    "https://github.com/Contoso/Images/raw/main/scripts/setup.sh",
    "https://github.com/Contoso/Images/blob/main/scripts/setup.sh?raw=true",
    "https://dev.azure.com/contoso/Platform/_apis/git/repositories/images/items?path=/scripts/setup.sh&api-version=7.0",
])
def test_raw_urls_of_the_own_repository_map_to_the_checkout(repo, url):
    path = scriptsrc.local_path(url, Settings(), str(repo / "templates" / "t.json"))
    assert path == str(repo / "scripts" / "setup.sh")


@pytest.mark.parametrize("url", [
    "https://raw.githubusercontent.com/Other/Images/main/scripts/setup.sh",
    "https://raw.githubusercontent.com/Contoso/Images/main/../../etc/passwd",
    "https://example.com/scripts/setup.sh",
])
def test_other_urls_do_not_map(repo, url):
    assert scriptsrc.local_path(url, Settings(), str(repo / "templates" / "t.json")) is None


def test_checksum_mismatch_with_safe_fix_from_the_checkout(repo):
    url = "https://raw.githubusercontent.com/Contoso/Images/main/scripts/setup.sh"
    path = repo / "templates" / "t.json"
    path.write_text(template(url, WRONG), encoding="utf-8")
    result = lint_file(path)
    (d,) = [d for d in result.diagnostics if d.code == "AIB406"]
    assert d.message == (f"Shell customizer: sha256Checksum does not match the local file {repo}/scripts/setup.sh "
                         f"(its SHA-256 is {SHA[:12]}…); the build fails when it verifies the file")
    assert result.document.slice(d.span) == f'"{WRONG}"'
    assert d.severity.label == "error"
    (fix,) = d.fixes
    assert fix.safe and fix.edits[0].new_text == f'"{SHA}"'
    # The right checksum is not reported.
    path.write_text(template(url, SHA), encoding="utf-8")
    assert not [d for d in lint_file(path).diagnostics if d.code == "AIB406"]


def test_missing_checksum_fix_inserts_the_real_value_when_local(repo):
    url = "https://raw.githubusercontent.com/Contoso/Images/main/scripts/setup.sh"
    path = repo / "templates" / "t.json"
    path.write_text(template(url), encoding="utf-8")
    (d,) = [d for d in lint_file(path).diagnostics if d.code == "AIB301"]
    (fix,) = d.fixes
    assert fix.safe and fix.title == 'Add "sha256Checksum" of the local file'
    assert fix.edits[0].new_text.endswith(f'"sha256Checksum": "{SHA}"')


def test_referenced_script_gets_the_script_checks_with_related_line(repo):
    url = "https://raw.githubusercontent.com/Contoso/Images/main/scripts/setup.sh"
    path = repo / "templates" / "t.json"
    path.write_text(template(url, SHA), encoding="utf-8")
    result = lint_file(path)
    found = {d.code: d for d in result.diagnostics if d.code.startswith("AIB4")}
    assert set(found) == {"AIB404"}
    d = found["AIB404"]
    assert result.document.slice(d.span) == f'"{url}"'
    assert d.message.startswith('script of Shell customizer "setup" (line 4): \'reboot\' restarts the build VM')
    (related,) = d.related
    assert related.path == str(repo / "scripts" / "setup.sh")
    r = related.lines.range(related.span)
    assert (r.start.line, r.start.character, r.end.line, r.end.character) == (3, 5, 3, 11)


def test_cli_json_output_and_fix_with_script_urls_setting(tmp_path):
    """``script-urls`` in pyproject.toml maps another host to a folder relative to the config file."""
    from aiblint.cli import main

    (tmp_path / "pyproject.toml").write_text(
        '[tool.aiblint.script-urls]\n"https://files.example.com/build/" = "payload/"\n', encoding="utf-8")
    (tmp_path / "payload").mkdir()
    (tmp_path / "payload" / "setup.sh").write_bytes(SCRIPT)
    path = tmp_path / "t.json"
    path.write_text(template("https://files.example.com/build/setup.sh?sv=1", WRONG), encoding="utf-8")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--check", "--format", "json", "--select", "AIB406,AIB404", str(path)])
    rows = json.loads(out.getvalue())
    assert code == 1
    assert [r["code"] for r in rows] == ["AIB404", "AIB406"]
    assert rows[0]["related"][0]["path"] == str(tmp_path / "payload" / "setup.sh")
    assert rows[0]["related"][0]["range"] == {"start": {"line": 3, "character": 5}, "end": {"line": 3, "character": 11}}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["--check", "--fix", "--select", "AIB406", str(path)])
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["properties"]["customize"][0]["sha256Checksum"] == SHA


def test_yaml_config_and_size_limit(tmp_path):
    from aiblint.config import load

    (tmp_path / ".aiblint.yaml").write_text(
        "script-urls:\n  https://files.example.com/: files\nscript-size-limit: 10\n", encoding="utf-8")
    settings = load(str(tmp_path / ".aiblint.yaml")).settings
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "setup.sh").write_bytes(SCRIPT)
    assert settings.script_urls == {"https://files.example.com/": "files"}
    path = scriptsrc.local_path("https://files.example.com/setup.sh", settings, None)
    assert path == str(tmp_path / "files" / "setup.sh")
    # Larger than the limit: not read.
    assert scriptsrc.find("https://files.example.com/setup.sh", settings, None, download=False) is None
