"""AIB306 platform-image-latest."""

import pytest

from lintutil import Found, lint
from rulefix import arm, at, diagnostics

RAW = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westus2",
  "properties": {
    "source": {"type": "%s", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "%s"},
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


@pytest.mark.parametrize("api", ["2019-02-01-preview", "2018-02-01-preview"])
def test_latest_in_preview_versions(api):
    text = RAW % (api, "PlatformImage", "latest")
    assert lint(text, codes="AIB306") == [Found(
        "AIB306", at(text, '"latest"'),
        f'PlatformImage version "latest" is not allowed with API version {api}; use a concrete image version')]
    assert diagnostics(text, "AIB306")[0].severity.label == "warning"
    assert diagnostics(text, "AIB306")[0].fixes == ()


# 2019-05-01-preview: its February 2020 documentation and Microsoft's quickstarts of March 2020 use "latest".
@pytest.mark.parametrize("api", ["2019-05-01-preview", "2020-02-14", "2024-02-01", "2025-10-01"])
def test_latest_is_fine_from_2019_05_preview(api):
    assert lint(RAW % (api, "PlatformImage", "latest"), codes="AIB306") == []


def test_near_misses():
    assert lint(RAW % ("2019-02-01-preview", "PlatformImage", "18.04.201903060"), codes="AIB306") == []
    assert lint(RAW % ("2019-02-01-preview", "ManagedImage", "latest"), codes="AIB306") == []
    text = RAW % ("2019-02-01-preview", "PlatformImage", "Latest")
    assert [f.range for f in lint(text, codes="AIB306")] == [at(text, '"Latest"')]


def test_arm_allowed_values():
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS",
                   "version": "[parameters('version')]"},
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters={"version": {"type": "string", "defaultValue": "18.04.201903060",
                               "allowedValues": ["18.04.201903060", "latest"]}}, api="2019-02-01-preview")
    assert lint(text, codes="AIB306") == [Found(
        "AIB306", at(text, '"latest"'),
        'PlatformImage version "latest" is not allowed with API version 2019-02-01-preview; use a concrete image version')]
    assert [r.message for r in diagnostics(text, "AIB306")[0].related] == ["version used here"]
