"""optimize.workload (2025-10-01): its script is checked like a customizer's, in every carrier.

AIB301 (no or malformed sha256Checksum) and AIB315 (a blob the build cannot
read) cover ``optimize.workload.scriptUri``; these cases pin the ranges and
messages in raw JSON, ARM, YAML and Bicep.
"""

import json

from lintutil import Found, lint
from rulefix import at
from servicerules import IDENTITY, arm_file, platform, raw, template_resource

GOOD = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
SCRIPT = "https://example.com/optimize.sh"
MISSING = "optimize.workload downloads scriptUri without sha256Checksum; the file is not verified"
UBUNTU = platform("server", "Canonical", "ubuntu-24_04-lts")


def workload(**more) -> dict:
    return {"optimize": {"workload": {"state": "Enabled", "scriptUri": SCRIPT, **more}}}


def test_raw_and_arm():
    text = raw(UBUNTU, api="2025-10-01", **workload())
    assert lint(text, codes="AIB301") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]
    text = arm_file(template_resource("t", UBUNTU, api="2025-10-01", **workload()))
    assert lint(text, codes="AIB301") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]
    # The URL from a parameter's default is still the workload's script.
    text = arm_file(template_resource("t", UBUNTU, api="2025-10-01",
                                      optimize={"workload": {"scriptUri": "[parameters('script')]"}}),
                    parameters={"script": {"type": "string", "defaultValue": SCRIPT}})
    assert [f.message for f in lint(text, codes="AIB301")] == [MISSING]


def test_checksums():
    assert lint(raw(UBUNTU, api="2025-10-01", **workload(sha256Checksum=GOOD)), codes="AIB301") == []
    text = raw(UBUNTU, api="2025-10-01", **workload(sha256Checksum="abc"))
    assert lint(text, codes="AIB301") == [Found(
        "AIB301", at(text, '"abc"'),
        "optimize.workload: sha256Checksum is not a SHA-256 hash (64 hex digits, got 3 characters)")]
    text = raw(UBUNTU, api="2025-10-01", **workload(sha256Checksum=GOOD.upper()))
    assert lint(text, codes="AIB301") == [Found(
        "AIB301", at(text, f'"{GOOD.upper()}"'), "optimize.workload: write sha256Checksum in lower case")]
    # A workload without a script downloads nothing.
    assert lint(raw(UBUNTU, api="2025-10-01", optimize={"workload": {"state": "Enabled"}}), codes="AIB301") == []


YAML = f"""\
type: Microsoft.VirtualMachineImages/imageTemplates
apiVersion: '2025-10-01'
location: westeurope
identity:
  type: UserAssigned
  userAssignedIdentities:
    /subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id: {{}}
properties:
  source: {{type: PlatformImage, publisher: Canonical, offer: ubuntu-24_04-lts, sku: server, version: latest}}
  optimize:
    workload:
      state: Enabled
      scriptUri: {SCRIPT}
  distribute:
    - {{type: VHD, runOutputName: vhd}}
"""

BICEP = f"""\
resource tmpl 'Microsoft.VirtualMachineImages/imageTemplates@2025-10-01' = {{
  name: 'ubuntu'
  location: 'westeurope'
  identity: {{
    type: 'UserAssigned'
    userAssignedIdentities: {{ '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id': {{}} }}
  }}
  properties: {{
    source: {{ type: 'PlatformImage', publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }}
    optimize: {{
      workload: {{
        state: 'Enabled'
        scriptUri: '{SCRIPT}'
      }}
    }}
    distribute: [ {{ type: 'VHD', runOutputName: 'vhd' }} ]
  }}
}}
"""


def test_yaml_and_bicep():
    for text, filename in ((YAML, "t.yaml"), (BICEP, "main.bicep")):
        assert lint(text, filename, codes="AIB301") == [Found("AIB301", at(text, "scriptUri"), MISSING)], filename
        checked = text.replace(SCRIPT, SCRIPT + ("'\n        sha256Checksum: '" if filename.endswith("bicep")
                                                 else "\n      sha256Checksum: ") + GOOD)
        assert lint(checked, filename, codes="AIB301") == [], filename


def test_workload_script_in_blob_storage_without_identity():
    blob = "https://mystorage.blob.core.windows.net/scripts/optimize.sh"
    doc = json.loads(raw(UBUNTU, api="2025-10-01", optimize={"workload": {"scriptUri": blob, "sha256Checksum": GOOD}}))
    del doc["identity"]
    text = json.dumps(doc, indent=2)
    assert lint(text, codes="AIB315") == [Found(
        "AIB315", at(text, f'"{blob}"'),
        "the build can read this blob on mystorage.blob.core.windows.net only if it is public: the template has no "
        "user-assigned identity and the URL no SAS token")]
    doc["identity"] = IDENTITY
    assert lint(json.dumps(doc, indent=2), codes="AIB315") == []
