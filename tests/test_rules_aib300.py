"""AIB300 unsupported-region."""

import pytest

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

RAW = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "%s",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""


def raw(location: str, api: str = "2024-02-01") -> str:
    return RAW % (api, location)


def test_region_where_the_service_does_not_run():
    text = raw("japanwest")
    assert lint(text, codes="AIB300") == [Found(
        "AIB300", at(text, '"japanwest"'),
        'Image Builder does not run in "japanwest"; nearest supported: "japaneast", "koreacentral"')]
    assert fix_titles(text, "AIB300") == [[('Replace with "japaneast"', False), ('Replace with "koreacentral"', False)]]
    assert fixed(text, "AIB300") == src(text)  # unsafe: not applied by --fix
    new = fixed(text, "AIB300", unsafe=True)
    assert '"location": "japaneast"' in new
    assert lint(new, codes="AIB300") == []


@pytest.mark.parametrize("location", [
    "eastus2", "East US 2", "EASTUS2", "east us2", "  West   Europe ", "westeurope", "South East Asia",
    "Southeast Asia", "USGov Virginia", "US Gov Arizona", "chinanorth3", "taiwannorthwest", "WestUS3",
])
def test_supported_regions_in_any_form(location):
    assert lint(raw(location), codes="AIB300") == []


def test_display_name_is_replaced_by_a_display_name():
    text = raw("Japan West")
    assert fix_titles(text, "AIB300")[0][0] == ('Replace with "Japan East"', False)


def test_separator_typo_has_a_safe_fix_and_is_idempotent():
    text = raw("east-us-2")
    assert lint(text, codes="AIB300") == [Found("AIB300", at(text, '"east-us-2"'),
                                                '"east-us-2" is not an Azure region; did you mean "eastus2"?')]
    assert fix_titles(text, "AIB300") == [[('Replace with "eastus2"', True)]]
    new = fixed(text, "AIB300")
    assert '"location": "eastus2"' in new
    assert fixed(new, "AIB300") == new


def test_misspelt_region():
    text = raw("westeuope")
    assert lint(text, codes="AIB300") == [Found("AIB300", at(text, '"westeuope"'),
                                                '"westeuope" is not an Azure region; did you mean "westeurope"?')]
    assert fix_titles(text, "AIB300") == [[('Replace with "westeurope"', False)]]


def test_not_a_region_at_all_has_no_fix():
    text = raw("moon")
    assert lint(text, codes="AIB300") == [Found("AIB300", at(text, '"moon"'), '"moon" is not an Azure region')]
    assert fix_titles(text, "AIB300") == [[]]


def test_sovereign_region_suggests_its_own_cloud():
    text = raw("usgovtexas")
    assert lint(text, codes="AIB300")[0].message == (
        'Image Builder does not run in "usgovtexas"; nearest supported: "usgovarizona", "usgovvirginia"')


def test_early_preview_api_versions_have_five_regions():
    text = raw("japanwest", "2019-02-01-preview")
    assert lint(text, codes="AIB300") == [Found(
        "AIB300", at(text, '"japanwest"'),
        'Image Builder does not run in "japanwest" for API version 2019-02-01-preview '
        '(the preview ran in eastus, eastus2, westcentralus, westus, westus2); nearest supported: "westus2", "westus"')]
    assert diagnostics(text, "AIB300")[0].severity.label == "error"
    assert lint(raw("West US 2", "2019-05-01-preview"), codes="AIB300") == []
    assert lint(raw("westeurope", "2020-02-14"), codes="AIB300") == []


def test_2019_05_preview_has_the_european_regions_of_its_2020_documentation():
    assert lint(raw("westeurope", "2019-05-01-preview"), codes="AIB300") == []
    assert lint(raw("North Europe", "2019-05-01-preview"), codes="AIB300") == []
    text = raw("japanwest", "2019-05-01-preview")
    assert lint(text, codes="AIB300") == [Found(
        "AIB300", at(text, '"japanwest"'),
        'Image Builder does not run in "japanwest" for API version 2019-05-01-preview (the preview ran in eastus, '
        'eastus2, westcentralus, westus, westus2, northeurope, westeurope); nearest supported: "westus2", "westus"')]


def test_preview_api_version_in_a_region_served_today_is_a_warning():
    text = raw("westeurope", "2019-02-01-preview")
    assert lint(text, codes="AIB300") == [Found(
        "AIB300", at(text, '"westeurope"'),
        '"westeurope" is not among the regions documented for API version 2019-02-01-preview '
        "(eastus, eastus2, westcentralus, westus, westus2); Image Builder runs there with newer API versions; "
        'nearest supported: "eastus2", "eastus"')]
    assert diagnostics(text, "AIB300")[0].severity.label == "warning"


def test_configured_extra_regions_are_accepted():
    assert lint(raw("japanwest"), codes="AIB300", extra_regions=["Japan West"]) == []
    assert lint(raw("uksouth", "2019-05-01-preview"), codes="AIB300", extra_regions=["uksouth"]) == []


def test_placeholder_and_expressions_are_left_to_others():
    assert lint(raw("<region>"), codes="AIB300") == []
    assert lint(raw("[resourceGroup().location]"), codes="AIB300") == []


def test_empty_location():
    text = raw("")
    assert lint(text, codes="AIB300") == [Found("AIB300", at(text, '""'),
                                                "location is empty; Image Builder needs a region where it runs")]


def _arm_with_location(parameters=None, variables=None, use="[parameters('location')]"):
    text = arm({"source": {"type": "PlatformImage"}, "distribute": []}, parameters=parameters, variables=variables)
    return text.replace('"location": "westeurope"', f'"location": "{use}"')


def test_arm_parameter_default_and_allowed_values():
    text = _arm_with_location(parameters={"location": {
        "type": "string", "defaultValue": "southindia", "allowedValues": ["westeurope", "japanwest", "southindia"]}})
    assert lint(text, codes="AIB300") == [
        Found("AIB300", at(text, '"southindia"'),
              'Image Builder does not run in "southindia"; nearest supported: "centralindia", "jioindiawest"'),
        Found("AIB300", at(text, '"japanwest"'),
              'Image Builder does not run in "japanwest"; nearest supported: "japaneast", "koreacentral"'),
        Found("AIB300", at(text, '"southindia"', 2),
              'Image Builder does not run in "southindia"; nearest supported: "centralindia", "jioindiawest"'),
    ]
    d = diagnostics(text, "AIB300")[0]
    assert [r.message for r in d.related] == ["location used here"]
    assert src(text).encode()[d.related[0].span.start:d.related[0].span.end] == b"\"[parameters('location')]\""


def test_arm_variable_and_clean_parameter():
    text = _arm_with_location(variables={"loc": "brazilsoutheast"}, use="[variables('loc')]")
    assert [f.message for f in lint(text, codes="AIB300")] == [
        'Image Builder does not run in "brazilsoutheast"; nearest supported: "brazilsouth", "southafricanorth"']
    clean = _arm_with_location(parameters={"location": {"type": "string", "defaultValue": "eastus"}})
    assert lint(clean, codes="AIB300") == []
    no_default = _arm_with_location(parameters={"location": {"type": "string"}})
    assert lint(no_default, codes="AIB300") == []
