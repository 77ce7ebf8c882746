"""AIB315 storage-access."""

import json

import pytest

from lintutil import Found, lint
from rulefix import arm, at, diagnostics

BLOB = "https://mystorage.blob.core.windows.net/scripts/setup.sh"
IDENTITY = {"type": "UserAssigned", "userAssignedIdentities": {
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}}}
MESSAGE = ("the build can read this blob on mystorage.blob.core.windows.net only if it is public: the template has "
           "no user-assigned identity and the URL no SAS token")


def raw(url=BLOB, identity=None, api="2024-02-01", kind="Shell", key="scriptUri"):
    doc = {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": api, "location": "westeurope"}
    if identity is not None:
        doc["identity"] = identity
    doc["properties"] = {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "customize": [{"type": kind, "name": "setup", key: url}],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }
    return json.dumps(doc, indent=2)


def test_blob_without_identity_or_sas():
    text = raw()
    assert lint(text, codes="AIB315") == [Found("AIB315", at(text, f'"{BLOB}"'), MESSAGE)]
    assert diagnostics(text, "AIB315")[0].severity.label == "warning"
    file_text = raw(kind="File", key="sourceUri", identity={"type": "None"})
    assert [f.code for f in lint(file_text, codes="AIB315")] == ["AIB315"]


@pytest.mark.parametrize("text", [
    raw(identity=IDENTITY),
    raw(url=BLOB + "?sv=2022-11-02&sp=r&sig=abc%3D"),
    raw(url="https://example.com/setup.sh"),
    raw(url="https://raw.githubusercontent.com/o/r/main/setup.sh"),
    raw(url="https://<storageAccount>.blob.core.windows.net/s/setup.sh"),
    raw(url="[concat(parameters('base'), 'setup.sh')]"),
    raw(identity="[parameters('identity')]"),
    raw(identity={"type": "UserAssigned", "userAssignedIdentities": "[variables('ids')]"}),
    raw(api="2019-02-01-preview"),
])
def test_near_misses(text):
    assert lint(text, codes="AIB315") == []


def test_sovereign_blob_endpoints():
    url = "https://acct.blob.core.usgovcloudapi.net/s/setup.sh"
    assert [f.code for f in lint(raw(url=url), codes="AIB315")] == ["AIB315"]


def test_arm_parameter_url_and_validators():
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "customize": [{"type": "Shell", "name": "setup", "scriptUri": "[parameters('script')]"}],
        "validate": {"inVMValidations": [{"type": "Shell", "name": "check", "scriptUri": BLOB.replace("setup", "check")}]},
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters={"script": {"type": "string", "defaultValue": BLOB}})
    assert lint(text, codes="AIB315") == [
        Found("AIB315", at(text, f'"{BLOB}"'), MESSAGE),
        Found("AIB315", at(text, '"' + BLOB.replace("setup", "check") + '"'), MESSAGE),
    ]
    assert [r.message for r in diagnostics(text, "AIB315")[0].related] == ["URL used here"]
    with_identity = text.replace('"location": "westeurope",', '"location": "westeurope",\n"identity": ' + json.dumps(IDENTITY) + ",")
    assert lint(with_identity, codes="AIB315") == []
