"""Hover against the language server for the template's own API version: keys, type values (also
those of other API versions only) and the rules behind diagnostics."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import config, diagnostics, open_doc, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

OLD = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2019-05-01-preview",
  "location": "westus2",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
    "vmProfile": {"vmSize": "Standard_D2s_v3", "osDiskSizeGB": 64},
    "customize": [
      {"type": "PowerShell", "name": "a", "inline": ["x"], "runElevated": true},
      {"type": "WindowsUpdate", "name": "u"}
    ],
    "distribute": [
      {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/i", "location": "westus2", "runOutputName": "o"}
    ]
  }
}
"""


@pytest_lsp.fixture(config=config(), scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client, "neovim")
    yield
    await lsp_client.shutdown_session()


async def hover(client, uri, text, needle, after=1):
    line, col = pos(text, needle, after=after)
    h = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))
    return h.contents.value if h is not None else None


async def test_hover_on_a_type_value_of_a_later_api_version(client: LanguageClient):
    # WindowsUpdate came with 2019-05-01-preview (its own examples use it).
    early = OLD.replace("2019-05-01-preview", "2019-02-01-preview")
    uri = "file:///tmp/aiblint-hover-early.json"
    open_doc(client, uri, early)
    assert "AIB206" in [d.code for d in await diagnostics(client, uri, 1)]
    text = await hover(client, uri, early, '"WindowsUpdate"')
    assert "AIB206" in text and "**WindowsUpdate customizer**" in text and "2019-05-01-preview and later" in text
    uri = "file:///tmp/aiblint-hover-old.json"
    open_doc(client, uri, OLD)
    await diagnostics(client, uri, 1)
    # The version's own facts: runElevated has no default before 2020-02-14.
    text = await hover(client, uri, OLD, '"runElevated"')
    assert "boolean" in text and "Default" not in text and "2019-05-01-preview and later" in text
    text = await hover(client, uri, OLD, '"PowerShell"')
    assert "runAsSystem" not in text and "runElevated" in text


async def test_a_limit_with_one_bound_reads_as_minimum(client: LanguageClient):
    uri = "file:///tmp/aiblint-hover-min.json"
    text = OLD.replace("2019-05-01-preview", "2024-02-01")
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)
    assert "- Minimum: 0\n" in await hover(client, uri, text, '"osDiskSizeGB"')


async def test_hover_on_the_identity_key_of_user_assigned_identities(client: LanguageClient):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "examples" / "good" / "ubuntu-shared-gallery.json").read_text()
    uri = "file:///tmp/aiblint-hover-identity.json"
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)
    value = await hover(client, uri, text, '"/subscriptions/', after=5)
    assert value.startswith("**userAssignedIdentities entry** · object\n") and "resource ID" in value
    assert await hover(client, uri, text, '"team"') is None  # a tag: free-form, nothing to document


async def test_hover_on_the_type_key_of_an_iso_source_covers_every_version(client: LanguageClient):
    text = OLD.replace('{"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": '
                       '"18.04-LTS", "version": "latest"}', '{"type": "ISO", "sourceUri": "https://x/y.iso", '
                       '"sha256Checksum": "abc"}')
    uri = "file:///tmp/aiblint-hover-iso.json"
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)
    value = await hover(client, uri, text, '"type": "ISO"')
    assert value.startswith("**type** · string · required") and "API versions: all API versions" in value
    assert "`ISO`" in value  # the allowed values of this API version
