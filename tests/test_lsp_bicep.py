"""The language server with ``.bicep`` documents over stdio: diagnostics as you type, quick fixes, fix all."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import PRESETS, brief, change, config, diagnostics, open_doc, pos, start
from test_lsp_actions import apply

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = """param location string = 'westeurope'

resource image 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
  name: 'image-${suffix}'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    source: {
      type: 'platformImage'
      publisher: 'Canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: '24.04.202501010'
    }
    distribute: [
      {
        type: 'VHD'
        runOutputName: 'vhd'
      }
    ]
  }
}
"""


@pytest_lsp.fixture(config=config(), params=PRESETS, scope="module")
async def client(lsp_client: LanguageClient, request):
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


def _edits(action, uri):
    edit = action.edit
    return edit.document_changes[0].edits if edit.document_changes else edit.changes[uri]


async def _actions(client, uri, found, only=None):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=found[0].range,
        context=types.CodeActionContext(diagnostics=found, only=only)))


async def test_diagnostics_on_open_and_while_typing(client: LanguageClient):
    uri = "file:///tmp/aiblint-lsp/main.bicep"
    open_doc(client, uri, TEXT, language="bicep")
    line, char = pos(TEXT, "'platformImage'")
    assert brief(await diagnostics(client, uri, 1)) == [("AIB204", line, char, line, char + 15)]
    # Typing a misspelt key: reported at the key, and gone when corrected.
    at = pos(TEXT, "      sku:")
    change(client, uri, 2, (at[0], 6, at[0], 9, "skew"))
    assert brief(await diagnostics(client, uri, 2)) == [("AIB200", at[0], 6, at[0], 10),
                                                        ("AIB204", line, char, line, char + 15)]
    change(client, uri, 3, (at[0], 6, at[0], 10, "sku"))
    assert [d.code for d in await diagnostics(client, uri, 3)] == ["AIB204"]
    # A half-typed line breaks the grammar: no syntax error is reported for it, the rest is still checked.
    out = pos(TEXT, "        runOutputName")
    change(client, uri, 4, (out[0] + 1, 0, out[0] + 1, 0, "        replica\n"))
    assert [d.code for d in await diagnostics(client, uri, 4)] == ["AIB204"]


async def test_quick_fix_and_fix_all_write_bicep(client: LanguageClient):
    uri = "file:///tmp/aiblint-lsp/fix.bicep"
    text = TEXT.replace("runOutputName: 'vhd'", "runOutputname: 'vhd'")
    open_doc(client, uri, text, language="bicep")
    found = await diagnostics(client, uri, 1)
    assert [d.code for d in found] == ["AIB204", "AIB201"]
    actions = await _actions(client, uri, [found[1]])
    quick = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.title.startswith("Rename"))
    assert apply(text, _edits(quick, uri)) == text.replace("runOutputname", "runOutputName")
    disable = next(a for a in actions if a.title == "Disable AIB201 for this line")
    assert "        // aiblint-disable-next-line AIB201\n        runOutputname: 'vhd'" in apply(text, _edits(disable, uri))
    (fix_all,) = await _actions(client, uri, found, only=["source.fixAll.aiblint"])
    fixed = apply(text, _edits(fix_all, uri))
    assert fixed == TEXT.replace("'platformImage'", "'PlatformImage'")
    change(client, uri, 2, fixed)
    assert await diagnostics(client, uri, 2) == []


async def test_language_id_bicep_without_a_file_name(client: LanguageClient):
    uri = "untitled:Untitled-1"
    open_doc(client, uri, TEXT, language="bicep")
    assert [d.code for d in await diagnostics(client, uri, 1)] == ["AIB204"]


async def test_a_bicep_file_without_image_templates_gets_nothing(client: LanguageClient):
    uri = "file:///tmp/aiblint-lsp/storage.bicep"
    open_doc(client, uri, "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x'\n}\n",
             language="bicep")
    assert await diagnostics(client, uri, 1) == []
    completion = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(1, 2)))
    assert completion is None or list(completion.items) == []  # Bicep's own resources are Bicep's


async def test_hover_outside_the_body_of_a_bicep_template_is_nothing(client: LanguageClient):
    # The resource's type string and name have no place in the schema (hovering on the type once failed).
    uri = "file:///tmp/aiblint-lsp/hover-outside.bicep"
    open_doc(client, uri, TEXT, language="bicep")
    await diagnostics(client, uri, 1)
    line, char = pos(TEXT, "'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01'")
    for at in (char - 8, char - 3, char, char + 1, char + 20, char + 60):
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, at)))
        assert hover is None, at


async def test_hover_documents_keys_in_bicep(client: LanguageClient):
    uri = "file:///tmp/aiblint-lsp/hover.bicep"
    open_doc(client, uri, TEXT, language="bicep")
    await diagnostics(client, uri, 1)
    line, char = pos(TEXT, "runOutputName")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, char + 2)))
    assert hover.contents.value.startswith("**runOutputName** · string · required")
