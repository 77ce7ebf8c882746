"""The start-up phase of the language server (aiblint.lsp.front): the same answers, before pygls is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_lsp import client_capabilities

from aiblint.lsp.capabilities import initialize_result

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = (ROOT / "examples" / "bad" / "typos-and-mistakes.json").read_text(encoding="utf-8")


def _message(obj) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _messages(data: bytes) -> list[dict]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(next(v for k, _, v in (h.partition(b":") for h in head.split(b"\r\n"))
                          if k.strip().lower() == b"content-length"))
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def _full_server_initialize(params: dict) -> dict:
    """What pygls answers for the server build_server() makes (the full server, in process)."""
    from aiblint.lsp.server import build_server

    sent = []

    class Writer:
        def write(self, data):
            sent.append(data if isinstance(data, bytes) else data.encode())

        def close(self):
            pass

    server = build_server()
    protocol = server.protocol
    protocol.set_writer(Writer())
    protocol.handle_message(json.loads(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                   "params": params}), object_hook=protocol.structure_message))
    return _messages(b"".join(sent))[0]["result"]


def _preset(name: str) -> dict:
    from pygls.protocol import default_converter

    return default_converter().unstructure(client_capabilities(name))


@pytest.mark.parametrize("capabilities", [
    {},
    {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
    {"general": {"positionEncodings": ["utf-32"]}},
    {"general": {"positionEncodings": ["latin-1"]}},
    {"textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": False}},
     "notebookDocument": {"synchronization": {}}},
    "visual-studio-code",
    "neovim",
])
def test_initialize_result_is_the_full_servers(capabilities):
    caps = _preset(capabilities) if isinstance(capabilities, str) else capabilities
    params = {"processId": None, "rootUri": None, "capabilities": caps}
    assert initialize_result(params) == _full_server_initialize(params)


SCRIPT = r"""
import gc, io, json, sys
from aiblint.lsp.front import Front, _BufferedLog
from aiblint.lsp.front import serve  # noqa: F401
import aiblint.engine, aiblint.catalog
messages = json.loads(sys.argv[1])
stdin = io.BytesIO(b"".join(b"Content-Length: %d\r\n\r\n" % len(m.encode()) + m.encode() for m in messages))
out = io.BytesIO()
front = Front(out, _BufferedLog())
collections = []
gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
assert front.run(stdin)
print(json.dumps({"delivered": front.delivered, "unusual": front.unusual,
                  "collections": collections, "gc_enabled": gc.isenabled(),
                  "framework": sorted(m for m in sys.modules if m.split(".")[0] in ("pygls", "lsprotocol")),
                  "out": out.getvalue().decode()}))
"""


def _front(messages: list[dict]) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps([json.dumps(m) for m in messages])],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(proc.stdout)


def _session_start(uri: str, pull: bool) -> list[dict]:
    caps = {"textDocument": {"diagnostic": {}}} if pull else {}
    return [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "capabilities": caps}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "json", "version": 1, "text": TEMPLATE}}}]


@pytest.mark.parametrize("pull", [True, False])
def test_first_diagnostics_go_out_without_loading_pygls(pull):
    uri = "file:///tmp/aiblint-front.json"
    messages = _session_start(uri, pull)
    if pull:
        messages.append({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic",
                         "params": {"textDocument": {"uri": uri}}})
    got = _front(messages)
    assert got["delivered"] and not got["unusual"]
    assert got["framework"] == []
    # The collector waits until the first diagnostics are out, then collects everything once.
    assert got["collections"] == [2] and got["gc_enabled"]
    answers = _messages(got["out"].encode())
    assert answers[0]["id"] == 1 and "capabilities" in answers[0]["result"]
    items = answers[1]["result"]["items"] if pull else answers[1]["params"]["diagnostics"]
    assert {"AIB200", "AIB201"} & {d["code"] for d in items}


def test_what_the_first_check_needs_is_loaded_once_initialize_is_answered():
    script = r"""
import io, json, sys
from aiblint.lsp.front import Front, _BufferedLog, _warm_up
_warm_up()
first_check = ["aiblint.lsp.diagnostics", "aiblint.lsp.store", "aiblint.discover", "aiblint.split", "tree_sitter_powershell"]
before = [m for m in first_check if m in sys.modules]
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}).encode()
out = io.BytesIO()
Front(out, _BufferedLog()).run(io.BytesIO(b"Content-Length: %d\r\n\r\n" % len(body) + body))
print(json.dumps({"before": before, "after": [m for m in first_check if m in sys.modules],
                  "answered": b'"id": 1' in out.getvalue()}))
"""
    got = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                                    check=True).stdout)
    assert got["answered"] and got["before"] == []
    assert got["after"] == ["aiblint.lsp.diagnostics", "aiblint.lsp.store", "aiblint.discover", "aiblint.split",
                            "tree_sitter_powershell"]


def _stdio_session(messages: list[dict], expect: int) -> list[dict]:
    """Send ``messages`` to ``aiblint --stdio`` and read answers until ``expect`` responses (with ids) came."""
    proc = subprocess.Popen([sys.executable, "-m", "aiblint", "--stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(b"".join(_message(m) for m in messages))
        proc.stdin.flush()
        got = []
        while sum(1 for m in got if "id" in m and "method" not in m) < expect:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                byte = proc.stdout.read(1)
                assert byte, "server ended"
                head += byte
            length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
            got.append(json.loads(proc.stdout.read(length)))
        return got
    finally:
        proc.kill()
        proc.wait()


def test_each_request_is_answered_once_and_the_full_server_takes_over():
    uri = "file:///tmp/aiblint-front.json"
    messages = _session_start(uri, pull=True) + [
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
         "params": {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 6}}},
        {"jsonrpc": "2.0", "id": 4, "method": "textDocument/diagnostic",
         "params": {"textDocument": {"uri": uri}, "previousResultId": "1"}},
        {"jsonrpc": "2.0", "id": 5, "method": "shutdown"},
    ]
    got = _stdio_session(messages, expect=5)
    responses = [m for m in got if "id" in m and "method" not in m]
    assert [m["id"] for m in responses] == [1, 2, 3, 4, 5]
    first = responses[1]["result"]
    assert first["kind"] == "full" and first["items"]
    # The full server has the document, checked, with the same result id: nothing changed since.
    assert responses[3]["result"] == {"kind": "unchanged", "resultId": first["resultId"]}


def test_a_session_that_starts_unusually_is_served_by_the_full_server():
    uri = "file:///tmp/aiblint-front.json"
    start = _session_start(uri, pull=True)
    messages = [start[0], {"jsonrpc": "2.0", "method": "$/setTrace", "params": {"value": "off"}}, *start[1:],
                {"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic",
                 "params": {"textDocument": {"uri": uri}}}]
    got = _stdio_session(messages, expect=2)
    responses = [m for m in got if "id" in m and "method" not in m]
    assert [m["id"] for m in responses] == [1, 2]
    assert responses[1]["result"]["items"]


TREES_SCRIPT = r"""
import io, json, sys
from aiblint.lsp.front import Front, _BufferedLog
messages = json.loads(sys.stdin.read())
stdin = io.BytesIO(b"".join(b"Content-Length: %d\r\n\r\n" % len(m.encode()) + m.encode() for m in messages))
front = Front(io.BytesIO(), _BufferedLog())
pending_at_answer = []
send = front._send_data
def _send_data(message):
    if message.get("id") == 2:
        pending_at_answer.extend(od.doc.tree_pending for od in front.documents.values())
    send(message)
front._send_data = _send_data
assert front.run(stdin)
od = next(iter(front.documents.values()))
print(json.dumps({"pending_at_answer": pending_at_answer, "pending_after": od.doc.tree_pending,
                  "tree_ok": not od.doc.tree.root_node.has_error, "lazy": od.doc.lazy}))
"""


def test_a_large_file_of_strict_json_is_answered_before_its_syntax_tree_is_made():
    """The first check reads strict JSON without a syntax tree; the tree is made once the answer is out."""
    from test_lsp_incremental import make_arm

    uri = "file:///tmp/aiblint-front-large.json"
    text = make_arm(7, n=300)
    assert len(text) > 256 * 1024
    messages = _session_start(uri, True)
    messages[2]["params"]["textDocument"]["text"] = text
    messages.append({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic",
                     "params": {"textDocument": {"uri": uri}}})
    proc = subprocess.run([sys.executable, "-c", TREES_SCRIPT], input=json.dumps([json.dumps(m) for m in messages]),
                          capture_output=True, text=True, timeout=120, check=True)
    got = json.loads(proc.stdout)
    assert got == {"pending_at_answer": [True], "pending_after": False, "tree_ok": True, "lazy": True}
