"""Editing sessions against the language server: completions accepted into the text must leave valid
JSON (after '{', after a comma, before another member, with a half-typed or unterminated key, after a
value whose comma is missing), and they must offer what the place calls for."""

from __future__ import annotations

import json

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import PRESETS, config, open_doc, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEAD = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westus2",
  "properties": {
    %s
  }
}"""


@pytest_lsp.fixture(config=config(), params=PRESETS, scope="module")
async def client(lsp_client: LanguageClient, request):
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


COUNT = [0]


def _offset(text: str, line: int, character: int) -> int:
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[:line])
    units = 0
    k = 0
    while units < character:
        units += len(lines[line][k].encode("utf-16-le")) // 2
        k += 1
    return start + k


async def complete(client, text: str, marker: str = "|", version: str | None = None):
    """(text without the marker, completion items at the marker)."""
    if version is not None:
        text = HEAD % (version, text)
    i = text.index(marker)
    text = text.replace(marker, "", 1)
    COUNT[0] += 1
    uri = f"file:///tmp/aiblint-editing-{client.preset}-{COUNT[0]}.json"
    open_doc(client, uri, text)
    line = text.count("\n", 0, i)
    col = len(text[text.rfind("\n", 0, i) + 1:i].encode("utf-16-le")) // 2
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))
    return text, result.items


def accept(text: str, item: types.CompletionItem) -> str:
    """The text after the client applies ``item`` (snippet placeholders left at their defaults)."""
    from aiblint.lsp.completion import _plain_snippet

    new = item.text_edit.new_text
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        new = _plain_snippet(new)
    edits = [(item.text_edit.range, new)] + [(e.range, e.new_text) for e in item.additional_text_edits or []]
    spans = sorted(((_offset(text, r.start.line, r.start.character), _offset(text, r.end.line, r.end.character), t)
                    for r, t in edits), reverse=True)
    for a, b, t in spans:
        text = text[:a] + t + text[b:]
    return text


def pick(items, label):
    return next(i for i in items if i.label == label)


@pytest.mark.parametrize("body", [
    '"source": {"type": "PlatformImage", "|}',  # opening quote typed, no closing quote
    '"source": {"type": "PlatformImage", "pub|}',  # half-typed, unterminated
    '"source": {"type": "PlatformImage", "pub|"}',
    '"source": {"type": "PlatformImage", pub|}',  # no quote at all
    '"source": {"type": "PlatformImage", |}',
    '"source": {\n      "type": "PlatformImage",\n      |\n      "offer": "x"\n    }',  # before a member
    '"source": {\n      "type": "PlatformImage",\n      "|\n      "offer": "x"\n    }',
    '"source": {\n      "type": "PlatformImage"\n      |\n    }',  # the comma after the last member missing
    '"source": {\n      "type": "PlatformImage"\n      "pu|\n    }',
])
async def test_accepted_key_completion_leaves_valid_json(client: LanguageClient, body):
    text, items = await complete(client, body, version="2022-07-01")
    assert {"publisher", "offer", "sku", "version"} - ({"offer"} if '"offer": "x"' in body else set()) <= {
        i.label for i in items}
    result = json.loads(accept(text, pick(items, "publisher")))
    assert result["properties"]["source"]["publisher"] == ""


async def test_renaming_a_key_keeps_its_value(client: LanguageClient):
    text, items = await complete(client, '"source": {"type": "PlatformImage", "pub|": "Canonical"}',
                                 version="2022-07-01")
    source = json.loads(accept(text, pick(items, "publisher")))["properties"]["source"]
    assert source == {"type": "PlatformImage", "publisher": "Canonical"}


@pytest.mark.parametrize("body", [
    '"customize": [|]',
    '"customize": [\n      |\n      {"type": "Shell", "name": "a", "inline": ["x"]}\n    ]',  # before an item
    '"customize": [{"type": "Shell", "name": "a", "inline": ["x"]}, |]',
    '"customize": [{"type": "Shell", "name": "a", "inline": ["x"]} |]',  # the comma missing
])
async def test_accepted_item_snippet_leaves_valid_json(client: LanguageClient, body):
    text, items = await complete(client, body, version="2022-07-01")
    customize = json.loads(accept(text, pick(items, "File customizer")))["properties"]["customize"]
    assert {"type": "File", "name": "", "sourceUri": "", "destination": ""} in customize


async def test_a_key_after_a_key_without_value_is_not_a_missing_comma(client: LanguageClient):
    _, items = await complete(client, '"source": {"type" |}', version="2022-07-01")
    assert list(items) == []


@pytest.mark.parametrize("text", ['{\n  "|', '{"|}', '{\n  "ty|'])
async def test_a_new_file_with_a_half_typed_first_key_offers_the_templates(client: LanguageClient, text):
    text, items = await complete(client, text)
    assert [i.label for i in items] == ["Image Builder template (raw)", "Image Builder template (ARM deployment)"]
    assert json.loads(accept(text, items[0]))["type"] == "Microsoft.VirtualMachineImages/imageTemplates"


@pytest.mark.parametrize("body", [
    '"distribute": [{"type": "SharedImage", "targetRegions": [{"name": "|"}]}]',
    '"distribute": [{"type": "SharedImage", "replicationRegions": ["|"]}]',
    '"distribute": [{"type": "SharedImage", "replicationRegions": ["eastus", |]}]',
])
async def test_target_regions_complete_to_region_names(client: LanguageClient, body):
    text, items = await complete(client, body, version="2024-02-01")
    by = {i.label: i.detail for i in items}
    assert by.get("northeurope") == "North Europe" and by.get("eastus2") == "East US 2"
    target = json.loads(accept(text, pick(items, "northeurope")))["properties"]["distribute"][0]
    assert "northeurope" in json.dumps(target)


@pytest.mark.parametrize("body, label", [
    ('"customize": [{\n      "type": "PowerShell",\n      "runElevated": |\n      "inline": ["x"]\n    }]', "true"),
    ('"customize": [{\n      "type": "PowerShell",\n      "runElevated": t|\n      "inline": ["x"]\n    }]', "true"),
    ('"customize": [{\n      "type": "|\n      "inline": ["x"]\n    }]', "PowerShell"),
    ('"customize": [{\n      "type": "|"\n      "inline": ["x"]\n    }]', "PowerShell"),
    ('"customize": [{"type": "PowerShell", "runElevated": |, "inline": ["x"]}]', "true"),
    ('"customize": [{"type": "|", "inline": ["x"]}]', "PowerShell"),
])
async def test_accepted_value_completion_leaves_valid_json(client: LanguageClient, body, label):
    text, items = await complete(client, body, version="2022-07-01")
    customizer = json.loads(accept(text, pick(items, label)))["properties"]["customize"][0]
    assert customizer["type"] == "PowerShell" and customizer["inline"] == ["x"]


@pytest.mark.parametrize("body, label, key", [
    ('"source": |', "PlatformImage source", "source"),
    ('"source": |\n    "customize": []', "SharedImageVersion source", "source"),
    ('"distribute": [{"type": "SharedImage", "versioning": |}]', "Latest versioning", "distribute"),
    ('"vmProfile": |', "{ }", "vmProfile"),
    ('"customize": |', "[ ]", "customize"),
])
async def test_object_and_array_values_complete_to_snippets(client: LanguageClient, body, label, key):
    text, items = await complete(client, body, version="2024-02-01")
    value = json.loads(accept(text, pick(items, label)))["properties"][key]
    if key == "source":
        assert value["type"] == label.split()[0]
    elif key == "distribute":
        assert value[0]["versioning"]["scheme"] == "Latest"
    else:
        assert value in ({}, [])


async def test_arm_parameter_defaults_complete_to_versions_and_regions(client: LanguageClient):
    from pathlib import Path

    arm = (Path(__file__).resolve().parent.parent / "examples" / "good" / "windows-arm-deployment.json").read_text()
    _, items = await complete(client, arm.replace('"defaultValue": "2023-07-01"', '"defaultValue": "|"'))
    assert [i.label for i in items][:2] == ["2025-10-01", "2024-02-01"] and len(items) == 10
    text, items = await complete(client, arm.replace('"defaultValue": "eastus2"', '"defaultValue": "|"'))
    assert {i.label: i.detail for i in items}["westus2"] == "West US 2"
    assert json.loads(accept(text, pick(items, "westus2")))["parameters"]["location"]["defaultValue"] == "westus2"
    _, items = await complete(client, arm.replace('"defaultValue": "win2022-baseline"', '"defaultValue": "|"'))
    assert list(items) == []  # the template's name: nothing to offer


@pytest.mark.parametrize("text, offered", [
    ('{\n  "type": "|', True),  # a raw template started by hand
    ('{\n  "type": "|",\n  "location": "westus2"\n}', True),
    ('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
     ' "resources": [{"type": "|"}]}', True),  # a new resource in an ARM template
    ('{"name": "pkg", "version": "1.0.0", "type": "|"}', False),  # some other JSON file
])
async def test_the_resource_type_is_offered_before_the_document_is_a_template(client: LanguageClient, text, offered):
    text, items = await complete(client, text)
    assert [i.label for i in items] == (["Microsoft.VirtualMachineImages/imageTemplates"] if offered else [])
    if offered:
        assert "Microsoft.VirtualMachineImages/imageTemplates" in accept(text, items[0])


@pytest.mark.parametrize("text", ['{\n  "ty|\n}', '{\n  |\n}', '{|}', '{\n  "|"\n}'])
async def test_template_snippets_edit_only_the_cursor_line(client: LanguageClient, text):
    """LSP: a completion's main edit is a single line containing the cursor; the rest goes to additional edits."""
    source, items = await complete(client, text)
    i = text.index("|")
    line = text.count("\n", 0, i)
    for item in items:
        r = item.text_edit.range
        assert r.start.line == r.end.line == line
        assert r.start.character <= len(text[text.rfind("\n", 0, i) + 1:i]) <= r.end.character
        typed = source[source.rfind("\n", 0, i) + 1:][r.start.character:r.end.character]
        assert item.filter_text.startswith(typed)
    assert json.loads(accept(source, items[1]))["resources"][0]["type"] == "Microsoft.VirtualMachineImages/imageTemplates"


async def test_an_array_of_plain_objects_offers_an_entry_with_its_required_fields(client: LanguageClient):
    text, items = await complete(client, '"distribute": [{"type": "SharedImage", "targetRegions": [|]}]',
                                 version="2024-02-01")
    assert [i.label for i in items] == ["targetRegions entry"]
    target = json.loads(accept(text, items[0]))["properties"]["distribute"][0]
    assert target["targetRegions"] == [{"name": ""}]


@pytest.mark.parametrize("resources", ['[|]', '[\n    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",'
                                       ' "name": "s", "location": "westus2", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}\n    |\n  ]'])
async def test_arm_resources_offer_an_image_template_resource(client: LanguageClient, resources):
    head = ('{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
            '  "contentVersion": "1.0.0.0",\n  "parameters": {\n    "imageTemplateName": {"type": "string"},\n'
            '    "identityId": {"type": "string"},\n    "location": {"type": "string"}\n  },\n  "resources": ')
    text, items = await complete(client, head + resources + "\n}")
    assert [i.label for i in items] == ["Image Builder template resource"]
    result = json.loads(accept(text, items[0]))
    assert result["resources"][-1]["type"] == "Microsoft.VirtualMachineImages/imageTemplates"


async def test_a_comma_added_before_a_member_on_the_same_line_is_followed_by_a_space(client: LanguageClient):
    text, items = await complete(client, '"customize": [{|"type": "Shell", "name": "a"}]', version="2022-07-01")
    assert '[{"inline": [""], "type": "Shell", "name": "a"}]' in accept(text, pick(items, "inline"))


async def test_deprecated_properties_are_tagged_and_sorted_last(client: LanguageClient):
    _, items = await complete(client, '"distribute": [{"type": "SharedImage", |}]', version="2024-02-01")
    by = {i.label: i for i in items}
    assert list(by["replicationRegions"].tags) == [types.CompletionItemTag.Deprecated]
    assert by["replicationRegions"].detail == "deprecated array" and by["targetRegions"].tags is None
    ordered = [i.label for i in sorted(items, key=lambda i: i.sort_text)]
    assert ordered.index("replicationRegions") > ordered.index("versioning")


@pytest.mark.parametrize("comment", ["// aiblint-disable-next-line AIB202", "/* note: 42 */", "// true"])
async def test_a_comment_before_the_cursor_is_not_a_value_missing_its_comma(client: LanguageClient, comment):
    text, items = await complete(client, f'"buildTimeoutInMinutes": 90,\n    {comment}\n    |', version="2022-07-01")
    result = accept(text, pick(items, "vmProfile"))
    assert f"{comment}\n" in result and '"vmProfile": {}' in result


@pytest.mark.parametrize("text, expected", [
    ('{\n  "location": "westus2",\n  "properties": {\n    "|\n  }\n}', "source"),  # a body without "type"
    ('{\n  "properties": {\n    "source": {"type": "|"}\n  }\n}', "PlatformImage"),
    ('{\n  "properties": {\n    "customize": [|]\n  }\n}', "Shell customizer (inline)"),
    ('{\n  "name": "x", "version": "1", "properties": {\n    "|\n  }\n}', None),  # some other JSON
    ('{\n  "type": "Microsoft.Storage/storageAccounts", "properties": {\n    "|\n  }\n}', None),
])
async def test_a_body_being_typed_gets_completion_before_it_is_a_template(client: LanguageClient, text, expected):
    _, items = await complete(client, text)
    labels = [i.label for i in items]
    assert expected in labels if expected else labels == []
