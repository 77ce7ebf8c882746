"""AIB316 conflicting-properties."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

GALLERY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win11"

REGIONS = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsDesktop", "offer": "windows-11", "sku": "win11-23h2-avd", "version": "latest"},
    "distribute": [
      {
        "type": "SharedImage",
        "galleryImageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win11",
        "runOutputName": "both",
        "replicationRegions": ["westeurope", "North Europe"],
        "targetRegions": [{"name": "westeurope"}, {"name": "northeurope", "replicaCount": 2}]
      },
      {
        "type": "SharedImage",
        "galleryImageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win11",
        "runOutputName": "more",
        "replicationRegions": ["eastus"],
        "targetRegions": [{"name": "westeurope"}]
      },
      {
        "type": "SharedImage",
        "galleryImageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win11",
        "runOutputName": "account",
        "storageAccountType": "Standard_ZRS",
        "targetRegions": [
          {"name": "westeurope"},
          {"name": "northeurope", "storageAccountType": "Premium_LRS"}
        ]
      },
      {
        "type": "SharedImage",
        "galleryImageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/win11",
        "runOutputName": "fine",
        "replicationRegions": ["westeurope"],
        "storageAccountType": "Standard_ZRS",
        "targetRegions": []
      }
    ]
  }
}
"""

BOTH = ("replicationRegions and targetRegions cannot be used together; "
        "targetRegions replaces the deprecated replicationRegions")
ACCOUNT = ("storageAccountType on the distribute target goes only with replicationRegions; "
           "with targetRegions, set storageAccountType in each target region")


def test_region_conflicts():
    text = REGIONS % "2022-07-01"
    assert lint(text, codes="AIB316") == [
        Found("AIB316", at(text, '"replicationRegions"'), BOTH),
        Found("AIB316", at(text, '"replicationRegions"', 2), BOTH),
        Found("AIB316", at(text, '"storageAccountType"'), ACCOUNT),
    ]
    assert [r.message for r in diagnostics(text, "AIB316")[0].related] == ["targetRegions given here"]
    # Removing replicationRegions loses nothing only when targetRegions covers every region.
    assert fix_titles(text, "AIB316") == [
        [("Remove replicationRegions", True)],
        [("Remove replicationRegions", False)],
        [("Move storageAccountType into the target regions", False)],
    ]


def test_region_fixes():
    text = REGIONS % "2022-07-01"
    safe = json.loads(fixed(text, "AIB316"))["properties"]["distribute"]
    assert "replicationRegions" not in safe[0] and safe[1]["replicationRegions"] == ["eastus"]
    new = fixed(text, "AIB316", unsafe=True)
    dist = json.loads(new)["properties"]["distribute"]
    assert "replicationRegions" not in dist[1]
    assert "storageAccountType" not in dist[2]
    assert dist[2]["targetRegions"] == [{"name": "westeurope", "storageAccountType": "Standard_ZRS"},
                                        {"name": "northeurope", "storageAccountType": "Premium_LRS"}]
    assert lint(new, codes="AIB316") == []
    assert fixed(new, "AIB316", unsafe=True) == new


def test_account_type_only_removed_when_every_region_has_its_own():
    text = (REGIONS % "2022-07-01").replace('{"name": "westeurope"},\n          {"name": "northeurope", "storageAccountType": "Premium_LRS"}',
                                            '{"name": "northeurope", "storageAccountType": "Premium_LRS"}')
    assert fix_titles(text, "AIB316")[2] == [("Remove storageAccountType", True)]


def test_targetregions_versions_only():
    # targetRegions exists from 2022-07-01 on; before that the schema check reports it.
    assert lint(REGIONS % "2022-02-14", codes="AIB316") == []
    assert len(lint(REGIONS % "2025-10-01", codes="AIB316")) == 3


POWERSHELL = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter", "version": "latest"},
    "customize": [
      {
        "type": "PowerShell",
        "name": "missing",
        "inline": ["whoami"],
        "runAsSystem": true
      },
      {"type": "PowerShell", "name": "false", "inline": ["whoami"], "runElevated": false, "runAsSystem": true},
      {"type": "PowerShell", "name": "fine", "inline": ["whoami"], "runElevated": true, "runAsSystem": true},
      {"type": "PowerShell", "name": "not-system", "inline": ["whoami"], "runAsSystem": false}
    ],
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


def test_run_as_system_needs_run_elevated():
    text = POWERSHELL % "2020-02-14"
    assert lint(text, codes="AIB316") == [
        Found("AIB316", at(text, "true"), "customize[0]: runAsSystem can be true only when runElevated is true"),
        Found("AIB316", at(text, "true", 2), "customize[1]: runAsSystem can be true only when runElevated is true"),
    ]
    assert [r.message for r in diagnostics(text, "AIB316")[1].related] == ["runElevated is not true here"]
    assert fix_titles(text, "AIB316") == [[("Set runElevated to true", True)], [("Set runElevated to true", True)]]
    new = fixed(text, "AIB316")
    assert '        "runAsSystem": true,\n        "runElevated": true\n      },' in new
    assert '"runElevated": true, "runAsSystem": true},' in new
    assert lint(new, codes="AIB316") == []
    # runAsSystem does not exist before 2020-02-14.
    assert lint(POWERSHELL % "2019-05-01-preview", codes="AIB316") == []


def test_arm_run_as_system_from_parameters():
    props = {"source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                        "sku": "2022-datacenter", "version": "latest"},
             "customize": [
                 {"type": "PowerShell", "name": "a", "inline": ["whoami"], "runAsSystem": "[parameters('system')]"},
                 {"type": "PowerShell", "name": "b", "inline": ["whoami"], "runAsSystem": True,
                  "runElevated": "[parameters('elevated')]"},
                 {"type": "PowerShell", "name": "c", "inline": ["whoami"], "runAsSystem": True,
                  "runElevated": "[not(parameters('x'))]"},
             ],
             "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    params = {"system": {"type": "bool", "defaultValue": False, "allowedValues": [False, True]},
              "elevated": {"type": "bool", "defaultValue": True}}
    text = arm(props, parameters=params)
    # The allowed value true of "system" is reported on the parameter, pointing at the use.
    assert lint(text, codes="AIB316") == [
        Found("AIB316", at(text, "true"), "customize[0]: runAsSystem can be true only when runElevated is true"),
    ]
    (d,) = diagnostics(text, "AIB316")
    assert [r.message for r in d.related] == ["value used here"] and not d.fixes
    params["elevated"]["defaultValue"] = False
    text = arm(props, parameters=params)
    assert len(lint(text, codes="AIB316")) == 2
    assert src(fixed(text, "AIB316")) == src(text)  # values behind parameters are not rewritten


def test_arm_region_lists_behind_parameters():
    dist = {"type": "SharedImage", "galleryImageId": GALLERY, "runOutputName": "r",
            "replicationRegions": "[parameters('replicationRegions')]",
            "targetRegions": "[parameters('targetRegions')]"}
    props = {"source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                        "sku": "2022-datacenter", "version": "latest"},
             "distribute": [dist]}
    empty = {"replicationRegions": {"type": "array", "defaultValue": []},
             "targetRegions": {"type": "array", "defaultValue": [{"name": "westeurope"}]}}
    assert lint(arm(props, parameters=empty), codes="AIB316") == []
    both = dict(empty, replicationRegions={"type": "array", "defaultValue": ["westeurope"]})
    text = arm(props, parameters=both)
    assert lint(text, codes="AIB316") == [Found("AIB316", at(text, '"replicationRegions"', 2), BOTH)]
    # Expressions that cannot be followed are not guessed at.
    unknown = dict(dist, replicationRegions="[if(parameters('x'), createArray('westeurope'), createArray())]")
    assert lint(arm(dict(props, distribute=[unknown]), parameters=empty), codes="AIB316") == []


VNET = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"},
    "vmProfile": {
      "vnetConfig": {%s
        "containerInstanceSubnetId": "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/aci"%s
      }
    },
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""
SUBNET = '\n        "subnetId": "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/build",'


def test_container_instance_subnet_excludes_proxy_vm_and_needs_subnet():
    text = VNET % ("2024-02-01", SUBNET, ',\n        "proxyVmSize": "Standard_A2_v2"')
    assert lint(text, codes="AIB316") == [Found(
        "AIB316", at(text, '"proxyVmSize"'),
        "proxyVmSize cannot be used with containerInstanceSubnetId: the build then needs no proxy VM")]
    assert [r.message for r in diagnostics(text, "AIB316")[0].related] == ["containerInstanceSubnetId given here"]
    assert fix_titles(text, "AIB316") == [[("Remove proxyVmSize", False)]]
    new = fixed(text, "AIB316", unsafe=True)
    assert "proxyVmSize" not in new and lint(new, codes="AIB316") == []
    alone = VNET % ("2024-02-01", "", "")
    assert lint(alone, codes="AIB316") == [Found(
        "AIB316", at(alone, '"containerInstanceSubnetId"'),
        "containerInstanceSubnetId needs subnetId: give the build VM's subnet in the same virtual network")]
    assert lint(VNET % ("2024-02-01", SUBNET, ""), codes="AIB316") == []
    assert lint(VNET % ("2025-10-01", SUBNET, ',\n        "proxyVmSize": ""'), codes="AIB316") == []
    # Before 2024-02-01 the property itself is the finding (AIB206), not the pair.
    assert lint(VNET % ("2023-07-01", "", ',\n        "proxyVmSize": "Standard_A2_v2"'), codes="AIB316") == []


def test_run_elevated_of_the_wrong_type_is_left_to_the_schema_check():
    text = src("""
    {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01", "location": "westeurope",
     "properties": {
       "source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter-g2", "version": "latest"},
       "customize": [{"type": "PowerShell", "name": "sys", "inline": ["whoami"], "runElevated": "true", "runAsSystem": true}],
       "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}}
    """)
    assert [f.code for f in lint(text, codes=("AIB202", "AIB316"))] == ["AIB202"]
