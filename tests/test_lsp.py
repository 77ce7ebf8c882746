"""The language server over stdio with a real client (pytest-lsp), VS Code and Neovim presets."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import PRESETS, brief, change, config, diagnostics, open_doc, pos, pushed, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

RAW = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westus2",
  "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}},
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
    "customize": [
      {"type": "Shell", "name": "one", "inline": ["echo hi"]},
      {"type": "Shell", "name": "two", "inline": ["echo hi"]}
    ],
    "distribute": [
      {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/img", "location": "westus2", "runOutputName": "out"}
    ]
  }
}
"""


@pytest_lsp.fixture(config=config("--log-file", "/tmp/lsptest.log", "--log-level", "debug"), params=PRESETS, scope="module")
async def client(lsp_client: LanguageClient, request):
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


async def test_clean_template_has_no_diagnostics(client: LanguageClient):
    uri = "file:///tmp/lsp-clean.json"
    open_doc(client, uri, RAW)
    assert brief(await diagnostics(client, uri, 1)) == []


async def test_duplicate_name_after_edit(client: LanguageClient):
    uri = "file:///tmp/lsp-dup.json"
    open_doc(client, uri, RAW)
    assert await diagnostics(client, uri, 1) == []
    line, col = pos(RAW, '"two"', after=1)
    change(client, uri, 2, (line, col, line, col + 3, "one"))
    items = await diagnostics(client, uri, 2)
    assert [d.code for d in items] == ["AIB302"]
