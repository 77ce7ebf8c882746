"""Configuration files: discovery, every setting, and clear errors (file and line) with exit status 2."""

from __future__ import annotations

import pytest

from cliutil import BAD_REGION, DUPLICATE, GOOD, run, write

BOTH = DUPLICATE.replace('"westeurope"', '"East US 3"')  # AIB300 and AIB303


def codes(result) -> list[str]:
    return sorted(row["code"] for row in result.json())


def check(cwd, *args):
    return run("--check", "--format", "json", *args, cwd=cwd)


def test_pyproject_select_ignore_severity(tmp_path):
    write(tmp_path, "t.json", BOTH)
    assert codes(check(tmp_path, "t.json")) == ["AIB300", "AIB303"]
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.aiblint]\nselect = ["AIB303"]\n')
    assert codes(check(tmp_path, "t.json")) == ["AIB303"]
    write(tmp_path, "pyproject.toml", '[tool.aiblint]\nignore = ["unsupported-region"]\n'
                                      '[tool.aiblint.severity]\nAIB303 = "info"\n')
    rows = check(tmp_path, "t.json").json()
    assert [(r["code"], r["severity"]) for r in rows] == [("AIB303", "info")]
    # The command line replaces the configured selection and adds to the ignores.
    write(tmp_path, "pyproject.toml", '[tool.aiblint]\nselect = ["AIB303"]\n')
    assert codes(check(tmp_path, "t.json", "--select", "AIB300")) == ["AIB300"]
    assert codes(check(tmp_path, "t.json", "--ignore", "AIB303")) == []


def test_severity_off(tmp_path):
    write(tmp_path, "t.json", BOTH)
    write(tmp_path, ".aiblint.yaml", "severity:\n  AIB300: off\n")
    assert codes(check(tmp_path, "t.json")) == ["AIB303"]


def test_nearest_config_wins_and_yaml_beats_pyproject(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.aiblint]\nignore = ["AIB300"]\n')
    write(tmp_path, "sub/t.json", BOTH)
    assert codes(check(tmp_path, "sub/t.json")) == ["AIB303"]
    write(tmp_path, "sub/.aiblint.yaml", "ignore: [AIB303]\n")
    assert codes(check(tmp_path, "sub/t.json")) == ["AIB300"]
    write(tmp_path, "sub/pyproject.toml", '[tool.aiblint]\nignore = ["AIB300", "AIB303"]\n')
    assert codes(check(tmp_path, "sub/t.json")) == ["AIB300"]
    # A pyproject.toml without [tool.aiblint] is passed over.
    write(tmp_path, "other/pyproject.toml", '[project]\nname = "y"\n')
    write(tmp_path, "other/t.json", BOTH)
    assert codes(check(tmp_path, "other/t.json")) == ["AIB303"]
    # --no-config and --config
    assert codes(check(tmp_path, "sub/t.json", "--no-config")) == ["AIB300", "AIB303"]
    assert codes(check(tmp_path, "sub/t.json", "--config", str(tmp_path / "pyproject.toml"))) == ["AIB303"]


def test_each_file_uses_its_nearest_config(tmp_path):
    write(tmp_path, "a/t.json", BOTH)
    write(tmp_path, "a/.aiblint.yaml", "ignore: [AIB300]\nfail-level: warning\n")
    write(tmp_path, "b/t.json", BOTH)
    write(tmp_path, "b/pyproject.toml", '[tool.aiblint]\nignore = ["AIB303"]\n')
    write(tmp_path, "c/t.json", BOTH)
    write(tmp_path, "c/gen/t.json", BOTH)
    write(tmp_path, "c/.aiblint.yaml", "exclude: [gen]\nseverity: {AIB300: warning, AIB303: warning}\n")
    rows = check(tmp_path, ".").json()
    assert sorted((r["path"], r["code"], r["severity"]) for r in rows) == [
        ("a/t.json", "AIB303", "error"), ("b/t.json", "AIB300", "error"),
        ("c/t.json", "AIB300", "warning"), ("c/t.json", "AIB303", "warning")]
    # Warnings fail only where the configuration says so (a/ has fail-level warning).
    write(tmp_path, "a/.aiblint.yaml", "ignore: [AIB300]\nfail-level: warning\nseverity: {AIB303: warning}\n")
    assert run("--check", "a/t.json", "c/t.json", cwd=tmp_path).code == 1
    assert run("--check", "c/t.json", cwd=tmp_path).code == 0
    # --config and --no-config apply one configuration to every file.
    assert len(check(tmp_path, ".", "--no-config").json()) == 8


def test_per_file_ignores_and_exclude(tmp_path):
    write(tmp_path, "templates/legacy/a.json", BOTH)
    write(tmp_path, "templates/new/b.json", BOTH)
    write(tmp_path, "templates/generated/c.json", BOTH)
    write(tmp_path, ".aiblint.yaml",
          "per-file-ignores:\n  'templates/legacy/*.json': [AIB300]\n  'b.json': [AIB3]\nexclude:\n  - generated\n")
    rows = check(tmp_path, "templates").json()
    assert sorted((r["path"], r["code"]) for r in rows) == [("templates/legacy/a.json", "AIB303")]
    # Exclusions apply to named files too (pre-commit names them), relative to the config's folder.
    sub = tmp_path / "templates"
    assert check(sub, "generated/c.json").json() == []
    assert run("--check", "generated/c.json", cwd=sub).out == "No templates found in generated/c.json (0 files looked at)\n"


def test_default_api_version_and_fail_level(tmp_path):
    # No apiVersion: the versions the content fits, and the diagnostics say so; a configured default is used as given.
    write(tmp_path, "t.json", GOOD.replace('  "apiVersion": "2024-02-01",\n', "").replace('"offer"', '"ofer"'))
    messages = [r["message"] for r in check(tmp_path, "t.json").json()]
    assert messages and all("API version not given; the content fits API versions" in m for m in messages)
    write(tmp_path, ".aiblint.yaml", "default-api-version: '2022-07-01'\n")
    messages = [r["message"] for r in check(tmp_path, "t.json").json()]
    assert messages and all("2022-07-01 assumed" in m for m in messages)
    write(tmp_path, ".aiblint.yaml", "fail-level: info\n")
    write(tmp_path, "p.json", '{"name": "x"}')
    assert run("--check", "p.json", cwd=tmp_path).code == 1
    assert run("--check", "p.json", "--fail-level", "error", cwd=tmp_path).code == 0


def test_extra_regions(tmp_path):
    write(tmp_path, "t.json", GOOD.replace('"westeurope"', '"marsnorth"'))
    assert "AIB300" in codes(check(tmp_path, "t.json")) or "AIB314" in codes(check(tmp_path, "t.json"))
    write(tmp_path, "pyproject.toml", '[tool.aiblint]\nextra-regions = ["marsnorth"]\n')
    assert codes(check(tmp_path, "t.json")) == []


def test_per_file_ignores_cover_the_not_a_template_notice(tmp_path):
    write(tmp_path, "pkg/package.json", '{"name": "x"}')
    write(tmp_path, "pyproject.toml", '[tool.aiblint.per-file-ignores]\n"package.json" = ["not-a-template"]\n')
    assert run("--check", "pkg/package.json", cwd=tmp_path).out == "No problems in 1 file\n"


def test_snake_case_keys(tmp_path):
    write(tmp_path, "t.json", BOTH)
    write(tmp_path, "pyproject.toml", '[tool.aiblint.per_file_ignores]\n"t.json" = ["AIB300"]\n')
    assert codes(check(tmp_path, "t.json")) == ["AIB303"]


BAD_CONFIGS = [
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.aiblint]\nselect = ["AIB3"]\nbogus = 1\n',
     "pyproject.toml:6: [tool.aiblint]: unknown setting 'bogus'; expected one of select, ignore, severity, "
     "per-file-ignores, exclude, default-api-version, online, extra-regions, script-urls, script-size-limit, "
     "fail-level"),
    ("pyproject.toml", '[tool.aiblint]\nscript-size-limit = 0\n',
     "pyproject.toml:2: script-size-limit: must be a positive number of bytes"),
    ("pyproject.toml", '[tool.aiblint]\nscript-urls = ["x"]\n',
     "pyproject.toml:2: script-urls: Input should be a valid dictionary"),
    ("pyproject.toml", '[tool.aiblint]\nselect = "AIB3"\n', "pyproject.toml:2: select: Input should be a valid list"),
    ("pyproject.toml", '[tool.aiblint]\nonline = "yes"\n',
     "pyproject.toml:2: online: Input should be a valid boolean"),
    ("pyproject.toml", '[tool.aiblint]\nignore = ["AIB3"]\n\n[tool.aiblint.severity]\nAIB303 = "warn"\n',
     "pyproject.toml:5: severity.AIB303: Input should be 'error', 'warning', 'info' or 'off'"),
    ("pyproject.toml", '[tool.aiblint]\nignore = [\n', "pyproject.toml:2: invalid TOML: "),
    ("pyproject.toml", '[tool.aiblint]\nselect = ["AIB3", "AIB999"]\n',
     "pyproject.toml:2: select[1]: no rule matches 'AIB999'"),
    ("pyproject.toml", '[tool.aiblint]\ndefault-api-version = "2023-01-01"\n',
     "pyproject.toml:2: default-api-version: '2023-01-01' is not an Image Builder API version; expected one of "
     "2018-02-01-preview"),
    (".aiblint.yaml", "select:\n  - AIB3\nseverity:\n  AIB303: 3\n",
     ".aiblint.yaml:4: severity.AIB303: Input should be 'error', 'warning', 'info' or 'off'"),
    (".aiblint.yaml", "select: [AIB3\n", ".aiblint.yaml:2: invalid YAML: "),
    (".aiblint.yaml", "ignore: []\nper-file-ignores:\n  '*.json': [AIB999]\n",
     '.aiblint.yaml:3: per-file-ignores["*.json"][0]: no rule matches \'AIB999\''),
    (".aiblint.yaml", "- AIB300\n", ".aiblint.yaml:1: the file must hold a mapping of settings"),
    (".aiblint.yaml", "fail-level: never\n", ".aiblint.yaml:1: fail-level: Input should be 'error', 'warning' or 'info'"),
]


@pytest.mark.parametrize("name,text,message", BAD_CONFIGS)
def test_bad_config_is_a_clear_error(tmp_path, name, text, message):
    write(tmp_path, "t.json", GOOD)
    write(tmp_path, name, text)
    r = run("--check", "t.json", cwd=tmp_path)
    assert r.code == 2
    assert r.out == ""
    assert r.err.startswith(f"aiblint: error: invalid configuration: {tmp_path / message}"), r.err
    assert len(r.err.splitlines()) == 1


def test_missing_config_file(tmp_path):
    r = run("--check", "--config", "nope.toml", cwd=tmp_path)
    assert (r.code, r.err) == (2, "aiblint: error: configuration file 'nope.toml' not found\n")


def test_config_loads_pydantic_only_when_present(tmp_path):
    import subprocess
    import sys

    write(tmp_path, "t.json", GOOD)
    probe = ("import sys\nfrom aiblint.cli import main\nmain(['--check', 't.json'])\n"
             "print('pydantic' in sys.modules, 'ruamel' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True).stdout
    assert out.splitlines()[-1] == "False False"
    write(tmp_path, ".aiblint.yaml", "ignore: [AIB000]\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True).stdout
    assert out.splitlines()[-1] == "True True"
