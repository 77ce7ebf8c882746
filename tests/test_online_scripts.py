"""Downloads for AIB406 and the script checks, against a real HTTP server on 127.0.0.1 (no internet needed)."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from aiblint import online
from aiblint.document import Document
from aiblint.engine import lint
from aiblint.settings import Settings
from test_scripts_local import SCRIPT, SHA, WRONG, template

BIG = 64 * 1024


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/moved.sh":
            self.send_response(301)
            self.send_header("Location", "/setup.sh")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/setup.sh":
            body = SCRIPT
        elif self.path == "/big.sh":
            body = b"echo x\n" * (BIG // 7 + 1)
        elif self.path == "/chunked.sh":
            # No length given: the limit is enforced while reading.
            self.send_response(200)
            self.end_headers()
            for _ in range(BIG // 1024 + 2):
                self.wfile.write(b"#" * 1023 + b"\n")
            return
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    online.clear_cache()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.requests = []
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    srv.base = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()
    online.clear_cache()


def _lint(text, **settings):
    return lint(Document(text, "t.json"), Settings(**settings))


def test_no_download_without_online(server):
    result = _lint(template(server.base + "/setup.sh", WRONG))
    assert not [d for d in result.diagnostics if d.code in ("AIB406", "AIB404")]
    assert server.requests == []


def test_online_mismatch_with_unsafe_fix_and_script_checks(server):
    url = server.base + "/setup.sh"
    result = _lint(template(url, WRONG), online=True)
    (d,) = [d for d in result.diagnostics if d.code == "AIB406"]
    assert d.message == ("Shell customizer: sha256Checksum does not match the file downloaded from the URL "
                         f"(its SHA-256 is {SHA[:12]}…); the build fails when it verifies the file")
    (fix,) = d.fixes
    assert not fix.safe and fix.edits[0].new_text == f'"{SHA}"'
    (reboot,) = [d for d in result.diagnostics if d.code == "AIB404"]
    assert reboot.related[0].path == url
    # Every check of the run asked for the URL once.
    assert server.requests == ["/setup.sh"]
    _lint(template(url, WRONG), online=True)
    assert server.requests == ["/setup.sh"]


def test_missing_checksum_fix_with_the_downloaded_value_is_unsafe(server):
    result = _lint(template(server.base + "/setup.sh"), online=True)
    (d,) = [d for d in result.diagnostics if d.code == "AIB301"]
    (fix,) = d.fixes
    assert not fix.safe and fix.title == 'Add "sha256Checksum" of the downloaded file'
    assert fix.edits[0].new_text.endswith(f'"sha256Checksum": "{SHA}"')


def test_redirect_is_followed_and_loops_are_bounded(server):
    assert online.download(server.base + "/moved.sh", 1 << 20).data == SCRIPT
    looped = online.download(server.base + "/loop", 1 << 20)
    assert looped.data is None and looped.error == "too many redirects"
    assert server.requests.count("/loop") == online.MAX_REDIRECTS + 1


@pytest.mark.parametrize("path", ["/big.sh", "/chunked.sh"])
def test_size_limit(server, path):
    got = online.download(server.base + path, BIG)
    assert got.data is None and got.error == f"larger than the limit of {BIG:,} bytes"
    result = _lint(template(server.base + path, WRONG), online=True, script_size_limit=BIG)
    assert not [d for d in result.diagnostics if d.code == "AIB406"]


def test_unreachable_and_missing(server):
    assert online.download(server.base + "/nope.sh", 1 << 20).error == "HTTP 404"
    assert online.download("ftp://127.0.0.1/x", 1 << 20).error == "not an http(s) URL"


def test_timeout(server):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)  # accepts the connection, never answers
    try:
        got = online.download(f"http://127.0.0.1:{sock.getsockname()[1]}/x.sh", 1 << 20, timeout=0.5)
    finally:
        sock.close()
    assert got.data is None and got.error == "timed out"


def test_slow_pass_reports_the_downloaded_findings_alone(server):
    from aiblint import catalog
    from aiblint.templates import find_templates

    doc = Document(template(server.base + "/setup.sh", WRONG), "t.json")
    fast = Settings(online=False, defer=frozenset({"shellcheck", "download"}))
    first = lint(doc, fast)
    assert not [d for d in first.diagnostics if d.code in ("AIB404", "AIB406")] and server.requests == []
    templates = find_templates(doc.root, catalog.load().versions, "2024-02-01")
    found = online.check_document(doc, templates, Settings(online=True), online=True)
    assert sorted(d.code for d in found) == ["AIB404", "AIB406"]
    assert json.loads(doc.text)  # the document itself is untouched
