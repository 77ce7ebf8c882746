"""The first messages of a stdio session, answered before pygls and lsprotocol are loaded.

Importing lsprotocol (about a thousand attrs classes) and pygls takes ~0.2 s,
ten times the engine's start. An editor waits for the ``initialize`` answer and
then for the first diagnostics of the file it opens; neither needs the
framework. So the server starts here: it loads the engine, catalog and rules,
answers ``initialize`` with the capabilities the full server declares
(:mod:`.capabilities`), takes ``initialized``, configuration changes and
``didOpen``, and answers the first diagnostics (a pull, or a push for clients
without pull support) with the server's own checking code
(:mod:`.diagnostics`, :mod:`.store`, :mod:`.settings`). Then it loads pygls,
hands the open documents and settings to the full server and replays what the
full server has not seen yet (``initialize`` with its answer dropped,
``initialized`` and so on). Anything else, or anything unusual (a broken
configuration file, online checks, a message it does not know), ends this
phase at once, and the full server gets every message, as if it had read them itself.
"""

from __future__ import annotations

import gc
import json
import logging

from .capabilities import initialize_result, position_encoding
from .transport import read_message

log = logging.getLogger(__name__)

HANDLED = ("initialized", "workspace/didChangeConfiguration", "textDocument/didOpen", "textDocument/diagnostic")


class _SlowRequests:
    """Stands in for :class:`.online.OnlineChecks` until the full server runs: notes what to run."""

    def __init__(self):
        self.asked: list = []

    def request(self, od, settings, secrets: bool = False) -> None:
        self.asked.append((od.uri, settings, secrets))


class _Unusual(Exception):
    """Something the full server must handle: stop answering here."""


class Front:
    """Stands in for :class:`aiblint.lsp.server.AibLanguageServer` until the first diagnostics are out."""

    def __init__(self, out, log_handler: _BufferedLog | None = None):
        from .settings import SettingsManager

        self.out = out
        self.log_handler = log_handler
        self.protocol = self  # diagnostics.publish sends through ls.protocol._send_data
        self.documents: dict = {}
        self.settings = SettingsManager(self)
        self.config_reports: dict = {}
        self.encoding = "utf-16"
        self.pull = False
        self.capabilities: dict = {}
        self._urls = None
        self._aib_loop = None
        # Every message read, in order; what the full server still has to see is chosen from them.
        self.messages: list[tuple[bytes, dict | None]] = []
        self.answered: set = set()  # ids of the requests answered here
        self.applied: set[int] = set()  # indexes of messages whose effect is handed over as state
        self.delivered = False  # the first diagnostics went out
        self.unusual = False
        # The background passes (ShellCheck, online checks) asked for: the full server starts them.
        self.online = _SlowRequests()

    # -- what diagnostics/settings ask of the server --------------------------

    def supports(self, dotted: str, default=False):
        value = self.capabilities
        for part in dotted.split("."):
            head, *rest = part.split("_")
            value = value.get(head + "".join(w.title() for w in rest)) if isinstance(value, dict) else None
            if value is None:
                return default
        return value

    def rule_urls(self) -> dict[str, str]:
        if self._urls is None:
            from ..rule import registry

            self._urls = {r.code: r.url for r in registry()}
        return self._urls

    def show_message(self, *args) -> None:
        self.unusual = True

    def config_broken(self, path, exc) -> None:
        self.unusual = True

    def config_fixed(self, path) -> None:
        self.unusual = True

    def _send_data(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.out.flush()

    # -- the session's first messages -------------------------------------------

    def run(self, stdin) -> bool:
        """Answer messages until the first diagnostics are out or one needs the full server; False at EOF.

        The cyclic garbage collector waits until this phase ends (and so do the syntax trees the first
        check did without, see :meth:`_settle_documents`): the first check of a large document
        allocates tens of thousands of objects that live on, and the collector would scan them again and
        again before the diagnostics are out (a tenth of the first check of a 20,000-line file). After the
        answer it collects once, so that the full server starts with what the check left sorted out
        (otherwise its first keystrokes pay for it, and the process keeps 7 MB more).
        """
        gc.disable()
        try:
            return self._run(stdin)
        finally:
            self._settle_documents()
            gc.enable()
            gc.collect()

    def _settle_documents(self) -> None:
        """Once the first answer is out, while the client reads it: let go of what the value trees keep only to
        build their unwalked parts, and make the syntax trees the first check did without (strict JSON is read
        without one), so that the full server edits them incrementally from the first keystroke."""
        for od in self.documents.values():
            try:
                od.doc.carrier.release_values(od.doc)
                _ = od.doc.tree
            except Exception:  # noqa: BLE001 - the tree is made again when asked for
                log.exception("settling %s after the first answer failed", od.uri)

    def _run(self, stdin) -> bool:
        while True:
            body = read_message(stdin)
            if body is None:
                return False
            try:
                message = json.loads(body)
            except ValueError:
                message = None
            self.messages.append((body, message if isinstance(message, dict) else None))
            try:
                if not self._handle(len(self.messages) - 1) or self.delivered:
                    return True
            except _Unusual:
                self.unusual = True
                return True
            except Exception:  # noqa: BLE001 - the full server gets the same message and answers it
                log.exception("start-up phase stopped")
                self.unusual = True
                return True

    def _handle(self, index: int) -> bool:
        """Handle one message; False when the full server has to."""
        message = self.messages[index][1]
        if message is None:
            return False
        method = message.get("method")
        params = message.get("params") if isinstance(message.get("params"), dict) else {}
        if index == 0:
            if method != "initialize" or "id" not in message:
                return False
            self._initialize(message["id"], params)
            return True
        if method not in HANDLED or ("id" in message) != (method == "textDocument/diagnostic"):
            return False  # a notification sent with an id (or a request without one) is refused by the full server
        if method == "workspace/didChangeConfiguration":
            raw = params.get("settings")
            if isinstance(raw, dict) and ("aiblint" in raw or any(k in raw for k in _editor_keys())):
                self.settings.set_editor(raw)
        elif method == "textDocument/didOpen":
            self._open(index, params)
        elif method == "textDocument/diagnostic":
            return self._pull(message.get("id"), params)
        return True

    def _initialize(self, msg_id, params: dict) -> None:
        self.capabilities = params.get("capabilities") if isinstance(params.get("capabilities"), dict) else {}
        self.encoding = position_encoding(self.capabilities)
        self.pull = self.supports("text_document.diagnostic", None) is not None
        if params.get("initializationOptions") is not None:
            self.settings.set_editor(params["initializationOptions"])
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "result": initialize_result(params)})
        self.answered.add(msg_id)
        if self.log_handler is not None:
            self.log_handler.client = self
        _prepare_first_check()

    def _open(self, index: int, params: dict) -> None:
        from .diagnostics import ensure_checked, publish
        from .store import OpenDocument, language_of

        item = params["textDocument"]
        uri, text, version = item["uri"], item["text"], item.get("version")
        language = language_of(uri, item.get("languageId"))
        if language is None:
            self.applied.add(index)
            return
        od = OpenDocument(uri, text, version, language, split=True)
        self.documents[uri] = od
        self.applied.add(index)
        if not self.pull:
            self._check(od, ensure_checked)
            publish(self, od)
            self.delivered = True

    def _pull(self, msg_id, params: dict) -> bool:
        from .diagnostics import document_report, ensure_checked

        uri = (params.get("textDocument") or {}).get("uri")
        od = self.documents.get(uri)
        if od is None or msg_id is None:
            return False
        self._check(od, ensure_checked)
        self._send_data({"jsonrpc": "2.0", "id": msg_id,
                         "result": document_report(self, uri, params.get("previousResultId"))})
        self.answered.add(msg_id)
        self.delivered = True
        return True

    def _check(self, od, ensure_checked) -> None:
        if self.unusual:
            raise _Unusual
        od.split_check = True  # no thread runs yet: a large document's templates may be checked on several cores
        try:
            ensure_checked(self, od)
        finally:
            od.split_check = False
        if self.unusual:
            raise _Unusual

    # -- handing over -------------------------------------------------------------

    def hand_over(self, server) -> list[bytes]:
        """Give ``server`` this phase's state; the message bodies it still has to handle, in order."""
        server.protocol.answered_early.update(self.answered)
        if self.unusual:
            # Start afresh: the full server reads every message but the answered initialize.
            return [body for body, _ in self.messages]
        self.settings.server = server
        server.settings = self.settings
        server.documents.update(self.documents)
        server.slow_requests = [(server.documents[uri], settings, secrets) for uri, settings, secrets in self.online.asked
                                if uri in server.documents]
        return [body for i, (body, message) in enumerate(self.messages)
                if i not in self.applied and not (message and message.get("id") in self.answered and i > 0)]


def _editor_keys():
    from .settings import KEYS

    return KEYS


# A small ARM template with one imageTemplate: checking it once pays what the first check of a session
# pays for first use (the catalog's schema of the newest version, the rules' patterns).
_WARM_UP = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "parameters": {"location": {"type": "string", "defaultValue": "westeurope"}},
    "resources": [{
        "type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01", "name": "warm-up",
        "location": "[parameters('location')]",
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {"<identity>": {}}},
        "properties": {
            "vmProfile": {"vmSize": "Standard_D2s_v3"},
            "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
                       "sku": "server", "version": "latest"},
            "customize": [{"type": "Shell", "name": "s", "inline": ["echo"]},
                          {"type": "File", "name": "f", "sourceUri": "https://example.com/f", "destination": "/f"}],
            "distribute": [{"type": "ManagedImage", "imageId": "<image>", "location": "westeurope",
                            "runOutputName": "r"}]}}],
}


def _warm_up() -> None:
    """Load the engine, catalog and rules, and check a small template once, before the first message."""
    from .. import catalog
    from ..document import Document
    from ..engine import lint
    from ..rule import registry

    catalog.load()
    registry()
    try:
        lint(Document(json.dumps(_WARM_UP), "warm-up.json"))
    except Exception:  # noqa: BLE001 - only a warm-up
        log.exception("warm-up check failed")
    # What is loaded now lives as long as the session: kept out of the garbage collector's scans, which
    # would otherwise walk it again and again while the first large document is checked.
    gc.freeze()


def _prepare_first_check() -> None:
    """Load what the first check needs beyond the warm-up (the server's document store and diagnostics,
    configuration discovery, the split over the cores, the PowerShell grammar), while the client reads the
    ``initialize`` answer and sends its document: ~4 ms that would otherwise delay the first diagnostics."""
    from .. import discover, pool, split  # noqa: F401
    from ..document import ts_parser
    from . import diagnostics, store  # noqa: F401

    ts_parser("powershell")


def _parse_args(argv):
    import argparse

    p = argparse.ArgumentParser(prog="aiblint serve", description="Run the aiblint language server.")
    p.add_argument("serve", nargs="?", help=argparse.SUPPRESS)
    p.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    p.add_argument("--tcp", action="store_true", help="listen on a TCP port instead (for debugging)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=2087)
    p.add_argument("--log-file", help="also write the log to this file")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument("--verbose", action="store_true", help="also log to stderr")
    args, _unknown = p.parse_known_args(argv)
    return args


def main(argv=None) -> int:
    """Entry point used by ``aiblint --stdio`` and friends."""
    import sys

    args = _parse_args(sys.argv[1:] if argv is None else argv)
    if args.tcp:
        from .server import start

        return start(args, None, None)
    return serve(args, sys.stdin.buffer, sys.stdout.buffer)


def serve(args, stdin, stdout) -> int:
    """Run a stdio session: this phase, then the full server."""
    buffered = _BufferedLog()
    logger = logging.getLogger("aiblint")
    logger.setLevel(getattr(logging, args.log_level.upper()))
    logger.propagate = False
    logger.addHandler(buffered)
    _warm_up()
    front = Front(stdout, buffered)
    if not front.run(stdin):
        return 0
    from .server import start

    return start(args, stdin, stdout, front, buffered)


class _BufferedLog(logging.Handler):
    """Keeps the records of the start-up phase for the full server's log handlers.

    Once ``initialize`` is answered, records also go to the client at once
    (``window/logMessage``, as the full server's client handler sends them) and
    are marked so that they are not sent twice.
    """

    LEVELS = {logging.ERROR: 1, logging.WARNING: 2, logging.INFO: 3}

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.client: Front | None = None
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if self.client is not None:
            try:
                self.client._send_data({"jsonrpc": "2.0", "method": "window/logMessage", "params": {
                    "type": self.LEVELS.get(record.levelno, 4), "message": self.format(record)}})
                record.aiblint_sent_to_client = True
            except Exception:  # noqa: BLE001 - logging must never fail the server
                pass
