"""AIB317 customizer-order."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

TEMPLATE = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter", "version": "latest"},
    "customize": [
      {
        "type": "WindowsUpdate",
        "searchCriteria": "IsInstalled=0",
        "updateLimit": 20
      },
      {
        "type": "PowerShell",
        "name": "apps",
        "inline": ["choco install git -y"]
      },
      {"type": "WindowsUpdate"},
      {"type": "WindowsUpdate"},
      {"type": "WindowsRestart", "restartTimeout": "10m"},
      {"type": "PowerShell", "name": "more", "inline": ["echo"]},
      {"type": "WindowsUpdate", "updateLimit": 5}
    ],
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


def test_update_followed_by_other_step():
    assert lint(TEMPLATE, codes="AIB317") == [
        Found("AIB317", at(TEMPLATE, '"WindowsUpdate"'),
              "customize[0] (WindowsUpdate) is followed by a PowerShell step without a WindowsRestart in between"),
    ]
    (d,) = diagnostics(TEMPLATE, "AIB317")
    assert d.severity.label == "info"
    assert [r.message for r in d.related] == ["next step"]
    assert fix_titles(TEMPLATE, "AIB317") == [[("Insert a WindowsRestart step", False)]]


def test_fix_inserts_restart_with_same_layout():
    assert fixed(TEMPLATE, "AIB317") == src(TEMPLATE)
    new = fixed(TEMPLATE, "AIB317", unsafe=True)
    assert new == src(TEMPLATE).replace(
        '        "updateLimit": 20\n      },\n',
        '        "updateLimit": 20\n      },\n      {\n        "type": "WindowsRestart",\n'
        '        "restartTimeout": "10m"\n      },\n')
    assert lint(new, codes="AIB317") == []
    assert [c["type"] for c in json.loads(new)["properties"]["customize"]][:3] == ["WindowsUpdate", "WindowsRestart", "PowerShell"]


def test_single_line_array_and_arm_parameter_array():
    steps = [{"type": "WindowsUpdate"}, {"type": "File", "sourceUri": "https://example.com/a", "destination": "C:\\a"}]
    props = {"source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                        "sku": "2022-datacenter", "version": "latest"},
             "customize": "[parameters('steps')]",
             "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    text = arm(props, parameters={"steps": {"type": "array", "defaultValue": steps}})
    assert lint(text, codes="AIB317") == [
        Found("AIB317", at(text, '"WindowsUpdate"'),
              "customize[0] (WindowsUpdate) is followed by a File step without a WindowsRestart in between"),
    ]
    new = fixed(text, "AIB317", unsafe=True)
    assert [s["type"] for s in json.loads(new)["parameters"]["steps"]["defaultValue"]] == ["WindowsUpdate", "WindowsRestart", "File"]
    compact = '{"type":"Microsoft.VirtualMachineImages/imageTemplates","apiVersion":"2022-07-01","properties":{"source":{"type":"PlatformImage"},"customize":[{"type":"WindowsUpdate"},{"type":"PowerShell","inline":["a"]}],"distribute":[]}}'
    new = fixed(compact, "AIB317", unsafe=True)
    assert '{"type":"WindowsUpdate"}, {"type": "WindowsRestart", "restartTimeout": "10m"},{"type":"PowerShell"' in new
    assert lint(new, codes="AIB317") == []


def test_versions_without_windows_update_are_left_to_the_schema_check():
    assert lint(TEMPLATE.replace("2022-07-01", "2019-05-01-preview"), codes="AIB317") == []
    assert len(lint(TEMPLATE.replace("2022-07-01", "2020-02-14"), codes="AIB317")) == 1


def test_windows_update_on_a_linux_source_is_left_to_aib307():
    text = TEMPLATE.replace('"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter"',
                            '"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server"')
    found = lint(text, codes=("AIB307", "AIB317"))
    assert {f.code for f in found} == {"AIB307"}
