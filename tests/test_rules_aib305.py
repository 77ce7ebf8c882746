"""AIB305 build-timeout."""

import pytest

from lintutil import Found, lint
from rulefix import arm, at, diagnostics

RAW = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "%s", "offer": "%s", "sku": "x", "version": "latest"},
    "buildTimeoutInMinutes": %s,
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""

LINUX = ("Canonical", "UbuntuServer")
WINDOWS = ("MicrosoftWindowsServer", "WindowsServer")


def value_at(text, minutes):
    """The range of the buildTimeoutInMinutes value (the needle includes the comma after it)."""
    line, col, end_line, end_col = at(text, f": {minutes},")
    return (line, col + 2, end_line, end_col - 1)


def raw(minutes, os=LINUX, api="2024-02-01"):
    return RAW % (api, os[0], os[1], minutes)


@pytest.mark.parametrize("minutes", ["-1", "961", "10000"])
def test_out_of_range_is_an_error(minutes):
    text = raw(minutes)
    assert lint(text, codes="AIB305") == [Found(
        "AIB305", value_at(text, minutes), f"buildTimeoutInMinutes must be between 0 and 960 (16 hours), not {minutes}")]
    assert diagnostics(text, "AIB305")[0].severity.label == "error"


@pytest.mark.parametrize("minutes", ["0", "6", "59", "960"])
def test_in_range_on_linux_is_fine(minutes):
    assert lint(raw(minutes), codes="AIB305") == []


def test_short_windows_build_is_a_warning():
    text = raw("30", WINDOWS)
    assert lint(text, codes="AIB305") == [Found(
        "AIB305", value_at(text, "30"), "buildTimeoutInMinutes 30 is short for a Windows build; use at least 60 minutes")]
    assert diagnostics(text, "AIB305")[0].severity.label == "warning"
    assert lint(raw("60", WINDOWS), codes="AIB305") == []
    assert lint(raw("0", WINDOWS), codes="AIB305") == []
    # Unknown OS (another publisher): no advice.
    assert lint(raw("30", ("SomeVendor", "appliance")), codes="AIB305") == []
    assert lint(raw("30", ("MicrosoftWindowsDesktop", "windows-11")), codes="AIB305") != []


def test_documented_minimum_of_six_depends_on_the_api_version():
    text = raw("5")
    assert lint(text, codes="AIB305") == [Found(
        "AIB305", value_at(text, "5"),
        "buildTimeoutInMinutes 5 is below the documented minimum of 6 minutes (0 means the default of 4 hours)")]
    assert diagnostics(text, "AIB305")[0].severity.label == "warning"
    # The 2019 documentation has no such minimum.
    assert lint(raw("5", api="2019-05-01-preview"), codes="AIB305") == []
    assert [f.message for f in lint(raw("5", WINDOWS, api="2019-05-01-preview"), codes="AIB305")] == [
        "buildTimeoutInMinutes 5 is short for a Windows build; use at least 60 minutes"]


def test_non_numbers_are_left_to_the_schema_check():
    assert lint(raw('"120"'), codes="AIB305") == []
    assert lint(raw("true"), codes="AIB305") == []


def test_arm_parameter_default_and_allowed_values():
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "[parameters('publisher')]", "offer": "WindowsServer",
                   "sku": "2022-datacenter", "version": "latest"},
        "buildTimeoutInMinutes": "[parameters('timeout')]",
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters={"timeout": {"type": "int", "defaultValue": 45, "allowedValues": [45, 120, 1000]},
                   "publisher": {"type": "string", "defaultValue": "MicrosoftWindowsServer"}})
    assert lint(text, codes="AIB305") == [
        Found("AIB305", at(text, "45"), "buildTimeoutInMinutes 45 is short for a Windows build; use at least 60 minutes"),
        Found("AIB305", at(text, "45", 2), "buildTimeoutInMinutes 45 is short for a Windows build; use at least 60 minutes"),
        Found("AIB305", at(text, "1000"), "buildTimeoutInMinutes must be between 0 and 960 (16 hours), not 1000"),
    ]
    d = diagnostics(text, "AIB305")[0]
    assert [r.message for r in d.related] == ["timeout used here"]
