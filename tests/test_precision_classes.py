"""The classes of false findings of the corpus review, each as triggering cases and near misses.

Severity follows what the service does with the template: rejected → error,
accepted (ignored, or taken as the last value) → warning. One mistake gives one
finding.
"""

from __future__ import annotations

import json

import pytest

from lintutil import Found, lint, run
from rulefix import arm, at

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
IMAGE = f"{SUB}/providers/Microsoft.Compute/images/web"
GALLERY_IMAGE = f"{SUB}/providers/Microsoft.Compute/galleries/g/images/d"
IDENTITY = f"{SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/builder"
SOURCE = {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"}
MANAGED = {"type": "ManagedImage", "imageId": IMAGE, "location": "westus2", "runOutputName": "web"}


def raw(properties: dict, version: str = "2024-02-01", **top) -> str:
    body = {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": version, "location": "westus2",
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {IDENTITY: {}}}, **top,
            "properties": {"source": SOURCE, "distribute": [MANAGED], **properties}}
    return json.dumps(body, indent=2)


def found(text: str, code: str) -> list[tuple[str, str, tuple]]:
    result = run(text)
    lines = result.document.lines
    out = []
    for d in result.diagnostics:
        if d.code == code:
            r = lines.range(d.span)
            out.append((d.severity.label, d.message, (r.start.line, r.start.character, r.end.line, r.end.character)))
    return out


# --------------------------------------------------------------------------
# Unknown properties: rejected from 2024-02-01, ignored before


@pytest.mark.parametrize("version, severity", [("2023-07-01", "warning"), ("2024-02-01", "error")])
def test_unknown_property_severity_follows_the_service(version, severity):
    text = raw({"colour": "blue"}, version)
    assert found(text, "AIB200") == [(severity, "Unknown property 'colour' in 'properties'", at(text, '"colour"'))]


def test_misspelt_required_property_is_an_error_in_every_version():
    distributor = {k: v for k, v in MANAGED.items() if k != "runOutputName"} | {"runOutputNme": "web"}
    text = raw({"distribute": [distributor]}, "2020-02-14")
    assert found(text, "AIB200") == [("error", "Unknown property 'runOutputNme' in a ManagedImage distributor; "
                                               "did you mean 'runOutputName'?", at(text, '"runOutputNme"'))]
    assert found(text, "AIB203") == []


@pytest.mark.parametrize("version, severity", [("2022-07-01", "warning"), ("2024-02-01", "error")])
def test_property_of_another_type_severity(version, severity):
    text = raw({"distribute": [MANAGED | {"excludeFromLatest": True}]}, version)
    assert found(text, "AIB205") == [(severity, "'excludeFromLatest' belongs to a SharedImage distributor, "
                                                "not a ManagedImage distributor", at(text, '"excludeFromLatest"'))]


# --------------------------------------------------------------------------
# One mistake, one finding


def test_wrong_distributor_type_is_reported_once_on_the_type():
    shared = {"type": "ManagedImage", "galleryImageId": GALLERY_IMAGE, "replicationRegions": ["westus2"],
              "runOutputName": "sig"}
    text = raw({"distribute": [shared]}, "2020-02-14")
    assert found(text, "AIB205") == [(
        "error", "The distributor has the properties of a SharedImage distributor ('galleryImageId', "
                 "'replicationRegions'), not of a ManagedImage distributor; did you mean type 'SharedImage'?",
        at(text, '"ManagedImage"'))]
    assert found(text, "AIB203") == []
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB205"]
    assert [(f.title, f.safe) for f in d.fixes] == [("Write 'SharedImage'", False)]


def test_near_miss_type_with_its_own_properties_and_a_stray_one():
    text = raw({"distribute": [MANAGED | {"replicationRegions": ["westus2"]}]}, "2020-02-14")
    assert [(s, m) for s, m, _r in found(text, "AIB205")] == [
        ("warning", "'replicationRegions' belongs to a SharedImage distributor, not a ManagedImage distributor")]


def test_type_key_with_stray_punctuation_gets_a_did_you_mean():
    source = {k: v for k, v in SOURCE.items() if k != "type"} | {"type:": "PlatformImage"}
    text = raw({"source": source})
    assert found(text, "AIB200") == [("error", "Unknown property 'type:' in a source; did you mean 'type'?",
                                      at(text, '"type:"'))]
    assert found(text, "AIB203") == []


def test_placeholder_url_is_not_also_missing_its_checksum():
    text = raw({"customize": [{"type": "Shell", "name": "s", "scriptUri": "<scriptUrl>"}]})
    assert [c.code for c in lint(text) if c.code in ("AIB301", "AIB310")] == ["AIB310"]
    real = raw({"customize": [{"type": "Shell", "name": "s", "scriptUri": "https://example.com/s.sh"}]})
    assert [c.code for c in lint(real) if c.code in ("AIB301", "AIB310")] == ["AIB301"]


def test_2018_preview_shell_step_asks_for_a_script_only():
    props = {"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "1.0"},
             "customize": [{"type": "shell", "name": "s", "script": ""}],
             "distribute": [MANAGED | {"type": "managedImage"}]}
    text = raw(props, "2018-02-01-preview", identity=None)
    assert found(text, "AIB308") == [("error", "customize[0] (shell) has an empty script; give the URL of a script "
                                               "in 'script'", at(text, '""'))]
    later = raw({"customize": [{"type": "Shell", "name": "s", "inline": []}]}, "2019-02-01-preview")
    assert [m for _s, m, _r in found(later, "AIB308")] == [
        "customize[0] (Shell) has an empty inline; give exactly one of script or inline"]


# --------------------------------------------------------------------------
# Accepted by the service: warnings


def test_duplicate_key_in_a_parameter_declaration_is_a_warning():
    text = arm({"source": SOURCE, "distribute": [MANAGED]},
               parameters={"size": {"type": "string", "defaultValue": "a"}}).replace(
        '"defaultValue": "a"', '"defaultValue": "a", "defaultValue": "b"')
    assert found(text, "AIB103") == [("warning", "Duplicate key 'defaultValue' in this parameter declaration; "
                                                 "ARM uses the last value", at(text, '"defaultValue"', 2))]


def test_near_miss_duplicate_key_in_the_template_body_is_an_error():
    text = raw({}).replace('"location": "westus2",', '"location": "westus2", "location": "eastus",', 1)
    assert [s for s, _m, _r in found(text, "AIB103")] == ["error"]


def test_placeholders_in_free_text_are_warnings():
    text = raw({"customize": [{"type": "Shell", "name": "<stepName>", "inline": ["echo"]}],
                "distribute": [MANAGED | {"artifactTags": {"owner": "<yourName>"}}]}, tags={"<tagKey>": "x"})
    assert sorted((s, r) for s, _m, r in found(text, "AIB310")) == sorted([
        ("warning", at(text, '"<tagKey>"')), ("warning", at(text, '"<stepName>"')),
        ("warning", at(text, '"<yourName>"'))])


def test_near_miss_placeholder_where_a_real_value_is_needed_is_an_error():
    text = raw({}).replace('"location": "westus2"', '"location": "<region>"', 1)
    assert [(s, r) for s, _m, r in found(text, "AIB310")] == [("error", at(text, '"<region>"'))]


# --------------------------------------------------------------------------
# Resource IDs: every ID-valued property, the expected form in the message


ID_CASES = [
    ("managed image source given a gallery image", "2019-02-01-preview",
     {"source": {"type": "ManagedImage", "imageId": GALLERY_IMAGE}},
     "'imageId' is the resource ID of an Azure Compute Gallery image definition, not of a managed image; expected "
     "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName}"),
    ("managed image with a version", "2018-02-01-preview",
     {"distribute": [MANAGED | {"type": "managedImage", "imageId": IMAGE + "/versions/1"}]},
     "'imageId' is not the resource ID of a managed image; expected /subscriptions/{subscriptionId}/resourceGroups/"
     "{resourceGroup}/providers/Microsoft.Compute/images/{imageName}"),
    ("gallery image version before explicit versioning", "2020-02-14",
     {"distribute": [{"type": "SharedImage", "galleryImageId": GALLERY_IMAGE + "/versions/1.0.0",
                      "replicationRegions": ["westus2"], "runOutputName": "sig"}]},
     "'galleryImageId' is the resource ID of a gallery image version, not of an Azure Compute Gallery image "
     "definition; expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
     "Microsoft.Compute/galleries/{gallery}/images/{imageDefinition}"),
    ("latest before 2022-07-01", "2021-10-01",
     {"source": {"type": "SharedImageVersion", "imageVersionId": GALLERY_IMAGE + "/versions/latest"}},
     "'imageVersionId' names the latest image version or a direct shared gallery, which the service accepts from "
     "API version 2022-07-01; give the resource ID of an Azure Compute Gallery image version; expected "
     "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/"
     "{gallery}/images/{imageDefinition}/versions/{x.y.z}"),
    ("wrong provider for a subnet", "2020-02-14",
     {"vmProfile": {"vnetConfig": {"subnetId": f"{SUB}/providers/Microsoft.Compute/virtualNetworks/v/subnets/s"}}},
     "'subnetId' is not the resource ID of a virtual network subnet; expected /subscriptions/{subscriptionId}/"
     "resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/{vnetName}/subnets/{subnetName}"),
    ("build VM identity given an image", "2021-10-01",
     {"vmProfile": {"userAssignedIdentities": [IMAGE]}},
     "Each item of 'userAssignedIdentities' is the resource ID of a managed image, not of a user-assigned managed "
     "identity; expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
     "Microsoft.ManagedIdentity/userAssignedIdentities/{identityName}"),
    ("spaces around an ID", "2024-02-01",
     {"distribute": [MANAGED | {"imageId": IMAGE + " "}]},
     "'imageId' has spaces around the resource ID of a managed image; expected /subscriptions/{subscriptionId}/"
     "resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName}"),
]


@pytest.mark.parametrize("name, version, props, message", ID_CASES, ids=[c[0] for c in ID_CASES])
def test_malformed_resource_ids(name, version, props, message):
    text = raw(props, version)
    assert [m for _s, m, _r in found(text, "AIB208")] == [message]


def test_near_miss_well_formed_ids_in_each_version():
    assert found(raw({"distribute": [{"type": "SharedImage", "galleryImageId": GALLERY_IMAGE + "/versions/1.0.0",
                                      "runOutputName": "sig"}]}, "2022-07-01"), "AIB208") == []
    assert found(raw({"source": {"type": "SharedImageVersion", "imageVersionId": GALLERY_IMAGE + "/versions/latest"}},
                     "2022-07-01"), "AIB208") == []
    assert found(raw({"source": {"type": "SharedImageVersion", "imageVersionId": GALLERY_IMAGE + "/versions/1.2.3"}},
                     "2019-05-01-preview"), "AIB208") == []
    assert Found  # shared helper type
