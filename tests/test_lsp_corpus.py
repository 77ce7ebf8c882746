"""Every JSON file of the real-world corpus, opened in one server session: no crash, and the same
diagnostics (code, range, message) as the engine gives ``--check``."""

from __future__ import annotations

from lsprotocol import types

from aiblint.document import Document
from aiblint.engine import lint
from lsputil import open_doc, session


def _expected(text: str, path: str) -> list[tuple]:
    result = lint(Document(text, path))
    if not result.is_template:
        return []
    lines = result.document.lines
    out = []
    for d in result.diagnostics:
        if d.path is not None:
            continue
        r = lines.range(d.span)
        out.append((d.code, r.start.line, r.start.character, r.end.line, r.end.character, d.message))
    return sorted(out)


async def test_corpus_files_give_the_check_diagnostics(corpus_dir):
    files = sorted((corpus_dir / "real").rglob("*.json"))
    assert files
    async with session("neovim") as client:
        checked = templates = 0
        for path in files:
            try:
                text = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue
            uri = path.as_uri()
            open_doc(client, uri, text)
            report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri)))
            got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line,
                          d.range.end.character, d.message) for d in report.items)
            assert got == _expected(text, str(path)), path
            client.text_document_did_close(types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri)))
            checked += 1
            templates += bool(got)
        assert checked > 200 and templates > 50


async def test_seed_document_snippets(reference_dir):
    from test_syntax_seed import SEED, snippets

    found = snippets((reference_dir / SEED).read_text(encoding="utf-8"))
    assert found
    async with session("visual-studio-code") as client:
        from lsputil import pushed

        for i, (_line, text) in enumerate(found):
            uri = f"file:///tmp/aiblint-seed-{i}.json"
            open_doc(client, uri, text)
            got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line,
                          d.range.end.character, d.message) for d in await pushed(client, uri, 1))
            assert got == _expected(text, f"/tmp/aiblint-seed-{i}.json"), i
