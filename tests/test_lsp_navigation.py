"""Go to definition and references in the example ARM template, also from expression keys."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import config, open_doc, pos, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

ARM = Path(__file__).resolve().parent.parent / "examples" / "good" / "windows-arm-deployment.json"


@pytest_lsp.fixture(config=config(), scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


async def test_a_parameter_used_in_a_key_is_found_both_ways(client: LanguageClient):
    text = ARM.read_text()
    uri = "file:///tmp/aiblint-nav-arm.json"
    open_doc(client, uri, text)
    doc = types.TextDocumentIdentifier(uri)
    declared = pos(text, '"identityId": {', after=1)
    used = pos(text, "[parameters('identityId')]", after=14)
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc, position=types.Position(*used)))
    assert (definition.range.start.line, definition.range.start.character) == (declared[0], declared[1] - 1)
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc, position=types.Position(*declared),
        context=types.ReferenceContext(include_declaration=False)))
    assert [(r.range.start.line, r.range.start.character) for r in refs] == [pos(text, "identityId')]")]


async def test_outline_follows_the_document_order(client: LanguageClient):
    text = ARM.read_text().replace('"customize": [', '"validate": {"inVMValidations": [{"type": "PowerShell", '
                                   '"name": "check", "inline": ["exit 0"]}]},\n        "customize": [', 1)
    uri = "file:///tmp/aiblint-nav-outline.json"
    open_doc(client, uri, text)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri)))
    resources = next(s for s in symbols if s.name == "resources")
    template = resources.children[0]
    assert [s.name for s in template.children] == ["source", "validate", "customize", "distribute"]
    assert [s.name for s in template.children[1].children[0].children] == ["check"]
