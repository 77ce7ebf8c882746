"""Templates that do not give their API version: parameter files, allowed values, the content.

A finding is an error only when it holds under every plausible version; one that
holds under some of them is one step milder and names them; messages say how the
versions were found.
"""

from __future__ import annotations

import json

from aiblint import catalog
from aiblint.document import Document
from aiblint.engine import lint as engine_lint
from aiblint.settings import Settings
from aiblint.templates import content_versions, find_templates
from lintutil import Found, lint, run

V = catalog.load().versions
IDENTITY_ID = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
               "Microsoft.ManagedIdentity/userAssignedIdentities/builder")
IMAGE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/web"


def body(properties: dict, identity: bool = False, **top) -> dict:
    out = {"type": "Microsoft.VirtualMachineImages/imageTemplates", "location": "westus2", **top}
    if identity:
        out["identity"] = {"type": "UserAssigned", "userAssignedIdentities": {IDENTITY_ID: {}}}
    out["properties"] = properties
    return out


def arm(resource: dict, parameter: dict | None = None) -> str:
    """An ARM template whose imageTemplate's apiVersion is ``[parameters('api-version')]``."""
    resource = {**resource, "apiVersion": "[parameters('api-version')]", "name": "it"}
    return json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"api-version": parameter or {"type": "string"}, "imageName": {"type": "string"}},
        "resources": [resource],
    }, indent=2)


PREVIEW_2018 = {  # the form of 2018-02-01-preview: lower-case types, "script", an ISO source
    "source": {"type": "ISO", "sourceURI": "https://example.com/rhel.iso", "sha256Checksum": "a" * 64},
    "customize": [{"type": "shell", "name": "s", "script": "https://example.com/s.sh"}],
    "distribute": [{"type": "managedImage", "imageId": IMAGE, "location": "westus2", "runOutputName": "web"}],
}
CURRENT = {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"},
    "distribute": [{"type": "ManagedImage", "imageId": IMAGE, "location": "westus2", "runOutputName": "web"}],
}


def templates(text: str, path: str = "template.json"):
    return run(text, path).templates


# --------------------------------------------------------------------------
# Inference from the content


def test_the_early_preview_form_is_recognised():
    text = arm(body(PREVIEW_2018))
    (t,) = templates(text)
    assert t.plausible == ("2018-02-01-preview",) and t.version_source == "inferred"
    assert t.version_note == "API version not given; the content fits API version 2018-02-01-preview"
    # No "should be written 'Shell'", no missing identity, no unknown ISO source.
    assert [f for f in lint(text) if f.code.startswith("AIB2")] == []


def test_content_versions_follow_features():
    cat = catalog.load()

    def versions(props, **top):
        doc = Document(json.dumps(body(props, **top)))
        return content_versions(doc.root, cat)

    assert versions({"source": CURRENT["source"]}) == V  # nothing version-specific
    assert versions(CURRENT) == V[1:]  # the PascalCase distributor types came with 2019-02-01-preview
    iso = dict(CURRENT, source={"type": "ISO", "sourceUri": "https://x/y.iso", "sha256Checksum": "a" * 64})
    assert versions(iso) == ("2019-05-01-preview",)
    assert versions(dict(CURRENT, stagingResourceGroup="/subscriptions/s/resourceGroups/r")) == V[5:]
    assert versions(dict(CURRENT, autoRun={"state": "Enabled"})) == V[8:]
    # Conflicting evidence (script of the early previews, autoRun of 2024): every version that fits as much.
    mixed = dict(CURRENT, autoRun={"state": "Enabled"},
                 customize=[{"type": "Shell", "script": "https://x/y.sh"}])
    assert versions(mixed) == V[1:2] + V[8:]


def test_missing_identity_is_a_warning_when_the_version_may_be_a_preview():
    """Decision for the UNSURE rows: identity is required from 2020-02-14 only."""
    text = arm(body(CURRENT))
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB203"]
    assert d.severity.label == "warning"
    assert d.message == ("Missing required property 'identity' in the image template (only with API versions "
                         "2020-02-14 and later; API version not given; the content fits API versions "
                         "2019-02-01-preview and later)")
    bare = arm(body({"source": CURRENT["source"], "distribute": []}))
    (d,) = [d for d in run(bare).diagnostics if d.code == "AIB203"]
    assert d.message.endswith("(only with API versions 2020-02-14 and later; API version not given; "
                              "checked against all API versions)")


def test_an_error_under_every_plausible_version_stays_an_error():
    text = arm(body({"source": CURRENT["source"]}, identity=True, tags={"a": "b"}))
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB203"]
    assert d.severity.label == "error"
    assert d.message == ("Missing required property 'distribute' in 'properties' (API version not given; "
                         "the content fits API versions 2019-05-01-preview and later)")


def test_case_only_names_are_warnings_when_older_versions_are_plausible():
    props = dict(CURRENT, source={"type": "SharedImageVersion", "imageVersionID": IMAGE.replace(
        "images/web", "galleries/g/images/d/versions/1.0.0")})
    text = arm(body(props, identity=True))
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB201"]
    assert d.severity.label == "warning"
    assert "(API version not given; the content fits API versions 2019-05-01-preview and later)" in d.message


def test_near_miss_literal_version_is_checked_as_written():
    text = json.dumps(body(PREVIEW_2018, apiVersion="2025-10-01"), indent=2)
    (t,) = templates(text)
    assert t.plausible == ("2025-10-01",) and t.version_note is None
    assert {(d.code, d.severity.label) for d in run(text).diagnostics if d.code == "AIB204"} == {("AIB204", "error")}


def test_configured_default_version_applies_as_given():
    text = arm(body(PREVIEW_2018))
    result = engine_lint(Document(text, "t.json"), Settings(default_api_version="2024-02-01"))
    (t,) = result.templates
    assert t.plausible == ("2024-02-01",)
    assert any(d.code == "AIB204" and d.severity.label == "error" and d.message.endswith("(API version 2024-02-01 assumed)")
               for d in result.diagnostics)


def test_allowed_values_of_the_version_parameter():
    text = arm(body(CURRENT), {"type": "string", "allowedValues": ["2019-05-01-preview", "2020-02-14"]})
    (t,) = templates(text)
    assert t.plausible == ("2019-05-01-preview", "2020-02-14")
    assert t.version_note == "API version not given; parameter 'api-version' allows 2019-05-01-preview, 2020-02-14"
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB203"]
    assert d.severity.label == "warning" and "(only with API version 2020-02-14; " in d.message


# --------------------------------------------------------------------------
# Parameter files next to the template


def _lint_file(path):
    return engine_lint(Document(path.read_text(encoding="utf-8"), str(path)))


def test_version_from_a_parameter_file(tmp_path):
    template = tmp_path / "azuredeploy.json"
    template.write_text(arm(body(CURRENT)), encoding="utf-8")
    (tmp_path / "azuredeploy.parameters.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": {"api-version": {"value": "2020-02-14"}, "imageName": {"value": "x"}}}), encoding="utf-8")
    result = _lint_file(template)
    (t,) = result.templates
    assert t.plausible == ("2020-02-14",) and t.version_source == "parameter-file"
    (d,) = [d for d in result.diagnostics if d.code == "AIB203"]
    assert d.severity.label == "error"
    assert d.message == ("Missing required property 'identity' in the image template "
                         "(API version 2020-02-14 from azuredeploy.parameters.json)")


def test_several_parameter_files_give_several_versions(tmp_path):
    template = tmp_path / "image.json"
    template.write_text(arm(body(CURRENT)), encoding="utf-8")
    for env, version in (("dev", "2019-05-01-preview"), ("prod", "2022-07-01")):
        (tmp_path / f"image.parameters.{env}.json").write_text(
            json.dumps({"parameters": {"api-version": {"value": version}}}), encoding="utf-8")
    (t,) = _lint_file(template).templates
    assert t.plausible == ("2019-05-01-preview", "2022-07-01")
    assert t.version_note == ("API versions 2019-05-01-preview, 2022-07-01 from image.parameters.dev.json, "
                              "image.parameters.prod.json")


def test_near_miss_parameter_files_of_other_templates_are_ignored(tmp_path):
    template = tmp_path / "image.json"
    template.write_text(arm(body(CURRENT)), encoding="utf-8")
    # Sets a parameter the template does not declare: it belongs to another template.
    (tmp_path / "network.parameters.json").write_text(
        json.dumps({"parameters": {"api-version": {"value": "2020-02-14"}, "vnetName": {"value": "v"}}}),
        encoding="utf-8")
    (tmp_path / "broken.parameters.json").write_text("{not json", encoding="utf-8")
    (t,) = _lint_file(template).templates
    assert t.version_source == "inferred" and t.plausible == V[1:]


def test_near_miss_a_written_version_ignores_parameter_files(tmp_path):
    template = tmp_path / "image.json"
    template.write_text(arm(body(CURRENT)).replace("[parameters('api-version')]", "2022-07-01"), encoding="utf-8")
    (tmp_path / "image.parameters.json").write_text(
        json.dumps({"parameters": {"api-version": {"value": "2020-02-14"}}}), encoding="utf-8")
    (t,) = _lint_file(template).templates
    assert t.plausible == ("2022-07-01",) and t.version_source == "literal"


def test_find_templates_alone_keeps_the_default():
    doc = Document(arm(body(CURRENT)))
    (t,) = find_templates(doc.root, V, V[-1])
    assert t.api_version == V[-1] and t.versions == (V[-1],)


def test_rules_run_under_each_plausible_version():
    """AIB306 (no "latest" before 2019-05-01-preview) holds under one plausible version only: information."""
    props = dict(CURRENT, customize=[{"type": "Shell", "name": "s", "script": "https://example.com/s.sh"}])
    text = arm(body(props))
    (t,) = templates(text)
    assert t.plausible == ("2019-02-01-preview",)
    assert [f.code for f in lint(text, codes="AIB306")] == ["AIB306"]
    props["customize"].append({"type": "File", "sourceUri": "https://example.com/f", "destination": "/tmp/f"})
    text = arm(body(props))
    assert templates(text)[0].plausible == V[1:]
    (d,) = [d for d in run(text).diagnostics if d.code == "AIB306"]
    assert d.severity.label == "info" and "(only with API version 2019-02-01-preview; " in d.message
    assert Found  # the helpers are shared with the other rule tests
