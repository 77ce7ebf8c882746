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


# --------------------------------------------------------------------------
# A staging group the file creates, deploys into, or names in another subscription

import json  # noqa: E402

from rulefix import diagnostics  # noqa: E402

SUB_SCHEMA = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
RG_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
STAGING_ID = "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-staging')]"
REGION = ("The staging resource group is created in this file in 'eastus', but the image template is in "
          "'westeurope'; the staging group must be in the template's region")
OWN_BY_DEPLOYMENT = ("stagingResourceGroup is the resource group this template is deployed to; the staging group "
                     "must be empty and used by this template alone: give a group of its own, or leave it out")


def group(name: str, location: str = "eastus") -> dict:
    return {"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2022-09-01", "name": name,
            "location": location}


def deployment(resource_group: str, *inner: dict, parameters: dict | None = None, passed: dict | None = None,
               **more) -> dict:
    """A nested deployment (inner scope) into ``resource_group`` with these resources."""
    return {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d-" + str(len(inner)),
            "resourceGroup": resource_group, **more,
            "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                           "parameters": {k: {"value": v} for k, v in (passed or {}).items()},
                           "template": {"$schema": RG_SCHEMA, "contentVersion": "1.0.0.0",
                                        "parameters": parameters or {}, "resources": list(inner)}}}


def subscription_file(*resources: dict, variables: dict | None = None, parameters: dict | None = None) -> str:
    return json.dumps({"$schema": SUB_SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {},
                       "variables": variables or {}, "resources": list(resources)}, indent=2)


def staged(staging: str, **kw) -> dict:
    return template_resource("t", SOURCE, stagingResourceGroup=staging, **kw)


def test_created_group_in_another_region():
    for staging in (STAGING_ID, "[resourceId('Microsoft.Resources/resourceGroups', 'RG-Staging')]",
                    "[subscriptionResourceId(subscription().subscriptionId, 'Microsoft.Resources/resourceGroups', "
                    "'rg-staging')]",
                    "[format('{0}/resourceGroups/{1}', subscription().id, 'rg-staging')]",
                    "[format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, 'rg-staging')]",
                    "[concat(subscription().id, '/resourceGroups/', 'rg-staging')]",
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-staging"):
        text = subscription_file(group("rg-staging"), deployment("rg-images", staged(staging)))
        assert lint(text, codes="AIB320") == [Found("AIB320", at(text, f'"{staging}"'), REGION)], staging
        [found] = diagnostics(text, "AIB320")
        assert [(r.span, r.message) for r in found.related] == [
            (found.related[0].span, "the staging group's location")]
        assert text[found.related[0].span.start:found.related[0].span.end] == '"eastus"'


def test_group_name_followed_through_variables_and_passed_parameters():
    inner = staged("[resourceId('Microsoft.Resources/resourceGroups', parameters('stagingName'))]")
    text = subscription_file(
        group("[variables('stagingName')]"),
        deployment("rg-images", inner, parameters={"stagingName": {"type": "string"}},
                   passed={"stagingName": "[variables('stagingName')]"}),
        variables={"stagingName": "rg-staging"})
    assert [f.message for f in lint(text, codes="AIB320")] == [REGION]
    # The same parameter on both sides (no value known): the same group, and a region given as literals.
    text = subscription_file(
        group("[parameters('stagingName')]"),
        deployment("rg-images", inner, parameters={"stagingName": {"type": "string"}},
                   passed={"stagingName": "[parameters('stagingName')]"}),
        parameters={"stagingName": {"type": "string"}})
    assert [f.message for f in lint(text, codes="AIB320")] == [REGION]


def test_created_group_valid():
    same_param = {"location": {"type": "string", "defaultValue": "eastus"}}
    for text in (
        # Same region, written differently.
        subscription_file(group("rg-staging", "West Europe"), deployment("rg-images", staged(STAGING_ID))),
        # Another group than the staging one.
        subscription_file(group("rg-other"), deployment("rg-images", staged(STAGING_ID))),
        # A region from a parameter may be anything at deployment: not reported.
        subscription_file(group("rg-staging", "[parameters('location')]"),
                          deployment("rg-images", staged(STAGING_ID)), parameters=same_param),
        # A name that is an unknown parameter of the template, not passed by the deployment.
        subscription_file(group("rg-staging"), deployment(
            "rg-images", staged("[resourceId('Microsoft.Resources/resourceGroups', parameters('s'))]"),
            parameters={"s": {"type": "string", "defaultValue": "rg-staging"}})),
        # An older API version has no stagingResourceGroup to check.
        subscription_file(group("rg-staging"), deployment("rg-images", staged(STAGING_ID, api="2021-10-01"))),
    ):
        assert lint(text, codes="AIB320") == []


STORAGE = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "st",
           "location": "westeurope", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}
ROLE = {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "guid",
        "properties": {"principalId": "p", "roleDefinitionId": "r"}}


def test_other_resources_deployed_into_the_staging_group():
    text = subscription_file(group("rg-staging", "westeurope"), deployment("rg-staging", STORAGE, ROLE),
                             deployment("rg-images", staged(STAGING_ID)))
    assert lint(text, codes="AIB320") == [Found(
        "AIB320", at(text, f'"{STAGING_ID}"'),
        "This file deploys 1 other resource into the staging resource group; a staging group that exists must "
        "be empty")]
    [found] = diagnostics(text, "AIB320")
    [related] = found.related
    assert (text[related.span.start:related.span.end], related.message) == (
        '"Microsoft.Storage/storageAccounts"', "deployed into the staging group")


def test_deployments_into_the_staging_group_that_leave_it_empty():
    conditional = {**deployment("rg-staging", STORAGE), "condition": "[parameters('withStorage')]"}
    for extra in (deployment("rg-staging", ROLE),  # role assignments are not resources in the group
                  conditional,
                  deployment("rg-staging", {**STORAGE, "existing": True})):
        text = subscription_file(group("rg-staging", "westeurope"), extra, deployment("rg-images", staged(STAGING_ID)),
                                 parameters={"withStorage": {"type": "bool"}})
        assert lint(text, codes="AIB320") == []


def test_template_deployed_into_its_own_staging_group():
    text = subscription_file(group("rg-staging", "westeurope"), deployment("rg-staging", staged(STAGING_ID)))
    assert lint(text, codes="AIB320") == [Found("AIB320", at(text, f'"{STAGING_ID}"'), OWN_BY_DEPLOYMENT)]
    [found] = diagnostics(text, "AIB320")
    assert [r.message for r in found.related] == ["the template's deployment targets this group"]


SUB_A = "11111111-2222-3333-4444-555555555555"
SUB_B = "99999999-8888-7777-6666-555555555555"


def test_staging_group_in_another_subscription():
    staging = f"/subscriptions/{SUB_B}/resourceGroups/rg-staging"
    text = subscription_file(deployment("rg-images", staged(staging), subscriptionId=SUB_A))
    assert lint(text, codes="AIB320") == [Found(
        "AIB320", at(text, f'"{staging}"'),
        f"stagingResourceGroup is in subscription '{SUB_B}', but the template is deployed to subscription "
        f"'{SUB_A}'; the staging group must be in the template's subscription")]
    [found] = diagnostics(text, "AIB320")
    assert [r.message for r in found.related] == ["the deployment's subscription"]
    by_function = f"[subscriptionResourceId('{SUB_B}', 'Microsoft.Resources/resourceGroups', 'rg-staging')]"
    text = subscription_file(deployment("rg-images", staged(by_function), subscriptionId=SUB_A))
    assert [f.range for f in lint(text, codes="AIB320")] == [at(text, f'"{by_function}"')]


def test_subscription_valid():
    zeros = "00000000-0000-0000-0000-000000000000"
    for staging, target in ((f"/subscriptions/{SUB_A}/resourceGroups/s", SUB_A.upper()),
                            (f"/subscriptions/{zeros}/resourceGroups/s", SUB_A),  # a placeholder: AIB310's
                            (f"/subscriptions/{SUB_B}/resourceGroups/s", "[parameters('sub')]"),
                            ("/subscriptions/<subscriptionId>/resourceGroups/s", SUB_A)):
        text = subscription_file(deployment("rg-images", staged(staging), subscriptionId=target),
                                 parameters={"sub": {"type": "string", "defaultValue": SUB_A}})
        assert lint(text, codes="AIB320") == [], staging
    # No deployment that says where the template goes.
    assert lint(arm_file(staged(f"/subscriptions/{SUB_B}/resourceGroups/s")), codes="AIB320") == []


BICEP = """\
targetScope = 'subscription'

param location string = 'westeurope'

resource stagingRg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-staging'
  location: RG_LOCATION
}

module img 'br/public:avm/res/virtual-machine-images/image-template:0.6.0' = {
  scope: SCOPE
  name: 'img'
  params: {
    name: 'tmpl'
    location: 'westeurope'
    stagingResourceGroupResourceId: STAGING
    imageSource: { type: 'PlatformImage', publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }
    distributions: [ { type: 'VHD', imageName: 'x' } ]
    managedIdentities: { userAssignedResourceIds: [ '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id' ] }
  }
}
"""


def bicep(rg_location="'eastus'", scope="resourceGroup('rg-images')", staging="stagingRg.id") -> str:
    return BICEP.replace("RG_LOCATION", rg_location).replace("SCOPE", scope).replace("STAGING", staging)


def test_bicep_created_group():
    text = bicep()
    assert lint(text, "main.bicep", codes="AIB320") == [Found("AIB320", at(text, "stagingRg.id"), REGION)]
    staging = "subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-staging')"
    text = bicep(staging=staging)
    assert lint(text, "main.bicep", codes="AIB320") == [Found("AIB320", at(text, staging), REGION)]
    for scope in ("stagingRg", "resourceGroup('rg-staging')"):
        text = bicep(rg_location="'westeurope'", scope=scope)
        assert lint(text, "main.bicep", codes="AIB320") == [
            Found("AIB320", at(text, "stagingRg.id"),
                  OWN_BY_DEPLOYMENT + " (the module's 'stagingResourceGroupResourceId')")], scope
    for text in (bicep(rg_location="'westeurope'"), bicep(rg_location="location"),
                 bicep(staging="'/subscriptions/0/resourceGroups/other'")):
        assert lint(text, "main.bicep", codes="AIB320") == []


def test_deployments_into_a_literal_staging_group_count_only_in_its_subscription():
    staging = f"/subscriptions/{SUB_A}/resourceGroups/rg-staging"
    message = ("This file deploys 1 other resource into the staging resource group; a staging group that exists "
               "must be empty")
    text = arm_file(deployment("rg-staging", STORAGE, subscriptionId=SUB_A), staged(staging))
    assert lint(text, codes="AIB320") == [Found("AIB320", at(text, f'"{staging}"'), message)]
    # Without a subscription, or with another one, the deployment may go to another group of that name.
    for more in ({}, {"subscriptionId": SUB_B}):
        assert lint(arm_file(deployment("rg-staging", STORAGE, **more), staged(staging)), codes="AIB320") == []


def test_region_through_variables_and_a_deployment_with_an_unknown_subscription():
    text = subscription_file(group("rg-staging", "[variables('where')]"), deployment("rg-images", staged(STAGING_ID)),
                             variables={"where": "EastUS"})
    assert [f.message for f in lint(text, codes="AIB320")] == [REGION.replace("'eastus'", "'EastUS'")]
    # A deployment into a group of that name in a subscription given by a parameter: not surely the staging group.
    text = subscription_file(group("rg-staging", "westeurope"),
                             deployment("rg-staging", STORAGE, subscriptionId="[parameters('sub')]"),
                             deployment("rg-images", staged(STAGING_ID)), parameters={"sub": {"type": "string"}})
    assert lint(text, codes="AIB320") == []
