"""AIB307 customizer-os-mismatch."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics


def raw(source: dict, customize: list, api: str = "2022-07-01", validate: list | None = None) -> str:
    props = {"source": source, "customize": customize}
    if validate is not None:
        props["validate"] = {"inVMValidations": validate}
    props["distribute"] = [{"type": "VHD", "runOutputName": "vhd"}]
    return json.dumps({"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": api,
                       "location": "westeurope", "properties": props}, indent=2)


WINDOWS = {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
           "sku": "2022-datacenter", "version": "latest"}
UBUNTU = {"type": "PlatformImage", "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
          "sku": "22_04-lts", "version": "latest"}
SHELL = {"type": "Shell", "name": "s", "inline": ["echo hi"]}
POWERSHELL = {"type": "PowerShell", "name": "p", "inline": ["Write-Host hi"]}
RESTART = {"type": "WindowsRestart", "restartTimeout": "5m"}
UPDATE = {"type": "WindowsUpdate", "updateLimit": 10}
FILE = {"type": "File", "name": "f", "sourceUri": "https://example.com/a.txt", "destination": "/tmp/a.txt"}


def test_shell_on_windows():
    text = raw(WINDOWS, [POWERSHELL, SHELL, RESTART])
    assert lint(text, codes="AIB307") == [
        Found("AIB307", at(text, '"Shell"'),
              "customize[1] is a Shell step, but the source image is Windows; use PowerShell"),
    ]
    (d,) = diagnostics(text, "AIB307")
    assert d.severity.label == "error" and not d.fixes
    assert [r.message for r in d.related] == ["source image inferred to be Windows from its publisher and offer"]


def test_windows_steps_and_validators_on_linux():
    text = raw(UBUNTU, [SHELL, RESTART, UPDATE, FILE], validate=[dict(POWERSHELL, name="v")])
    assert lint(text, codes="AIB307") == [
        Found("AIB307", at(text, '"WindowsRestart"'),
              "customize[1] is a WindowsRestart step, which runs only on Windows, but the source image is Linux"),
        Found("AIB307", at(text, '"WindowsUpdate"'),
              "customize[2] is a WindowsUpdate step, which runs only on Windows, but the source image is Linux"),
        Found("AIB307", at(text, '"PowerShell"'),
              "inVMValidations[0] is a PowerShell step, which this API version documents for Windows only, "
              "but the source image is Linux; use Shell"),
    ]
    assert [d.severity.label for d in diagnostics(text, "AIB307")] == ["error", "error", "warning"]


def test_powershell_on_linux_follows_the_api_version():
    # The 2019 preview documentation lists PowerShell for Windows and Linux.
    assert lint(raw(UBUNTU, [POWERSHELL], api="2019-05-01-preview"), codes="AIB307") == []
    assert [d.severity.label for d in diagnostics(raw(UBUNTU, [POWERSHELL], api="2020-02-14"), "AIB307")] == ["warning"]


def test_unknown_os_is_silent():
    for source in (
        {"type": "PlatformImage", "publisher": "contoso", "offer": "appliance", "sku": "1", "version": "latest"},
        {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/win"},
        {"type": "SharedImageVersion", "imageVersionId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/w/versions/1.0.0"},
    ):
        assert lint(raw(source, [SHELL, RESTART, UPDATE]), codes="AIB307") == [], source


def test_matching_steps_are_clean():
    assert lint(raw(WINDOWS, [POWERSHELL, UPDATE, RESTART, dict(FILE, destination="C:\\a.txt")]), codes="AIB307") == []
    assert lint(raw(UBUNTU, [SHELL, FILE]), codes="AIB307") == []
    # Lower-case publisher, and a publisher with images of both kinds told apart by the offer.
    desktop = {"type": "PlatformImage", "publisher": "microsoftwindowsdesktop", "offer": "windows-11", "sku": "win11-23h2-avd", "version": "latest"}
    assert len(diagnostics(raw(desktop, [SHELL]), "AIB307")) == 1
    dsvm = {"type": "PlatformImage", "publisher": "microsoft-dsvm", "offer": "ubuntu-2004", "sku": "2004-gen2", "version": "latest"}
    assert len(diagnostics(raw(dsvm, [RESTART]), "AIB307")) == 1


def test_arm_parameters_decide_the_os_only_when_all_values_agree():
    source = {"type": "PlatformImage", "publisher": "[parameters('publisher')]", "offer": "[variables('offer')]",
              "sku": "2022-datacenter", "version": "latest"}
    props = {"source": source, "customize": [SHELL], "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    windows_only = {"publisher": {"type": "string", "defaultValue": "MicrosoftWindowsServer",
                                  "allowedValues": ["MicrosoftWindowsServer", "MicrosoftWindowsDesktop"]}}
    text = arm(props, parameters=windows_only, variables={"offer": "WindowsServer"})
    assert lint(text, codes="AIB307") == [
        Found("AIB307", at(text, '"Shell"'), "customize[0] is a Shell step, but the source image is Windows; use PowerShell"),
    ]
    mixed = {"publisher": {"type": "string", "defaultValue": "MicrosoftWindowsServer",
                           "allowedValues": ["MicrosoftWindowsServer", "Canonical"]}}
    assert lint(arm(props, parameters=mixed, variables={"offer": "WindowsServer"}), codes="AIB307") == []
    # A publisher computed from known values is evaluated; one known only at deployment decides nothing.
    computed = dict(source, publisher="[toLower('MicrosoftWindowsServer')]")
    assert [f.code for f in lint(arm(dict(props, source=computed), variables={"offer": "WindowsServer"}),
                                 codes="AIB307")] == ["AIB307"]
    deployed = dict(source, publisher="[reference('img').publisher]")
    assert lint(arm(dict(props, source=deployed), variables={"offer": "WindowsServer"}), codes="AIB307") == []
