"""The server's incremental check gives exactly the full check's diagnostics, on random edit sequences."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from aiblint.document import Document
from aiblint.engine import Selection, lint
from aiblint.lsp import incremental
from aiblint.lsp.store import OpenDocument
from aiblint.rule import registry
from aiblint.settings import Settings


def _resource(i: int, rng: random.Random) -> dict:
    customize = [{"type": "Shell", "name": f"step{j}", "inline": [f"echo {j}"]} for j in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        customize.append({"type": "Shell", "name": "step0", "scriptUri": "https://example.com/x.sh"})
    return {
        "type": "Microsoft.VirtualMachineImages/imageTemplates",
        "apiVersion": rng.choice(["2022-07-01", "[parameters('apiVersion')]", "2020-02-14"]),
        "name": f"tmpl{i}",
        "location": rng.choice(["[parameters('location')]", "westus2", "<region>", "mars"]),
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {"[parameters('identity')]": {}}},
        "properties": {
            "buildTimeoutInMinutes": rng.choice([60, 2000, "[variables('timeout')]"]),
            "source": {"type": "PlatformImage", "publisher": rng.choice(["Canonical", "MicrosoftWindowsServer"]),
                       "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
            "customize": customize,
            "distribute": [{"type": "ManagedImage", "imageId": "/subscriptions/x/resourceGroups/rg/providers/"
                            "Microsoft.Compute/images/img", "location": "westus2", "runOutputName": f"out{i}"}],
        },
    }


def make_arm(seed: int, n: int = 4) -> str:
    rng = random.Random(seed)
    doc = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "westus2"},
                       "apiVersion": {"type": "string", "defaultValue": "2022-07-01"},
                       "identity": {"type": "string"}},
        "variables": {"timeout": 100},
        "resources": [_resource(i, rng) for i in range(n)]
        + [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2018-11-30", "name": "id"}],
    }
    return json.dumps(doc, indent=2)


def keys(diags) -> Counter:
    return Counter((d.code, d.message, d.span, d.severity, d.related, d.fixes) for d in diags)


SAFE = ['x', '', 'step0', '2', 'e', ' ', 'Shell', 'é', 'Windows', '<', '0']
RISKY = ['"', ',', '}', '\n', '{', '/', ']']


@pytest.mark.parametrize("seed", range(3))
def test_random_edits_match_full_check(seed):
    rng = random.Random(seed)
    text = make_arm(seed)
    settings = Settings()
    selection = Selection(settings, registry())
    od = OpenDocument("file:///tmp/inc.json", text, 1, "json")
    fast = 0
    for step in range(30):
        data = od.doc.data
        # Mostly typing inside string values (the text stays valid JSON), sometimes anything anywhere.
        if rng.random() < 0.85:
            quotes = [i for i in range(len(data)) if data[i:i + 1] == b'"']
            a = rng.choice(quotes) + 1
            b = a
            new = rng.choice(SAFE)
        else:
            a = rng.randrange(len(data))
            b = min(len(data), a + rng.choice([0, 1, 3]))
            new = rng.choice(RISKY + SAFE)
        lines = od.doc.lines
        start, end = lines.position(a), lines.position(b)

        class Change:
            range = type("R", (), {"start": type("P", (), {"line": start.line, "character": start.character}),
                                   "end": type("P", (), {"line": end.line, "character": end.character})})
            text = new

        od.apply([Change], "utf-16")
        result = incremental.check(od, settings, selection)
        if isinstance(result, incremental.IncrementalResult):
            fast += 1
        expected = lint(Document(od.doc.text, od.path), settings, selection=selection)
        assert keys(result.diagnostics) == keys(expected.diagnostics), f"step {step}: {new!r} at {a}"
        # Typing often leaves the document broken; repair it now and then.
        if od.doc.has_syntax_error and rng.random() < 0.5:
            class Whole:
                range = None
                text = make_arm(seed)

            od.apply([Whole], "utf-16")
            incremental.check(od, settings, selection)
    assert fast >= 4


def test_fast_path_taken_for_typing_in_a_name():
    text = make_arm(1, n=6)
    settings = Settings()
    selection = Selection(settings, registry())
    od = OpenDocument("file:///tmp/inc2.json", text, 1, "json")
    incremental.check(od, settings, selection)
    at = text.index('"tmpl3"') + 3
    line = text.count("\n", 0, at)
    col = at - text.rfind("\n", 0, at) - 1
    for i in range(6):
        class Change:
            range = type("R", (), {"start": type("P", (), {"line": line, "character": col}),
                                   "end": type("P", (), {"line": line, "character": col + (i % 2)})})
            text = "x" if i % 2 == 0 else ""

        od.apply([Change], "utf-16")
        result = incremental.check(od, settings, selection)
        assert isinstance(result, incremental.IncrementalResult)
        expected = lint(Document(od.doc.text, od.path), settings, selection=selection)
        assert keys(result.diagnostics) == keys(expected.diagnostics)


def _tree(node):
    """A comparable picture of a value tree: kinds, values, spans, keys."""
    from aiblint.document.nodes import ArrayNode, ObjectNode

    if node is None:
        return None
    if isinstance(node, ObjectNode):
        return ("o", node.span, [(m.name, m.key_span, m.span, _tree(m.value)) for m in node.members])
    if isinstance(node, ArrayNode):
        return ("a", node.span, [_tree(i) for i in node.items])
    return (node.kind, node.span, node.value, node.raw)


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_typing_in_strings_keeps_the_value_tree_exact(seed, lazy):
    """Edits inside string values patch the kept value tree (a lazy one, read from the old text, is not kept);
    it must equal a fresh build."""
    rng = random.Random(seed)
    od = OpenDocument("file:///tmp/tree.json", make_arm(seed, n=2).replace('"echo 0"', '"echo \\\\"0\\\\" é"'),
                      1, "json")
    if lazy:
        # Valid JSON, with a resource no check walks: a check leaves its containers to be read again from the
        # text it was built from.
        arm = json.loads(make_arm(seed, n=2))
        arm["resources"].insert(0, {"type": "Microsoft.Storage/storageAccounts", "name": "s", "properties": {
            "networkAcls": {"ipRules": [{"value": f"10.0.0.{i}"} for i in range(3)]}, "tags": {"a": "b"}}})
        text = json.dumps(arm, indent=2, ensure_ascii=False).replace('"echo 0"', '"echo \\"0\\" é"')
        od.doc = Document(text, od.path, language="json", lazy=True)
        lint(od.doc)
        od.doc.carrier.release_values(od.doc)
    _ = od.doc.root
    for _step in range(40):
        data = od.doc.data
        quotes = [i for i in range(len(data)) if data[i:i + 1] == b'"' and data[i - 1:i] != b"\\"]
        a = rng.choice(quotes[::2]) + 1  # just after an opening quote
        b = a + rng.choice([0, 0, 1])
        lines = od.doc.lines
        start, end = lines.position(a), lines.position(b)

        class Change:
            range = type("R", (), {"start": type("P", (), {"line": start.line, "character": start.character}),
                                   "end": type("P", (), {"line": end.line, "character": end.character})})
            text = rng.choice(["x", "", "é", "[", "2"])

        od.apply([Change], "utf-16")
        fresh = Document(od.doc.text, od.path)
        assert _tree(od.doc.root) == _tree(fresh.root)
        assert od.doc.syntax_problems == [] or od.doc.has_syntax_error
        if od.doc.has_syntax_error and rng.random() < 0.5:
            od = OpenDocument("file:///tmp/tree.json", make_arm(seed, n=2), 1, "json")
            _ = od.doc.root


def _edit(od, at: int, remove: int, text: str):
    lines = od.doc.lines
    start, end = lines.position(at), lines.position(at + remove)

    class Change:
        range = type("R", (), {"start": type("P", (), {"line": start.line, "character": start.character}),
                               "end": type("P", (), {"line": end.line, "character": end.character})})

    Change.text = text
    od.apply([Change], "utf-16")


def test_rules_reading_other_resources_get_a_full_check():
    """A trigger elsewhere in the file makes the source version of its template matter (AIB324): an edit
    inside the template cannot be checked in a view without the trigger."""
    doc = json.loads(make_arm(2, n=3))
    doc["resources"].append({"type": "Microsoft.VirtualMachineImages/imageTemplates/triggers",
                             "apiVersion": "2022-07-01", "name": "tmpl1/source", "properties": {"kind": "SourceImage"}})
    text = json.dumps(doc, indent=2)
    settings = Settings()
    selection = Selection(settings, registry())
    od = OpenDocument("file:///tmp/inc3.json", text, 1, "json")
    assert not [d for d in incremental.check(od, settings, selection).diagnostics if d.code == "AIB324"]
    version = text.index('"latest"', text.index('"tmpl1"')) + 1
    _edit(od, version, len("latest"), "1.0.0")
    result = incremental.check(od, settings, selection)
    assert not isinstance(result, incremental.IncrementalResult)
    expected = lint(Document(od.doc.text, od.path), settings, selection=selection)
    assert keys(result.diagnostics) == keys(expected.diagnostics)
    assert [d.message for d in result.diagnostics if d.code == "AIB324"] == [
        "A triggered template needs source version 'latest', not '1.0.0'"]


def test_a_large_file_read_without_its_syntax_tree_is_then_checked_one_resource_at_a_time():
    """The layout of the resources comes from the value tree when the check made no syntax tree."""
    text = make_arm(3, n=8)
    settings = Settings()
    selection = Selection(settings, registry())
    od = OpenDocument("file:///tmp/inc-lazy.json", text, 1, "json")
    od.doc = Document(text, od.path, language="json", lazy=True)
    incremental.check(od, settings, selection)
    assert od.doc.tree_pending
    assert od.previous.layout == incremental._layout(Document(text, od.path))
    at = text.index('"tmpl5"') + 3
    line = text.count("\n", 0, at)
    col = at - text.rfind("\n", 0, at) - 1

    class Change:
        range = type("R", (), {"start": type("P", (), {"line": line, "character": col}),
                               "end": type("P", (), {"line": line, "character": col})})
        text = "x"

    od.apply([Change], "utf-16")
    result = incremental.check(od, settings, selection)
    assert isinstance(result, incremental.IncrementalResult)
    assert keys(result.diagnostics) == keys(lint(Document(od.doc.text, od.path), settings, selection=selection)
                                            .diagnostics)
