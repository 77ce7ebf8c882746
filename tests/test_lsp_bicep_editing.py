"""The language server on ``.bicep`` documents over stdio (VS Code and Neovim presets): completion in
Bicep syntax (keys, values, snippets per type, API versions), also in half-typed text; hover;
diagnostics at their place in the Bicep source, quick fixes and fix-all written in Bicep, document
symbols, and incremental edits that give what a fresh check of the final text gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import PRESETS, brief, change, config, diagnostics, open_doc, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

BICEP = """param location string = resourceGroup().location
param identityId string

resource template 'Microsoft.VirtualMachineImages/imageTemplates@%s' = {
  name: 'ubuntu'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    %s
  }
}
"""


@pytest_lsp.fixture(config=config(), params=PRESETS, scope="module")
async def client(lsp_client: LanguageClient, request):
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


COUNT = [0]


def _position(text: str, i: int) -> types.Position:
    line = text.count("\n", 0, i)
    return types.Position(line, len(text[text.rfind("\n", 0, i) + 1:i].encode("utf-16-le")) // 2)


def _offset(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[:position.line])
    return start + len(lines[position.line].encode("utf-16-le")[:position.character * 2].decode("utf-16-le"))


def new_uri(client) -> str:
    COUNT[0] += 1
    return f"file:///tmp/aiblint-bicep-{client.preset}-{COUNT[0]}.bicep"


async def complete(client, text: str, version: str | None = "2022-07-01", marker: str = "|"):
    """(text without the marker, completion items at the marker); ``version``: fill in BICEP."""
    if version is not None:
        text = BICEP % (version, text)
    i = text.index(marker)
    text = text.replace(marker, "", 1)
    uri = new_uri(client)
    open_doc(client, uri, text, language="bicep")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=_position(text, i)))
    return text, result.items


def accept(text: str, item: types.CompletionItem) -> str:
    """The text after the client applies ``item`` (snippet placeholders left at their defaults)."""
    from aiblint.lsp.completion import _plain_snippet

    new = item.text_edit.new_text
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        new = _plain_snippet(new)
    r = item.text_edit.range
    a, b = _offset(text, r.start), _offset(text, r.end)
    return text[:a] + new + text[b:]


def parses(text: str) -> bool:
    import tree_sitter
    import tree_sitter_bicep

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))
    return not parser.parse(text.encode()).root_node.has_error


def labels(items) -> list[str]:
    return [i.label for i in items]


def pick(items, label):
    return next(i for i in items if i.label == label)


async def test_keys_of_a_source_follow_its_type(client: LanguageClient):
    text, items = await complete(client, "source: {\n      type: 'PlatformImage'\n      |\n    }")
    names = labels(items)
    assert {"publisher", "offer", "sku", "version", "planInfo"} <= set(names)
    assert "type" not in names and "imageVersionId" not in names and "sourceUri" not in names
    item = pick(items, "publisher")
    assert item.text_edit.new_text.startswith("publisher: '")
    assert all(i.label_details.description == "Image Builder" for i in items)
    after = accept(text, item)
    assert "      publisher: ''\n" in after and parses(after)


async def test_a_key_right_after_the_cursor_is_present(client: LanguageClient):
    _, items = await complete(client, "vmProfile: {\n      |osDiskSizeGB: 64\n    }")
    assert "vmSize" in labels(items) and "osDiskSizeGB" not in labels(items)


async def test_keys_of_a_customizer_use_its_type_written_below_the_cursor(client: LanguageClient):
    text, items = await complete(client, "customize: [\n      {\n        |\n        type: 'File'\n      }\n    ]")
    names = labels(items)
    assert {"sourceUri", "destination", "name"} <= set(names)
    assert "inline" not in names and "type" not in names


async def test_resource_keys_are_the_ones_bicep_takes(client: LanguageClient):
    body = (BICEP % ("2022-07-01", "")).replace("  name: 'ubuntu'\n", "  |\n")
    text, items = await complete(client, body, version=None)
    names = labels(items)
    assert "name" in names and "tags" in names and "dependsOn" in names
    assert not {"type", "apiVersion", "copy", "condition", "location", "identity", "properties"} & set(names)
    assert pick(items, "name").detail.startswith("required")


async def test_properties_depend_on_the_api_version_of_the_type_string(client: LanguageClient):
    _, old = await complete(client, "|", version="2022-02-14")
    _, new = await complete(client, "|", version="2024-02-01")
    assert "errorHandling" not in labels(old) and "errorHandling" in labels(new)
    assert "source" in labels(old) and "customize" in labels(old)


async def test_type_values_complete_quoted(client: LanguageClient):
    text, items = await complete(client, "customize: [\n      {\n        type: 'Sh|\n      }\n    ]")
    assert {"Shell", "PowerShell", "File", "WindowsRestart", "WindowsUpdate"} <= set(labels(items))
    item = pick(items, "Shell")
    assert item.text_edit.new_text == "'Shell'"
    assert item.documentation is not None and "Shell" in item.documentation.value
    after = accept(text, item)
    assert "        type: 'Shell'\n" in after and parses(after)
    text, items = await complete(client, "customize: [\n      {\n        type: |\n      }\n    ]")
    after = accept(text, pick(items, "PowerShell"))
    assert "        type: 'PowerShell'\n" in after and parses(after)


async def test_enum_and_boolean_values(client: LanguageClient):
    _, items = await complete(client, "vmProfile: {\n      |\n    }", version="2024-02-01")
    assert "vmSize" in labels(items)
    _, items = await complete(client, "optimize: {\n      vmBoot: {\n        state: |\n      }\n    }",
                              version="2024-02-01")
    assert set(labels(items)) == {"Enabled", "Disabled"}
    _, items = await complete(client, "customize: [\n      {\n        type: 'WindowsRestart'\n      }\n    ]\n"
                                      "    distribute: [\n      {\n        type: 'ManagedImage'\n"
                                      "        runOutputName: 'x'\n        artifactTags: {}\n      }\n    ]\n"
                                      "    stagingResourceGroup: ''\n    autoRun: {\n      state: |\n    }",
                              version="2024-02-01")
    assert set(labels(items)) == {"Enabled", "Disabled"}


async def test_items_of_customize_are_snippets_per_type(client: LanguageClient):
    text, items = await complete(client, "customize: [\n      |\n    ]")
    names = labels(items)
    assert {"Shell customizer (inline)", "Shell customizer (script)", "PowerShell customizer (inline)",
            "File customizer", "WindowsRestart customizer", "WindowsUpdate customizer"} <= set(names)
    item = pick(items, "Shell customizer (inline)")
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit.new_text == "{\n\ttype: 'Shell'\n\tname: '$1'\n\tinline: [\n\t\t'$2'\n\t]\n}"
    after = accept(text, item)
    assert parses(after) and "," not in after.split("customize")[1]
    text, items = await complete(client, "distribute: [\n      |\n    ]")
    assert {"Shared Image Gallery target", "Managed image target", "VHD target"} <= set(labels(items))
    assert parses(accept(text, pick(items, "Managed image target")))


async def test_a_source_value_is_one_snippet_per_type(client: LanguageClient):
    text, items = await complete(client, "source: |")
    assert {"PlatformImage source", "ManagedImage source", "SharedImageVersion source"} <= set(labels(items))
    item = pick(items, "PlatformImage source")
    assert item.text_edit.new_text.startswith("{\n\ttype: 'PlatformImage'\n")
    assert parses(accept(text, item))


async def test_regions_for_locations(client: LanguageClient):
    body = (BICEP % ("2022-07-01", "")).replace("  location: location\n", "  location: |\n")
    text, items = await complete(client, body, version=None)
    westus2 = pick(items, "westus2")
    assert westus2.text_edit.new_text == "'westus2'" and westus2.detail == "West US 2"
    assert parses(accept(text, westus2))


async def test_api_versions_after_the_at_sign(client: LanguageClient):
    body = (BICEP % ("2022-07-01", "")).replace("imageTemplates@2022-07-01", "imageTemplates@|")
    text, items = await complete(client, body, version=None)
    from aiblint import catalog

    assert labels(items)[:2] == list(reversed(catalog.load().versions))[:2]
    after = accept(text, items[0])
    assert f"imageTemplates@{catalog.load().newest}'" in after and parses(after)


HALF_TYPED = """resource it 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' = {
  name: 'x'
  properties: {
    cus|
    source: {
      type: 
    }
    customize: [
      {
        type: 'Sh
      }
    ]
  }
}
"""


async def test_completion_in_half_typed_bicep(client: LanguageClient):
    _, items = await complete(client, HALF_TYPED, version=None)
    assert "customize" not in labels(items)  # present below
    assert {"distribute", "vmProfile", "buildTimeoutInMinutes"} <= set(labels(items))
    _, items = await complete(client, HALF_TYPED.replace("cus|", "cus").replace("type: \n", "type: |\n"),
                              version=None)
    assert {"PlatformImage", "ManagedImage", "SharedImageVersion"} <= set(labels(items))
    _, items = await complete(client, HALF_TYPED.replace("cus|", "cus").replace("'Sh\n", "'Sh|\n"), version=None)
    assert "Shell" in labels(items)


async def test_brackets_in_strings_comments_and_interpolations_do_not_count(client: LanguageClient):
    body = ("customize: [\n      {\n        type: 'Shell'\n        // a comment with { and [\n"
            "        inline: [\n          '''\n            echo '{' ]\n          '''\n"
            "          'echo ${identityId} }' /* } */\n        ]\n        |\n      }\n    ]")
    _, items = await complete(client, body)
    names = labels(items)
    assert "name" in names and "scriptUri" in names and "inline" not in names and "type" not in names


@pytest.mark.parametrize("text", [
    "param location string = resource|Group().location\n" + BICEP % ("2022-07-01", ""),  # outside any resource
    "resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {\n  name: 'x'\n  properties: {\n    |\n  }\n}\n",
    "resource it 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' existing = {\n  name: 'x'\n  |\n}\n",
    BICEP % ("2022-07-01", "customize: union(base, [\n      {\n        |\n      }\n    ])"),  # inside an expression
    BICEP % ("2022-07-01", "") + "\noutput id string = |template.id\n",
])
async def test_nothing_outside_image_template_bodies(client: LanguageClient, text):
    _, items = await complete(client, text, version=None)
    assert list(items) == []


async def test_renaming_a_key_keeps_its_value(client: LanguageClient):
    text, items = await complete(client, "source: {\n      type: 'PlatformImage'\n      pub|x: 'Canonical'\n    }")
    item = pick(items, "publisher")
    assert item.text_edit.new_text == "publisher"
    assert "      publisher: 'Canonical'\n" in accept(text, item)


async def hover(client, text: str, needle: str, after: int = 1):
    uri = new_uri(client)
    open_doc(client, uri, text, language="bicep")
    return await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=_position(text, text.index(needle) + after)))


async def test_hover_on_keys_and_type_values(client: LanguageClient):
    text = BICEP % ("2022-07-01", "source: {\n      type: 'PlatformImage'\n      publisher: 'Canonical'\n    }\n"
                                  "    customize: [\n      {\n        type: 'Shell'\n        inline: []\n      }\n"
                                  "    ]")
    h = await hover(client, text, "publisher")
    assert h is not None and "publisher" in h.contents.value.lower()
    start = text.index("publisher")
    assert (h.range.start, h.range.end) == (_position(text, start), _position(text, start + len("publisher")))
    h = await hover(client, text, "'Shell'", 2)
    assert h is not None and "shell" in h.contents.value.lower()
    assert h.range.start == _position(text, text.index("'Shell'"))
    h = await hover(client, text, "inline")
    assert h is not None and "inline" in h.contents.value.lower()
    assert await hover(client, text, "param location") is None
    assert await hover(client, text, "'Canonical'", 3) is None  # a free-form value: nothing to say


# -- diagnostics, code actions, symbols, edits (the Bicep carrier behind the server) ------------------

FIXTURE = (Path(__file__).resolve().parent / "e2e" / "fixtures" / "template.bicep").read_text()


def expected(text: str) -> list[tuple]:
    """What ``--check`` says about ``text`` as a .bicep file, in the form of :func:`lsputil.brief`."""
    from aiblint.document import Document
    from aiblint.engine import lint

    result = lint(Document(text, "/tmp/x.bicep"))
    if not result.is_template:
        return []
    lines = result.document.lines
    out = []
    for d in result.diagnostics:
        r = lines.range(d.span)
        out.append((d.code, r.start.line, r.start.character, r.end.line, r.end.character))
    return sorted(out)


def apply_edits(text: str, edits) -> str:
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:_offset(text, e.range.start)] + e.new_text + text[_offset(text, e.range.end):]
    return text


def edits_of(action, uri):
    edit = action.edit
    return edit.document_changes[0].edits if edit.document_changes else edit.changes[uri]


async def opened(client, text: str):
    uri = new_uri(client)
    open_doc(client, uri, text, language="bicep")
    return uri, await diagnostics(client, uri, 1)


async def test_diagnostics_at_their_place_in_the_bicep_source(client: LanguageClient):
    uri, items = await opened(client, FIXTURE)
    got = brief(items)
    assert got == expected(FIXTURE)
    codes = {g[0]: g for g in got}
    assert {"AIB201", "AIB302"} <= set(codes)
    line, col = pos(FIXTURE, "buildTimeOutInMinutes")
    assert codes["AIB201"][1:3] == (line, col)
    line, col = pos(FIXTURE, "'setup'", nth=1)
    assert codes["AIB302"][1] == line
    assert all(d.source == "aiblint" for d in items)


async def test_a_bicep_file_without_image_templates_gets_nothing(client: LanguageClient):
    text = "resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {\n  name: 'x'\n  location: 'westus2'\n}\n"
    _, items = await opened(client, text)
    assert items == []


async def test_quick_fixes_write_bicep(client: LanguageClient):
    uri, items = await opened(client, FIXTURE)
    casing = next(d for d in items if d.code == "AIB201")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=casing.range,
        context=types.CodeActionContext(diagnostics=[casing])))
    fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and "Disable" not in a.title)
    text = apply_edits(FIXTURE, edits_of(fix, uri))
    assert "    buildTimeoutInMinutes: 90\n" in text and parses(text)
    assert "AIB201" not in [e[0] for e in expected(text)]
    # "Disable AIB302 for this line": a Bicep comment above the line, and the finding is gone.
    dup = next(d for d in items if d.code == "AIB302")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=dup.range,
        context=types.CodeActionContext(diagnostics=[dup])))
    disable = next(a for a in actions if a.title == "Disable AIB302 for this line")
    text = apply_edits(FIXTURE, edits_of(disable, uri))
    assert "        // aiblint-disable-next-line AIB302\n        name: 'setup'" in text and parses(text)
    assert "AIB302" not in [e[0] for e in expected(text)]


async def test_fix_all_leaves_clean_bicep(client: LanguageClient):
    uri, items = await opened(client, FIXTURE)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.aiblint"])))
    assert len(actions) == 1
    text = apply_edits(FIXTURE, edits_of(actions[0], uri))
    assert parses(text)
    left = {e[0] for e in expected(text)}
    assert not {"AIB201", "AIB302"} & left


async def test_document_symbols_of_a_bicep_template(client: LanguageClient):
    uri, _ = await opened(client, FIXTURE)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri)))
    assert [s.name for s in symbols] == ["ubuntu"]
    top = symbols[0]
    assert top.selection_range.start == types.Position(*pos(FIXTURE, "ubuntu 'Microsoft"))
    assert top.range.start == types.Position(*pos(FIXTURE, "resource ubuntu"))
    assert [c.name for c in top.children] == ["source", "customize", "distribute"]
    customize = top.children[1]
    assert [c.name for c in customize.children] == ["setup", "setup"]
    assert customize.children[0].detail == "Shell"


async def test_incremental_edits_match_a_fresh_check(client: LanguageClient):
    """Typing a customizer character by character (half-typed states included), deleting lines and
    replacing text: after each change the server's diagnostics are those of a fresh check."""
    uri, items = await opened(client, FIXTURE)
    text = FIXTURE
    version = 1

    async def edit(a: int, b: int, new: str):
        nonlocal text, version
        version += 1
        start, end = _position(text, a), _position(text, b)
        change(client, uri, version, (start.line, start.character, end.line, end.character, new))
        text = text[:a] + new + text[b:]
        assert brief(await diagnostics(client, uri, version)) == expected(text), text

    at = text.index("    ]\n    distribute")
    for ch in "      {\n        type: 'File'\n        name: 'setup'\n      }\n":
        await edit(at, at, ch)
        at += 1
    assert "AIB302" in [e[0] for e in expected(text)]
    i = text.index("buildTimeOutInMinutes")
    await edit(i + 9, i + 12, "out")  # buildTimeoutInMinutes
    i = text.index("'latest'")
    await edit(i + 1, i + 7, "1.0.0")
    i = text.index("    vmProfile")
    await edit(i, text.index("    source"), "")  # a whole member deleted
    await edit(0, len(text), FIXTURE)  # everything replaced
    i = text.index("  properties: {")
    await edit(i, i, "  tags: {\n")  # unclosed: broken until the next edit
    await edit(i, i + len("  tags: {\n"), "")
    assert brief(await diagnostics(client, uri, version)) == expected(FIXTURE)
