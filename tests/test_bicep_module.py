"""Bicep calls of the verified image-template module: checked like the template the module creates,
with findings and fixes on the user's params."""

from __future__ import annotations

from aiblint.fixes import apply_text, choose
from cliutil import run as cli
from lintutil import Found, lint, run
from rulefix import at

REFERENCE = "br/public:avm/res/virtual-machine-images/image-template:0.6.1"
SHA = "8d469f6864a38e1cf957cd080603026bba325793edfb4fe2e8b8e7368eb15b92"


def call(name: str, *, checksum: bool, scripts: bool = True, reference: str = REFERENCE) -> str:
    """One module call of PSRule's Image Builder case, written in Bicep."""
    sha = f"\n        sha256Checksum: '{SHA}'" if checksum else ""
    steps = f"""
    customizationSteps: [
      {{
        type: 'Shell'
        name: 'Install tools'
        scriptUri: 'https://example.com/scripts/install-tools.sh'{sha}
      }}
    ]
    validationProcess: {{
      inVMValidations: [
        {{
          type: 'Shell'
          name: 'Validate tools'
          scriptUri: 'https://example.com/scripts/install-tools.sh'{sha.replace(chr(10) + '  ', chr(10) + '      ')}
        }}
      ]
    }}""" if scripts else ""
    return f"""
module {name.replace('-', '')} '{reference}' = {{
  name: '{name}'
  params: {{
    name: '{name}'
    location: location
    managedIdentities: {{
      userAssignedResourceIds: [
        identityId
      ]
    }}
    imageSource: {{
      type: 'PlatformImage'
      publisher: 'canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: 'latest'
    }}
    distributions: [
      {{
        type: 'ManagedImage'
        imageName: '{name}'
      }}
    ]
    buildTimeoutInMinutes: 60
    vmSize: 'Standard_D2s_v3'{steps}
  }}
}}
"""


HEAD = "param location string = resourceGroup().location\nparam identityId string\n"


def missing(kind: str, name: str) -> str:
    return f'Shell {kind} "{name}" downloads scriptUri without sha256Checksum; the file is not verified'


def test_psrule_case_missing_checksums_found_once_on_the_params():
    text = HEAD + call("image-001", checksum=False) + call("image-002", checksum=True) \
        + call("image-003", checksum=False, scripts=False)
    assert lint(text, "main.bicep") == [
        Found("AIB301", at(text, "scriptUri"), missing("customizer", "Install tools")),
        Found("AIB301", at(text, "scriptUri", 2), missing("validator", "Validate tools")),
    ]
    found = run(text, "main.bicep").templates
    assert [(t.form, t.api_version, t.module_version.label) for t in found] == [("bicep", "2024-02-01", "0.6")] * 3


def test_a_call_with_checksums_has_no_finding():
    assert lint(HEAD + call("image-002", checksum=True), "main.bicep") == []


def test_the_module_parts_sit_where_the_module_puts_them():
    text = HEAD + call("image-002", checksum=True)
    (t,) = run(text, "main.bicep").templates
    props = t.properties
    assert text.encode()[props.get("customize").span.start:].startswith(b"[\n      {\n        type: 'Shell'")
    assert props.get("vmProfile").get("vmSize").value == "Standard_D2s_v3"
    assert props.get("source").get("offer").value == "ubuntu-24_04-lts"
    assert props.get("validate").get("inVMValidations") is not None
    assert props.get("buildTimeoutInMinutes").value == 60


def test_fixes_edit_the_params():
    text = HEAD + call("image-002", checksum=True).replace("type: 'Shell'", "type: 'shell'", 1).replace(
        "buildTimeoutInMinutes: 60", "buildTimeoutInMinutes: '60'")
    assert [f.code for f in lint(text, "main.bicep")] == ["AIB202", "AIB204"]
    result = run(text, "main.bicep")
    new, _ = apply_text(result.document.text, choose(result.diagnostics))
    assert "type: 'Shell'\n        name: 'Install tools'" in new and "buildTimeoutInMinutes: 60\n" in new
    assert lint(new, "main.bicep") == []


def test_an_unknown_module_version_uses_the_nearest_known_one_and_says_so():
    reference = "br/public:avm/res/virtual-machine-images/image-template:0.9.0"
    text = HEAD + call("image-001", checksum=False, scripts=True, reference=reference)
    found = lint(text, "main.bicep")
    assert found[0] == Found("AIB002", at(text, f"'{reference}'"),
                             "Version 0.9.0 of the verified image-template module is not known to aiblint; "
                             "its params are checked as version 0.6 places them")
    assert [f.code for f in found[1:]] == ["AIB301", "AIB301"]


def test_an_alias_and_a_local_path_to_the_module():
    for reference, codes in (
            ("br/avm:avm/res/virtual-machine-images/image-template:0.6.0", ["AIB301", "AIB301"]),
            ("br:mcr.microsoft.com/bicep/avm/res/virtual-machine-images/image-template:0.5.2", ["AIB301", "AIB301"]),
            ("../avm/res/virtual-machine-images/image-template/main.bicep", ["AIB002", "AIB301", "AIB301"])):
        text = HEAD + call("image-001", checksum=False, reference=reference)
        assert [f.code for f in lint(text, "main.bicep")] == codes, reference
    (t,) = run(HEAD + call("image-001", checksum=False, reference=reference), "main.bicep").templates
    assert t.module_version.label == "0.6"  # a local path: the newest known mapping


def test_another_module_is_ignored():
    text = HEAD + call("image-001", checksum=False, reference="br/public:avm/res/compute/virtual-machine:0.6.1")
    result = run(text, "main.bicep")
    assert result.templates == [] and result.diagnostics == []


def test_params_from_vars_are_evaluated_and_bicep_expressions_stay_opaque():
    steps = "var steps = [\n  {\n    type: 'Shell'\n    name: 'Install tools'\n    scriptUri: 'https://e.com/a.sh'\n  }\n]\n"
    text = HEAD + steps + call("image-001", checksum=True, scripts=False).replace(
        "vmSize: 'Standard_D2s_v3'", "vmSize: 'Standard_D2s_v3'\n    customizationSteps: steps\n"
        "    validationProcess: union({}, {inVMValidations: []})")
    assert lint(text, "main.bicep") == [Found("AIB301", at(text, "scriptUri"), missing("customizer", "Install tools"))]


def test_verbose_names_the_module_version(tmp_path):
    path = tmp_path / "main.bicep"
    path.write_text(HEAD + call("image-002", checksum=True))
    r = cli("--check", "--verbose", str(path))
    assert r.code == 0, r
    assert ("image template (Bicep, made by the verified image-template module 0.6.1, mapped as 0.6, API version "
            "2024-02-01): checked properties, source, customize, distribute") in r.out + r.err


def test_params_written_as_an_expression_are_not_checked_and_said_so():
    text = "var base = {}\n" + HEAD + call("image-001", checksum=False).split("  params: {")[0] \
        + "  params: union(base, {})\n}\n"
    assert lint(text, "main.bicep") == [Found(
        "AIB001", at(text, "union(base, {})"),
        "The template's properties are not checked: the module's params are not an object written in this file, "
        "and aiblint does not evaluate other Bicep expressions")]


def test_a_missing_image_source_is_reported_on_the_params():
    text = HEAD + call("image-002", checksum=True)
    start = text.index("    imageSource: {")
    text = text[:start] + text[text.index("    distributions:"):]
    params = text.index("{", text.index("params:"))
    line = text.count("\n", 0, params)
    found = lint(text, "main.bicep")
    # On the params object (the module requires imageSource); no fix: the body around the params is not text.
    assert [(f.code, f.range[:2], f.message) for f in found] == [
        ("AIB203", (line, params - text.rfind("\n", 0, params) - 1),
         "Missing required property 'source' in 'properties'; add 'imageSource' to the module's params")]
    result = run(text, "main.bicep")
    assert apply_text(result.document.text, choose(result.diagnostics, unsafe=True))[0] == result.document.text
