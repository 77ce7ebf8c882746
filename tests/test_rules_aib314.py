"""AIB314 unknown-region."""

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

RAW = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
    "distribute": [
      {"type": "ManagedImage", "imageId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/img", "location": "%s", "runOutputName": "mi"},
      {"type": "SharedImage", "galleryImageId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i", "runOutputName": "sig",
       "replicationRegions": [%s]},
      {"type": "SharedImage", "galleryImageId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/j", "runOutputName": "sig2",
       "targetRegions": [%s]}
    ]
  }
}
"""


def raw(location="westeurope", replication='"westeurope"', targets='{"name": "eastus"}'):
    return RAW % (location, replication, targets)


def test_every_region_field_is_checked():
    text = raw("westeurop", '"West Europe", "eastus3"', '{"name": "north-europe", "replicaCount": 2}')
    assert lint(text, codes="AIB314") == [
        Found("AIB314", at(text, '"westeurop"'), '"westeurop" is not an Azure region; did you mean "westeurope"?'),
        Found("AIB314", at(text, '"eastus3"'), '"eastus3" is not an Azure region; did you mean "eastus", "eastus2", "westus3"?'),
        Found("AIB314", at(text, '"north-europe"'), '"north-europe" is not an Azure region; did you mean "northeurope"?'),
    ]
    assert fix_titles(text, "AIB314") == [
        [('Replace with "westeurope"', False)],
        [('Replace with "eastus"', False), ('Replace with "eastus2"', False), ('Replace with "westus3"', False)],
        [('Replace with "northeurope"', True)],
    ]


def test_safe_fix_only_for_separators_and_idempotent():
    text = raw(targets='{"name": "north-europe"}')
    new = fixed(text, "AIB314")
    assert '"name": "northeurope"' in new
    assert lint(new, codes="AIB314") == []
    assert fixed(new, "AIB314") == new
    guessed = raw("westeurop")
    assert fixed(guessed, "AIB314") == src(guessed)
    assert '"location": "westeurope"' in fixed(guessed, "AIB314", unsafe=True)


def test_any_azure_region_is_fine_even_where_image_builder_does_not_run():
    text = raw("japanwest", '"South India", "usgovtexas", "chinaeast2", "germanynorth"', '{"name": "Brazil Southeast"}')
    assert lint(text, codes="AIB314") == []


def test_placeholders_empty_values_and_expressions_are_skipped():
    text = raw("<region>", '"<region where the gallery is deployed>", "", "[parameters(\'r\')]"', '{"name": "[variables(\'x\')]"}')
    assert lint(text, codes="AIB314") == []


def test_configured_extra_regions():
    text = raw("mars-central")
    assert [f.code for f in lint(text, codes="AIB314")] == ["AIB314"]
    assert lint(text, codes="AIB314", extra_regions=["mars-central"]) == []


def test_template_location_is_not_this_rules_business():
    text = raw().replace('"location": "westeurope"', '"location": "westeurop"', 1)
    assert lint(text, codes="AIB314") == []


def test_arm_parameters_and_variables():
    text = arm({
        "source": {"type": "PlatformImage"},
        "distribute": [{"type": "SharedImage", "runOutputName": "sig", "galleryImageId": "[parameters('gallery')]",
                        "replicationRegions": "[parameters('regions')]",
                        "targetRegions": [{"name": "[variables('target')]"}]}],
    }, parameters={"regions": {"type": "array", "defaultValue": ["westeurope", "eastu"]},
                   "gallery": {"type": "string"}},
       variables={"target": "uk-south"}, api="2022-07-01")
    assert lint(text, codes="AIB314") == [
        Found("AIB314", at(text, '"eastu"'), '"eastu" is not an Azure region; did you mean "eastus", "eastus2"?'),
        Found("AIB314", at(text, '"uk-south"'), '"uk-south" is not an Azure region; did you mean "uksouth"?'),
    ]
    first, second = diagnostics(text, "AIB314")
    assert [r.message for r in first.related] == ["replicationRegions used here"]
    assert [r.message for r in second.related] == ["targetRegions name used here"]
    assert src(text).encode()[second.related[0].span.start:second.related[0].span.end] == b"\"[variables('target')]\""
