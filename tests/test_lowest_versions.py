"""The lowest dependency versions pyproject.toml allows, installed for real in a fresh virtual environment.

Every runtime dependency must name a lower bound that is a real release; with
each one installed at exactly that bound, ``aiblint --check`` must give the
findings it gives with the versions of this environment (on the bundled
examples, a few scripts the grammars disagree on, and the corpus when it is
there), and the language server must answer. ShellCheck's own findings
(AIB401) are compared by presence only: which warnings a ShellCheck release
gives is ShellCheck's business.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from cliutil import GOOD, command
from lsputil import make_client, open_doc, pos, pushed, start
from sharedpaths import CORPUS, ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

# Scripts whose errors the grammars' releases read differently, and one for ShellCheck.
SCRIPTS = GOOD.replace('''{ "type": "Shell", "name": "update", "inline": ["sudo apt-get update"] },
      { "type": "Shell", "name": "upgrade", "inline": ["sudo apt-get upgrade -y"] }''', '''\
{ "type": "Shell", "name": "shell", "inline": ["echo 'unterminated", "for f in *; do echo $f"] },
      { "type": "PowerShell", "name": "quote", "inline": ["Write-Host 'abc"] },
      { "type": "PowerShell", "name": "paren", "inline": ["$x = (1 + 2"] },
      { "type": "Shell", "name": "unquoted", "inline": ["rm -rf $1/data"] }''')


def lower_bounds() -> dict[str, str]:
    """Each runtime dependency of pyproject.toml (that this Python needs) and the version its ``>=`` bound names."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        lower = [s.version for s in requirement.specifier if s.operator == ">="]
        assert lower, f"{line!r}: every dependency needs a lower bound (name>=version)"
        bounds[requirement.name] = lower[0]
    return bounds


@pytest.fixture(scope="module")
def lowest(tmp_path_factory) -> Path:
    """The Python of a virtual environment holding aiblint with every dependency at its lower bound."""
    base = tmp_path_factory.mktemp("lowest")
    bounds = lower_bounds()
    (base / "constraints.txt").write_text("".join(f"{name}=={version}\n" for name, version in bounds.items()))
    venv.create(base / "venv", with_pip=True)
    python = base / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    probe = subprocess.run([str(python), "-m", "pip", "index", "versions", "tree-sitter"], capture_output=True,
                           text=True, env=env, timeout=120)
    if probe.returncode != 0:
        pytest.skip("the package index is unreachable: " + probe.stderr.strip()[-300:])
    pins = [f"{name}=={version}" for name, version in bounds.items()]
    wheels = subprocess.run([str(python), "-m", "pip", "download", "-q", "--only-binary", ":all:", "-d",
                             str(base / "wheels"), *pins], capture_output=True, text=True, env=env, timeout=900)
    missing = re.search(r"No matching distribution found for (\S+)", wheels.stderr)
    if wheels.returncode != 0 and missing:
        # Building it from source needs compilers (and their package indexes) this machine may not have.
        pytest.skip(f"{missing.group(1)} has no wheel for Python {sys.version_info.major}.{sys.version_info.minor}: "
                    "the lower bounds are tested on the Pythons they have wheels for")
    assert wheels.returncode == 0, wheels.stderr[-3000:]
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT), "-c", str(base / "constraints.txt"),
                              "--find-links", str(base / "wheels")],
                             capture_output=True, text=True, env=env, timeout=900)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                            env=env, check=True)
    installed = {_canonical(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    for name, version in bounds.items():
        assert _release(installed[_canonical(name)]) == _release(version), (name, installed[_canonical(name)])
    return python


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _findings(argv: list[str], cwd: Path) -> list[tuple]:
    proc = subprocess.run(argv + ["--check", "--format", "json", "--no-config", "--exit-zero"], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = []
    for d in json.loads(proc.stdout):
        r = d["range"]
        where = (d["path"], r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])
        # ShellCheck's warnings differ between its releases: only that it ran counts.
        out.append((where[0], where[1], 0, 0, 0, "AIB401", "") if d["code"] == "AIB401"
                   else (*where, d["code"], d["message"]))
    return sorted(set(out))


def test_every_lower_bound_installs_and_checks_like_this_environment(lowest, tmp_path):
    (tmp_path / "scripts.json").write_text(SCRIPTS, encoding="utf-8")
    paths = [str(ROOT / "examples"), str(tmp_path / "scripts.json")]
    if CORPUS.is_dir():
        paths.append(str(CORPUS))
    ours = _findings(command(*paths), tmp_path)
    theirs = _findings([str(lowest.parent / "aiblint"), *paths], tmp_path)
    assert theirs == ours
    codes = {f[5] for f in ours if f[0].endswith("scripts.json")}
    assert {"AIB400", "AIB401", "AIB402"} <= codes


@pytest.mark.asyncio(loop_scope="module")
async def test_the_language_server_of_the_lowest_versions_answers(lowest):
    config = ClientServerConfig(server_command=[str(lowest), "-m", "aiblint", "--stdio"], client_factory=make_client)
    client = await config.start()
    try:
        await start(client, "visual-studio-code")
        uri = "file:///lowest/template.bicep"
        text = (ROOT / "examples" / "bad" / "typos-and-mistakes.bicep").read_text(encoding="utf-8")
        open_doc(client, uri, text, language="bicep")
        found = await pushed(client, uri, 1, timeout=30)
        assert {d.code for d in found} >= {"AIB300"}
        at = types.Position(*pos(text, "location"))
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at))
        assert hover is not None and "location" in hover.contents.value.lower()
    finally:
        await client.shutdown_session()
