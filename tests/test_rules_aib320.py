"""AIB320 staging-resource-group."""

from lintutil import Found, lint
from rulefix import at, diagnostics
from servicerules import arm_file, platform, template_resource

OWN = ("stagingResourceGroup is the template's own resource group; the staging group must be empty and used by "
       "this template alone: give a group of its own, or leave it out")
SHARED = ("stagingResourceGroup is also the staging group of another image template in this file; each template "
          "needs a staging group of its own")
SOURCE = platform("2019-Datacenter")


def test_own_resource_group():
    for value in ("[resourceGroup().id]", "[ resourceGroup( ).id ]",
                  "[concat(subscription().id, '/resourceGroups/', resourceGroup().name)]",
                  "[format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, resourceGroup().name)]"):
        text = arm_file(template_resource("t", SOURCE, stagingResourceGroup=value))
        assert lint(text, codes="AIB320") == [Found("AIB320", at(text, f'"{value}"'), OWN)]


def test_shared_by_two_templates():
    group = "/subscriptions/0/resourceGroups/staging"
    text = arm_file(template_resource("a", SOURCE, stagingResourceGroup=group),
                    template_resource("b", SOURCE, stagingResourceGroup=group.upper()))
    assert lint(text, codes="AIB320") == [Found("AIB320", at(text, f'"{group.upper()}"'), SHARED)]
    assert [r.message for r in diagnostics(text, "AIB320")[0].related] == ["the other template's staging group"]


def test_shared_through_the_same_parameter():
    text = arm_file(template_resource("a", SOURCE, stagingResourceGroup="[parameters('staging')]"),
                    template_resource("b", SOURCE, stagingResourceGroup="[parameters('staging')]"),
                    parameters={"staging": {"type": "string"}})
    assert [f.message for f in lint(text, codes="AIB320")] == [SHARED]


def test_valid():
    for text in (
        arm_file(template_resource("a", SOURCE, stagingResourceGroup="/subscriptions/0/resourceGroups/s1"),
                 template_resource("b", SOURCE, stagingResourceGroup="/subscriptions/0/resourceGroups/s2")),
        arm_file(template_resource("a", SOURCE, stagingResourceGroup="[format('{0}/resourceGroups/{1}-staging', "
                                   "subscription().id, resourceGroup().name)]")),
        arm_file(template_resource("a", SOURCE, stagingResourceGroup="[resourceGroup().id]", api="2021-10-01")),
    ):
        assert lint(text, codes="AIB320") == []
