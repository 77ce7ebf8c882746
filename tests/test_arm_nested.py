"""Nested deployments as ARM evaluates them: values passed to inner-scope templates, outer scope, at any depth."""

from __future__ import annotations

import json

from lintutil import Found, lint
from rulefix import at, diagnostics, fixed

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
SHA = "8d469f6864a38e1cf957cd080603026bba325793edfb4fe2e8b8e7368eb15b92"
IDENTITY = {"type": "UserAssigned", "userAssignedIdentities": {
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}}}


def image_template(customize) -> dict:
    return {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",
            "name": "[format('img-{0}', uniqueString(deployment().name))]",
            "location": "westeurope", "identity": IDENTITY,
            "properties": {"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
                                      "sku": "server", "version": "latest"},
                           "customize": customize, "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}}


def deployment(name: str, template: dict, parameters: dict | None = None, scope: str | None = "inner") -> dict:
    props: dict = {"mode": "Incremental"}
    if scope:
        props["expressionEvaluationOptions"] = {"scope": scope}
    if parameters is not None:
        props["parameters"] = parameters
    props["template"] = template
    return {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": name, "properties": props}


def template(resources: list, parameters: dict | None = None, variables: dict | None = None) -> dict:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {},
            "variables": variables or {}, "resources": resources}


def step(checksum: bool = False) -> dict:
    s = {"type": "Shell", "name": "setup", "scriptUri": "https://example.com/setup.sh"}
    if checksum:
        s["sha256Checksum"] = SHA
    return s


ARRAY = {"type": "array"}
MISSING = 'Shell customizer "setup" downloads scriptUri without sha256Checksum; the file is not verified'


def two_levels(steps: list, *, middle_scope: str = "inner", inner_scope: str = "inner") -> str:
    """Root passes ``steps`` to level 1, which passes its own parameter on to level 2, which uses it."""
    level2 = template([image_template("[parameters('steps')]")], parameters={"steps": ARRAY})
    level1 = template([deployment("level2", level2, {"steps": {"value": "[parameters('steps')]"}}, inner_scope)],
                      parameters={"steps": ARRAY})
    root = template([deployment("level1", level1, {"steps": {"value": steps}}, middle_scope)])
    return json.dumps(root, indent=2)


def test_a_value_passed_two_levels_down_is_checked_where_it_is_written():
    text = two_levels([step()])
    assert lint(text, codes="AIB3") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]
    (d,) = diagnostics(text, "AIB301")
    # Related information: the inner use, in the innermost template.
    use = text.encode().index(b"\"[parameters('steps')]\"", text.encode().index(b'"level2"'))
    use = text.encode().index(b"\"[parameters('steps')]\"", use + 1)  # level2's use, after its declaration
    assert [r.span.start for r in d.related] == [use]
    assert lint(two_levels([step(checksum=True)]), codes=("AIB3", "AIB2", "AIB0")) == []


def test_the_fix_edits_the_passed_literal():
    text = two_levels([step()])
    new = json.loads(fixed(text, "AIB301", unsafe=True))
    passed = new["resources"][0]["properties"]["parameters"]["steps"]["value"][0]
    assert passed["sha256Checksum"] == "<sha256 of the file>"
    level2 = new["resources"][0]["properties"]["template"]["resources"][0]["properties"]["template"]
    assert level2["resources"][0]["properties"]["customize"] == "[parameters('steps')]"


def test_outer_scope_resolves_against_the_outer_template():
    # Level 2 has the default (outer) scope: its parameters('steps') is level 1's parameter, which the root passes.
    text = two_levels([step()], inner_scope=None)
    assert lint(text, codes="AIB3") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]
    # Outer scope at level 1 too: 'steps' is then the root's own parameter, with its default.
    level2 = template([image_template("[parameters('steps')]")])
    level1 = template([deployment("level2", level2, scope=None)])
    root = template([deployment("level1", level1, scope=None)],
                    parameters={"steps": {"type": "array", "defaultValue": [step()]}})
    text = json.dumps(root, indent=2)
    assert lint(text, codes="AIB3") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]


def test_inner_default_when_nothing_is_passed_and_outer_variables_stay_outside():
    # Inner scope, no value passed: the inner default. The root's variable of the same name is not seen.
    inner = template([image_template("[variables('steps')]")], variables={"steps": [step()]})
    root = template([deployment("inner", inner)], variables={"steps": [step(checksum=True)]})
    text = json.dumps(root, indent=2)
    assert lint(text, codes="AIB3") == [Found("AIB301", at(text, '"scriptUri"', 2), MISSING)]
    inner = template([image_template("[parameters('steps')]")],
                     parameters={"steps": {"type": "array", "defaultValue": [step()]}})
    text = json.dumps(template([deployment("inner", inner)]), indent=2)
    assert [f.code for f in lint(text, codes="AIB3")] == ["AIB301"]


def test_a_passed_value_wins_over_the_default():
    inner = template([image_template("[parameters('steps')]")],
                     parameters={"steps": {"type": "array", "defaultValue": [step()]}})
    text = json.dumps(template([deployment("inner", inner, {"steps": {"value": [step(checksum=True)]}})]), indent=2)
    assert lint(text, codes="AIB3") == []


def test_a_passed_expression_is_evaluated_in_the_outer_template():
    inner = template([image_template("[parameters('steps')]")], parameters={"steps": ARRAY})
    root = template([deployment("inner", inner, {"steps": {"value": "[concat(variables('first'), variables('rest'))]"}})],
                    variables={"first": [step()], "rest": [{"type": "Shell", "name": "more", "inline": ["ls"]}]})
    text = json.dumps(root, indent=2)
    assert lint(text, codes="AIB3") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]
    # A parameter entry that is itself an expression making {"value": ...} (Bicep's conditional parameters).
    root["resources"][0]["properties"]["parameters"] = {
        "steps": "[if(equals(1, 1), createObject('value', variables('first')), createObject('value', createArray()))]"}
    text = json.dumps(root, indent=2)
    assert lint(text, codes="AIB3") == [Found("AIB301", at(text, '"scriptUri"'), MISSING)]


def test_values_known_only_at_deployment_are_not_checked_and_say_so():
    inner = template([image_template("[parameters('steps')]")], parameters={"steps": ARRAY})
    vault = {"reference": {"keyVault": {"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v"},
                           "secretName": "steps"}}
    text = json.dumps(template([deployment("inner", inner, {"steps": vault})]), indent=2)
    start = at(text, '"steps": {\n            "reference"')
    assert lint(text, codes=("AIB0", "AIB2", "AIB3")) == [
        Found("AIB001", (start[0], start[1] + len('"steps": '), start[0] + 7, 11),
              "The customizers ('customize') are not checked: the parameter 'steps' is read from a key vault at deployment")]
    text = json.dumps(template([deployment("inner", inner, {"steps": {"value": "[reference('s').outputs.steps.value]"}})]),
                      indent=2)
    assert lint(text, codes=("AIB0", "AIB2", "AIB3")) == [
        Found("AIB001", at(text, "\"[reference('s').outputs.steps.value]\""),
              "The customizers ('customize') are not checked: reference() depends on a deployed resource, "
              "known only at deployment")]
    linked = deployment("inner", inner)
    linked["properties"]["parametersLink"] = {"uri": "https://example.com/p.json"}
    text = json.dumps(template([linked]), indent=2)
    assert [f.message for f in lint(text, codes="AIB001")] == [
        "The customizers ('customize') are not checked: parameter 'steps' comes from a linked parameter file"]


def test_values_built_by_functions_are_reported_on_the_expression_without_fixes():
    built = "[createArray(createObject('type', 'Shell', 'name', 'setup', 'scriptUri', 'https://example.com/setup.sh'))]"
    text = json.dumps(template([image_template(built)]), indent=2)
    (d,) = diagnostics(text, "AIB301")
    assert d.message == MISSING and not d.fixes
    assert text.encode()[d.span.start:d.span.end] == json.dumps(built).encode()
    # A wrongly cased type built by an expression: found, but nothing to rewrite in place.
    wrong = "[createArray(createObject('type', 'shell', 'name', 'setup', 'inline', createArray('ls')))]"
    text = json.dumps(template([image_template(wrong)]), indent=2)
    found = [d for d in diagnostics(text, "AIB204")]
    assert [d.message for d in found] == [
        "'shell' should be written 'Shell'; values are case-sensitive from API version 2024-02-01"]
    assert not found[0].fixes
