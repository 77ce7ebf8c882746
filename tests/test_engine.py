"""Engine behaviour shared by every rule: merged duplicates, superseded findings, crash isolation."""

from lintutil import Found, lint, run

TWO_TEMPLATES_ONE_PARAMETER = """
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "region": { "type": "string", "defaultValue": "moon-base-1" }
  },
  "resources": [
    %s,
    %s
  ]
}
"""

RESOURCE = """{
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2024-02-01",
      "name": "%s",
      "location": "[parameters('region')]",
      "identity": { "type": "None" },
      "properties": {
        "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu", "sku": "22_04", "version": "1.0.0" },
        "distribute": [ { "type": "VHD", "runOutputName": "vhd" } ]
      }
    }"""


def test_a_shared_parameter_value_is_reported_once_with_both_uses():
    text = TWO_TEMPLATES_ONE_PARAMETER % (RESOURCE % "one", RESOURCE % "two")
    result = run(text, "deploy.json")
    region = [d for d in result.diagnostics if d.code == "AIB300"]
    assert len(region) == 1
    uses = {result.document.lines.position(r.span.start).line for r in region[0].related}
    assert len(uses) == 2


def test_a_placeholder_supersedes_other_findings_on_its_value():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2024-02-01",
      "location": "<region>",
      "identity": { "type": "None" },
      "properties": {
        "source": { "type": "ManagedImage", "imageId": "<imageId>" },
        "distribute": [ { "type": "VHD", "runOutputName": "vhd" } ]
      }
    }
    """
    found = lint(text)
    assert [f.code for f in found] == ["AIB310", "AIB310"]
    # Without AIB310 the placeholder resource ID is reported as a malformed ID.
    assert [f.code for f in lint(text, ignore=["AIB310"])] == ["AIB208"]


def test_a_half_typed_customizer_gets_syntax_diagnostics_only():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2024-02-01",
      "location": "westus",
      "identity": {"type": "None"},
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "1.0.0"},
        "customize": [
          {"type": "Shell", "
        ],
        "distribute": [{"type": "VHD", "runOutputName": "v"}]
      }
    }
    """
    # Without the syntax error the same customizer is an AIB308 finding (no scriptUri, no inline).
    assert "AIB308" in [f.code for f in lint(text.replace('"Shell", "', '"Shell"}'))]
    assert [f.code for f in lint(text)] == ["AIB100", "AIB100"]


def test_an_unclosed_object_is_not_reported_as_missing_its_required_properties():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2024-02-01",
      "location": "westus",
      "properties": {
        "source": {"type": "PlatformImage"
    """
    assert lint(text) == [Found("AIB100", (5, 14, 5, 15), "'{' is never closed: expected '}'")]
    # Closed, the same text lacks 'identity' and 'distribute'.
    assert [f.code for f in lint(text.rstrip() + "}}}")] == ["AIB203", "AIB203"]


def test_a_related_place_that_is_the_finding_itself_is_left_out():
    """A value an ARM expression builds where it stands is reported at the expression: "value used here"
    at that same range would only repeat it (schema pass and rules alike)."""
    resource = RESOURCE.replace('"%s"', "\"[format('{0}', 'tpl')]\"").replace(
        "[parameters('region')]", "[toLower('MOON-BASE-1')]")
    text = TWO_TEMPLATES_ONE_PARAMETER.replace("%s,\n    %s", "%s") % resource
    found = run(text).diagnostics
    assert {d.code for d in found} >= {"AIB300", "AIB326"}
    assert sorted((d.code, d.related) for d in found if d.code in ("AIB300", "AIB326")) == [
        ("AIB300", ()), ("AIB326", ())]
    # Through a parameter, the finding stands at the parameter's default and points at the use.
    text = TWO_TEMPLATES_ONE_PARAMETER % (RESOURCE % "a", RESOURCE % "b")
    [region] = [d for d in run(text).diagnostics if d.code == "AIB300"]
    assert [r.message for r in region.related] == ["location used here", "location used here"]


def test_a_related_place_in_another_file_keeps_its_span_and_path():
    """Spans are snapped to this file's characters; a related place in a script is not in this file."""
    from aiblint.diagnostics import Diagnostic, Related, Severity, Span
    from aiblint.engine import _snap_spans

    data = '{"a": "é"}\n'.encode()
    elsewhere = Related(Span(7, 8), "the line of the script", path="setup.sh")
    here = Related(Span(8, 9), "inside the é")
    d = Diagnostic(code="AIB400", message="m", span=Span(1, 4), severity=Severity.ERROR, related=(elsewhere, here))
    _snap_spans(data, [d])
    assert d.related == (elsewhere, Related(Span(7, 9), "inside the é"))
