"""AIB304 file-too-large in ARM templates and validators (local HTTP server; see also test_online.py)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from aiblint import online
from aiblint.rule import registry
from lintutil import Found, lint
from rulefix import arm, at, diagnostics

MiB = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):
        size = {"/big.iso": 30 * MiB, "/small.txt": 100}.get(self.path)
        self.send_response(200 if size is not None else 404)
        self.send_header("Content-Length", str(size or 0))
        self.end_headers()


@pytest.fixture
def base():
    online.clear_cache()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    online.clear_cache()


def test_arm_parameter_values_and_file_validators(base):
    big, small = base + "/big.iso", base + "/small.txt"
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "customize": [{"type": "File", "name": "iso", "sourceUri": "[parameters('uri')]", "destination": "/tmp/x"}],
        "validate": {"inVMValidations": [{"type": "File", "sourceUri": big, "destination": "/tmp/y"}]},
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, parameters={"uri": {"type": "string", "defaultValue": small, "allowedValues": [small, big]}}, api="2022-07-01")
    assert lint(text, codes="AIB304", online=True) == [
        Found("AIB304", at(text, f'"{big}"'), 'File customizer "iso" downloads 30.0 MiB (31,457,280 bytes); '
              "the File customizer is for files up to 20 MiB (20,971,520 bytes)"),
        Found("AIB304", at(text, f'"{big}"', 2), "File validator downloads 30.0 MiB (31,457,280 bytes); "
              "the File customizer is for files up to 20 MiB (20,971,520 bytes)"),
    ]
    assert [r.message for r in diagnostics(text, "AIB304", online=True)[0].related] == ["URL used here"]


def test_the_documented_limit_is_stated_exactly():
    doc = registry().get("AIB304").doc
    assert "20,971,520 bytes" in doc and "20 × 1024 × 1024" in doc
