"""The Helix, eglot and Sublime LSP configurations of editors/README.md start a working server.

Each configuration is read from the README itself, so the documented text is what is
tested: its exact command line is started (``aiblint`` resolved on PATH, as the editor
would), gets ``initialize``, is told the configuration's settings the way that editor
sends them, and publishes diagnostics for a template honouring those settings, and for a
Bicep template.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import tomllib
from pathlib import Path

import pytest

from e2eutil import FIXTURES, ROOT

README = ROOT / "editors" / "README.md"
# A template with a comment (AIB104, ignored by every documented configuration) and a
# trailing comma (AIB102).
TEMPLATE = """{
  // built nightly
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
               "sku": "server", "version": "24.04.202501010"},
    "customize": [{"type": "Shell", "name": "a", "inline": ["true"]},],
    "distribute": [{"type": "ManagedImage", "imageId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/img", "location": "westeurope", "runOutputName": "img"}]
  }
}
"""


def block(after_heading: str, lang: str) -> str:
    """The first ```lang code block after the heading ``after_heading``."""
    text = README.read_text()
    start = text.index(f"## {after_heading}")
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(text, start)
    assert m, f"no {lang} block under {after_heading}"
    return m.group(1)


def helix():
    conf = tomllib.loads(block("Helix", "toml"))
    server = conf["language-server"]["aiblint"]
    languages = {lang["name"] for lang in conf["language"] if "aiblint" in lang["language-servers"]}
    assert languages == {"json", "yaml", "bicep"}
    # Helix sends `config` as initializationOptions and in didChangeConfiguration.
    return [server["command"], *server["args"]], server.get("config"), server.get("config")


def eglot():
    elisp = block("Emacs (eglot)", "elisp")
    program = re.search(r"\.\s*\(((?:\"[^\"]*\"\s*)+)\)\)\)", elisp)
    assert program, "no server program in the eglot configuration"
    command = re.findall(r'"([^"]*)"', program.group(1))
    modes = re.search(r"'\(\(([^)]*)\)", elisp).group(1).split()
    assert {"json-ts-mode", "yaml-ts-mode", "bicep-mode", "bicep-ts-mode"} <= set(modes)
    # (:aiblint (:ignore ["AIB104"])) -> {"ignore": ["AIB104"]}: eglot's answer to workspace/configuration.
    m = re.search(r":aiblint \(:(\w+) \[([^\]]*)\]\)", elisp)
    settings = {m.group(1): re.findall(r'"([^"]*)"', m.group(2))}
    return command, None, settings


def sublime():
    client = json.loads(block("Sublime Text (LSP package)", "json"))["clients"]["aiblint"]
    assert client["enabled"] is True
    assert {"source.json", "source.yaml", "source.bicep"} <= {s.strip() for s in client["selector"].split("|")}
    return client["command"], client.get("initializationOptions"), client["settings"]["aiblint"]


class Client:
    """A minimal LSP client over the server's stdin/stdout."""

    def __init__(self, command: list[str], env: dict, cwd: Path, settings):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=cwd)
        self.settings = settings
        self.next_id = 0
        self.responses: dict[int, dict] = {}
        self.notifications: list[dict] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(out.read(length))
            if "method" in message and "id" in message:  # a request from the server
                result = None
                if message["method"] == "workspace/configuration":
                    result = [self.settings if item.get("section") == "aiblint" else None
                              for item in message["params"]["items"]]
                self._send({"id": message["id"], "result": result})
                continue
            with self.cond:
                if "id" in message:
                    self.responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self.cond.notify_all()

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        rid = self.next_id
        self._send({"id": rid, "method": method, "params": params})
        with self.cond:
            assert self.cond.wait_for(lambda: rid in self.responses, timeout=30), f"no answer to {method}"
            return self.responses.pop(rid)

    def notify(self, method: str, params) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, predicate, timeout=30) -> dict:
        with self.cond:
            found = []
            self.cond.wait_for(lambda: found.extend(n for n in self.notifications if predicate(n)) or found,
                               timeout=timeout)
            assert found, f"not received; got {[n['method'] for n in self.notifications]}"
            return found[0]


@pytest.mark.parametrize("editor", [helix, eglot, sublime], ids=["helix", "eglot", "sublime"])
def test_documented_command_starts_the_server(editor, tmp_path, server_dir):
    command, init_options, settings = editor()
    assert command == ["aiblint", "--stdio"]
    env = dict(os.environ, PATH=f"{server_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    assert shutil.which(command[0], path=env["PATH"]), "aiblint is not on PATH"
    (tmp_path / "template.json").write_text(TEMPLATE)
    client = Client(command, env, tmp_path, settings)
    try:
        init = client.request("initialize", {
            "processId": os.getpid(), "rootUri": tmp_path.as_uri(), "initializationOptions": init_options,
            "capabilities": {"workspace": {"configuration": True},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
        })
        assert "result" in init, init
        assert init["result"]["serverInfo"]["name"] == "aiblint"
        caps = init["result"]["capabilities"]
        assert caps["hoverProvider"] and caps["completionProvider"] and caps["codeActionProvider"]
        client.notify("initialized", {})
        if settings is not None:
            client.notify("workspace/didChangeConfiguration", {"settings": {"aiblint": settings}})
        uri = (tmp_path / "template.json").as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "json", "version": 1, "text": TEMPLATE}})
        published = client.wait_for(lambda n: n["method"] == "textDocument/publishDiagnostics"
                                    and n["params"]["uri"] == uri)
        codes = sorted(d["code"] for d in published["params"]["diagnostics"])
        assert "AIB102" in codes
        assert "AIB104" not in codes  # the configuration's setting reached the server
        # A Bicep template in the same session (the configurations cover the bicep language too).
        bicep = (FIXTURES / "template.bicep").read_text()
        buri = (tmp_path / "template.bicep").as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": buri, "languageId": "bicep", "version": 1, "text": bicep}})
        published = client.wait_for(lambda n: n["method"] == "textDocument/publishDiagnostics"
                                    and n["params"]["uri"] == buri)
        assert {"AIB201", "AIB302"} <= {d["code"] for d in published["params"]["diagnostics"]}
        assert client.request("shutdown", None).get("error") is None
        client.notify("exit", None)
        assert client.proc.wait(10) == 0
    finally:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()
