"""AIB312 restart-timeout."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed

WINDOWS = {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
           "sku": "2022-datacenter", "version": "latest"}


def raw(timeouts, api="2022-07-01"):
    steps = [{"type": "WindowsRestart", "restartTimeout": t} for t in timeouts]
    props = {"source": WINDOWS, "customize": steps, "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    return json.dumps({"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": api,
                       "location": "westeurope", "properties": props}, indent=2)


def bad(value):
    return f'restartTimeout "{value}" is not a number followed by a unit such as "5m", "2h" or "90s"'


def test_valid_durations_are_clean():
    text = raw(["5m", "2h", "90s", "1h30m", "1.5h", "300ms", "0", "", "10m0s"])
    assert lint(text, codes="AIB312") == []


def test_invalid_durations():
    text = raw(["10", "5 min", "5M", "PT1H30M", "soon", "-5m"])
    assert lint(text, codes="AIB312") == [
        Found("AIB312", at(text, '"10"'), 'restartTimeout "10" has no time unit; write a number and a unit, e.g. "10m"'),
        Found("AIB312", at(text, '"5 min"'), bad("5 min")),
        Found("AIB312", at(text, '"5M"'), bad("5M")),
        Found("AIB312", at(text, '"PT1H30M"'), bad("PT1H30M")),
        Found("AIB312", at(text, '"soon"'), bad("soon")),
        Found("AIB312", at(text, '"-5m"'), bad("-5m")),
    ]
    assert {d.severity.label for d in diagnostics(text, "AIB312")} == {"error"}
    assert fix_titles(text, "AIB312") == [
        [('Use "10m" (minutes)', False)], [('Use "5m"', True)], [('Use "5m"', True)], [('Use "1h30m"', True)], [], []]


def test_fixes_apply_and_relint():
    text = raw(["10", "5 min", "2 hours", "30 Seconds"])
    safe = fixed(text, "AIB312")
    assert [s["restartTimeout"] for s in json.loads(safe)["properties"]["customize"]] == ["10", "5m", "2h", "30s"]
    assert [f.message for f in lint(safe, codes="AIB312")] == [
        'restartTimeout "10" has no time unit; write a number and a unit, e.g. "10m"']
    new = fixed(text, "AIB312", unsafe=True)
    assert lint(new, codes="AIB312") == []
    assert fixed(new, "AIB312", unsafe=True) == new


def test_other_customizers_and_old_versions():
    text = raw(["10 min"], api="2019-02-01-preview")
    assert [f.message for f in lint(text, codes="AIB312")] == [bad("10 min")]
    # restartTimeout on a step of another type is not this rule's business.
    other = text.replace('"WindowsRestart"', '"PowerShell"')
    assert lint(other, codes="AIB312") == []


def test_arm_parameter_allowed_values():
    props = {"source": WINDOWS,
             "customize": [{"type": "WindowsRestart", "restartTimeout": "[parameters('timeout')]"}],
             "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    params = {"timeout": {"type": "string", "defaultValue": "10m", "allowedValues": ["10m", "30 minutes"]}}
    text = arm(props, parameters=params)
    assert lint(text, codes="AIB312") == [Found("AIB312", at(text, '"30 minutes"'), bad("30 minutes"))]
    (d,) = diagnostics(text, "AIB312")
    assert [r.message for r in d.related] == ["value used here"]
    assert json.loads(fixed(text, "AIB312"))["parameters"]["timeout"]["allowedValues"] == ["10m", "30m"]


def test_versions_without_windows_restart_are_left_to_the_schema_check():
    assert lint(raw(["10 min"], api="2018-02-01-preview"), codes="AIB312") == []
