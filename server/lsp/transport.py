"""Reading LSP messages on a dedicated thread.

pygls reads stdin through the thread pool, one hop per header line and body.
Here one thread reads whole messages and hands them to the event loop in
order; messages that arrive while the server is busy queue up, so a check
scheduled with ``call_soon`` runs after every change already received
(rapid typing is coalesced into one check of the newest version).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading

log = logging.getLogger(__name__)


def _read_messages(stream, deliver, done) -> None:
    from .front import read_message

    try:
        while (body := read_message(stream)) is not None:
            deliver(body)
    except (OSError, ValueError):
        log.debug("input closed")
    finally:
        done()


def serve(server, stdin, stdout, replay: list[bytes] = (), first=None) -> None:
    """Run ``server`` over binary streams until the input ends or ``exit`` arrives.

    ``replay``: message bodies read already (by :mod:`.front`), handled first, after calling ``first()``.
    """
    from pygls.io_ import StdoutWriter

    protocol = server.protocol
    protocol.set_writer(StdoutWriter(stdout))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server._aib_loop = loop
    loop.set_exception_handler(lambda _loop, context: log.error(
        "%s", context.get("message"), exc_info=context.get("exception")))

    def handle(body: bytes) -> None:
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except Exception as exc:  # noqa: BLE001 - a malformed message must not stop the server
            log.warning("unreadable message ignored: %s", exc)
            _reply_parse_error(protocol, body)
            return
        try:
            protocol.handle_message(message)
        except Exception:  # noqa: BLE001
            log.exception("failed to handle a message")

    def deliver(body: bytes) -> None:
        loop.call_soon_threadsafe(handle, body)

    def done() -> None:
        loop.call_soon_threadsafe(loop.stop)

    if first is not None:
        loop.call_soon(first)
    for body in replay:
        deliver(body)
    reader = threading.Thread(target=_read_messages, args=(stdin, deliver, done), daemon=True, name="lsp-reader")
    reader.start()
    code = 0
    try:
        loop.run_forever()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        code = 130
    finally:
        try:
            server.shutdown()
            loop.close()
        except Exception:  # noqa: BLE001
            pass
    # The reader thread may be blocked on stdin: end the process without waiting for it.
    logging.shutdown()
    try:
        stdout.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _reply_parse_error(protocol, body: bytes) -> None:
    """Answer a request whose parameters could not be read with InvalidParams.

    Text that is not JSON at all carries no request id to answer; it is logged and dropped.
    """
    from pygls.exceptions import JsonRpcInvalidParams

    try:
        raw = json.loads(body)
    except ValueError:
        return
    if isinstance(raw, dict) and "id" in raw and "method" in raw:
        protocol._send_response(raw["id"], None, JsonRpcInvalidParams().to_response_error())
