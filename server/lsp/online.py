"""Slow checks (ShellCheck, downloads, AIB304's size probe, detect-secrets until it is loaded) without
blocking the editor.

The engine runs without them, so its findings are published at once.
A moment after the text stops changing, :func:`aiblint.online.check_document`
runs on a worker thread over a snapshot of the text; its findings are added to
the document's diagnostics when they arrive, unless the text changed meanwhile.
URL results are cached for the session by :mod:`aiblint.online`.
"""

from __future__ import annotations

import logging

from ..online import SLOW_WORK

log = logging.getLogger(__name__)

DELAY = 0.3  # seconds of quiet typing before asking the network


class OnlineChecks:
    def __init__(self, server):
        self.server = server
        self._running: dict[str, int] = {}

    def request(self, od, settings, secrets: bool = False) -> None:
        """Run the online checks of ``od``'s current text soon, unless done or running already;
        with ``secrets`` also detect-secrets' detectors (left out of the check that asked)."""
        serial = od.data_serial
        if od.online_serial == serial or self._running.get(od.uri) == serial:
            return
        self._running[od.uri] = serial
        slow = SLOW_WORK + ("secrets",) if secrets else SLOW_WORK
        loop = self.server._aib_loop
        if loop is None or secrets:
            # Loading detect-secrets is no network request: its findings need not wait for typing to stop.
            self._start(od.uri, serial, settings, slow)
        else:
            loop.call_later(DELAY, self._start, od.uri, serial, settings, slow)

    def _start(self, uri: str, serial: int, settings, slow) -> None:
        od = self.server.documents.get(uri)
        if od is None or od.data_serial != serial:
            self._running.pop(uri, None)
            return
        text, path, language, held = od.doc.text, od.path, od.language, od.held

        def work():
            from .. import catalog, online
            from ..document import Document
            from ..engine import templates_of

            try:
                doc = Document(text, path, language=language, lazy=True)  # as --check reads it: what the checks walk
                templates = templates_of(doc, settings, catalog.load())
                return list(online.check_document(doc, templates, settings, slow=slow, online=settings.online,
                                                  held=held))
            except Exception:  # noqa: BLE001
                log.exception("online checks of %s failed", uri)
                return []

        future = self.server.thread_pool.submit(work)
        future.add_done_callback(lambda f: self.server.call_from_thread(self._arrived, uri, serial, f, slow))

    def _arrived(self, uri: str, serial: int, future, slow) -> None:
        from .diagnostics import publish

        if self._running.get(uri) == serial:
            del self._running[uri]
        od = self.server.documents.get(uri)
        if od is None or od.data_serial != serial or future.cancelled() or future.exception() is not None:
            return
        found = future.result()
        changed = bool(found) or bool(od.online)
        od.online = found
        od.online_serial = serial
        od.online_secrets = "secrets" in slow
        if not changed:
            return
        od.serial += 1
        if self.server.pull:
            self.server.refresh_pull()
        else:
            publish(self.server, od, force=True)
