"""The remote size probe and AIB304, against real HTTP servers on 127.0.0.1 (no internet needed)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from aiblint import online
from lintutil import Found, lint

MiB = 1024 * 1024
SIZES = {"/big.zip": 25 * MiB, "/small.zip": 1 * MiB, "/limit.zip": 20 * MiB, "/over.zip": 20 * MiB + 1}


class Handler(BaseHTTPRequestHandler):
    """Serves files of the sizes above without holding them in memory; records what it sends."""

    head_allowed = True

    def log_message(self, *args):
        pass

    def _record(self, body_bytes: int) -> None:
        self.server.requests.append((self.command, self.path, self.headers.get("Range")))
        self.server.body_bytes.append(body_bytes)

    def _common(self) -> int | None:
        if self.path == "/loop":
            self._record(0)
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.path == "/moved":
            self._record(0)
            self.send_response(301)
            self.send_header("Location", "/big.zip")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        size = SIZES.get(self.path)
        if size is None:
            self._record(0)
            self.send_error(404)
            return None
        return size

    def do_HEAD(self):
        if not self.head_allowed:
            self._record(0)
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        size = self._common()
        if size is not None:
            self._record(0)
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()

    def do_GET(self):
        size = self._common()
        if size is None:
            return
        if self.headers.get("Range") == "bytes=0-0":
            self._record(1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes 0-0/{size}")
            self.send_header("Content-Length", "1")
            self.end_headers()
            self.wfile.write(b"x")
            return
        # A full download: record it so that a test can fail on it (never sent in full here).
        self._record(size)
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()


class NoHeadHandler(Handler):
    head_allowed = False


def _serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []
    server.body_bytes = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture(params=["head", "ranged-get"])
def server(request):
    online.clear_cache()
    srv = _serve(Handler if request.param == "head" else NoHeadHandler)
    srv.base = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()
    online.clear_cache()
    # Nothing was downloaded: at most the one byte of a ranged GET per request.
    assert all(n <= 1 for n in srv.body_bytes)


def _template(url: str, kind: str = "File") -> str:
    return f"""
    {{
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2024-02-01",
      "location": "westeurope",
      "properties": {{
        "customize": [
          {{"type": "{kind}", "name": "tools", "sourceUri": "{url}", "destination": "/tmp/tools.zip"}}
        ]
      }}
    }}
    """


def _found(url, msg):
    return [Found("AIB304", (6, 53, 6, 55 + len(url)), msg)]


def test_probe_reads_the_size_without_the_body(server):
    probe = online.remote_size(server.base + "/big.zip")
    assert probe == online.Probe(server.base + "/big.zip", size=25 * MiB)
    methods = [m for m, _, _ in server.requests]
    assert methods == (["HEAD"] if server.RequestHandlerClass.head_allowed else ["HEAD", "GET"])


def test_large_file_is_reported(server):
    url = server.base + "/big.zip"
    assert lint(_template(url), codes="AIB304", online=True) == _found(
        url, 'File customizer "tools" downloads 25.0 MiB (26,214,400 bytes); '
        "the File customizer is for files up to 20 MiB (20,971,520 bytes)")


def test_one_byte_over_the_limit_is_reported_exactly_at_it_is_not(server):
    assert lint(_template(server.base + "/limit.zip"), codes="AIB304", online=True) == []
    assert [f.code for f in lint(_template(server.base + "/over.zip"), codes="AIB304", online=True)] == ["AIB304"]


def test_small_file_is_not_reported(server):
    assert lint(_template(server.base + "/small.zip"), codes="AIB304", online=True) == []


def test_offline_by_default_makes_no_request(server):
    assert lint(_template(server.base + "/big.zip"), codes="AIB304") == []
    assert server.requests == []


def test_not_found_is_silent_unless_verbose(server):
    url = server.base + "/missing.zip"
    assert lint(_template(url), codes="AIB304", online=True) == []
    assert lint(_template(url), codes="AIB304", online=True, verbose=True) == _found(
        url, "could not check the size of this file: HTTP 404")


def test_redirect_is_followed(server):
    assert online.remote_size(server.base + "/moved").size == 25 * MiB


def test_redirect_loop_terminates(server):
    probe = online.remote_size(server.base + "/loop")
    assert probe.size is None and probe.error == "too many redirects"
    # One request plus at most five redirects, and no retry with GET after that.
    loop = [r for r in server.requests if r[1] == "/loop"]
    assert len([r for r in loop if r[0] == "HEAD"]) in (1, online.MAX_REDIRECTS + 1)
    assert len([r for r in loop if r[0] == "GET"]) in (0, online.MAX_REDIRECTS + 1)
    assert len(loop) <= online.MAX_REDIRECTS + 2


def test_results_are_cached(server):
    url = server.base + "/big.zip"
    lint(_template(url), codes="AIB304", online=True)
    count = len(server.requests)
    lint(_template(url), codes="AIB304", online=True)
    assert len(server.requests) == count
    assert online.cached(url).size == 25 * MiB


def test_concurrent_callers_share_one_probe(server):
    url = server.base + "/big.zip"
    results = []
    threads = [threading.Thread(target=lambda: results.append(online.remote_size(url))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.size for r in results} == {25 * MiB}
    assert len([r for r in server.requests if r[0] == "HEAD"]) == 1


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_is_silent():
    online.clear_cache()
    url = f"http://127.0.0.1:{_refused_port()}/big.zip"
    assert lint(_template(url), codes="AIB304", online=True) == []
    assert online.cached(url).error == "unreachable"
    assert lint(_template(url), codes="AIB304", online=True, verbose=True) == _found(
        url, "could not check the size of this file: unreachable")


def test_only_http_urls_are_asked():
    assert online.remote_size("file:///etc/passwd").error == "not an http(s) URL"
    assert online.remote_size("ftp://127.0.0.1/x").error == "not an http(s) URL"
    assert lint(_template("ftp://127.0.0.1/big.zip"), codes="AIB304", online=True, verbose=True) == []


def test_only_file_customizers_are_checked(server):
    assert lint(_template(server.base + "/big.zip", kind="Shell"), codes="AIB304", online=True) == []
    assert server.requests == []


def test_timeout_is_reported_as_unreachable_in_verbose_mode():
    online.clear_cache()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection but never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow.zip"
        probe = online.remote_size(url, timeout=0.5)
        assert probe.size is None and probe.error == "timed out"
    finally:
        listener.close()
        online.clear_cache()


def test_check_document_gives_the_online_findings_alone(server):
    from aiblint.document import Document
    from aiblint.engine import lint as engine_lint
    from aiblint.settings import Settings
    from rulefix import src

    url = server.base + "/big.zip"
    text = src(_template(url))
    doc = Document(text, "t.json")
    offline = engine_lint(doc, Settings())
    assert "AIB304" not in {d.code for d in offline.diagnostics}
    found = online.check_document(doc, offline.templates, Settings())
    assert [(d.code, d.name, d.severity.label) for d in found] == [("AIB304", "file-too-large", "error")]
    assert online.check_document(doc, offline.templates, Settings(ignore=["AIB304"])) == []
    assert [d.severity.label for d in online.check_document(doc, offline.templates,
                                                            Settings(severity={"AIB304": "warning"}))] == ["warning"]


def test_command_line_online_flag(server, tmp_path):
    import cliutil
    from rulefix import src

    path = tmp_path / "template.json"
    path.write_text(src(_template(server.base + "/big.zip")), encoding="utf-8")
    offline = cliutil.run("--check", "--no-config", "--select", "AIB304", path)
    assert "AIB304" not in offline.out and server.requests == []
    checked = cliutil.run("--check", "--no-config", "--select", "AIB304", "--online", path)
    assert "AIB304" in checked.out and "26,214,400 bytes" in checked.out
    assert checked.code != 0
