"""AIB400-AIB405: what the build runs, checked inside the JSON/YAML strings with exact ranges."""

from __future__ import annotations

import json

import pytest

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fixed, src


def raw(steps: list[dict], api: str = "2024-02-01") -> str:
    doc = {
        "type": "Microsoft.VirtualMachineImages/imageTemplates",
        "apiVersion": api,
        "location": "westeurope",
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}},
        "properties": {
            "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
                       "sku": "server", "version": "latest"},
            "customize": steps,
            "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
        },
    }
    return json.dumps(doc, indent=2)


def shell(*lines: str, name: str = "setup") -> str:
    return raw([{"type": "Shell", "name": name, "inline": list(lines)}])


def pwsh(*lines: str, name: str = "setup") -> str:
    return raw([{"type": "PowerShell", "name": name, "inline": list(lines)}])


SH = 'inline command of Shell customizer "setup": '
PS = 'inline command of PowerShell customizer "setup": '


# -- AIB400 shell-syntax -----------------------------------------------------------

def test_shell_syntax_error_across_strings_points_at_the_open_if():
    text = shell("echo \"a\\\\b\"", "if [ -f /etc/os-release ]; then", "  . /etc/os-release")
    assert lint(text, codes="AIB400") == [Found(
        "AIB400", at(text, "if [ -f", 1)[:2] + (at(text, "if [ -f")[0], at(text, "if [ -f")[1] + 2),
        SH + "does not parse as a shell script: 'if' is not closed (missing 'fi')")]


def test_shell_syntax_error_after_escapes_is_on_the_exact_character():
    # The quote that is never closed comes after \" and \\ escapes in the same JSON string.
    text = shell('echo "x\\\\" \'unterminated')
    (found,) = lint(text, codes="AIB400")
    line, col = at(text, "'unterminated")[:2]
    assert found == Found("AIB400", (line, col, line, col + 1), SH + "does not parse as a shell script: "
                                                                     "unterminated single quote")


@pytest.mark.parametrize("lines, keyword", [
    (("for f in a b; do", "  echo $f"), "for"), (("while true; do", "  sleep 1"), "while"),
])
def test_shell_loop_not_closed(lines, keyword):
    text = shell(*lines)
    line, col = at(text, lines[0])[:2]
    assert lint(text, codes="AIB400") == [Found("AIB400", (line, col, line, col + len(keyword)),
                                                SH + f"does not parse as a shell script: '{keyword}' is not closed "
                                                     "(missing 'done')")]


def test_shell_unexpected_closer():
    text = shell("for f in a b; do", "  echo $f", "done", "done")
    (found,) = lint(text, codes="AIB400")
    assert found == Found("AIB400", at(text, "done", 2), SH + "does not parse as a shell script: unexpected 'done'")


@pytest.mark.parametrize("lines", [
    ("if [ -f /etc/os-release ]; then", "  . /etc/os-release", "fi"),
    ("for p in curl jq; do", "  sudo apt-get install -y \"$p\"", "done"),
    ("cat <<'EOF' > /tmp/x", "hello", "EOF"),
    ("case \"$(uname -m)\" in", "  x86_64) echo amd64 ;;", "  *) echo other ;;", "esac"),
])
def test_valid_shell_scripts_parse(lines):
    assert lint(shell(*lines), codes="AIB400") == []


def test_inline_with_an_expression_item_is_not_parsed():
    text = arm({"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s",
                           "version": "latest"},
                "customize": [{"type": "Shell", "name": "s",
                               "inline": ["if true; then", "[parameters('cmd')]"]}],
                "distribute": [{"type": "VHD", "runOutputName": "vhd"}]},
               parameters={"cmd": {"type": "string", "defaultValue": "fi"}})
    assert lint(text, codes="AIB400") == []


def test_shell_syntax_in_yaml_block_scalar_inline_item():
    text = src("""
        type: Microsoft.VirtualMachineImages/imageTemplates
        apiVersion: "2024-02-01"
        location: westeurope
        properties:
          source: {type: PlatformImage, publisher: Canonical, offer: o, sku: s, version: latest}
          customize:
            - type: Shell
              name: setup
              inline:
                - |
                  if [ -f /etc/os-release ]; then
                    echo ok
          distribute: [{type: VHD, runOutputName: vhd}]
        """)
    (found,) = lint(text, "t.yaml", codes="AIB400")
    line, col = at(text, "if [ -f")[:2]
    assert found == Found("AIB400", (line, col, line, col + 2),
                          SH + "does not parse as a shell script: 'if' is not closed (missing 'fi')")


# -- AIB402 powershell-syntax ------------------------------------------------------

def test_powershell_unclosed_brace_points_at_the_brace():
    text = pwsh("if ($env:ROLE -eq 'web') {", "  Install-WindowsFeature Web-Server")
    line, _, _, end = at(text, "'web') {")
    assert lint(text, codes="AIB402") == [Found("AIB402", (line, end - 1, line, end),
                                                PS + "does not parse as PowerShell: '{' is not closed (missing '}')")]


def test_powershell_error_after_escapes():
    text = pwsh("Write-Host \"C:\\temp\" \"\u00e9\"", "$x = (1 + ")
    (found,) = lint(text, codes="AIB402")
    assert found.code == "AIB402" and found.range[0] == at(text, "$x = (1 + ")[0]


@pytest.mark.parametrize("lines", [
    ("if ($env:ROLE -eq 'web') {", "  Install-WindowsFeature Web-Server", "}"),
    ("$ErrorActionPreference = 'Stop'", "New-Item -ItemType Directory -Path C:\\\\temp -Force | Out-Null"),
    ("Write-Host \"path: C:\\\\x \\u00e9\"",),
])
def test_valid_powershell_parses(lines):
    assert lint(pwsh(*lines), codes="AIB402") == []


@pytest.mark.parametrize("line", [
    # Valid PowerShell that tree-sitter-powershell rejects: not reported (seen in a real template).
    "Set-WinUserLanguageList -LanguageList ja-JP,en-US -Force",
    "Foo -Name a, b",
    "switch ($x) { 'a' { 1 } default { 2 } }",
])
def test_powershell_forms_the_grammar_rejects_are_not_reported(line):
    assert lint(pwsh(line), codes="AIB402") == []


@pytest.mark.parametrize("line, at_char, message", [
    ("Write-Host 'abc", 11, "unterminated single quote"),
    ("$x = (1 + 2", 5, "'(' is not closed (missing ')')"),
    ("Write-Host 'ok' }", 16, "unexpected '}'"),
])
def test_powershell_sure_errors(line, at_char, message):
    text = pwsh(line)
    line_no, col = at(text, line)[:2]
    assert lint(text, codes="AIB402") == [Found("AIB402", (line_no, col + at_char, line_no, col + at_char + 1),
                                                PS + f"does not parse as PowerShell: {message}")]


# -- AIB403 interactive-command ----------------------------------------------------

@pytest.mark.parametrize("command, needle, message", [
    ("sudo apt-get install nginx", "apt-get install", "'apt-get install' without -y"),
    ("sudo DEBIAN_FRONTEND=noninteractive apt upgrade", "apt upgrade", "'apt upgrade' without -y"),
    ("yum update", "yum update", "'yum update' without -y"),
    ("dnf install git", "dnf install", "'dnf install' without -y"),
    ("zypper install git", "zypper install", "'zypper install' without --non-interactive"),
])
def test_package_manager_without_yes(command, needle, message):
    text = shell("echo \"start\"", command)
    found = lint(text, codes="AIB403")
    assert found == [Found("AIB403", at(text, needle), SH + message + " asks for confirmation and fails without a "
                                                              f"terminal; add {message.split('without ')[1]}")]


@pytest.mark.parametrize("command", [
    "sudo apt-get install -y nginx", "apt-get -qq install nginx", "apt-get install -qy nginx",
    "apt-get update", "yes | sudo apt-get install nginx", "yum -y update", "dnf install --assumeyes git",
    "zypper --non-interactive install git", "zypper -n in git", "apt-get -o APT::Get::Assume-Yes=true install x",
    "read -t 5 answer || true",
])
def test_non_interactive_commands_are_fine(command):
    assert lint(shell(command), codes="AIB403") == []


def test_fix_adds_the_flag_after_the_subcommand_inside_escaped_strings():
    text = shell("echo \"\\u00e9\" && sudo apt-get install nginx", "zypper install git")
    new = fixed(text, "AIB403")
    inline = json.loads(new)["properties"]["customize"][0]["inline"]
    assert inline == ["echo \"\\u00e9\" && sudo apt-get install -y nginx", "zypper --non-interactive install git"]
    assert lint(new, codes="AIB403") == []


def test_powershell_module_install_without_force_and_fix():
    text = pwsh("Install-Module -Name Az -Scope AllUsers", "Install-Module Pester -Force")
    assert lint(text, codes="AIB403") == [Found("AIB403", at(text, "Install-Module", 1),
                                                PS + "Install-Module without -Force asks for confirmation and fails "
                                                     "in a non-interactive host; add -Force")]
    assert json.loads(fixed(text, "AIB403"))["properties"]["customize"][0]["inline"][0] == \
        "Install-Module -Force -Name Az -Scope AllUsers"


@pytest.mark.parametrize("lines, needle, name", [
    (("read answer",), "read", "read"),
    (("$name = Read-Host 'Name'",), "Read-Host", "Read-Host"),
])
def test_commands_that_wait_for_input(lines, needle, name):
    text = shell(*lines) if name == "read" else pwsh(*lines)
    prefix = SH if name == "read" else PS
    assert lint(text, codes="AIB403") == [Found("AIB403", at(text, needle),
                                                prefix + f"'{name}' waits for input that never comes during a build")]


def test_choco_without_yes_in_powershell():
    text = pwsh("choco install git")
    assert [f.range for f in lint(text, codes="AIB403")] == [at(text, "choco install")]
    assert json.loads(fixed(text, "AIB403"))["properties"]["customize"][0]["inline"] == ["choco install -y git"]


# -- AIB404 reboot-in-script --------------------------------------------------------

LINUX_ADVICE = "Image Builder has no restart step for Linux: leave the reboot out"
WINDOWS_ADVICE = "use a WindowsRestart customizer after this step instead"


@pytest.mark.parametrize("command, needle", [
    ("sudo reboot", "reboot"), ("shutdown -r now", "shutdown -r now"), ("systemctl reboot", "systemctl reboot"),
    ("sudo init 6", "init 6"),
])
def test_reboot_in_shell(command, needle):
    text = shell("echo done", command)
    name = needle.split()[0]
    assert lint(text, codes="AIB404") == [Found(
        "AIB404", at(text, needle, 2 if needle == "reboot" and "systemctl" in command else 1),
        SH + f"'{name}' restarts the build VM and breaks the build's connection to it; {LINUX_ADVICE}")]


@pytest.mark.parametrize("command, needle", [
    ("Restart-Computer -Force", "Restart-Computer -Force"), ("shutdown /r /t 0", "shutdown /r /t 0"),
])
def test_reboot_in_powershell(command, needle):
    text = pwsh("Write-Host \"C:\\\\done\"", command)
    name = needle.split()[0]
    assert lint(text, codes="AIB404") == [Found(
        "AIB404", at(text, needle),
        PS + f"'{name}' restarts the build VM and breaks the build's connection to it; {WINDOWS_ADVICE}")]


@pytest.mark.parametrize("command", ["shutdown -h now", "echo reboot", "systemctl restart nginx", "init 3"])
def test_not_a_reboot(command):
    assert lint(shell(command), codes="AIB404") == []


# -- AIB405 deprovision-tampering --------------------------------------------------

@pytest.mark.parametrize("command, needle, what", [
    ("sudo apt-get purge -y walinuxagent", "apt-get purge -y walinuxagent", "removes the Azure Linux agent"),
    ("sudo yum remove -y WALinuxAgent", "yum remove -y WALinuxAgent", "removes the Azure Linux agent"),
    ("sudo systemctl disable walinuxagent.service", "systemctl disable walinuxagent.service",
     "disables the Azure Linux agent"),
    ("sudo rm -rf /tmp/*", "rm -rf /tmp/*", "deletes /tmp/DeprovisioningScript.sh"),
    ("rm -f /tmp/DeprovisioningScript.sh", "rm -f /tmp/DeprovisioningScript.sh",
     "deletes /tmp/DeprovisioningScript.sh"),
])
def test_deprovision_tampering_shell(command, needle, what):
    found = lint(shell(command), codes="AIB405")
    text = shell(command)
    assert [(f.range, f.message.startswith(SH + f"this command {what}")) for f in found] == [(at(text, needle), True)]


@pytest.mark.parametrize("command, needle", [
    ("Remove-Item -Path C:\\DeprovisioningScript.ps1 -Force", "Remove-Item -Path C:\\\\DeprovisioningScript.ps1 -Force"),
    ("Remove-Item C:\\*.ps1", "Remove-Item C:\\\\*.ps1"),
])
def test_deprovision_tampering_powershell(command, needle):
    text = pwsh(command)
    assert lint(text, codes="AIB405") == [Found(
        "AIB405", at(text, needle),
        PS + "this command deletes C:\\DeprovisioningScript.ps1, which Image Builder runs after the customizers")]


@pytest.mark.parametrize("command", ["rm -rf /tmp/build/*", "sudo apt-get install -y walinuxagent",
                                     "sudo systemctl restart walinuxagent", "rm -f /tmp/*.log"])
def test_not_tampering(command):
    assert lint(shell(command), codes="AIB405") == []


def test_severities():
    text = shell("sudo apt-get install x", "sudo reboot", "sudo rm -rf /tmp/*", "if true; then")
    levels = {d.code: d.severity.label for d in diagnostics(text, "AIB403") + diagnostics(text, "AIB404")
              + diagnostics(text, "AIB405") + diagnostics(text, "AIB400")}
    assert levels == {"AIB400": "error", "AIB403": "warning", "AIB404": "error", "AIB405": "warning"}


def test_validators_are_checked_too():
    doc = json.loads(shell("echo ok"))
    doc["properties"]["validate"] = {"inVMValidations": [{"type": "Shell", "name": "check",
                                                          "inline": ["sudo reboot"]}]}
    text = json.dumps(doc, indent=2)
    assert [f.message.split(":")[0] for f in lint(text, codes="AIB404")] == ['inline command of Shell validator "check"']


def test_inline_from_an_arm_parameter_default_is_reported_in_the_parameter():
    text = arm({"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s",
                           "version": "latest"},
                "customize": [{"type": "Shell", "name": "s", "inline": "[parameters('cmds')]"}],
                "distribute": [{"type": "VHD", "runOutputName": "vhd"}]},
               parameters={"cmds": {"type": "array", "defaultValue": ["sudo reboot"]}})
    (found,) = [d for d in diagnostics(text, "AIB404")]
    assert found.related and found.related[0].message == "value used here"
    assert [f.range for f in lint(text, codes="AIB404")] == [at(text, "reboot")]


def test_no_script_findings_beside_a_half_typed_part():
    # The inline list is still being typed: the document does not parse there.
    text = shell("if [ -f /etc/os-release ]; then", "sudo reboot").replace('"sudo reboot"\n', '"sudo reboot",\n  "', 1)
    assert lint(text, codes=("AIB400", "AIB404")) == []


def test_cli_explain_cites_the_shell_source(capsys):
    from aiblint.cli import main

    assert main(["--explain", "AIB401"]) == 0
    out = capsys.readouterr().out
    assert "/bin/sh -e" in out and "https://developer.hashicorp.com/packer/docs/provisioners/shell" in out


def test_commands_built_by_an_arm_expression_are_checked_on_the_expression():
    text = arm({"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s",
                           "version": "latest"},
                "customize": [{"type": "Shell", "name": "s",
                               "inline": ["[concat('sudo apt-get install ', parameters('pkg'))]"]}],
                "distribute": [{"type": "VHD", "runOutputName": "vhd"}]},
               parameters={"pkg": {"type": "string", "defaultValue": "nginx"}})
    found = diagnostics(text, "AIB403")
    assert [f.range for f in lint(text, codes="AIB403")] == \
        [at(text, "\"[concat('sudo apt-get install ', parameters('pkg'))]\"")]
    assert found[0].fixes == ()  # a built value is written nowhere: no fix
