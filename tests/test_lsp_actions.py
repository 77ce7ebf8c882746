"""Code actions applied the way a client applies them, then checked again by the server."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsputil import config, diagnostics, open_doc, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

GOOD = Path(__file__).resolve().parent.parent / "examples" / "good" / "ubuntu-shared-gallery.json"


@pytest_lsp.fixture(config=config(), scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client, "neovim")
    yield
    await lsp_client.shutdown_session()


def apply(text: str, edits) -> str:
    lines = text.split("\n")

    def off(p):
        return sum(len(x) + 1 for x in lines[:p.line]) + p.character  # ASCII text

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:off(e.range.start)] + e.new_text + text[off(e.range.end):]
    return text


async def disable(client, uri, text, version, code):
    """The text after choosing "Disable CODE for this line" on the diagnostic ``code``."""
    found = [d for d in await diagnostics(client, uri, version) if d.code == code]
    assert found, code
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=found[0].range,
        context=types.CodeActionContext(diagnostics=found)))
    action = next(a for a in actions if a.title == f"Disable {code} for this line")
    edit = action.edit
    edits = edit.document_changes[0].edits if edit.document_changes else edit.changes[uri]
    return apply(text, edits)


@pytest.mark.parametrize("reason", ["", " -- two codes on one line"])
async def test_disabling_a_second_code_on_one_line_joins_the_first_comment(client: LanguageClient, reason):
    text = GOOD.read_text()
    i = text.index('      {\n        "type": "Shell",\n        "name": "install-motd"')
    text = text[:i] + '      {"type": "Shell", "name": "update-packages", "inline": "x"},\n' + text[i:]
    uri = f"file:///tmp/aiblint-actions-two{len(reason)}.jsonc"
    open_doc(client, uri, text, language="jsonc")
    assert {"AIB202", "AIB302"} <= {d.code for d in await diagnostics(client, uri, 1)}
    text = await disable(client, uri, text, 1, "AIB302")
    text = text.replace("AIB302\n", f"AIB302{reason}\n")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    text = await disable(client, uri, text, 2, "AIB202")
    assert f"      // aiblint-disable-next-line AIB302, AIB202{reason}\n" in text
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    assert [d.code for d in await diagnostics(client, uri, 3)] == []


async def test_fixes_for_the_diagnostics_the_client_names_away_from_the_cursor(client: LanguageClient):
    text = GOOD.read_text().replace('"buildTimeoutInMinutes": 90', '"buildTimeoutInMinutes": "90"')
    uri = "file:///tmp/aiblint-actions-line.json"
    open_doc(client, uri, text)
    found = [d for d in await diagnostics(client, uri, 1) if d.code == "AIB202"]
    line = found[0].range.start.line
    cursor = types.Range(types.Position(line, 0), types.Position(line, 0))  # before the diagnostic's start
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=cursor,
        context=types.CodeActionContext(diagnostics=found)))
    fix = next(a for a in actions if a.title == "Remove the quotes")
    edit = fix.edit
    edits = edit.document_changes[0].edits if edit.document_changes else edit.changes[uri]
    assert '"buildTimeoutInMinutes": 90,' in apply(text, edits)
    # Without the client's diagnostics, only what lies under the cursor counts.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=cursor,
        context=types.CodeActionContext(diagnostics=[])))
    assert [a.title for a in actions or []] == []
