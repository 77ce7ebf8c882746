"""AIB325 network-layout, AIB326 fixed-template-name, AIB327 build-timeout-estimate."""

import json

from lintutil import Found, lint, run
from rulefix import at, fix_titles, fixed
from servicerules import MANAGED, arm_file, platform, raw, template_resource

SUBNET = "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/{}/subnets/{}"
LINUX = platform("22_04-lts-gen2", "Canonical", "0001-com-ubuntu-server-jammy")


def vnet(**config) -> dict:
    return {"vmSize": "Standard_D2s_v3", "vnetConfig": config}


def test_container_instance_subnet():
    same = raw(LINUX, vmProfile=vnet(subnetId=SUBNET.format("v1", "build"),
                                     containerInstanceSubnetId=SUBNET.format("v1", "build")))
    assert lint(same, codes="AIB325") == [Found(
        "AIB325", at(same, f'"{SUBNET.format("v1", "build")}"', 2),
        "containerInstanceSubnetId must be a different subnet from subnetId (the container instance needs a "
        "subnet delegated to it)")]
    other = raw(LINUX, vmProfile=vnet(subnetId=SUBNET.format("v1", "build"),
                                      containerInstanceSubnetId=SUBNET.format("v2", "aci")))
    assert [f.message for f in lint(other, codes="AIB325")] == [
        "containerInstanceSubnetId is in virtual network 'v2', subnetId in 'v1': both must be in the same "
        "virtual network"]
    good = raw(LINUX, vmProfile=vnet(subnetId=SUBNET.format("v1", "build"),
                                     containerInstanceSubnetId=SUBNET.format("v1", "aci")))
    assert lint(good, codes="AIB325") == []


def test_network_in_another_region():
    network = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "v1",
               "location": "eastus", "properties": {}}
    text = arm_file(network, template_resource("t", LINUX, vmProfile=vnet(subnetId=SUBNET.format("v1", "build"))))
    assert [f.message for f in lint(text, codes="AIB325")] == [
        "Virtual network 'v1' is in 'eastus', the template in 'westeurope': the build VM's network must be in the "
        "template's region"]
    network["location"] = "West Europe"
    text = arm_file(network, template_resource("t", LINUX, vmProfile=vnet(subnetId=SUBNET.format("v1", "build"))))
    assert lint(text, codes="AIB325") == []


def test_fixed_template_name():
    text = arm_file(template_resource("golden", LINUX))
    assert lint(text, codes="AIB326") == [Found(
        "AIB326", at(text, '"golden"'),
        "The image template is always deployed as 'golden': a later deployment that changes it fails with "
        "Conflict (templates cannot be updated); add a unique suffix or delete it before redeploying")]
    for name, params in (("[parameters('name')]", {"name": {"type": "string"}}),
                         ("[format('golden-{0}', parameters('run'))]", {"run": {"type": "string"}}),
                         ("[parameters('name')]", {"name": {"type": "string", "defaultValue": "a",
                                                            "allowedValues": ["a", "b"]}})):
        assert lint(arm_file(template_resource(name, LINUX), parameters=params), codes="AIB326") == []
    assert lint(raw(LINUX), codes="AIB326") == []


def test_fixed_template_name_built_in_place_has_no_related_place():
    """A name that an expression builds from constants is reported at the expression, with no related
    place: the expression would be listed again beneath the finding as "value used here"."""
    text = arm_file(template_resource("[format('{0}-{1}', 'golden', '000')]", LINUX))
    assert lint(text, codes="AIB326") == [Found(
        "AIB326", at(text, '"[format(\'{0}-{1}\', \'golden\', \'000\')]"'),
        "The image template is always deployed as 'golden-000': a later deployment that changes it fails with "
        "Conflict (templates cannot be updated); add a unique suffix or delete it before redeploying")]
    assert [d.related for d in run(text).diagnostics if d.code == "AIB326"] == [()]
    # A value that comes from elsewhere (a variable) still points at the expression that used it.
    arm = json.loads(arm_file(template_resource("[variables('name')]", LINUX)))
    arm["variables"] = {"name": "golden"}
    text = json.dumps(arm, indent=2)
    [found] = [d for d in run(text).diagnostics if d.code == "AIB326"]
    assert [(r.message, run(text).document.slice(r.span)) for r in found.related] == [
        ("value used here", '"[variables(\'name\')]"')]


def test_build_timeout_estimate():
    steps = [{"type": "WindowsUpdate"}, {"type": "WindowsRestart", "restartTimeout": "30m"}, {"type": "WindowsUpdate"}]
    sig = {"type": "SharedImage", "runOutputName": "sig", "targetRegions": [{"name": n} for n in ("a", "b", "c")],
           "galleryImageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i"}
    text = raw(platform("2019-Datacenter"), customize=steps, distribute=[MANAGED, sig], buildTimeoutInMinutes=90,
               optimize={"vmBoot": {"state": "Enabled"}})
    assert lint(text, codes="AIB327") == [Found(
        "AIB327", at(text, "90"),
        "buildTimeoutInMinutes 90 is shorter than the build can take: at least 105 minutes (20 for the build VM + "
        "40 for Windows Update + 5 for restarts + 10 for boot optimization + 20 for distribution + 10 for "
        "replication)")]
    assert fix_titles(text, "AIB327") == [[("Set buildTimeoutInMinutes to 120", False)]]
    assert json.loads(fixed(text, "AIB327", unsafe=True))["properties"]["buildTimeoutInMinutes"] == 120


def test_build_timeout_estimate_valid():
    steps = [{"type": "WindowsUpdate"}]
    for text in (
        raw(platform("2019-Datacenter"), customize=steps, buildTimeoutInMinutes=60),
        raw(platform("2019-Datacenter"), customize=steps),  # unset: 4 hours
        raw(platform("2019-Datacenter"), customize=steps, buildTimeoutInMinutes=0),
        raw(platform("2019-Datacenter"), customize=steps * 3, buildTimeoutInMinutes=30),  # AIB305's finding
    ):
        assert lint(text, codes="AIB327") == []


def test_build_timeout_estimate_without_customizers():
    assert [f.message for f in lint(raw(LINUX, buildTimeoutInMinutes=25), codes="AIB327")] == [
        "buildTimeoutInMinutes 25 is shorter than the build can take: at least 30 minutes (20 for the build VM + "
        "10 for distribution)"]
