"""The ARM expression evaluator: grammar, every evaluated function with known and unknowable arguments, limits."""

from __future__ import annotations

import json
import time

import pytest

from aiblint.armexpr import MAX_VALUES, ExprSyntaxError, Evaluator, Opaque, is_synthetic, parse, referenced_names
from aiblint.document import Document

OPAQUE = "utcNow()"  # a value known only at deployment


def evaluate(expression: str, variables: dict | None = None, parameters: dict | None = None):
    """The value of ``expression`` written as variable ``x`` of a deployment template: (python value or Opaque, node)."""
    variables = dict(variables or {}, x=expression)
    doc = Document(json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                               "parameters": parameters or {}, "variables": variables, "resources": []}))
    node = doc.root.get("variables").get("x")
    value = Evaluator(doc.root).evaluate(node)
    return (value if isinstance(value, Opaque) else value.to_python()), value


def value_of(expression: str, **kw):
    return evaluate(expression, **kw)[0]


def test_grammar():
    assert parse("'it''s'") == ("s", "it's")
    assert parse("concat('a', parameters('p').name[0]['k'])") == (
        "call", "concat", (("s", "a"), ("idx", ("idx", ("prop", ("call", "parameters", (("s", "p"),), "parameters"),
                                                           "name"), ("n", 0)), ("s", "k"))), "concat")
    assert parse("ns.fn(1, -2)") == ("call", "ns.fn", (("n", 1), ("n", -2)), "ns.fn")
    assert parse(" createArray( ) ") == ("call", "createarray", (), "createArray")
    for bad in ("concat('a'", "'open", "a", "f(1,)", "f(1) g()", "f(1).", "f(#)"):
        with pytest.raises(ExprSyntaxError):
            parse(bad)
    assert referenced_names(Document('{"x": "[concat(parameters(\'a\'), variables(\'b\')[0])]"}').root.get("x")) == {
        ("parameters", "a"), ("variables", "b")}


KNOWN = [
    ("[createObject('a', 1, 'b', createArray('x', true()), 'c', null())]", {"a": 1, "b": ["x", True]}),
    ("[createArray(1, 'two', createObject())]", [1, "two", {}]),
    ("[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('b', 2, 'n', createObject('y', 2)))]",
     {"a": 1, "n": {"x": 1, "y": 2}, "b": 2}),
    ("[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]),
    ("[shallowMerge(createArray(createObject('a', 1, 'n', createObject('x', 1)), createObject('n', createObject('y', 2))))]",
     {"a": 1, "n": {"y": 2}}),
    ("[if(equals(1, 1), 'yes', utcNow())]", "yes"),
    ("[if(false(), utcNow(), 'no')]", "no"),
    ("[coalesce(null(), tryGet(createObject(), 'k'), 'third')]", "third"),
    ("[empty('')]", True), ("[empty(createArray(1))]", False), ("[empty(createObject())]", True),
    ("[empty(null())]", True),
    ("[contains(createObject('Key', 1), 'key')]", True), ("[contains(createArray('a', 'b'), 'b')]", True),
    ("[contains('abc', 'B')]", False),
    ("[length('four')]", 4), ("[length(createArray(1, 2))]", 2), ("[length(createObject('a', 1))]", 1),
    ("[concat('a', 'b', 1)]", "ab1"), ("[concat(createArray(1), createArray(2, 3))]", [1, 2, 3]),
    ("[format('{0}-{1:D3}-{{x}}-{2}', 'a', 7, true())]", "a-007-{x}-True"),
    ("[format('{0,4}|{0,-4}|', 'ab')]", "  ab|ab  |"),
    ("[string(createObject('a', 1))]", '{"a":1}'), ("[string(5)]", "5"), ("[string(false())]", "False"),
    ("[int('42')]", 42), ("[bool('True')]", True), ("[bool(0)]", False),
    ("[json('{\"a\": [1, null]}')]", {"a": [1, None]}), ("[json('null')]", None),
    ("[toLower('AbC')]", "abc"), ("[toUpper('AbC')]", "ABC"),
    ("[replace('a-b-c', '-', '/')]", "a/b/c"),
    ("[split('a/b//c', '/')]", ["a", "b", "", "c"]), ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
    ("[first(createArray('x', 'y'))]", "x"), ("[last('xyz')]", "z"),
    ("[filter(createArray(1, 2, 3, 4), lambda('n', greater(lambdaVariables('n'), 2)))]", [3, 4]),
    ("[map(createArray(1, 2), lambda('n', createObject('v', lambdaVariables('n'))))]", [{"v": 1}, {"v": 2}]),
    ("[map(createArray('a', 'b'), lambda('s', 'i', format('{0}{1}', lambdaVariables('s'), lambdaVariables('i'))))]",
     ["a0", "b1"]),
    ("[reduce(createArray(1, 2, 3), 10, lambda('acc', 'n', add(lambdaVariables('acc'), lambdaVariables('n'))))]", 16),
    ("[items(createObject('b', 2, 'a', 1))]", [{"key": "a", "value": 1}, {"key": "b", "value": 2}]),
    ("[createObject('a', 'x').a]", "x"), ("[createArray(5, 6)[1]]", 6), ("[createObject('k', 1)['K']]", 1),
    ("[not(and(true(), or(false(), true())))]", False),
    ("[sub(mul(3, 4), div(-7, 2))]", 15), ("[mod(-7, 3)]", -1),
    ("[substring('abcdef', 1, 3)]", "bcd"), ("[padLeft('7', 3, '0')]", "007"), ("[trim('  x ')]", "x"),
    ("[startsWith('Hello', 'he')]", True), ("[indexOf('abcb', 'b')]", 1),
    ("[take(createArray(1, 2, 3), 2)]", [1, 2]), ("[skip('abc', 1)]", "bc"), ("[range(2, 3)]", [2, 3, 4]),
    ("[join(createArray('a', 'b'), ',')]", "a,b"), ("[array('x')]", ["x"]), ("[min(3, 1, 2)]", 1),
    ("[intersection(createArray(1, 2, 3), createArray(3, 2))]", [2, 3]),
    ("[objectKeys(createObject('a', 1, 'b', 2))]", ["a", "b"]),
    ("[tryGet(createObject('a', createObject('b', 'deep')), 'a', 'b')]", "deep"),
]


@pytest.mark.parametrize("expression,expected", KNOWN)
def test_knowable_functions(expression, expected):
    assert value_of(expression) == expected


# Each function given an argument known only at deployment: the value is opaque, never a guess.
UNKNOWABLE = [
    f"[createObject('a', 1).b]", f"[union(createObject('a', 1), {OPAQUE})]", f"[shallowMerge({OPAQUE})]",
    f"[if(equals({OPAQUE}, 'x'), 'a', 'b')]", f"[coalesce({OPAQUE}, 'x')]", f"[empty({OPAQUE})]",
    f"[contains(createArray('a'), {OPAQUE})]", f"[length({OPAQUE})]", f"[concat('a', {OPAQUE})]",
    f"[format('{{0}}', {OPAQUE})]", f"[string({OPAQUE})]", f"[int({OPAQUE})]", f"[bool({OPAQUE})]",
    f"[json({OPAQUE})]", f"[toLower({OPAQUE})]", f"[toUpper({OPAQUE})]", f"[replace({OPAQUE}, 'a', 'b')]",
    f"[split({OPAQUE}, '/')]", f"[first({OPAQUE})]", f"[last(split({OPAQUE}, '/'))]",
    f"[filter(createArray(1), lambda('n', equals({OPAQUE}, 'x')))]", f"[map({OPAQUE}, lambda('n', 1))]",
    f"[reduce(createArray(1), {OPAQUE}, lambda('a', 'n', add(lambdaVariables('a'), 1)))]", f"[items({OPAQUE})]",
    "[resourceGroup().location]", "[subscription().subscriptionId]", "[reference('x').outputs.y.value]",
    "[uniqueString('a')]", "[newGuid()]", "[guid('a')]", "[resourceId('Microsoft.Network/virtualNetworks', 'v')]",
    "[someFutureFunction(1)]", "[my.udf('a')]", "[parameters('missing')]", "[variables('missing')]",
    "[copyIndex()]", "[lambdaVariables('x')]", "[createArray(1)[5]]", "[div(1, 0)]", "[format('{0}')]",
    "[format('{0:Q}', 1)]", "[int('x')]", "[concat('a', createArray(1))]",
]


@pytest.mark.parametrize("expression", UNKNOWABLE)
def test_unknowable_values_are_opaque(expression):
    value = value_of(expression)
    assert isinstance(value, Opaque) and value.reason and value.is_expression


def test_opaque_reasons_say_why():
    assert "known only at deployment" in value_of("[resourceGroup().location]").reason
    assert value_of("[someFutureFunction(1)]").reason == "the function someFutureFunction() is not evaluated by aiblint"
    missing = value_of("[parameters('p')]", parameters={"p": {"type": "string"}})
    assert missing.reason == "the parameter 'p' has no default value; it is given at deployment"


def test_opaque_parts_stay_inside_a_known_value():
    built = value_of(f"[createObject('known', 'x', 'later', {OPAQUE})]")
    assert built["known"] == "x" and built["later"].startswith("[")


def test_values_keep_the_span_of_their_literal():
    text = json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                       "parameters": {"steps": {"type": "array", "defaultValue": [{"type": "Shell", "inline": ["ls"]}]}},
                       "variables": {"x": "[createObject('customize', parameters('steps'))]"}, "resources": []})
    doc = Document(text)
    value = Evaluator(doc.root).evaluate(doc.root.get("variables").get("x"))
    steps = value.get("customize")
    assert is_synthetic(value) and not is_synthetic(steps)
    assert steps is doc.root.get("parameters").get("steps").get("defaultValue")


def test_parameters_variables_and_copy_variables():
    params = {"p": {"type": "string", "defaultValue": "[toUpper(variables('v'))]"},
              "opt": {"type": "object", "nullable": True}}
    variables = {"v": "abc", "copy": [{"name": "disks", "count": "[length(createArray(1, 2))]",
                                       "input": {"lun": "[copyIndex('disks')]", "name": "[concat('d', string(copyIndex('disks', 1)))]"}}]}
    assert value_of("[parameters('p')]", parameters=params, variables=variables) == "ABC"
    assert value_of("[variables('disks')]", parameters=params, variables=variables) == [
        {"lun": 0, "name": "d1"}, {"lun": 1, "name": "d2"}]
    assert value_of("[empty(parameters('opt'))]", parameters=params, variables=variables) is True


def test_self_reference_and_limits_never_hang_or_crash():
    loop = value_of("[variables('a')]", variables={"a": "[variables('b')]", "b": "[concat(variables('a'), 'x')]"})
    assert isinstance(loop, Opaque) and "itself" in loop.reason
    # Each variable doubles the previous one: the string outgrows the limit and becomes opaque.
    doubling = {f"v{i}": f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]" for i in range(1, 40)}
    doubling["v0"] = "ab"
    start = time.process_time()
    assert isinstance(value_of("[variables('v39')]", variables=doubling), Opaque)
    assert isinstance(value_of("[range(0, 100000000)]"), Opaque)
    deep = "[" + "createArray(" * 200 + "1" + ")" * 200 + "]"
    assert isinstance(value_of(deep), Opaque)
    assert time.process_time() - start < 5


def test_time_limit_makes_everything_after_it_opaque():
    # 30 variables, each an array of the previous one twice: 2**30 values if nothing stopped it.
    variables = {f"v{i}": f"[createArray(variables('v{i - 1}'), variables('v{i - 1}'))]" for i in range(1, 30)}
    variables["v0"] = "x"
    variables["x"] = "[string(variables('v29'))]"
    doc = Document(json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                               "variables": variables, "resources": []}))
    ev = Evaluator(doc.root, time_limit=0.2)
    start = time.monotonic()
    value = ev.evaluate(doc.root.get("variables").get("x"))
    assert isinstance(value, Opaque) and time.monotonic() - start < 5


def test_a_value_shared_many_times_is_cut_where_it_grows_too_large():
    # Built in 25 steps, but 2**25 values when walked as the tree that the checks see: the parts
    # past the limit are opaque, so walking the value stays bounded.
    variables = {f"v{i}": f"[createArray(variables('v{i - 1}'), variables('v{i - 1}'))]" for i in range(1, 25)}
    variables["v0"] = "x"
    _, node = evaluate("[variables('v24')]", variables=variables)
    count, reasons, stack = 0, set(), [node]
    while stack:
        n = stack.pop()
        count += 1
        if isinstance(n, Opaque):
            reasons.add(n.reason)
        stack.extend(getattr(n, "items", ()))
    assert count < 2 * MAX_VALUES
    assert reasons == {"the template's expressions build a value that is too large"}


HOSTILE = [
    "[", "[]", "[)]", "[concat(]", "['unterminated]", "[parameters(]", "[parameters('x'", "[a.b.c.d()]",
    "[createObject('a')]", "[createArray()[0]]", "[json('{')]", "[json('[1,2')]", "[format('{99}', 1)]",
    "[range(0, -1)]", "[split('a', '')]", "[replace('a', '', 'b')]", "[substring('abc', 5)]",
    "[int('99999999999999999999999999')]", "[skip(createArray(1), -5)]", "[map(createArray(1), 5)]",
    "[filter(createArray(1), lambda('x', 'not a bool'))]", "[reduce(createArray(1), 0)]",
    "[lambda('x', lambdaVariables('x'))]", "[createObject('a', lambda('x', 1))]", "[items(createArray())]",
    "[union(createObject(), createArray())]", "[shallowMerge(createArray(1, 2))]", "[variables('copy')]",
    "[parameters('p').missing.deeper]", "[createArray(1)['k']]", "[div(-9223372036854775808, -1)]",
    "[string(json('1e400'))]", "[padLeft('x', 100000000)]", "[\u0000]", "[concat('\ud800')]",
    "[" + "(" * 5000 + "]", "[" + "concat(" * 3000 + "'a'" + ")" * 3000 + "]",
    "[" + ",".join(["'a'"] * 20000) + "]", "[concat(" + ",".join(["'x'"] * 20000) + ")]",
]


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_expressions_are_opaque_or_a_value_never_a_crash(expression, caplog):
    from aiblint.engine import lint

    params = {"p": {"type": "object", "defaultValue": {"a": 1}}}
    value = value_of(expression, parameters=params)
    assert value is not None
    props = {"source": expression, "customize": expression, "distribute": [{"type": "VHD", "runOutputName": expression}]}
    doc = Document(json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                               "parameters": params, "variables": {"copy": [{"name": "v", "count": expression}]},
                               "resources": [{"type": "Microsoft.VirtualMachineImages/imageTemplates",
                                              "apiVersion": "2024-02-01", "name": expression, "location": expression,
                                              "properties": props}]}))
    with caplog.at_level("WARNING"):
        lint(doc)
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]


def test_only_time_spent_evaluating_counts_against_the_limit():
    doc = Document(json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                               "variables": {"a": "[toUpper('x')]", "b": "[toLower('Y')]"}, "resources": []}))
    ev = Evaluator(doc.root, time_limit=0.05)
    assert ev.evaluate(doc.root.get("variables").get("a")).value == "X"
    time.sleep(0.1)  # the checks' own work between two evaluations
    assert ev.evaluate(doc.root.get("variables").get("b")).value == "y"
