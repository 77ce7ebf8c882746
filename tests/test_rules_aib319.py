"""AIB319 windows-update-vm-size."""

import json

from lintutil import Found, lint
from rulefix import at, fix_titles, fixed
from servicerules import platform, raw

UPDATE = {"type": "WindowsUpdate", "name": "updates"}
DEFAULT = ("WindowsUpdate runs on the default build VM (Standard_D1_v2, one vCPU), which Windows Update often "
           "exhausts; set vmProfile.vmSize to a size with 2 or more vCPUs, such as Standard_D2ds_v4")


def test_default_size_for_a_gen1_image():
    text = raw(platform("2019-Datacenter"), customize=[UPDATE])
    assert lint(text, codes="AIB319") == [Found("AIB319", at(text, '"WindowsUpdate"'), DEFAULT)]
    assert fix_titles(text, "AIB319") == [[("Set vmProfile.vmSize to Standard_D2ds_v4", False)]]
    props = json.loads(fixed(text, "AIB319", unsafe=True))["properties"]
    assert props["vmProfile"] == {"vmSize": "Standard_D2ds_v4"}


def test_empty_size_is_the_default_and_is_replaced():
    text = raw(platform("2019-Datacenter"), customize=[UPDATE], vmProfile={"vmSize": "", "osDiskSizeGB": 127})
    assert [f.message for f in lint(text, codes="AIB319")] == [DEFAULT]
    assert json.loads(fixed(text, "AIB319", unsafe=True))["properties"]["vmProfile"] == \
        {"vmSize": "Standard_D2ds_v4", "osDiskSizeGB": 127}


def test_one_vcpu_size():
    text = raw(platform("2022-datacenter-g2"), customize=[UPDATE], vmProfile={"vmSize": "Standard_B1ms"})
    assert lint(text, codes="AIB319") == [Found(
        "AIB319", at(text, '"Standard_B1ms"'),
        "Build VM size 'Standard_B1ms' has one vCPU: Windows Update often exhausts it and the build fails; "
        "use a size with 2 or more vCPUs, such as Standard_D2ds_v4")]
    assert '"vmSize": "Standard_D2ds_v4"' in fixed(text, "AIB319", unsafe=True)


def test_valid():
    for text in (
        raw(platform("2019-Datacenter"), customize=[UPDATE], vmProfile={"vmSize": "Standard_D2s_v3"}),
        raw(platform("2022-datacenter-g2"), customize=[UPDATE]),  # Gen2 default: Standard_D2ds_v4
        raw(platform("2019-Datacenter"), customize=[{"type": "PowerShell", "name": "x", "inline": ["y"]}]),
        raw({"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/i"},
            customize=[UPDATE]),  # generation unknown: so is the default size
        raw(platform("2019-Datacenter"), customize=[UPDATE], api="2019-02-01-preview"),  # no WindowsUpdate yet
    ):
        assert lint(text, codes="AIB319") == []
    # 2019-05-01-preview: its own example uses WindowsUpdate, on the one-vCPU default VM.
    assert [f.code for f in lint(raw(platform("2019-Datacenter"), customize=[UPDATE], api="2019-05-01-preview"),
                                 codes="AIB319")] == ["AIB319"]
