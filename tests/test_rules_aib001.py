"""AIB001 not-checked: a part of the template is an expression known only at deployment."""

from __future__ import annotations

import json

from lintutil import Found, lint
from rulefix import arm, at

SOURCE = {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
          "version": "latest"}
STEPS = [{"type": "Shell", "name": "setup", "inline": ["ls"]}]
TARGETS = [{"type": "VHD", "runOutputName": "vhd"}]
PROPS = {"source": SOURCE, "customize": STEPS, "distribute": TARGETS}


def arm_properties(properties, **kw) -> str:
    """An ARM template whose image template's ``properties`` is ``properties`` (an expression or an object)."""
    doc = json.loads(arm({}, **kw))
    doc["resources"][0]["properties"] = properties
    return json.dumps(doc, indent=2)


def test_properties_built_from_an_opaque_function():
    expr = "[if(equals(utcNow(), 'x'), createObject(), variables('props'))]"
    text = arm_properties(expr, variables={"props": PROPS})
    assert lint(text, codes="AIB0") == [
        Found("AIB001", at(text, json.dumps(expr)),
              "The template's properties are not checked: utcNow() depends on the time of deployment, "
              "known only at deployment")]


def test_each_part_says_what_was_not_checked_and_why():
    props = dict(PROPS, source="[reference('img').outputs.source.value]", customize="[parameters('steps')]",
                 distribute="[json(parameters('targetsText'))]")
    text = arm(props, parameters={"steps": {"type": "array"}, "targetsText": {"type": "string"}})
    assert lint(text, codes="AIB0") == [
        Found("AIB001", at(text, "\"[reference('img').outputs.source.value]\""),
              "The source image ('source') is not checked: reference() depends on a deployed resource, "
              "known only at deployment"),
        Found("AIB001", at(text, "\"[parameters('steps')]\"", 1),
              "The customizers ('customize') are not checked: the parameter 'steps' has no default value; "
              "it is given at deployment"),
        Found("AIB001", at(text, "\"[json(parameters('targetsText'))]\""),
              "The distribution targets ('distribute') are not checked: the parameter 'targetsText' has no default "
              "value; it is given at deployment"),
    ]


def test_parts_that_evaluate_are_checked_silently():
    assert lint(arm_properties("[variables('props')]", variables={"props": PROPS}), codes="AIB0") == []
    built = dict(PROPS, customize="[concat(variables('first'), createArray(createObject('type', 'Shell', "
                                  "'name', 'more', 'inline', createArray(resourceGroup().name))))]")
    assert lint(arm(built, variables={"first": STEPS}), codes="AIB0") == []
    assert lint(arm(PROPS), codes="AIB0") == []


def test_a_raw_body_with_an_expression():
    text = json.dumps({"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",
                       "location": "westeurope", "properties": "[parameters('props')]"}, indent=2)
    assert lint(text, codes="AIB0") == [
        Found("AIB001", at(text, "\"[parameters('props')]\""),
              "The template's properties are not checked: ARM expressions are evaluated only in deployment templates")]
