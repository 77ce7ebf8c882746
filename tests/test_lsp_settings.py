"""Language server: settings, configuration files, position encodings, faults and shutdown."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

import pytest
from lsprotocol import types

from lsputil import change, diagnostics, open_doc, pushed, session
from test_lsp import RAW

DUP = RAW.replace('"two"', '"one"')


def codes(items) -> list[str]:
    return sorted(d.code for d in items)


async def test_initialization_options_and_did_change_configuration():
    async with session("visual-studio-code", init_options={"aiblint": {"ignore": ["AIB302"]}}) as client:
        uri = "file:///tmp/aiblint-settings-a.json"
        open_doc(client, uri, DUP)
        assert codes(await diagnostics(client, uri, 1)) == []
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"aiblint": {"severity": {"AIB302": "error"}}}))
        for _ in range(50):
            got = client.diagnostics.get(uri, [])
            if [d.code for d in got] == ["AIB302"]:
                break
            await asyncio.sleep(0.1)
        assert [(d.code, d.severity) for d in client.diagnostics[uri]] == [("AIB302", types.DiagnosticSeverity.Error)]


async def test_workspace_configuration_is_fetched_on_change():
    async with session("neovim") as client:
        uri = "file:///tmp/aiblint-settings-b.json"
        open_doc(client, uri, DUP)
        assert codes(await diagnostics(client, uri, 1)) == ["AIB302"]
        client.set_configuration({"select": ["AIB2"]}, section="aiblint")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        for _ in range(50):
            if codes(await diagnostics(client, uri, 1)) == []:
                break
            await asyncio.sleep(0.1)
        assert codes(await diagnostics(client, uri, 1)) == []


async def test_config_file_is_read_reloaded_and_errors_are_shown(tmp_path: Path):
    config = tmp_path / ".aiblint.yaml"
    config.write_text("ignore:\n  - AIB302\n")
    doc = tmp_path / "template.json"
    uri = doc.as_uri()
    async with session("visual-studio-code") as client:
        open_doc(client, uri, DUP)
        assert codes(await diagnostics(client, uri, 1)) == []
        config.write_text("ignore: []\n")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
        for _ in range(50):
            if codes(client.diagnostics.get(uri, [])) == ["AIB302"]:
                break
            await asyncio.sleep(0.1)
        assert codes(client.diagnostics[uri]) == ["AIB302"]
        # A broken configuration: a message, a diagnostic on the file, defaults for the documents.
        config.write_text("ignore: [AIB302\nselect: 5\n")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
        for _ in range(50):
            if client.diagnostics.get(config.as_uri()):
                break
            await asyncio.sleep(0.1)
        assert client.diagnostics[config.as_uri()][0].severity == types.DiagnosticSeverity.Error
        assert any(".aiblint.yaml" in m.message for m in client.messages)
        change(client, uri, 2, (0, 0, 0, 0, " "))
        assert codes(await diagnostics(client, uri, 2)) == ["AIB302"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_position_encodings_with_non_ascii_text(encoding):
    name = "é😀漢字"
    text = DUP.replace('"one", "inline": ["echo hi"]}', f'"one", "inline": ["{name}"], "x": 1}}', 1)
    text = text.replace("\n", "\r\n")
    async with session("neovim", encodings=[encoding]) as client:
        assert client.init_result.capabilities.position_encoding == encoding
        uri = f"file:///tmp/aiblint-enc-{encoding}.json"
        open_doc(client, uri, text)
        items = await diagnostics(client, uri, 1)
        unknown = next(d for d in items if d.code == "AIB200")
        line = text.split("\r\n")[8]
        prefix = line[: line.index('"x"')]
        units = {"utf-8": len(prefix.encode("utf-8")), "utf-16": len(prefix.encode("utf-16-le")) // 2,
                 "utf-32": len(prefix)}[encoding]
        assert (unknown.range.start.line, unknown.range.start.character) == (8, units)
        # An edit after the non-ASCII text, in the same encoding.
        change(client, uri, 2, (8, units, 8, units + 3, '"y"'))
        again = await diagnostics(client, uri, 2)
        assert next(d for d in again if d.code == "AIB200").message.count("'y'") == 1


CRASH = textwrap.dedent('''
    import aiblint.rules.aib302_duplicate_customizer_name as m

    def check(ctx):
        raise RuntimeError("rule exploded")
        yield

    m.check = check
''')


async def test_a_crashing_rule_is_logged_and_the_server_goes_on(tmp_path: Path):
    (tmp_path / "sitecustomize.py").write_text(CRASH)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    async with session("neovim", env=env) as client:
        uri = "file:///tmp/aiblint-crash.json"
        text = DUP.replace('"location": "westus2"', '"location": "mars"', 1)
        open_doc(client, uri, text)
        got = codes(await diagnostics(client, uri, 1))
        assert "AIB302" not in got and got  # the other rules still report
        assert any("AIB302" in m.message and "internal error" in m.message for m in client.log_messages)


async def test_malformed_messages_and_a_huge_document():
    async with session("neovim") as client:
        for body in (b'{"jsonrpc": "2.0", "id": 98, "method": "textDocument/hover", "params": {"textDocument": 5}}',
                     b'{"jsonrpc": "2.0", "id": 99, "method": ', b'[1, 2, 3]'):
            client.protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        huge = '{"data": "' + "x" * (50 * 1024 * 1024) + '"}'
        open_doc(client, "file:///tmp/aiblint-huge.json", huge)
        uri = "file:///tmp/aiblint-after-huge.json"
        open_doc(client, uri, DUP)
        assert codes(await diagnostics(client, uri, 1)) == ["AIB302"]


async def test_shutdown_and_exit():
    s = session("visual-studio-code")
    client = await s.__aenter__()
    await client.shutdown_async(None)
    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), 10)
    assert code == 0
    await client.stop()


class _Sizes:
    """A local HTTP server that answers HEAD with the size named in the path (/big, /small)."""

    def __enter__(self):
        import http.server
        import threading

        sizes = {"/big.bin": 25 * 1024 * 1024, "/small.bin": 1024 * 1024}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                size = sizes.get(self.path)
                self.send_response(200 if size else 404)
                self.send_header("Content-Length", str(size or 0))
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc):
        self.httpd.shutdown()


async def test_online_findings_arrive_after_the_first_publish():
    with _Sizes() as base:
        text = RAW.replace('{"type": "Shell", "name": "two", "inline": ["echo hi"]}',
                           '{"type": "File", "name": "big", "sourceUri": "' + base + '/big.bin", '
                           '"sha256Checksum": "' + "0" * 64 + '", "destination": "/tmp/big.bin"}')
        async with session("visual-studio-code", init_options={"online": True}) as client:
            uri = "file:///tmp/aiblint-online.json"
            open_doc(client, uri, text)
            first = await pushed(client, uri, 1)
            assert "AIB304" not in codes(first)
            for _ in range(100):
                if "AIB304" in codes(client.diagnostics.get(uri, [])):
                    break
                await asyncio.sleep(0.1)
            assert "AIB304" in codes(client.diagnostics[uri])
            # A small file is fine.
            small = text.replace("/big.bin", "/small.bin")
            change(client, uri, 2, small)
            assert "AIB304" not in codes(await pushed(client, uri, 2))
            await asyncio.sleep(1.0)
            assert "AIB304" not in codes(client.diagnostics[uri])


async def test_tcp_transport_answers_initialize(tmp_path: Path):
    import json
    import socket
    import subprocess

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "server.log"
    proc = subprocess.Popen([sys.executable, "-m", "aiblint", "--tcp", "--host", "127.0.0.1", "--port", str(port),
                             "--log-file", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                await asyncio.sleep(0.1)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"capabilities": {}}}).encode()
        conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        data = b""
        while b'"serverInfo"' not in data:
            chunk = conn.recv(65536)
            assert chunk
            data += chunk
        assert b'"name": "aiblint"' in data
        conn.close()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert out == b"" and err == b""  # nothing on stdout or stderr
    assert "position encoding" in log.read_text()
