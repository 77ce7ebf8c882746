"""AIB301 missing-sha256."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

GOOD = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

RAW = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
    "customize": [
      {
        "type": "Shell",
        "name": "setup",
        "scriptUri": "https://example.com/setup.sh"
      },
      {"type": "File", "name": "cfg", "sourceUri": "https://example.com/app.conf", "destination": "/tmp/app.conf"},
      {"type": "PowerShell", "name": "inline-only", "inline": ["Write-Host hi"]},
      {"type": "Shell", "name": "checked", "scriptUri": "https://example.com/a.sh", "sha256Checksum": "%s"}
    ],
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


def raw(api="2024-02-01", checksum=GOOD):
    return RAW % (api, checksum)


def test_missing_checksums_warn_with_unsafe_insert_fix():
    text = raw()
    assert lint(text, codes="AIB301") == [
        Found("AIB301", at(text, '"scriptUri"'),
              'Shell customizer "setup" downloads scriptUri without sha256Checksum; the file is not verified'),
        Found("AIB301", at(text, '"sourceUri"'),
              'File customizer "cfg" downloads sourceUri without sha256Checksum; the file is not verified'),
    ]
    assert [d.severity.label for d in diagnostics(text, "AIB301")] == ["warning", "warning"]
    assert fix_titles(text, "AIB301") == [[('Add "sha256Checksum" (fill in the hash)', False)]] * 2
    assert fixed(text, "AIB301") == src(text)  # unsafe only
    new = fixed(text, "AIB301", unsafe=True)
    assert ('        "scriptUri": "https://example.com/setup.sh",\n'
            '        "sha256Checksum": "<sha256 of the file>"\n      },') in new
    assert ('"sourceUri": "https://example.com/app.conf", "sha256Checksum": "<sha256 of the file>", '
            '"destination"') in new
    # The inserted placeholder is then AIB310's to report, and fixing again changes nothing.
    assert lint(new, codes="AIB301") == []
    assert [f.code for f in lint(new, codes="AIB310")] == ["AIB310", "AIB310"]
    assert fixed(new, "AIB301", unsafe=True) == new


def test_empty_checksum_counts_as_missing_and_is_replaced():
    text = raw(checksum="")
    found = lint(text, codes="AIB301")
    assert found[-1] == Found("AIB301", at(text, '"scriptUri"', 2),
                              'Shell customizer "checked" downloads scriptUri without sha256Checksum; the file is not verified')
    new = fixed(text, "AIB301", unsafe=True)
    assert '"scriptUri": "https://example.com/a.sh", "sha256Checksum": "<sha256 of the file>"}' in new


def test_malformed_checksum_is_an_error():
    text = raw(checksum="abc123")
    assert lint(text, codes="AIB301")[-1] == Found(
        "AIB301", at(text, '"abc123"'),
        'Shell customizer "checked": sha256Checksum is not a SHA-256 hash (64 hex digits, got 6 characters)')
    assert diagnostics(text, "AIB301")[-1].severity.label == "error"
    assert lint(raw(checksum=GOOD[:-1] + "g"), codes="AIB301")[-1].message.endswith("got 64 characters)")


def test_upper_case_checksum_is_lowered_by_a_safe_fix():
    text = raw(checksum=GOOD.upper())
    last = diagnostics(text, "AIB301")[-1]
    assert (last.message, last.severity.label) == ('Shell customizer "checked": write sha256Checksum in lower case', "warning")
    assert fix_titles(text, "AIB301")[-1] == [("Write the checksum in lower case", True)]
    new = fixed(text, "AIB301")
    assert f'"sha256Checksum": "{GOOD}"' in new
    assert fixed(new, "AIB301") == new


def test_versions_without_the_property_are_not_checked():
    assert lint(raw(api="2019-02-01-preview"), codes="AIB301") == []
    assert len(lint(raw(api="2019-05-01-preview"), codes="AIB301")) == 2


def test_validators_and_workload():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2025-10-01",
      "location": "westeurope",
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "validate": {"inVMValidations": [
          {"type": "Shell", "name": "check", "scriptUri": "https://example.com/check.sh"},
          {"type": "File", "name": "f", "sourceUri": "https://example.com/f", "destination": "/tmp/f", "sha256Checksum": "%s"}
        ]},
        "optimize": {"workload": {"state": "Enabled", "scriptUri": "https://example.com/w.sh"}},
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
      }
    }
    """ % GOOD
    assert lint(text, codes="AIB301") == [
        Found("AIB301", at(text, '"scriptUri"'),
              'Shell validator "check" downloads scriptUri without sha256Checksum; the file is not verified'),
        Found("AIB301", at(text, '"scriptUri"', 2),
              "optimize.workload downloads scriptUri without sha256Checksum; the file is not verified"),
    ]


ISO = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2019-05-01-preview",
  "location": "westus2",
  "properties": {
    "source": {
      "type": "ISO",
      "sourceUri": "https://example.com/rhel-7.5.iso"%s
    },
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


def test_iso_source_needs_a_checksum():
    text = ISO % ""
    assert lint(text, codes="AIB301") == [Found(
        "AIB301", at(text, '"sourceUri"'),
        "ISO source has no sha256Checksum; Image Builder requires the ISO's SHA-256 hash")]
    assert diagnostics(text, "AIB301")[0].severity.label == "error"
    new = fixed(text, "AIB301", unsafe=True)
    assert ('      "sourceUri": "https://example.com/rhel-7.5.iso",\n'
            '      "sha256Checksum": "<sha256 of the file>"\n    },') in new
    empty = ISO % ',\n      "sha256Checksum": ""'
    assert lint(empty, codes="AIB301") == [Found(
        "AIB301", at(empty, '""'),
        "ISO source: sha256Checksum is empty; it must be the 64 hex digits of the SHA-256 hash")]
    assert lint(ISO % f',\n      "sha256Checksum": "{GOOD}"', codes="AIB301") == []


def test_arm_parameter_checksum():
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "customize": [{"type": "Shell", "name": "s", "scriptUri": "[parameters('uri')]", "sha256Checksum": "[parameters('sum')]"}],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters={"uri": {"type": "string"}, "sum": {"type": "string", "defaultValue": "nope",
                                                     "allowedValues": ["nope", GOOD]}})
    message = 'Shell customizer "s": sha256Checksum is not a SHA-256 hash (64 hex digits, got 4 characters)'
    assert lint(text, codes="AIB301") == [Found("AIB301", at(text, '"nope"'), message),
                                          Found("AIB301", at(text, '"nope"', 2), message)]
    d = diagnostics(text, "AIB301")[0]
    assert [r.message for r in d.related] == ["checksum used here"]
    # A checksum given by a parameter without a default is not "missing".
    no_default = arm({
        "source": {"type": "PlatformImage"},
        "customize": [{"type": "Shell", "name": "s", "scriptUri": "https://x/s.sh", "sha256Checksum": "[parameters('sum')]"}],
        "distribute": [],
    }, parameters={"sum": {"type": "string"}})
    assert lint(no_default, codes="AIB301") == []
    json.loads(text)
