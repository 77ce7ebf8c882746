"""The pre-commit hook, run for real: ``pre-commit try-repo`` on this checkout against a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cliutil import DUPLICATE, GOOD, write

DUPLICATE_BICEP = """\
resource image 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
  name: 'ubuntu-${suffix}'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib': {}
    }
  }
  properties: {
    source: {
      type: 'PlatformImage'
      publisher: 'Canonical'
      offer: '0001-com-ubuntu-server-jammy'
      sku: '22_04-lts-gen2'
      version: 'latest'
    }
    distribute: [
      {
        type: 'VHD'
        runOutputName: 'ubuntu-vhd'
      }
      {
        type: 'VHD'
        runOutputName: 'ubuntu-vhd'
      }
    ]
  }
}
"""

ROOT = Path(__file__).resolve().parent.parent


def pre_commit() -> list[str]:
    exe = Path(sys.executable).parent / "pre-commit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pre_commit"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    """A temporary git repository with one good and one bad template, and a private pre-commit home."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for the pre-commit test")
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, "templates/good.json", GOOD)
    write(repo, "templates/bad.json", DUPLICATE)
    write(repo, "templates/bad.jsonc", DUPLICATE)
    write(repo, "package.json", '{"name": "app"}\n')
    write(repo, "infra/bad.bicep", DUPLICATE_BICEP)
    write(repo, "infra/storage.bicep", "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 's'\n}\n")
    write(repo, "package-lock.json", _package_lock(15 * 1024 * 1024))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "templates")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return repo, env


def _package_lock(size: int) -> str:
    """An npm lock file of about ``size`` bytes."""
    head = '{\n  "name": "app",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n'
    entry = ('    "node_modules/package-{0}": {{\n      "version": "1.0.{0}",\n      "resolved": '
             '"https://registry.npmjs.org/package-{0}/-/package-{0}-1.0.{0}.tgz",\n      "integrity": "sha512-{1}"\n    }}')
    entries, total, i = [], len(head), 0
    while total < size:
        e = entry.format(i, "A" * 86)
        entries.append(e)
        total += len(e) + 2
        i += 1
    return head + ",\n".join(entries) + "\n  }\n}\n"


def try_repo(repo: Path, env: dict, *files: str) -> subprocess.CompletedProcess:
    selection = list(files) if files and files[0].startswith("--") else ["--files", *files]
    return subprocess.run(pre_commit() + ["try-repo", str(ROOT), "aiblint", *selection], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_hook_fails_only_on_the_bad_template(hook_env):
    repo, env = hook_env
    r = try_repo(repo, env, "templates/good.json", "templates/bad.json", "templates/bad.jsonc", "infra/bad.bicep")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Failed" in r.stdout
    problems = [x for x in r.stdout.splitlines() if ": AIB" in x]
    # .jsonc and .bicep files are selected by name (pre-commit has no file type for them).
    assert sorted(x.split(":")[0] for x in problems) == ["infra/bad.bicep", "templates/bad.json",
                                                         "templates/bad.jsonc"], r.stdout
    assert all(x.split(":", 1)[1].startswith("26:41: AIB303 [error]") for x in problems if ".json" in x), r.stdout
    assert "infra/bad.bicep:25:24: AIB303 [error]" in r.stdout
    assert "templates/good.json:" not in r.stdout


def test_hook_passes_on_the_good_template(hook_env):
    repo, env = hook_env
    r = try_repo(repo, env, "templates/good.json", "package.json", "infra/storage.bicep")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout


def test_hook_in_a_repository_with_a_large_lock_file_and_bicep(hook_env):
    """--all-files passes package-lock.json (15 MB), package.json and the Bicep files too: only templates fail."""
    repo, env = hook_env
    assert (repo / "package-lock.json").stat().st_size > 15 * 1024 * 1024
    r = try_repo(repo, env, "--all-files")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "too large" not in r.stdout and "error: " not in r.stdout, r.stdout
    problems = [x for x in r.stdout.splitlines() if ": AIB" in x and "[info]" not in x]
    assert sorted({x.split(":")[0] for x in problems}) == ["infra/bad.bicep", "templates/bad.json",
                                                           "templates/bad.jsonc"], r.stdout
    r = try_repo(repo, env, "package-lock.json", "package.json", "infra/storage.bicep", "templates/good.json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout


def test_a_pinned_commit_and_autoupdate(tmp_path):
    """The README's pre-commit setup: a commit as rev (there are no tags); `pre-commit autoupdate` moves it."""
    source = tmp_path / "aiblint"
    subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(source)], check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True).stdout.strip()
    older = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=source, capture_output=True, text=True).stdout.strip()
    assert subprocess.run(["git", "tag"], cwd=source, capture_output=True, text=True).stdout == ""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    config = repo / ".pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {source}\n    rev: {older}\n    hooks:\n      - id: aiblint\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never"}
    r = subprocess.run(pre_commit() + ["autoupdate", "--repo", str(source)], cwd=repo, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"rev: {head}" in config.read_text()
