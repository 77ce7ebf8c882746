"""Schema diagnostics AIB200-AIB209: triggering cases and near misses, raw and ARM forms."""

from __future__ import annotations

import pytest

from aiblint.fixes import apply_text, choose
from lintutil import Found, lint, run

ID_SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
IDENTITY = f"{ID_SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/builder"
IMAGE = f"{ID_SUB}/providers/Microsoft.Compute/images/web"


def raw(properties: str, version: str = "2022-07-01", extra: str = "") -> str:
    """A raw template whose ``properties`` text starts on line 6 (0-based 5)."""
    return (
        "{\n"
        '  "type": "Microsoft.VirtualMachineImages/imageTemplates",\n'
        f'  "apiVersion": "{version}",\n'
        f'  "location": "westeurope",{extra}\n'
        f'  "identity": {{"type": "UserAssigned", "userAssignedIdentities": {{"{IDENTITY}": {{}}}}}},\n'
        f'  "properties": {properties}\n'
        "}\n"
    )


def props(source: str = '{"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"}',
          distribute: str = f'[{{"type": "ManagedImage", "imageId": "{IMAGE}", "location": "westeurope", "runOutputName": "web"}}]',
          more: str = "") -> str:
    """A ``properties`` object on one line: source, then ``more``, then distribute."""
    return f'{{"source": {source},{more} "distribute": {distribute}}}'


def schema(text: str, **kw) -> list[Found]:
    return lint(text, codes="AIB2", **kw)


def col(text: str, needle: str, line: int | None = None, nth: int = 0) -> tuple[int, int]:
    """(line, column) of the ``nth`` occurrence of ``needle`` (ASCII text)."""
    lines = text.splitlines()
    found = [(i, j) for i, ln in enumerate(lines) for j in _all(ln, needle) if line is None or i == line]
    return found[nth]


def _all(s: str, sub: str):
    i = s.find(sub)
    while i >= 0:
        yield i
        i = s.find(sub, i + 1)


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int, int, int]:
    line, c = col(text, needle, nth=nth)
    return (line, c, line, c + len(needle))


# --------------------------------------------------------------------------
# A valid template in every API version is clean


VALID = {
    "2018-02-01-preview": '{"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "1.0"}, '
                          '"customize": [{"type": "shell", "name": "a", "script": "https://x/y.sh"}], '
                          '"distribute": [{"type": "managedImage", "imageId": "' + IMAGE + '", "location": "westeurope", "runOutputName": "web"}]}',
    "2019-05-01-preview": '{"source": {"type": "ISO", "sourceUri": "https://x/rhel.iso", "sha256Checksum": "' + "a" * 64 + '"}, '
                          '"customize": [{"type": "File", "sourceUri": "https://x/f", "destination": "/tmp/f"}], '
                          '"distribute": [{"type": "SharedImage", "galleryImageId": "' + ID_SUB
                          + '/providers/Microsoft.Compute/galleries/g/images/d", "runOutputName": "web", "replicationRegions": ["westeurope"]}]}',
    "2025-10-01": '{"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"}, '
                  '"customize": [{"type": "Shell", "name": "a", "inline": ["echo"]}, {"type": "WindowsUpdate", "updateLimit": 5}], '
                  '"optimize": {"vmBoot": {"state": "Enabled"}, "workload": {"state": "Disabled"}}, '
                  '"errorHandling": {"onCustomizerError": "abort"}, "autoRun": {"state": "Enabled"}, '
                  '"vmProfile": {"vmSize": "Standard_D2s_v3", "osDiskSizeGB": 64, "userAssignedIdentities": ["' + IDENTITY + '"]}, '
                  '"distribute": [{"type": "SharedImage", "galleryImageId": "' + ID_SUB
                  + '/providers/Microsoft.Compute/galleries/g/images/d", "runOutputName": "web", '
                  '"targetRegions": [{"name": "westeurope", "replicaCount": 2}], "versioning": {"scheme": "Latest", "major": 1}, '
                  '"replicationMode": "Shallow"}]}',
}


@pytest.mark.parametrize("version", sorted(VALID))
def test_valid_templates_are_clean(version):
    text = raw(VALID[version], version)
    if version.startswith("2018") or version.startswith("2019"):
        text = text.replace(f'  "identity": {{"type": "UserAssigned", "userAssignedIdentities": {{"{IDENTITY}": {{}}}}}},\n', "")
    assert schema(text) == []


# --------------------------------------------------------------------------
# AIB200 unknown-property


def test_unknown_property_with_suggestion():
    text = raw(props(source='{"type": "PlatformImage", "pubisher": "Canonical", "offer": "o", "sku": "s"}'))
    assert schema(text) == [
        Found("AIB200", span(text, '"pubisher"'),
              "Unknown property 'pubisher' in a PlatformImage source; did you mean 'publisher'?"),
    ]


def test_unknown_property_without_close_name():
    text = raw(props(more=' "colour": "blue",'))
    assert schema(text) == [Found("AIB200", span(text, '"colour"'), "Unknown property 'colour' in 'properties'")]


def test_property_at_the_wrong_level_says_where_it_belongs():
    text = raw(props(more=' "vmSize": "Standard_D2s_v3",'))
    assert schema(text) == [
        Found("AIB200", span(text, '"vmSize"'), "Unknown property 'vmSize' in 'properties'; it belongs inside 'vmProfile'"),
    ]


def test_distributor_tags_suggests_artifact_tags():
    """``tags`` is the early previews' name (their official examples use it): accepted there, renamed later."""
    text = raw(props(distribute=f'[{{"type": "VHD", "runOutputName": "v", "tags": {{"a": "b"}}}}]'))
    assert schema(text) == [
        Found("AIB206", span(text, '"tags"', nth=0),
              "'tags' is not available in API version 2022-07-01; it exists in API version 2019-02-01-preview; "
              "use 'artifactTags' in this version"),
    ]
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB206"]
    assert d.severity.label == "warning" and [(f.title, f.safe) for f in d.fixes] == [("Rename to 'artifactTags'", False)]
    early = raw(props(distribute='[{"type": "VHD", "runOutputName": "v", "tags": {"a": "b"}}]'), "2019-02-01-preview")
    assert [f for f in schema(early) if "tags" in f.message] == []


def test_near_miss_known_properties_read_only_and_map_keys():
    text = raw(props(more=' "provisioningState": "Succeeded", "lastRunStatus": {"runState": "Running"},'
                          ' "vmProfile": {"vmSize": "Standard_D2s_v3"},'),
               extra=' "tags": {"any key": "x", "[parameters(\'k\')]": "y"}, "id": "/subscriptions/x",')
    assert schema(text) == []


def test_expression_as_property_name():
    text = raw(props(more=' "[parameters(\'name\')]": 5,'))
    assert schema(text) == [
        Found("AIB200", span(text, '"[parameters(\'name\')]"'), "An ARM expression cannot be a property name in 'properties'"),
    ]


ARM = """\
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"apiVersion": {"type": "string", "defaultValue": "2022-07-01"}},
  "resources": [
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "API",
      "name": "web",
      "location": "westeurope",
      "dependsOn": [],
      "condition": true,
      "comments": "built nightly",
      "tags": {"team": "web"},
      "identity": {"type": "UserAssigned", "userAssignedIdentities": {"[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'b')]": {}}},
      "properties": PROPS
    }
  ]
}
"""


def arm(properties: str, api: str = "[parameters('apiVersion')]") -> str:
    return ARM.replace("API", api).replace("PROPS", properties)


def test_arm_carrier_keys_and_expressions_are_accepted():
    text = arm(props(source="[parameters('source')]", more=' "buildTimeoutInMinutes": "[parameters(\'t\')]",'
                     ' "vmProfile": {"osDiskSizeGB": "[variables(\'disk\')]"},'))
    assert schema(text) == []


def test_arm_unknown_property():
    text = arm(props(more=' "buildTimeout": 60,'))
    assert schema(text) == [
        Found("AIB200", span(text, '"buildTimeout"'),
              "Unknown property 'buildTimeout' in 'properties'; did you mean 'buildTimeoutInMinutes'?"),
    ]


def test_arm_property_copy_loop_stands_for_the_array():
    loop = ('{"source": {"type": "PlatformImage", "publisher": "p", "offer": "o", "sku": "s", "version": "latest"}, '
            '"copy": [{"name": "distribute", "count": "[length(parameters(\'regions\'))]", '
            '"input": {"type": "ManagedImage", "imageId": "[parameters(\'id\')]", "location": "[parameters(\'regions\')[copyIndex(\'distribute\')]]", '
            '"runOutputNme": "[copyIndex(\'distribute\')]"}}]}')
    text = arm(loop)
    assert schema(text) == [
        Found("AIB200", span(text, '"runOutputNme"'),
              "Unknown property 'runOutputNme' in a ManagedImage distributor; did you mean 'runOutputName'?"),
    ]


# --------------------------------------------------------------------------
# AIB201 property-casing


@pytest.mark.parametrize("version, severity", [("2023-07-01", "warning"), ("2024-02-01", "error")])
def test_property_casing_severity_depends_on_version(version, severity):
    text = raw(props(source=f'{{"type": "SharedImageVersion", "imageVersionID": "{ID_SUB}/providers/Microsoft.Compute/galleries/g/images/d/versions/1.0.0"}}'),
               version)
    result = run(text)
    found = [d for d in result.diagnostics if d.code.startswith("AIB2")]
    assert [(d.code, d.severity.label, d.message) for d in found] == [
        ("AIB201", severity, "'imageVersionID' should be written 'imageVersionId'; property names are case-sensitive "
                             "from API version 2024-02-01"),
    ]
    assert schema(text)[0].range == span(text, '"imageVersionID"')


def test_property_casing_value_is_still_checked():
    text = raw(props(more=' "VMProfile": {"osDiskSizeGB": "64"},'))
    assert schema(text) == [
        Found("AIB201", span(text, '"VMProfile"'), "'VMProfile' should be written 'vmProfile'; property names are "
                                                  "case-sensitive from API version 2024-02-01"),
        Found("AIB202", span(text, '"64"'), "'osDiskSizeGB' must be an integer, not a string; write 64 without quotes"),
    ]


def test_iso_source_uri_is_correct_in_old_versions():
    text = raw(props(source='{"type": "ISO", "sourceURI": "https://x/rhel.iso", "sha256Checksum": "abc"}',
                     distribute=f'[{{"type": "managedImage", "imageId": "{IMAGE}", "location": "westeurope", "runOutputName": "web"}}]'),
               "2018-02-01-preview")
    assert schema(text.replace(f'  "identity": {{"type": "UserAssigned", "userAssignedIdentities": {{"{IDENTITY}": {{}}}}}},\n', "")) == []


# --------------------------------------------------------------------------
# AIB202 wrong-type


def test_integer_given_as_string():
    text = raw(props(more=' "buildTimeoutInMinutes": "80",'))
    assert schema(text) == [
        Found("AIB202", span(text, '"80"'), "'buildTimeoutInMinutes' must be an integer, not a string; write 80 without quotes"),
    ]


def test_inline_given_as_string():
    text = raw(props(more=' "customize": [{"type": "Shell", "inline": "apt-get update"}],'))
    assert schema(text) == [
        Found("AIB202", span(text, '"apt-get update"'), "'inline' must be an array of strings, not a string"),
    ]


def test_wrong_item_type_and_boolean_string():
    text = raw(props(more=' "customize": [{"type": "PowerShell", "inline": ["x"], "runElevated": "true", "validExitCodes": [0, "3010"]}],'))
    assert schema(text) == [
        Found("AIB202", span(text, '"true"'), "'runElevated' must be true or false, not a string; write true without quotes"),
        Found("AIB202", span(text, '"3010"'), "Each item of 'validExitCodes' must be an integer, not a string; write 3010 without quotes"),
    ]


def test_near_miss_expression_and_escaped_bracket():
    text = raw(props(more=' "buildTimeoutInMinutes": "[parameters(\'t\')]", "customize": [{"type": "Shell", "inline": ["[[not an expression]"]}],'))
    assert schema(text) == []


def test_escaped_bracket_string_is_a_plain_string():
    text = raw(props(more=' "buildTimeoutInMinutes": "[[60]",'))
    assert schema(text) == [Found("AIB202", span(text, '"[[60]"'), "'buildTimeoutInMinutes' must be an integer, not a string")]


# --------------------------------------------------------------------------
# AIB203 missing-required


def test_missing_property_reported_on_the_key_of_the_object():
    text = raw(props(source='{"type": "ManagedImage"}'))
    assert schema(text) == [
        Found("AIB203", span(text, '"source"'), "Missing required property 'imageId' in a ManagedImage source"),
    ]


def test_missing_property_of_an_array_item_on_its_brace():
    text = raw(props(distribute='[{"type": "VHD"}]'))
    line, c = col(text, '{"type": "VHD"}')
    assert schema(text) == [
        Found("AIB203", (line, c, line, c + 1), "Missing required property 'runOutputName' in a VHD distributor"),
    ]


def test_a_misspelt_required_property_is_reported_once():
    text = raw('{"source": {"type": "PlatformImage", "publisher": "p", "offer": "o", "sku": "s", "version": "latest"}, '
               '"distributes": [{"type": "VHD", "runOutput": "v"}]}')
    assert schema(text) == [
        Found("AIB200", span(text, '"distributes"'), "Unknown property 'distributes' in 'properties'; did you mean 'distribute'?"),
    ]
    item = raw(props(distribute='[{"type": "VHD", "runOutput": "v"}]'))
    assert schema(item) == [
        Found("AIB200", span(item, '"runOutput"'), "Unknown property 'runOutput' in a VHD distributor; did you mean 'runOutputName'?"),
    ]
    # A stranger name does not stand for the missing one: both are reported.
    other = raw(props(distribute='[{"type": "VHD", "output": "v"}]'))
    assert [f.code for f in schema(other)] == ["AIB203", "AIB200"]


def test_missing_type_lists_the_types():
    text = raw(props(more=' "customize": [{"inline": ["x"]}],'))
    line, c = col(text, '{"inline"')
    assert schema(text) == [
        Found("AIB203", (line, c, line, c + 1), "Missing required property 'type' in a customizer; expected one of "
                                               "File, PowerShell, Shell, WindowsRestart, WindowsUpdate"),
    ]


def test_identity_required_from_2020_02_14():
    body = props()
    text = raw(body, "2020-02-14").replace(f'  "identity": {{"type": "UserAssigned", "userAssignedIdentities": {{"{IDENTITY}": {{}}}}}},\n', "")
    assert schema(text) == [Found("AIB203", (0, 0, 0, 1), "Missing required property 'identity' in the image template")]
    older = text.replace("2020-02-14", "2019-05-01-preview")
    assert schema(older) == []


def test_iso_source_without_checksum_is_left_to_aib301():
    source = '{"type": "ISO", "sourceUri": "https://x/rhel.iso"}'
    text = raw(props(source=source), "2019-05-01-preview")
    assert lint(text, codes=("AIB2", "AIB301")) == [Found("AIB301", span(text, '"sourceUri"'),
                                "ISO source has no sha256Checksum; Image Builder requires the ISO's SHA-256 hash")]
    no_uri = raw(props(source='{"type": "ISO", "sha256Checksum": "' + "a" * 64 + '"}'), "2019-05-01-preview")
    assert schema(no_uri) == [Found("AIB203", span(no_uri, '"source"'), "Missing required property 'sourceUri' in an ISO source")]


def test_raw_body_needs_no_name_but_arm_resource_does():
    assert schema(raw(props())) == []
    text = arm(props()).replace('      "name": "web",\n', "")
    line, c = col(text, "    {")
    assert schema(text) == [Found("AIB203", (line, 4, line, 5), "Missing required property 'name' in the image template")]


# --------------------------------------------------------------------------
# AIB204 invalid-value


def test_unknown_customizer_type_lists_allowed_types():
    text = raw(props(more=' "customize": [{"type": "Shel", "inline": ["x"]}],'))
    assert schema(text) == [
        Found("AIB204", span(text, '"Shel"'), "'Shel' is not a customizer type in API version 2022-07-01; expected one "
                                             "of File, PowerShell, Shell, WindowsRestart, WindowsUpdate"),
    ]


@pytest.mark.parametrize("version, severity", [("2022-07-01", "warning"), ("2024-02-01", "error")])
def test_case_only_type_value(version, severity):
    text = raw(props(distribute='[{"type": "vhd", "runOutputName": "v"}]'), version)
    found = [d for d in run(text).diagnostics if d.code.startswith("AIB2")]
    assert [(d.code, d.severity.label, d.message) for d in found] == [
        ("AIB204", severity, "'vhd' should be written 'VHD'; values are case-sensitive from API version 2024-02-01"),
    ]


def test_enum_value_minimum_and_pattern():
    text = raw(props(more=' "vmProfile": {"osDiskSizeGB": -1},',
                     distribute=f'[{{"type": "SharedImage", "galleryImageId": "{ID_SUB}/providers/Microsoft.Compute/galleries/g/images/d", '
                                '"runOutputName": "my image", "storageAccountType": "Premium_ZRS"}]'))
    assert schema(text) == [
        Found("AIB204", span(text, "-1"), "'osDiskSizeGB' must be at least 0, not -1"),
        Found("AIB204", span(text, '"my image"'), "'my image' is not a valid value for 'runOutputName': it must match ^[A-Za-z0-9-_.]{1,64}$"),
        Found("AIB204", span(text, '"Premium_ZRS"'), "'Premium_ZRS' is not an allowed value for 'storageAccountType' in API version "
                                                    "2022-07-01; expected one of Premium_LRS, Standard_LRS, Standard_ZRS"),
    ]


def test_near_miss_allowed_values_and_expression_type():
    text = raw(props(more=' "customize": [{"type": "[parameters(\'kind\')]", "inline": ["x"], "restartTimeout": "5m"}],',
                     distribute='[{"type": "VHD", "runOutputName": "v1.2_x-y"}]'))
    assert schema(text) == []


def test_build_timeout_range_is_left_to_aib305():
    text = raw(props(more=' "buildTimeoutInMinutes": 2000,'))
    assert schema(text) == []


# --------------------------------------------------------------------------
# AIB205 wrong-type-property


def test_property_of_another_source_type():
    text = raw(props(source=f'{{"type": "PlatformImage", "publisher": "p", "imageId": "{IMAGE}"}}'))
    assert schema(text) == [
        Found("AIB205", span(text, '"imageId"'), "'imageId' belongs to a ManagedImage source, not a PlatformImage source"),
    ]


def test_property_of_several_other_customizer_types():
    text = raw(props(more=' "customize": [{"type": "File", "sourceUri": "https://x", "destination": "/tmp/x", "inline": ["a"]}],'))
    assert schema(text) == [
        Found("AIB205", span(text, '"inline"'), "'inline' belongs to Shell and PowerShell customizers, not a File customizer"),
    ]


def test_near_miss_unresolved_type_accepts_any_variant_property():
    text = raw(props(source=f'{{"type": "[parameters(\'sourceType\')]", "publisher": "p", "imageId": "{IMAGE}"}}'))
    assert schema(text) == []


# --------------------------------------------------------------------------
# AIB206 not-in-api-version


def test_vnet_config_in_the_shape_of_the_2020_documentation():
    """The 2019-05-01-preview form (its official example and the 2020 documentation): accepted there only."""
    more = ' "vmProfile": {"osDiskSizeGB": 64, "vnetConfig": {"name": "v", "subnetName": "s", "resourceGroupName": "rg"}},'
    assert schema(raw(props(more=more), "2019-05-01-preview")) == []
    text = raw(props(more=more))
    assert [f.message for f in schema(text)] == [
        "'name' is not available in API version 2022-07-01; it exists in API version 2019-05-01-preview",
        "'subnetName' is not available in API version 2022-07-01; it exists in API version 2019-05-01-preview; "
        "use 'subnetId' in this version",
        "'resourceGroupName' is not available in API version 2022-07-01; it exists in API version 2019-05-01-preview",
    ]
    assert {d.severity.label for d in run(text).diagnostics} == {"warning"}


def test_script_renamed_in_a_step_without_script_is_reported_once_by_aib308():
    text = raw(props(more=' "customize": [{"type": "Shell", "name": "a", "script": "https://x/y.sh"}],'), "2024-02-01")
    assert [(f.code, f.range) for f in lint(text, codes=("AIB2", "AIB308"))] == [("AIB308", span(text, '"script"'))]
    # Next to inline, the old name is a property of another API version.
    both = raw(props(more=' "customize": [{"type": "Shell", "name": "a", "script": "https://x/y.sh", "inline": ["x"]}],'),
               "2024-02-01")
    assert [f.code for f in lint(both, codes=("AIB2", "AIB308"))] == ["AIB206"]


def test_target_regions_in_a_version_that_needs_replication_regions():
    """One finding, which says what to use; replicationRegions is not also reported missing."""
    gallery = f"{ID_SUB}/providers/Microsoft.Compute/galleries/g/images/d"
    text = raw(props(distribute=f'[{{"type": "SharedImage", "galleryImageId": "{gallery}", "runOutputName": "d", '
                                '"targetRegions": [{"name": "westeurope"}]}]'), "2022-02-14")
    assert schema(text) == [
        Found("AIB206", span(text, '"targetRegions"'), "'targetRegions' is not available in API version 2022-02-14; "
              "it exists in API versions 2022-07-01 and later; use 'replicationRegions' in this version"),
    ]
    assert run(text).diagnostics[0].severity.label == "error"
    both = text.replace('"runOutputName": "d", ', '"runOutputName": "d", "replicationRegions": ["westeurope"], ')
    assert [(f.code, f.message) for f in schema(both)] == [
        ("AIB206", "'targetRegions' is not available in API version 2022-02-14; it exists in API versions 2022-07-01 and later"),
    ]


def test_iso_source_after_2019_05_01_preview():
    text = raw(props(source='{"type": "ISO", "sourceUri": "https://x/rhel.iso", "sha256Checksum": "abc"}'), "2020-02-14")
    assert schema(text) == [
        Found("AIB206", span(text, '"ISO"'), "'ISO' is not a source type in API version 2020-02-14; it exists in "
                                            "API versions up to 2019-05-01-preview"),
    ]


def test_windows_update_before_2019_05_01_preview():
    """2019-05-01-preview accepts it: its own official example uses it (the definition gained it only in 2020-02-14)."""
    text = raw(props(more=' "customize": [{"type": "WindowsUpdate", "updateLimit": 5}],'), "2019-02-01-preview")
    found = [d for d in run(text).diagnostics if d.code.startswith("AIB2") and "WindowsUpdate" in d.message]
    assert [(d.code, d.severity.label, d.message) for d in found] == [
        ("AIB206", "error", "'WindowsUpdate' is not a customizer type in API version "
                            "2019-02-01-preview; it exists in API versions 2019-05-01-preview and later"),
    ]
    assert span(text, '"WindowsUpdate"') in [f.range for f in schema(text)]
    windows_update = raw(props(more=' "customize": [{"type": "WindowsUpdate", "updateLimit": 5}],'), "2019-05-01-preview")
    assert [f for f in schema(windows_update) if "WindowsUpdate" in f.message] == []


@pytest.mark.parametrize("version, severity", [("2022-07-01", "warning"), ("2024-02-01", "error")])
def test_property_from_a_newer_version(version, severity):
    text = raw(props(distribute=f'[{{"type": "SharedImage", "galleryImageId": "{ID_SUB}/providers/Microsoft.Compute/galleries/g/images/d", '
                                '"runOutputName": "web", "replicationMode": "Shallow"}]'), version)
    found = [d for d in run(text).diagnostics if d.code.startswith("AIB2")]
    assert [(d.code, d.severity.label, d.message) for d in found] == [
        ("AIB206", severity, f"'replicationMode' is not available in API version {version}; it exists in API version 2025-10-01"),
    ]
    assert schema(text)[0].range == span(text, '"replicationMode"')


def test_near_miss_property_in_its_version():
    text = raw(props(more=' "errorHandling": {"onCustomizerError": "abort"},'), "2023-07-01")
    assert schema(text) == []


def test_allowed_value_from_another_version():
    text = raw(props(distribute=f'[{{"type": "SharedImage", "galleryImageId": "{ID_SUB}/providers/Microsoft.Compute/galleries/g/images/d", '
                                '"runOutputName": "web", "replicationRegions": ["westeurope"], "storageAccountType": "Premium_LRS"}]'),
               "2022-02-14")
    assert schema(text) == [
        Found("AIB206", span(text, '"Premium_LRS"'), "'Premium_LRS' is not allowed for 'storageAccountType' in API version "
                                                    "2022-02-14; it is valid in API versions 2022-07-01 and later"),
    ]


# --------------------------------------------------------------------------
# AIB207 unknown-api-version


def test_unknown_api_version_with_suggestion():
    text = raw(props(), "2022-14-02")
    assert schema(text) == [
        Found("AIB207", span(text, '"2022-14-02"'), "'2022-14-02' is not an Image Builder API version; did you mean "
                                                   "'2022-02-14'? (checked against 2019-05-01-preview and later)"),
    ]


def test_unknown_api_version_from_an_arm_parameter():
    text = arm(props()).replace('"defaultValue": "2022-07-01"', '"defaultValue": "2023-03-01"')
    assert schema(text) == [
        Found("AIB207", span(text, "\"[parameters('apiVersion')]\""),
              "'2023-03-01' (the value of parameters('apiVersion')) is not an Image Builder API version; did you mean "
              "'2023-07-01'? (checked against 2019-05-01-preview and later)"),
    ]


def test_version_assumed_is_named_in_messages():
    text = raw(props(more=' "colour": "blue",')).replace('  "apiVersion": "2022-07-01",\n', "")
    assert schema(text) == [
        Found("AIB200", span(text, '"colour"'), "Unknown property 'colour' in 'properties' (API version not given; "
                                                "the content fits API versions 2019-05-01-preview and later)"),
    ]


def test_near_miss_known_api_version_from_parameter():
    assert schema(arm(props())) == []


# --------------------------------------------------------------------------
# AIB208 invalid-resource-id


def test_resource_id_not_of_the_form():
    text = raw(props(source='{"type": "ManagedImage", "imageId": "web"}'))
    assert schema(text) == [
        Found("AIB208", span(text, '"web"', nth=0),
              "'imageId' is not the resource ID of a managed image; expected /subscriptions/{subscriptionId}/"
              "resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName}"),
    ]


def test_identity_key_not_a_resource_id():
    text = raw(props()).replace(IDENTITY, "builder-identity")
    assert schema(text) == [
        Found("AIB208", span(text, '"builder-identity"'),
              "The key 'builder-identity' of 'userAssignedIdentities' is not the resource ID of a user-assigned managed "
              "identity; expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
              "Microsoft.ManagedIdentity/userAssignedIdentities/{identityName}"),
    ]


def test_near_miss_resource_ids_any_case_and_expressions():
    text = raw(props(source=f'{{"type": "ManagedImage", "imageId": "{IMAGE.replace("resourceGroups", "resourcegroups")}"}}',
                     more=' "vmProfile": {"vnetConfig": {"subnetId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'v\', \'s\')]"}},'))
    assert schema(text) == []


def test_resource_id_in_a_variable_or_parameter_default():
    text = arm(props(more=' "stagingResourceGroup": "[parameters(\'staging\')]",'
                          ' "vmProfile": {"vnetConfig": {"subnetId": "[variables(\'subnet\')]"}},')).replace(
        '"parameters": {"apiVersion": {"type": "string", "defaultValue": "2022-07-01"}},',
        '"parameters": {"apiVersion": {"type": "string", "defaultValue": "2022-07-01"},'
        ' "staging": {"type": "string", "defaultValue": ""}},\n'
        '  "variables": {"subnet": "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/s1"},')
    found = run(text)
    assert [(f.code, f.range, f.message) for f in schema(text)] == [
        ("AIB208", span(text, '"/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/s1"'),
         "'subnetId' (the value of variables('subnet')) is not the resource ID of a virtual network subnet; expected "
         "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/"
         "{vnetName}/subnets/{subnetName}"),
    ]
    related = [d for d in found.diagnostics if d.code == "AIB208"][0].related
    assert [r.message for r in related] == ["value used here"]


def test_objects_and_arrays_in_a_variable_or_parameter_default_are_checked_where_written():
    steps = '[{"type": "Shell", "name": "a", "inline": ["echo"], "destination": "/tmp/x"}]'
    text = arm(props(more=' "customize": "[variables(\'steps\')]", "vmProfile": "[parameters(\'profile\')]",')).replace(
        '"parameters": {"apiVersion": {"type": "string", "defaultValue": "2022-07-01"}},',
        '"parameters": {"apiVersion": {"type": "string", "defaultValue": "2022-07-01"},'
        ' "profile": {"type": "object", "defaultValue": {}}},\n  "variables": {"steps": ' + steps + '},')
    assert schema(text) == [
        Found("AIB205", span(text, '"destination"'), "'destination' belongs to a File customizer, not a Shell customizer"),
    ]
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB205"]
    assert [(r.message, r.span) for r in d.related] == [("value used here", d.related[0].span)]
    assert text.encode()[d.related[0].span.start:d.related[0].span.end] == b'"[variables(\'steps\')]"'


def test_empty_staging_resource_group_means_none():
    assert schema(raw(props(more=' "stagingResourceGroup": "",'))) == []
    text = raw(props(more=' "stagingResourceGroup": "staging-rg",'))
    assert [f.code for f in schema(text)] == ["AIB208"]


# --------------------------------------------------------------------------
# AIB209 resource-type


def test_type_naming_another_resource():
    text = raw(props()).replace("Microsoft.VirtualMachineImages/imageTemplates", "Microsoft.Compute/images")
    assert schema(text) == [
        Found("AIB209", span(text, '"Microsoft.Compute/images"'),
              "'type' is 'Microsoft.Compute/images', not 'Microsoft.VirtualMachineImages/imageTemplates': "
              "this body describes an image template"),
    ]


def test_near_miss_provider_only_or_no_type_in_a_raw_body():
    """``type`` is read-only: request bodies leave it out, az resource create quickstarts wrote the provider."""
    assert schema(raw(props()).replace("Microsoft.VirtualMachineImages/imageTemplates", "Microsoft.VirtualMachineImages")) == []
    assert schema(raw(props()).replace("Microsoft.VirtualMachineImages/imageTemplates",
                                       "microsoft.virtualmachineimages/imagetemplates")) == []
    text = raw(props(distribute='[]', more=' "customize": [],')).replace(
        '  "type": "Microsoft.VirtualMachineImages/imageTemplates",\n', "")
    assert schema(text) == []


def test_near_miss_arm_type_in_other_case():
    text = arm(props()).replace("Microsoft.VirtualMachineImages/imageTemplates", "Microsoft.VirtualMachineImages/imagetemplates")
    assert schema(text) == []


# --------------------------------------------------------------------------
# Broken documents: no cascade of schema findings from what did not parse


def test_missing_comma_gives_no_schema_noise():
    text = raw(props(more=' "customize": [{"type": "Shell", "inline": ["x"]} {"type": "Shell", "inline": ["y"]}],'))
    assert [f.code for f in lint(text)] and schema(text) == []


def test_deployment_template_keys_in_a_raw_body():
    text = raw(props(), extra=' "$schema": "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",'
                              ' "contentVersion": "1.0.0.0",')
    assert schema(text) == [
        Found("AIB200", span(text, '"contentVersion"'), "'contentVersion' belongs to an ARM deployment template, not to a "
                                                        "template body"),
    ]


# --------------------------------------------------------------------------
# The same findings in ARM form (resource inside a deployment template)

ARM_CASES = [
    ("2024-02-01", props(more=' "VMProfile": {"vmSize": "Standard_D2s_v3"},'), "AIB201", '"VMProfile"',
     "'VMProfile' should be written 'vmProfile'; property names are case-sensitive from API version 2024-02-01"),
    ("2022-07-01", props(more=' "customize": [{"type": "Shell", "inline": "apt-get update"}],'), "AIB202", '"apt-get update"',
     "'inline' must be an array of strings, not a string"),
    ("2022-07-01", props(more=' "customize": [{"type": "Shel", "inline": ["x"]}],'), "AIB204", '"Shel"',
     "'Shel' is not a customizer type in API version 2022-07-01; expected one of File, PowerShell, Shell, "
     "WindowsRestart, WindowsUpdate"),
    ("2022-07-01", props(source=f'{{"type": "PlatformImage", "publisher": "p", "imageId": "{IMAGE}"}}'), "AIB205", '"imageId"',
     "'imageId' belongs to a ManagedImage source, not a PlatformImage source"),
    ("2020-02-14", props(source='{"type": "ISO", "sourceUri": "https://x/rhel.iso", "sha256Checksum": "abc"}'), "AIB206", '"ISO"',
     "'ISO' is not a source type in API version 2020-02-14; it exists in API versions up to 2019-05-01-preview"),
    ("2022-07-01", props(source='{"type": "ManagedImage", "imageId": "base-image"}'), "AIB208", '"base-image"',
     "'imageId' is not the resource ID of a managed image; expected /subscriptions/{subscriptionId}/resourceGroups/"
     "{resourceGroup}/providers/Microsoft.Compute/images/{imageName}"),
]


@pytest.mark.parametrize("version, properties, code, needle, message", ARM_CASES, ids=[c[2] for c in ARM_CASES])
def test_arm_form_reports_the_same(version, properties, code, needle, message):
    text = arm(properties, api=version)
    assert schema(text) == [Found(code, span(text, needle), message)]
    if code not in ("AIB201", "AIB205"):  # a value, not a key: behind an expression it is a runtime value
        hidden = arm(properties.replace(needle, "\"[parameters('x')]\"", 1), api=version)
        assert [f.code for f in schema(hidden)] == []


def test_arm_version_from_parameter_without_default_is_assumed():
    text = arm(props(more=' "colour": "blue",')).replace(', "defaultValue": "2022-07-01"', "")
    assert schema(text) == [
        Found("AIB200", span(text, '"colour"'), "Unknown property 'colour' in 'properties' (API version not given; "
                                                "the content fits API versions 2019-05-01-preview and later)"),
    ]


def test_arm_copy_mode_is_left_to_arm():
    text = arm(props()).replace('"condition": true,', '"copy": {"name": "c", "count": 2, "mode": "Serial"},')
    assert schema(text) == []


# --------------------------------------------------------------------------
# Fixes: spelling and quoting fixes are safe; guesses are offered but not applied by --fix


def test_safe_fixes_repair_casing_quotes_and_type():
    text = raw(props(source='{"Type": "platformimage", "publisher": "p", "offer": "o", "sku": "s", "version": "latest"}',
                     more=' "buildTimeoutInMinutes": "80", "VMProfile": {"osDiskSizeGB": "64"},'
                          ' "customize": [{"type": "PowerShell", "inline": ["x"], "runElevated": "True"}],'),
               ).replace("Microsoft.VirtualMachineImages/imageTemplates", "Microsoft.Compute/images")
    result = run(text)
    found = [d for d in result.diagnostics if d.code.startswith("AIB2")]
    assert sorted(d.code for d in found) == ["AIB201", "AIB201", "AIB202", "AIB202", "AIB202", "AIB204", "AIB209"]
    assert all(d.fixes and d.fixes[0].safe for d in found)
    fixed, applied = apply_text(result.document.text, choose(found))
    assert len(applied) == len(found)
    assert schema(fixed) == []
    assert '"type": "PlatformImage"' in fixed and '"buildTimeoutInMinutes": 80' in fixed and '"runElevated": true' in fixed


def test_guessed_names_are_unsafe_fixes():
    text = raw(props(source='{"type": "PlatformImage", "pubisher": "Canonical"}'), "2022-14-02")
    found = [d for d in run(text).diagnostics if d.code.startswith("AIB2")]
    assert [(d.code, [(f.title, f.safe) for f in d.fixes]) for d in found] == [
        ("AIB207", [("Use API version 2022-02-14", False)]),
        ("AIB200", [("Rename to 'publisher'", False)]),
    ]
    assert choose(found) == []
    fixed, _ = apply_text(text, choose(found, unsafe=True))
    assert schema(fixed) == []


def test_misspelt_values_get_an_unsafe_fix():
    text = raw(props(more=' "customize": [{"type": "Shel", "inline": ["x"]}], "optimize": {"vmBoot": {"state": "Enbled"}},',
                     distribute='[{"type": "VHD", "runOutputName": "v"}, {"type": "Gallery", "runOutputName": "w"}]'))
    found = [d for d in run(text).diagnostics if d.code.startswith("AIB2")]
    assert [(d.code, [(f.title, f.safe) for f in d.fixes]) for d in found] == [
        ("AIB204", [("Write 'Shell'", False)]),
        ("AIB204", [("Write 'Enabled'", False)]),
        ("AIB204", []),  # nothing close to 'Gallery'
    ]
    assert choose(found) == []
    fixed, _ = apply_text(text, choose(found, unsafe=True))
    assert '"type": "Shell"' in fixed and '"state": "Enabled"' in fixed
