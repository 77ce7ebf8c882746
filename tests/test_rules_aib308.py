"""AIB308 script-source."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

TEMPLATE = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
    "customize": [
      {
        "type": "Shell",
        "name": "both",
        "scriptUri": "https://example.com/a.sh",
        "sha256Checksum": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        "inline": ["echo hi"]
      },
      {
        "type": "Shell",
        "name": "neither"
      },
      {"type": "Shell", "name": "old", "script": "https://example.com/b.sh"},
      {"type": "Shell", "name": "empty", "inline": []},
      {"type": "Shell", "name": "fine", "inline": ["echo ok"]},
      {"type": "File", "name": "file", "sourceUri": "https://example.com/c", "sha256Checksum": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "destination": "/tmp/c"}
    ],
    "validate": {
      "inVMValidations": [
        {"type": "PowerShell", "name": "v", "runElevated": true}
      ]
    },
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


def test_findings():
    assert lint(TEMPLATE, codes="AIB308") == [
        Found("AIB308", at(TEMPLATE, '"inline"'),
              "customize[0] (Shell) has both scriptUri and inline; give exactly one of them"),
        Found("AIB308", at(TEMPLATE, '"Shell"', 2),
              "customize[1] (Shell) has neither scriptUri nor inline; give exactly one of them"),
        Found("AIB308", at(TEMPLATE, '"script"'),
              'customize[2] (Shell) has no scriptUri or inline: "script" is called "scriptUri" in API version 2022-07-01'),
        Found("AIB308", at(TEMPLATE, "[]"),
              "customize[3] (Shell) has an empty inline; give exactly one of scriptUri or inline"),
        Found("AIB308", at(TEMPLATE, '"PowerShell"'),
              "inVMValidations[0] (PowerShell) has neither scriptUri nor inline; give exactly one of them"),
    ]


def test_fixes():
    assert fix_titles(TEMPLATE, "AIB308") == [
        [("Remove inline", False), ("Remove scriptUri", False)],
        [("Add an inline command list", False)],
        [('Rename "script" to "scriptUri"', True)],
        [],
        [("Add an inline command list", False)],
    ]
    safe = fixed(TEMPLATE, "AIB308")
    assert safe == src(TEMPLATE).replace('"script":', '"scriptUri":')
    new = fixed(TEMPLATE, "AIB308", unsafe=True)
    body = json.loads(new)["properties"]
    both, neither, old = body["customize"][:3]
    assert "inline" not in both and both["scriptUri"] == "https://example.com/a.sh"
    assert neither == {"type": "Shell", "name": "neither", "inline": ["<command>"]}
    assert old == {"type": "Shell", "name": "old", "scriptUri": "https://example.com/b.sh"}
    assert body["validate"]["inVMValidations"][0]["inline"] == ["<command>"]
    # The inserted member keeps the layout of its neighbours.
    assert '        "name": "neither",\n        "inline": ["<command>"]\n      },' in new
    # What is left is only the empty inline list, which needs a person.
    assert [f.message for f in lint(new, codes="AIB308")] == [
        "customize[3] (Shell) has an empty inline; give exactly one of scriptUri or inline"]


def test_old_api_versions_use_script():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2019-02-01-preview",
      "location": "westus2",
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.201903060"},
        "customize": [
          {"type": "Shell", "name": "ok", "script": "https://example.com/a.sh"},
          {"type": "PowerShell", "name": "new-name", "scriptUri": "https://example.com/b.ps1"}
        ],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
      }
    }
    """
    assert lint(text, codes="AIB308") == [
        Found("AIB308", at(text, '"scriptUri"'),
              'customize[1] (PowerShell) has no script or inline: "scriptUri" is called "script" in API version 2019-02-01-preview'),
    ]
    assert lint(fixed(text, "AIB308"), codes="AIB308") == []


def test_arm_values_and_unknown_version():
    props = {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer",
                   "sku": "18.04-LTS", "version": "18.04.202001010"},
        "customize": [
            {"type": "Shell", "name": "a", "scriptUri": "[parameters('script')]"},
            {"type": "Shell", "name": "b", "scriptUri": "[parameters('script')]", "inline": "[variables('cmds')]"},
            {"type": "[parameters('kind')]", "name": "c", "script": "https://example.com/c.sh"},
        ],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }
    params = {"script": {"type": "string", "defaultValue": "https://example.com/a.sh"},
              "kind": {"type": "string", "defaultValue": "Shell"}}
    text = arm(props, parameters=params, variables={"cmds": ["echo"]}, api="2020-02-14")
    assert lint(text, codes="AIB308") == [
        Found("AIB308", at(text, '"inline"'), "customize[1] (Shell) has both scriptUri and inline; give exactly one of them"),
        Found("AIB308", at(text, '"script"', 2),
              'customize[2] (Shell) has no scriptUri or inline: "script" is called "scriptUri" in API version 2020-02-14'),
    ]
    # An apiVersion parameter without a default: the old property name is accepted.
    unknown = arm(props, parameters={**params, "v": {"type": "string"}}, variables={"cmds": ["echo"]},
                  api="[parameters('v')]")
    assert [f.message for f in lint(unknown, codes="AIB308")] == [
        "customize[1] (Shell) has both scriptUri and inline; give exactly one of them"]
