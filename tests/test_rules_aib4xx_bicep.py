"""The script checks in Bicep files: exact ranges inside Bicep strings (escapes, multi-line strings), fixes."""

from __future__ import annotations

from aiblint.fixes import apply_text, choose
from lintutil import Found, lint, run
from rulefix import at

SH = 'inline command of Shell customizer "setup": '


def bicep(inline: str) -> str:
    return f"""
resource imageTemplate 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {{
  name: 'ubuntu'
  location: 'westeurope'
  properties: {{
    source: {{
      type: 'PlatformImage'
      publisher: 'Canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: 'latest'
    }}
    customize: [
      {{
        type: 'Shell'
        name: 'setup'
        inline: [
{inline}
        ]
      }}
    ]
    distribute: [
      {{
        type: 'VHD'
        runOutputName: 'vhd'
      }}
    ]
  }}
}}
"""


def test_escaped_bicep_string_ranges_and_fix():
    text = bicep("          'echo \\'it\\\\s\\' && sudo apt-get install nginx'\n          'sudo reboot'")
    found = lint(text, "main.bicep", codes=("AIB403", "AIB404"))
    assert found == [
        Found("AIB403", at(text, "apt-get install"), SH + "'apt-get install' without -y asks for confirmation and "
                                                          "fails without a terminal; add -y"),
        Found("AIB404", at(text, "reboot"), SH + "'reboot' restarts the build VM and breaks the build's connection "
                                                  "to it; Image Builder has no restart step for Linux: leave the "
                                                  "reboot out"),
    ]
    result = run(text, "main.bicep")
    new, applied = apply_text(result.document.text, choose([d for d in result.diagnostics if d.code == "AIB403"]))
    assert len(applied) == 1 and "sudo apt-get install -y nginx'" in new
    assert lint(new, "main.bicep", codes="AIB403") == []


def test_syntax_error_in_a_multi_line_bicep_string():
    text = bicep("          '''\nif [ -f /etc/os-release ]; then\n  echo ok\n'''")
    assert lint(text, "main.bicep", codes="AIB400") == [Found(
        "AIB400", at(text, "if [ -f")[:2] + (at(text, "if [ -f")[0], at(text, "if [ -f")[1] + 2),
        SH + "does not parse as a shell script: 'if' is not closed (missing 'fi')")]


def test_interpolated_bicep_string_is_not_parsed():
    text = "param cmd string = 'fi'\n" + bicep("          'if true; then'\n          '${cmd}'")
    assert lint(text, "main.bicep", codes="AIB400") == []
