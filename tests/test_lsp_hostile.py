"""The language server under hostile input: the text never drifts from the editor's, diagnostics
equal the CLI's, a flood of findings is capped, and malformed JSON-RPC never leaves it deaf."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time

import pytest

from aiblint import engine
from aiblint.document import Document
from lsputil import brief, change, diagnostics, open_doc, session
from test_fuzz_documents import model_apply


RAW = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westus2",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical"},
    "customize": [{"type": "Shell", "name": "é😀\ud800", "inline": ["echo hi"]}]
  }
}
"""


def expected(text: str, encoding: str, path: str = "/tmp/x.json") -> list[tuple]:
    """What ``--check`` says about ``text``, as (code, line, char, line, char) in ``encoding``."""
    result = engine.lint(Document(text, path))
    if not result.is_template:
        return []
    lines = result.document.lines
    return sorted((d.code, *(lambda r: (r.start.line, r.start.character, r.end.line, r.end.character))(
        lines.range(d.span, encoding))) for d in result.diagnostics)


EDITS = [
    # Line 6 holds é (column 45), 😀 and a lone surrogate. Inside é in UTF-8, between the halves of 😀 in
    # UTF-16, around the lone surrogate, past the line's end, past the document's end: each edit lands where
    # the specification says, and the server's text stays the editor's.
    [(6, 46, 6, 46, "x")],
    [(6, 48, 6, 48, "y")],
    [(6, 49, 6, 51, "")],
    [(6, 50, 6, 51, "Z")],
    [(6, 300, 6, 400, " ")],
    [(60, 0, 70, 5, "\n")],
    [(6, 60, 6, 61, '"oops')],  # breaks the syntax on that line: the columns must still match
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_edits_at_odd_positions_keep_the_text_and_the_cli_diagnostics(encoding):
    uri = "file:///tmp/x.json"
    async with session("neovim", encodings=[encoding]) as client:
        open_doc(client, uri, RAW)
        text = RAW
        version = 1
        for batch in EDITS:
            version += 1
            change(client, uri, version, *batch)
            for l1, c1, l2, c2, new in batch:
                text = model_apply(text, (l1, c1), (l2, c2), new, encoding)
            got = brief(await diagnostics(client, uri, version))
            assert got == expected(text, encoding), (batch, text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
async def test_completion_and_hover_after_a_lone_surrogate(encoding):
    from lsprotocol import types

    uri = "file:///tmp/x.json"
    async with session("neovim", encodings=[encoding]) as client:
        open_doc(client, uri, RAW)
        for character in range(44, 56):
            where = types.Position(6, character)
            doc = types.TextDocumentIdentifier(uri=uri)
            await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=where))
            await client.text_document_hover_async(types.HoverParams(text_document=doc, position=where))


async def test_a_byte_order_mark_in_a_full_change_counts_as_a_column():
    uri = "file:///tmp/x.json"
    async with session("neovim") as client:
        open_doc(client, uri, RAW)
        text = "\ufeff" + RAW.replace('"location": "westus2",', '"location": "westus2"')
        change(client, uri, 2, text)
        change(client, uri, 3, (3, 24, 3, 24, " \"a\": 1,"))
        text = model_apply(text, (3, 24), (3, 24), " \"a\": 1,", "utf-16")
        got = brief(await diagnostics(client, uri, 3))
        assert got == expected(text, "utf-16")
        assert any(code == "AIB100" for code, *_ in got)


async def test_yaml_raw_template_without_quoted_source_is_checked():
    uri = "file:///tmp/t.yaml"
    text = "location: westus2\nproperties:\n  source:\n    type: PlatformImage\n  customize: []\n"
    async with session("visual-studio-code") as client:
        open_doc(client, uri, text, language="yaml")
        got = brief(await diagnostics(client, uri, 1))
        result = engine.lint(Document(text, "/tmp/t.yaml"))
        assert len(got) == len(result.diagnostics) > 0


async def test_a_flood_of_syntax_findings_is_capped_as_in_the_cli():
    uri = "file:///tmp/x.json"
    flood = '"x": "abc\n' + '{"a": "b\n' * 2000
    async with session("neovim") as client:
        open_doc(client, uri, RAW)
        change(client, uri, 2, (2, 0, 2, 0, flood))
        text = model_apply(RAW, (2, 0), (2, 0), flood, "utf-16")
        start = time.monotonic()
        got = await diagnostics(client, uri, 2)
        assert time.monotonic() - start < 10
        assert brief(got) == expected(text, "utf-16")
        assert len(got) <= engine.MAX_PER_CODE + 5
        assert got[-1].message.startswith("… and ") or any(d.message.startswith("… and ") for d in got)


# -- malformed JSON-RPC -----------------------------------------------------------------------------------


def frame(body, length=None) -> bytes:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    n = len(data) if length is None else length
    return b"Content-Length: " + str(n).encode() + b"\r\n\r\n" + data


INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}


def hover(i: int) -> dict:
    return {"jsonrpc": "2.0", "id": i, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///x.json"}, "position": {"line": 0, "character": 0}}}


MALFORMED = {
    "huge length": (frame(b"{}", "99999999999"), []),
    "no length": (b"\r\n" + json.dumps(hover(50)).encode(), []),
    "length not a number": (frame(hover(51), "abc"), [(51, -32600)]),
    "negative length": (frame(hover(54), "-5"), [(54, -32600)]),
    "length too short": (frame(hover(52), 10), []),
    "length too long": (frame(hover(53), 400), [(53, None)]),
    "array body": (frame([1, 2]), []),
    "number body": (frame(b"42"), []),
    "broken JSON with an id": (frame(b'{"jsonrpc": "2.0", "id": 57, "method": "textDocument/hover", "params": {'),
                               [(57, -32700)]),
    "notification with an id": (frame({"jsonrpc": "2.0", "id": 55, "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": "file:///y.json", "languageId": "json", "version": 1, "text": "{}"}}}),
        [(55, -32600)]),
    "configuration change with an id": (frame({"jsonrpc": "2.0", "id": 58, "method":
                                               "workspace/didChangeConfiguration", "params": {"settings": {}}}),
                                        [(58, -32600)]),
    "unknown method": (frame({"jsonrpc": "2.0", "id": 56, "method": "foo/bar", "params": {}}), [(56, -32601)]),
}


def responses(out: bytes) -> list[dict]:
    found = []
    for part in out.split(b"Content-Length:")[1:]:
        body = part[part.find(b"{"):]
        try:
            found.append(json.loads(body))
        except ValueError:
            pass
    return [m for m in found if "id" in m and "method" not in m]


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_messages_get_an_answer_where_possible_and_the_server_reads_on(name):
    bad, answers = MALFORMED[name]
    proc = subprocess.Popen([sys.executable, "-m", "aiblint", "--stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write(frame(INIT) + bad + frame(hover(99)) + frame({"jsonrpc": "2.0", "id": 100, "method": "shutdown"})
                         + frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.close()
        out = b""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
        proc.wait(20)
        err = proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    got = responses(out)
    by_id = {m["id"]: m for m in got}
    assert 99 in by_id and "error" not in by_id[99], "the server stopped reading"
    expected_ids = {1, 99, 100} | {i for i, _ in answers}
    assert set(by_id) == expected_ids
    for i, code in answers:
        assert by_id[i].get("error", {}).get("code") == code
    assert err == ""
    assert proc.returncode == 0


HOSTILE_DOCS = {
    "alias.yaml": "type: Microsoft.VirtualMachineImages/imageTemplates\nproperties:\n  source: {type: PlatformImage}\n"
                  "  x:\n    l0: &a0 [a, a, a, a]\n"
                  + "".join(f"    l{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, 14)),
    "deep.json": '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "x": ' + "[" * 150_000,
    "flood.json": '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "x": "abc\n' + '{"a": "b\n' * 20_000,
    "location.json": '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "location": "' + "westus" * 30_000
                     + '", "properties": {"source": {"type": "PlatformImage"}}}',
}


def peak_memory_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
async def test_hostile_documents_are_checked_in_bounded_time_and_memory():
    async with session("neovim") as client:
        for name, text in HOSTILE_DOCS.items():
            uri = f"file:///tmp/{name}"
            start = time.monotonic()
            open_doc(client, uri, text, language=name.rsplit(".", 1)[1])
            got = await diagnostics(client, uri, 1)
            elapsed = time.monotonic() - start
            # Wall time on a shared machine: generous, but far below the seconds each once took.
            assert elapsed < 4 * max(len(text.encode()) / 100_000, 1), name
            assert brief(got) == expected(text, "utf-16", f"/tmp/{name}"), name
        peak = peak_memory_mb(client._server.pid)
        print(f"\nserver peak memory after the hostile documents: {peak:.0f} MB")
        assert peak < 200


class Trickle:
    """A stream that hands out a few bytes at a time, as a slow pipe does."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step, self.at = data, step, 0

    def read1(self, n: int) -> bytes:
        chunk = self.data[self.at : self.at + min(n, self.step)]
        self.at += len(chunk)
        return chunk


@pytest.mark.parametrize("step", [1, 3, 7, 65536])
def test_message_framing_survives_slow_pipes_and_bad_headers(step):
    from aiblint.lsp.transport import _Reader

    text = {"jsonrpc": "2.0", "method": "x", "params": {"text": "Content-Length: 5\r\n\r\n é😀"}}
    data = (b"Content-Type: application/vscode-jsonrpc\r\n" + frame(text) + frame(b"{}", "abc") + b"noise\r\n"
            + frame(b"[1]", 10) + frame(b'{"a": 1}'))
    reader = _Reader(Trickle(data, step))
    bodies = list(iter(reader.next, None))
    assert bodies[0] == json.dumps(text).encode()
    assert bodies[-1] == b'{"a": 1}'


@pytest.mark.parametrize("step", [1, 5, 65536])
def test_a_header_name_in_any_case_frames_a_message(step):
    from aiblint.lsp.transport import _Reader

    data = b"CONTENT-length: 2\r\n\r\n{}content-Length:3\r\n\r\n[1]" + b"Content-Length: 11\r\n\r\n" + b'{"a": "b"}x'
    bodies = list(iter(_Reader(Trickle(data, step)).next, None))
    assert bodies == [b"{}", b"[1]", b'{"a": "b"}x']


def test_the_header_word_is_found_in_any_case_in_any_part_of_the_buffer():
    """``_find_word`` lowers the whole buffer when the range is most of it, else just the range: either way
    the answer is that of the range's own lower-case text."""
    import random

    from aiblint.lsp.transport import _find_word

    rng = random.Random(7)
    pieces = [b"content-length", b"CONTENT-LENGTH", b"Content-Length", b"conTent-lEngth", b"content", b"-length",
              b"x", b"\r\n", b"\xc3\xa9"]
    for _ in range(20_000):
        buf = bytearray(b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))))
        start = rng.randint(0, len(buf) + 2)
        end = rng.choice([None, rng.randint(0, len(buf) + 20)])
        at = buf[start:end].lower().find(b"content-length")
        assert _find_word(buf, start, end) == (at if at < 0 else start + at), (buf, start, end)


@pytest.mark.parametrize("body", [
    # A long line of header names inside a string: each was read to the end of the line (37 s).
    b'{"x": "' + b"content-length: " * 60_000 + b'"}',
    # Header lines inside a body whose text so far is valid JSON: each was parsed to the end (26 s).
    b'{"a": [' + b"1," * 4_000_000 + (b"[" + b"1," * 30_000 + b"\r\ncontent-length: 5\r\n\r\n") * 200 + b"]}",
], ids=["header names in a string", "header lines in a long body"])
def test_headers_inside_a_hostile_body_are_read_in_bounded_time(body):
    from aiblint.lsp.transport import _Reader

    data = b"Content-Length: %d\r\n\r\n" % len(body) + body + b"Content-Length: 2\r\n\r\n{}"
    start = time.monotonic()
    bodies = list(iter(_Reader(Trickle(data, 65536)).next, None))
    assert time.monotonic() - start < 5
    assert bodies == [body, b"{}"]
