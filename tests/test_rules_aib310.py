"""AIB310 placeholder."""

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, src

RAW = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "<region>",
  "identity": {"type": "UserAssigned", "userAssignedIdentities": {"<imgBuilderId>": {}}},
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
    "customize": [
      {"type": "Shell", "name": "web", "inline": ["echo '<html><body>hi</body></html>' > /tmp/index.html", "cat <file>"]},
      {"type": "File", "name": "cfg", "sourceUri": "https://example.com/{file-name}", "destination": "/tmp/${NAME}.conf"}
    ],
    "distribute": [{"type": "SharedImage",
      "galleryImageId": "/subscriptions/<subscriptionID>/resourceGroups/<rgName>/providers/Microsoft.Compute/galleries/<sharedImageGalName>/images/<imageDefName>",
      "runOutputName": "<runOutputName>", "replicationRegions": ["<region1"]}]
  }
}
"""


def test_placeholders_in_values_and_keys():
    assert lint(RAW, codes="AIB310") == [
        Found("AIB310", at(RAW, '"<region>"'), 'placeholder "<region>" still needs a real value'),
        Found("AIB310", at(RAW, '"<imgBuilderId>"'), 'placeholder "<imgBuilderId>" still needs a real value'),
        Found("AIB310", at(RAW, '"https://example.com/{file-name}"'), 'placeholder "{file-name}" still needs a real value'),
        Found("AIB310", at(RAW, '"/subscriptions/<subscriptionID>/resourceGroups/<rgName>/providers/Microsoft.Compute/galleries/<sharedImageGalName>/images/<imageDefName>"'),
              'placeholders "<subscriptionID>", "<rgName>", "<sharedImageGalName>" still need real values'),
        Found("AIB310", at(RAW, '"<runOutputName>"'), 'placeholder "<runOutputName>" still needs a real value'),
        Found("AIB310", at(RAW, '"<region1"'), 'placeholder "<region1" still needs a real value'),
    ]
    assert all(d.data == {"supersedes": True} and not d.fixes for d in diagnostics(RAW, "AIB310"))


def test_reported_instead_of_the_errors_the_placeholder_causes():
    found = lint(RAW)
    placeholder_spans = [f.range for f in found if f.code == "AIB310"]
    others = [f for f in found if f.code != "AIB310"]
    for f in others:
        assert not any(s[:2] <= f.range[:2] and f.range[2:] <= s[2:] for s in placeholder_spans), f
    # With AIB310 off, the placeholders show up as other errors.
    assert {f.code for f in lint(RAW, ignore=["AIB310"])} >= {"AIB208", "AIB204"}
    assert not {"AIB208", "AIB204"} & {f.code for f in found}
    # Without the placeholder the same value is an error of another rule.
    assert [f.code for f in lint(RAW.replace('"<region>"', '"moon"'), codes="AIB300")] == ["AIB300"]


def test_commands_and_markup_are_not_placeholders():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2022-07-01",
      "location": "westeurope",
      "tags": {"note": "<b class=\\"x\\">bold</b>", "env": "${ENV}", "fmt": "{0}"},
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "customize": [{"type": "Shell", "name": "x", "inline": ["sed -i 's/<name>/value/' /tmp/f"]}],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
      }
    }
    """
    assert lint(text, codes="AIB310") == []


def test_arm_parameter_default_allowed_values_and_variables():
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "[parameters('sku')]",
                   "version": "latest"},
        "customize": "[variables('steps')]",
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters={"sku": {"type": "string", "defaultValue": "<sku>", "allowedValues": ["18.04-LTS", "<img-sku>"]},
                   "unused": {"type": "string", "defaultValue": "<never used>"}},
       variables={"steps": [{"type": "Shell", "name": "s", "scriptUri": "https://<storageAccount>.blob.core.windows.net/s.sh"}]})
    assert lint(text, codes="AIB310") == [
        Found("AIB310", at(text, '"<sku>"'), 'placeholder "<sku>" still needs a real value'),
        Found("AIB310", at(text, '"<img-sku>"'), 'placeholder "<img-sku>" still needs a real value'),
        Found("AIB310", at(text, '"https://<storageAccount>.blob.core.windows.net/s.sh"'),
              'placeholder "<storageAccount>" still needs a real value'),
    ]
    d = diagnostics(text, "AIB310")[0]
    assert [r.message for r in d.related] == ["placeholder used here"]
    assert src(text).encode()[d.related[0].span.start:d.related[0].span.end] == b"\"[parameters('sku')]\""


SHELL_LEFTOVERS = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "$location",
  "identity": {"type": "UserAssigned", "userAssignedIdentities": {"${identityId}": {}}},
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter", "version": "latest"},
    "customize": [
      {"type": "WindowsUpdate", "filters": ["exclude:$_.Title -like '*Preview*'"]},
      {"type": "WindowsRestart", "restartCheckCommand": "powershell -c \\"$env:COMPUTERNAME\\""},
      {"type": "File", "sourceUri": "https://example.com/app.zip", "destination": "$env:TEMP\\\\app.zip"}
    ],
    "distribute": [{"type": "ManagedImage",
      "imageId": "/subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/resourceGroups/$imageResourceGroup/providers/Microsoft.Compute/images/win",
      "location": "westus2", "runOutputName": "win"}]
  }
}
"""


def test_unsubstituted_shell_variables_and_an_all_x_guid():
    """Where a literal region, name or resource ID belongs; commands and paths keep their variables."""
    assert lint(SHELL_LEFTOVERS, codes="AIB310") == [
        Found("AIB310", at(SHELL_LEFTOVERS, '"$location"'), 'placeholder "$location" still needs a real value'),
        Found("AIB310", at(SHELL_LEFTOVERS, '"${identityId}"'), 'placeholder "${identityId}" still needs a real value'),
        Found("AIB310", at(SHELL_LEFTOVERS, '"/subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/resourceGroups/'
                                            '$imageResourceGroup/providers/Microsoft.Compute/images/win"'),
              'placeholders "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "$imageResourceGroup" still need real values'),
    ]
    # Reported instead of the unsupported region.
    assert [f.code for f in lint(SHELL_LEFTOVERS, codes=("AIB300", "AIB310"))] == ["AIB310"] * 3
