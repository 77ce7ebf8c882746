"""A script whose lines stand alone is analysed line by line once its lines were seen before: the same
commands and syntax findings as a parse of the whole script, each distinct line parsed once."""

from __future__ import annotations

import random

import pytest

from aiblint.document import Document
from aiblint.engine import lint
from aiblint.rules import _scripts

SHELL_LINES = [
    "sudo apt-get update", "sudo apt-get install nginx", "apt-get install -y curl", "echo 'a' | sudo tee -a /etc/x",
    "curl -sSL https://x | bash", "if [ -f /x ]; then", "  echo yes", "fi", "for i in 1 2 3; do", "done",
    "while true; do sleep 1; done", "cat <<EOF", "hello", "EOF", 'echo "multi', 'line"', "echo a \\", "  b",
    "x=$(date)", "export A=1", "read -p 'ok?' x", "read -t 5 x", "sudo reboot", "shutdown -r now",
    "waagent -deprovision+user -force", "case $x in", "  a) echo a;;", "esac", "{ echo a; echo b; }",
    "f() { echo f; }", "# comment with ' quote", "echo done # trailing", "ls &&", "  echo after",
    "(cd /tmp && ls)", "echo $((1+2))", "echo `date`", 'echo "$(whoami)"', "a=(1 2", "3)", "", "   ",
    "sudo -u root yum install httpd", "DEBIAN_FRONTEND=noninteractive apt-get install x", "then",
    "echo \u00fcn\u00efc\u00f6d\u00e9", "echo \U0001F600 && apt install x", "nohup x &", "x |& tee log", "else",
    "elif true; then", "}", ")", "echo 'it''s'", 'echo \\"', "ls ||", "echo a; \\", "do", "in",
    "select x in a b; do echo $x; done", "[[ -n $x ]] && echo y", "echo ${x:-default}", "trap 'echo bye' EXIT",
    "! false", "time ls", "declare -a arr=(1 2)", "echo a > /tmp/x 2>&1", "exec 3<>/dev/null",
]
POWERSHELL_LINES = [
    "Write-Host 'hi'", "Install-Module Az", "Install-Module Az -Force", "choco install git", "choco install git -y",
    "Read-Host 'x'", "pause", "Restart-Computer", '$a = @"', "text", '"@', "Get-Item x |", "  Select-Object Name",
    "if ($true) {", "  Write-Output 1", "}", "<# block", "comment #>", "Write-Host `", "  'cont'", "$x = 1,", "  2",
    "function f { param($a) }", "New-Item -ItemType Directory -Path C:\\x -Force",
    "& 'C:\\Program Files\\x.exe' /S", "Start-Process msiexec.exe -Wait -ArgumentList '/i x.msi /qn'",
    "Set-ItemProperty -Path 'HKLM:\\X' -Name N -Value 1", "$env:X = 'y'", "try {", "} catch {", "# comment",
    'Write-Host "unterminated', "Get-ChildItem | Where-Object { $_.Name -like '*x*' }",
    "foreach ($i in 1..3) { $i }", "@('a','b') | ForEach-Object { $_ }", "Write-Host '\u00e9\U0001F600'", "",
    "Remove-Item -Path x -Force; Write-Host done", "| Select-Object Name", ".Trim()", "$a = 1 +", "else {",
    "} else {", "} finally {}", "param(", ")", "[string]$x = 'a'", "$h = @{", "  a = 1", "Get-Process -Name a,b",
    "switch ($x) { 1 { 'one' } }", "exit 0", "'@", "@'", "$x = $(", "Get-Date)",
]


def _whole(kind: str, text: str):
    """Commands and first syntax error from a parse of the whole script."""
    tree, chars = _scripts.parse(kind, text)
    walk = _scripts._shell_walk if kind == "shell" else _scripts._powershell_walk
    return walk(tree, text, chars), _scripts._whole_syntax_error(kind, text)


def _same_by_line(kind: str, text: str) -> bool:
    """Whether the script can be read line by line; if it can, that must give what the whole parse gives."""
    lines = _scripts._lines_alone(kind, text)
    if lines is None:
        return False
    assert (_scripts._joined(lines), _scripts._first_stray(lines)) == _whole(kind, text), text
    return True


@pytest.mark.parametrize("kind, pool", [("shell", SHELL_LINES), ("powershell", POWERSHELL_LINES)])
def test_random_scripts_read_line_by_line_as_the_whole_parse_reads_them(kind, pool):
    rng = random.Random(20261206)
    scripts = ["\n".join(rng.choice(pool) for _ in range(rng.randint(2, 8))) for _ in range(1500)]
    by_line = sum(_same_by_line(kind, text) for text in scripts)
    assert by_line > 100  # the pools mix lines that stand alone with lines that do not


@pytest.mark.parametrize("kind, text", [
    ("shell", "cat <<EOF\napt-get install x\nEOF"),
    ("shell", "apt-get install \\\n  nginx"),
    ("shell", "curl -sSL https://x |\n  bash"),
    ("shell", "ls &&\n  apt-get install x"),
    ("shell", "ls |&\n  tee log"),
    ("shell", "if true; then\n  reboot\nfi"),
    ("shell", "echo 'a\nb'"),
    ("powershell", '$a = @"\nRead-Host\n"@'),
    ("powershell", "<# a\nRead-Host #>"),
    ("powershell", "Get-Item x `\n  -Force"),
    ("powershell", "Get-Item x |\n  Select-Object Name"),
    ("powershell", "$x = 1,\n  2"),
    ("powershell", "if ($true) {\n  Restart-Computer\n}"),
])
def test_what_spans_lines_is_parsed_whole(kind, text):
    assert _scripts._lines_alone(kind, text) is None


def test_new_lines_are_parsed_whole_and_seen_ones_once_each():
    _scripts._seen.clear()
    _scripts._line.cache_clear()
    names = {"sudo apt-get update": "apt-get", "sudo apt-get install -y nginx": "apt-get",
             "sudo systemctl enable nginx": "systemctl", "sync": "sync"}
    lines = list(names)
    for i in range(len(lines)):
        text = "\n".join(lines[i:] + lines[:i])
        # The first script's lines are new: one parse of the whole; the others' were seen: line by line.
        assert (_scripts._by_line("shell", text) is None) == (i == 0)
        assert [c.name.text for c in _scripts.shell_commands(text)] == [names[line] for line in text.split("\n")]
    assert _scripts._line.cache_info().misses == len(lines)


def test_a_long_script_is_parsed_whole_and_leaves_its_lines_unremembered():
    _scripts._seen.clear()
    text = "\n".join(f"echo {i}" for i in range(_scripts.MAX_LINES + 1))
    assert _scripts._by_line("shell", text) is None and _scripts._by_line("shell", text + "\nls") is None
    assert not _scripts._seen
    assert len(_scripts.shell_commands(text)) == _scripts.MAX_LINES + 1


def test_a_stray_keyword_on_its_own_line_is_found_at_its_place():
    text = "echo start\n\u00e9cho=1\nfi\necho end"
    lines = _scripts._lines_alone("shell", text)
    assert lines is not None
    assert _scripts._first_stray(lines) == (18, 20, "unexpected 'fi'") == _whole("shell", text)[1]
    assert _scripts.syntax_error("shell", text) == (18, 20, "unexpected 'fi'")


def test_the_scripts_of_the_corpus_read_line_by_line_as_whole(corpus_dir, monkeypatch):
    seen = set()
    by_line = _scripts._by_line

    def recording(kind, text):
        seen.add((kind, text))
        return by_line(kind, text)

    monkeypatch.setattr(_scripts, "_by_line", recording)
    for fn in (_scripts.shell_commands, _scripts.powershell_commands, _scripts._syntax_error):
        fn.cache_clear()
    for path in sorted(corpus_dir.rglob("*")):
        if path.suffix.lower() in (".json", ".jsonc", ".bicep") and b"inline" in path.read_bytes():
            lint(Document(path.read_bytes().decode("utf-8", "replace"), str(path)))
    by_line = sum(_same_by_line(kind, text) for kind, text in sorted(seen))
    assert len(seen) > 80 and by_line > len(seen) // 2
