"""Online checks (AIB304) without blocking the editor.

The engine's offline findings are published first; the online ones are computed
on a worker thread and added to the document's diagnostics when they arrive
(if the text has not changed meanwhile). URL results are cached for the session
by :mod:`aiblint.online`.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class OnlineChecks:
    def __init__(self, server):
        self.server = server
        self._running: dict[str, int] = {}

    def request(self, od, result, settings) -> None:
        """Start the online checks of ``od``'s current text unless already done or running."""
        try:
            from .. import online
        except ImportError:
            return
        check = getattr(online, "check_document", None)
        if check is None:
            return
        serial = od.data_serial
        if od.online_serial == serial or self._running.get(od.uri) == serial:
            return
        self._running[od.uri] = serial

        def work():
            try:
                return list(check(od.doc, result.templates, settings))
            except Exception:  # noqa: BLE001
                log.exception("online checks of %s failed", od.uri)
                return []

        future = self.server.thread_pool.submit(work)
        future.add_done_callback(lambda f: self.server.call_from_thread(self._arrived, od.uri, serial, f))

    def _arrived(self, uri: str, serial: int, future) -> None:
        from .diagnostics import publish

        if self._running.get(uri) == serial:
            del self._running[uri]
        od = self.server.documents.get(uri)
        if od is None or od.data_serial != serial or future.cancelled() or future.exception() is not None:
            return
        od.online = future.result()
        od.online_serial = serial
        if not od.online:
            return
        od.serial += 1
        if self.server.pull:
            self.server.refresh_pull()
        else:
            publish(self.server, od, force=True)
