"""Language server: a large ARM file made mostly of other resources (what Bicep compiles to) is built lazily:
its checks build the values they walk; diagnostics, hover and an edit are as for a whole tree."""

from __future__ import annotations

import json

from lsprotocol import types

from aiblint.lsp.store import LAZY_SIZE, SMALL, OpenDocument, builds_lazily
from lsputil import brief, change, diagnostics, open_doc, pos, session
from test_lsp import ARM, expected


def _compiled(filler: int) -> str:
    """ARM with the template of ``ARM`` and ``filler`` storage accounts around it, one per line."""
    arm = json.loads(ARM)
    other = [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": f"st{i:05d}",
              "location": "westus2", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
              "properties": {"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": True}} for i in range(filler)]
    head, tail = other[: filler // 2], other[filler // 2 :]
    lines = [json.dumps(r) for r in head] + [json.dumps(arm["resources"][0], indent=2)] + [json.dumps(r) for r in tail]
    arm["resources"] = ["@@"]
    return json.dumps(arm, indent=2).replace('"@@"', ",\n".join(lines))


def test_which_files_are_lazy():
    big = _compiled(1500)
    assert len(big) > LAZY_SIZE and builds_lazily(big)
    assert OpenDocument("file:///tmp/c.json", big, 1, "json").doc.lazy
    assert not builds_lazily(ARM) and not builds_lazily(ARM, split=True)  # small: typing in it patches a whole tree
    # As large, but made of templates (arm-20000 of the benchmarks): opened later, it is built whole.
    templates = json.loads(ARM)
    templates["resources"] *= 400
    many = json.dumps(templates, indent=2)
    assert len(many) > LAZY_SIZE and not builds_lazily(many)
    # Opened in the start-up phase, any file over SMALL is lazy: strict JSON is read without a syntax tree.
    medium = json.dumps(dict(templates, resources=templates["resources"][:20]), indent=2)
    assert SMALL < len(medium) < LAZY_SIZE and builds_lazily(medium, split=True) and not builds_lazily(medium)
    assert builds_lazily(many, split=True) and OpenDocument("file:///tmp/m.json", many, 1, "json", split=True).doc.lazy


async def test_lazy_document_gives_the_diagnostics_hover_and_edits_of_a_whole_one():
    text = _compiled(1500)
    uri = "file:///tmp/aiblint-compiled.json"
    async with session("visual-studio-code") as client:
        open_doc(client, uri, text)
        assert brief(await diagnostics(client, uri, 1)) == expected(text, "/tmp/aiblint-compiled.json")
        line, col = pos(text, '"runOutputName"', after=2)
        h = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))
        assert h is not None and "runOutputName" in h.contents.value
        second = text.index('"setup"', text.index('"setup"') + 1)
        fixed = text[:second] + '"again"' + text[second + len('"setup"'):]
        change(client, uri, 2, fixed)
        assert brief(await diagnostics(client, uri, 2)) == expected(fixed, "/tmp/aiblint-compiled.json")
        assert "AIB302" not in {d[0] for d in brief(await diagnostics(client, uri, 2))}
