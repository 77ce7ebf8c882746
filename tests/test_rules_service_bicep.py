"""The service rules that read other resources of the file (AIB318/AIB323/AIB324) and AIB320, in Bicep."""

from lintutil import Found, lint
from rulefix import at

TEMPLATE = """
param location string = 'westeurope'

resource gallery 'Microsoft.Compute/galleries@2022-03-03' = {
  name: 'gal'
  location: location
}

resource imgDef 'Microsoft.Compute/galleries/images@2022-03-03' = {
  parent: gallery
  name: 'win11'
  location: location
  properties: {
    osType: 'Windows'
    osState: 'Generalized'
    hyperVGeneration: 'GENERATION'
    identifier: { publisher: 'p', offer: 'o', sku: 's' }
  }
}

resource tmpl 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
  name: 'win11-${uniqueString(resourceGroup().id)}'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id': {} }
  }
  properties: {
    source: { type: 'SharedImageVersion', imageVersionId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/gal/images/win11/versions/VERSION' }
    vmProfile: { vmSize: 'Standard_D2_v2' }
    stagingResourceGroup: STAGING
    distribute: [
      { type: 'SharedImage', galleryImageId: imgDef.id, runOutputName: 'sig', targetRegions: [ { name: location } ] }
    ]
  }
}

resource trig 'Microsoft.VirtualMachineImages/imageTemplates/triggers@2022-07-01' = {
  parent: tmpl
  name: 'source'
  properties: { kind: 'SourceImage' }
}
"""


def bicep(generation="V2", version="latest", staging="'/subscriptions/0/resourceGroups/staging'") -> str:
    return (TEMPLATE.replace("GENERATION", generation).replace("VERSION", version)
            .replace("STAGING", staging))


def test_valid():
    assert lint(bicep(), "main.bicep", codes=("AIB318", "AIB320", "AIB323", "AIB324")) == [
        Found("AIB318", at(bicep(), "'Standard_D2_v2'"),
              "Build VM size 'Standard_D2_v2' (Dv2 family) cannot boot the Generation 2 source image; "
              "use Standard_DS2_v2")]


def test_trigger_through_parent():
    text = bicep(version="1.0.0")
    assert [f.message for f in lint(text, "main.bicep", codes="AIB324")] == [
        "A triggered template needs a gallery source ending in '/versions/latest', not '/versions/1.0.0'"]


def test_definition_through_its_symbolic_name():
    text = bicep(generation="V1")
    # The source is a version of the V1 definition: generation 1, so the Dv2 size is fine.
    assert lint(text, "main.bicep", codes=("AIB318", "AIB323")) == []
    # A Generation 2 marketplace source distributed to the V1 definition, named as imgDef.id.
    gen2 = ("source: { type: 'PlatformImage', publisher: 'MicrosoftWindowsDesktop', offer: 'windows-11', "
            "sku: 'win11-23h2-avd', version: 'latest' }")
    start = text.index("source: {")
    text = text[:start] + gen2 + text[text.index("\n", start):]
    assert lint(text, "main.bicep", codes="AIB323") == [Found(
        "AIB323", at(text, "imgDef.id"),
        "The source is a Generation 2 image but gallery image definition 'win11' is V1 (Generation 1): "
        "publishing the image will fail")]


def test_own_resource_group_in_bicep():
    for staging in ("resourceGroup().id", "'${subscription().id}/resourceGroups/${resourceGroup().name}'"):
        text = bicep(staging=staging)
        assert [(f.code, f.range) for f in lint(text, "main.bicep", codes="AIB320")] == [
            ("AIB320", at(text, staging, text.count(staging)))]
