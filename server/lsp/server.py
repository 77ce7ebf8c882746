"""The language server: ``aiblint --stdio`` (or ``serve --stdio``, ``--tcp --host H --port N``).

:class:`AibLanguageServer` keeps the open documents and the settings, and
offers the features of the sibling modules. It bypasses pygls' own document
store: text changes go straight into :class:`aiblint.document.Document`
(incremental tree-sitter reparse) without a second copy of the text.
Logging goes to the client (``window/logMessage``) and optionally to
``--log-file``; never to stdout, and nothing on stderr unless ``--verbose``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__

log = logging.getLogger("aiblint")

WATCHED = ("**/pyproject.toml", "**/.aiblint.yaml", "**/.aiblint.yml")


class AibProtocol(LanguageServerProtocol):
    """Document sync without pygls' workspace copy of the text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Requests answered before pygls was loaded (aiblint.lsp.front): their replayed answers are dropped.
        self.answered_early: set = set()

    def _send_data(self, data):
        if self.answered_early:
            is_dict = isinstance(data, dict)
            msg_id = data.get("id") if is_dict else getattr(data, "id", None)
            method = data.get("method") if is_dict else getattr(data, "method", None)
            if method is None and msg_id in self.answered_early:
                self.answered_early.discard(msg_id)
                return
        super()._send_data(data)

    def _user(self, method, params):
        handler = self.fm.features.get(method)
        if handler is not None:
            handler(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    def _handle_request(self, msg_id, method_name, params):
        if method_name == types.TEXT_DOCUMENT_DIAGNOSTIC and not self._shutdown:
            from .diagnostics import pull_report

            try:
                result = pull_report(self._server, params)
            except Exception:  # noqa: BLE001 - answered as an internal error below
                log.exception("textDocument/diagnostic failed")
            else:
                self._send_data({"jsonrpc": "2.0", "id": msg_id, "result": result})
                return
        super()._handle_request(msg_id, method_name, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)


class AibLanguageServer(LanguageServer):
    """The aiblint language server."""

    def __init__(self):
        super().__init__("aiblint", __version__, protocol_cls=AibProtocol, max_workers=4)
        from .online import OnlineChecks
        from .settings import SettingsManager

        self.documents: dict = {}
        self.settings = SettingsManager(self)
        self.online = OnlineChecks(self)
        self.encoding = "utf-16"
        self.pull = False
        self.config_reports: dict[str, list] = {}
        self._urls: dict[str, str] | None = None
        self._aib_loop = None

    # -- client capabilities -------------------------------------------------

    def supports(self, dotted: str, default=False):
        """The client capability at a dotted snake_case path (e.g. ``text_document.diagnostic``)."""
        value = self.client_capabilities
        for part in dotted.split("."):
            value = getattr(value, part, None)
            if value is None:
                return default
        return value

    # -- checking ------------------------------------------------------------

    def schedule(self, uri: str) -> None:
        """Check ``uri`` once the messages already received have been handled."""
        from .diagnostics import check_and_publish

        od = self.documents.get(uri)
        if od is None or od.scheduled:
            return
        od.scheduled = True
        self.call_soon(check_and_publish, self, uri)

    def call_soon(self, fn, *args) -> None:
        loop = self._aib_loop
        if loop is None:
            fn(*args)
        else:
            loop.call_soon(fn, *args)

    def call_from_thread(self, fn, *args) -> None:
        loop = self._aib_loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(fn, *args)

    def recheck_all(self) -> None:
        for uri in list(self.documents):
            self.schedule(uri)
        self.refresh_pull()

    def refresh_pull(self) -> None:
        if self.pull and self.supports("workspace.diagnostics.refresh_support"):
            self.workspace_diagnostic_refresh(None)

    def rule_urls(self) -> dict[str, str]:
        if self._urls is None:
            from ..rule import registry

            self._urls = {r.code: r.url for r in registry()}
        return self._urls

    # -- messages --------------------------------------------------------------

    def show_message(self, message: str, kind=types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def config_broken(self, path: str, exc) -> None:
        """Show a configuration error and put it on the file as a diagnostic."""
        from .store import path_to_uri

        log.error("configuration error: %s", exc)
        self.show_message(f"aiblint: {exc} (default settings apply)", types.MessageType.Error)
        line = max((getattr(exc, "line", None) or 1) - 1, 0)
        message = getattr(exc, "message", None) or str(exc)
        item = types.Diagnostic(
            range=types.Range(types.Position(line, 0), types.Position(line + 1, 0)),
            message=message, severity=types.DiagnosticSeverity.Error, source="aiblint", code="config")
        uri = path_to_uri(path)
        self.config_reports[uri] = [item]
        if not self.pull:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[item]))

    def config_fixed(self, path: str) -> None:
        from .store import path_to_uri

        uri = path_to_uri(path)
        if self.config_reports.pop(uri, None) is not None and not self.pull:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def fetch_configuration(self) -> None:
        def got(result):
            try:
                values = result[0] if result else None
            except Exception:  # noqa: BLE001
                values = None
            if values is not None and self.settings.set_editor(values):
                self.recheck_all()

        def done(future):
            if future.cancelled() or future.exception() is not None:
                log.info("workspace/configuration failed: %s", future.exception() if not future.cancelled() else "")
                return
            got(future.result())

        future = self.workspace_configuration(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="aiblint")]))
        future.add_done_callback(lambda f: self.call_from_thread(done, f) if self._aib_loop else done(f))

    def report_server_error(self, error, source) -> None:
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)


class ClientLogHandler(logging.Handler):
    """Sends log records to the client as ``window/logMessage``."""

    LEVELS = {logging.ERROR: types.MessageType.Error, logging.WARNING: types.MessageType.Warning,
              logging.INFO: types.MessageType.Info}

    def __init__(self, server: AibLanguageServer):
        super().__init__()
        self.server = server
        self._busy = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self._busy, "on", False) or self.server.protocol.writer is None:
            return
        self._busy.on = True
        try:
            kind = self.LEVELS.get(record.levelno, types.MessageType.Log)
            self.server.window_log_message(types.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:  # noqa: BLE001 - logging must never fail the server
            pass
        finally:
            self._busy.on = False


def _on_initialize(ls: AibLanguageServer, params: types.InitializeParams) -> None:
    encoding = ls.protocol.workspace.position_encoding
    ls.encoding = str(getattr(encoding, "value", encoding) or "utf-16")
    ls.pull = bool(ls.supports("text_document.diagnostic"))
    if params.initialization_options is not None:
        ls.settings.set_editor(params.initialization_options)
    log.info("aiblint %s: position encoding %s, %s diagnostics", __version__, ls.encoding,
             "pull" if ls.pull else "push")


def _on_initialized(ls: AibLanguageServer, params) -> None:
    threading.Thread(target=_warm_up, daemon=True, name="warm-up").start()
    if ls.supports("workspace.did_change_watched_files.dynamic_registration"):
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
        ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
            id="aiblint-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))
    if ls.supports("workspace.configuration"):
        ls.fetch_configuration()


def _warm_up() -> None:
    """Import the engine and load the catalog and rules while the client opens its documents."""
    try:
        from .. import catalog, engine  # noqa: F401
        from ..rule import registry

        catalog.load()
        registry()
        # What the script checks load on first use: the parsers and detect-secrets (~0.1 s to import).
        from ..document import ts_parser
        from ..rules.aib313_secret_in_template import detectors

        ts_parser("bash")
        ts_parser("powershell")
        detectors()
    except Exception:  # noqa: BLE001
        log.exception("warm-up failed")


def build_server() -> AibLanguageServer:
    """A server with every feature registered."""
    from . import actions, completion, definition, diagnostics, hover, settings, symbols, sync

    server = AibLanguageServer()
    server.feature(types.INITIALIZE)(_on_initialize)
    server.feature(types.INITIALIZED)(_on_initialized)
    for module in (sync, diagnostics, settings, completion, hover, actions, symbols, definition):
        module.setup(server)
    return server


def start(args, stdin, stdout, front=None, buffered=None) -> int:
    """Build the full server and serve ``stdin``/``stdout``, taking over from the start-up phase ``front``."""
    server = build_server()
    root = logging.getLogger("aiblint")
    root.setLevel(getattr(logging, args.log_level.upper()))
    root.propagate = False
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    client = ClientLogHandler(server)
    client.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(client)
    for name in ("pygls", "lsprotocol"):
        logging.getLogger(name).setLevel(logging.WARNING if args.log_level != "debug" else logging.DEBUG)
        logging.getLogger(name).propagate = False
        logging.getLogger(name).addHandler(logging.NullHandler())
    handlers = []
    if args.log_file:
        try:
            handlers.append(logging.FileHandler(args.log_file, encoding="utf-8"))
        except OSError as exc:
            print(f"aiblint: cannot open log file {args.log_file}: {exc.strerror}", file=sys.stderr)
            return 2
    if args.verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for h in handlers:
        h.setFormatter(fmt)
        root.addHandler(h)
        logging.getLogger("pygls").addHandler(h)
    if args.tcp:
        server.start_tcp(args.host, args.port)
        return 0
    from .transport import serve

    replay = front.hand_over(server) if front is not None else []
    records = []
    if buffered is not None:
        root.removeHandler(buffered)
        records = buffered.records

    def log_start_up() -> None:
        # The background passes the first diagnostics asked for (ShellCheck, online checks).
        for od, slow, secrets in getattr(server, "slow_requests", ()):
            server.online.request(od, slow, secrets)
        for record in records:
            if not root.isEnabledFor(record.levelno):
                continue
            for h in root.handlers:
                if not (h is client and getattr(record, "aiblint_sent_to_client", False)) and record.levelno >= h.level:
                    h.handle(record)

    serve(server, stdin, stdout, replay, log_start_up)
    return 0
