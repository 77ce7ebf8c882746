"""Reading LSP messages on a dedicated thread.

pygls reads stdin through the thread pool, one hop per header line and body.
Here one thread reads whole messages and hands them to the event loop in
order; messages that arrive while the server is busy queue up, so a check
scheduled with ``call_soon`` runs after every change already received
(rapid typing is coalesced into one check of the newest version).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading

log = logging.getLogger(__name__)

# The largest message read; a larger one is skipped (the limit of a checked file is 10 MB).
MAX_MESSAGE = 64 * 1024 * 1024
# Header lines longer than this are not headers.
MAX_HEADER = 8 * 1024
# How many headers inside a body whose length may be given too long are tried as the next message's.
MAX_EARLY_TRIES = 4

# The value is read up to 64 bytes (a longer one is no length): each "content-length" inside a body is
# tried as a header, and an unbounded value would be read to the end of the line each time.
_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*([^\r\n]{0,64})\r?\n", re.I)
_WORD = b"content-length"
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_OTHER_HEADERS = re.compile(rb"(?:[A-Za-z-]+[ \t]*:[^\r\n]*\r?\n)*")
_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")')

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601


class _Reader:
    """Splits a byte stream into message bodies, recovering from broken framing.

    Each message is found by its ``Content-Length:`` header; bytes before one are
    skipped, so after a bad header (missing, not a number, negative, too large) the
    reader picks up at the next message. A body whose length was given too long is
    cut where the next header starts when the text before it is a whole JSON value;
    one given too short comes out broken (answered as a parse error) and the rest is
    skipped up to the next header.
    """

    def __init__(self, stream, rejected=None):
        self.stream = stream
        self.read = getattr(stream, "read1", None) or stream.read
        self.buf = bytearray()
        self.eof = False
        self.rejected = rejected
        self.pending: list[bytes] = []  # the starts of messages skipped before anyone could answer them

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.read(65536)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def next(self) -> bytes | None:
        """The body of the next message (None at the end of the input)."""
        buf = self.buf
        while True:
            m = _find_header(buf)
            if m is None:
                if len(buf) > MAX_HEADER:
                    log.warning("%d bytes without a Content-Length header skipped", len(buf) - 64)
                    del buf[:-64]
                if not self._fill():
                    return None
                continue
            end = _HEADER_END.search(buf, m.start())
            if end is None:
                if len(buf) - m.start() > MAX_HEADER:
                    del buf[: m.end()]
                    continue
                if not self._fill():
                    return None
                continue
            if m.start() and not _OTHER_HEADERS.fullmatch(buf, 0, m.start()):
                log.warning("%d bytes before a Content-Length header skipped", m.start())
            value = m.group(1).strip()
            body_start = end.end()
            if not value.isdigit() or int(value) > MAX_MESSAGE:
                log.warning("message with Content-Length %r skipped", bytes(value[:40]))
                del buf[:body_start]
                head = bytes(buf[:4096])
                nxt = _find_header(head)
                head = head[: nxt.start()] if nxt is not None else head
                if self.rejected is not None:
                    self.rejected(head)
                else:
                    self.pending.append(head)
                continue
            need = body_start + int(value)
            checked = body_start
            body = None
            tries = 0
            while len(buf) < need:
                # A length given too long: the next message's header may already be here. (A header inside a
                # hostile body is tried only after a "}", and a few times: each try parses the body so far.)
                nxt = _find_header(buf, checked)
                if nxt is not None and tries < MAX_EARLY_TRIES and _ends_object(buf, body_start, nxt.start()):
                    tries += 1
                    candidate = _copy(buf, body_start, nxt.start())
                    if _whole_json(candidate):
                        body = candidate
                        del buf[: nxt.start()]
                        break
                checked = max(checked, len(buf) - 64)
                if not self._fill():
                    return None
            if body is None:
                # A length given too long by a little: the next header starts inside this body.
                at = _header_start(buf, body_start, need)
                if at is not None:
                    candidate = _copy(buf, body_start, at)
                    if _whole_json(candidate):
                        body, need = candidate, at
                if body is None:
                    body = _copy(buf, body_start, need)
                del buf[:need]
            return body


def _copy(buf: bytearray, start: int, end: int) -> bytes:
    """``bytes(buf[start:end])`` in one copy (a slice of a bytearray is a copy itself: a large body would be
    copied twice, and the page faults of the second copy cost as much as the copying)."""
    with memoryview(buf) as view:
        return view[start:end].tobytes()


def _header_start(buf, start: int, end: int) -> int | None:
    """Where a ``Content-Length`` header (or, at the very end, the start of one) begins in ``buf[start:end]``."""
    at = _find_word(buf, start, min(end + len(_WORD), len(buf)))
    if at >= 0 and at < end:
        return at
    for at in range(max(start, end - len(_WORD) + 1), end):
        if _WORD.startswith(bytes(buf[at:end]).lower()):
            return at
    return None


def _find_word(buf, start: int = 0, end: int | None = None) -> int:
    """Where ``content-length`` (any case) first occurs in ``buf[start:end]``, or -1.

    A search of the lower-case text: the case-insensitive pattern is tried at every byte, which takes
    2 ms for the body of a 700 KB document.
    """
    if end is None or end > len(buf):
        end = len(buf)
    if end - start > len(buf) // 2:
        return buf.lower().find(_WORD, start, end)  # one copy rather than a slice and its lower-case copy
    at = buf[start:end].lower().find(_WORD)
    return at if at < 0 else start + at


def _find_header(buf, start: int = 0):
    """The first ``Content-Length`` header line in ``buf[start:]`` (a match of ``_HEADER``), or None."""
    m = _HEADER.match(buf, start)
    if m is not None:
        return m  # the usual case: the next message starts here (no copy of what is queued behind it)
    low = buf[start:].lower()
    at = low.find(_WORD)
    while at >= 0:
        m = _HEADER.match(buf, start + at)
        if m is not None:
            return m
        at = low.find(_WORD, at + 1)
    return None


def _ends_object(buf, start: int, end: int) -> bool:
    """Whether ``buf[start:end]`` ends in "}" but for white space (read in place: the body can be large)."""
    i = end - 1
    while i >= start and buf[i] in b" \t\r\n":
        i -= 1
    return i >= start and buf[i] == 0x7D


def _whole_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


_readers: dict[int, _Reader] = {}


def reader_for(stream) -> _Reader:
    """The one reader of ``stream`` (what it has buffered stays with the stream's next reader)."""
    reader = _readers.get(id(stream))
    if reader is None or reader.stream is not stream:
        reader = _readers[id(stream)] = _Reader(stream)
    return reader


def read_message(stream) -> bytes | None:
    """The body of the next LSP message on a binary stream (None at the end of the input)."""
    return reader_for(stream).next()


def _read_messages(stream, deliver, done, rejected=None) -> None:
    reader = reader_for(stream)
    if rejected is not None:
        reader.rejected = rejected
        for head in reader.pending:
            rejected(head)
        reader.pending.clear()
    try:
        while (body := reader.next()) is not None:
            deliver(body)
    except (OSError, ValueError):
        log.debug("input closed")
    except Exception:  # noqa: BLE001 - the reader must end cleanly, never with a traceback
        log.exception("reading messages failed")
    finally:
        done()


def message_id(data: bytes):
    """The request id of a message that could not be read, when it can be found; else None."""
    head = data[: data.find(b'"params"')] if b'"params"' in data else data[:4096]
    m = _ID.search(head)
    if m is None:
        return None
    try:
        return json.loads(m.group(1))
    except ValueError:
        return None


def serve(server, stdin, stdout, replay: list[bytes] = (), first=None) -> None:
    """Run ``server`` over binary streams until the input ends or ``exit`` arrives.

    ``replay``: message bodies read already (by :mod:`.front`), handled first, after calling ``first()``.
    """
    import asyncio

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
            raw = json.loads(body)
        except (ValueError, RecursionError) as exc:
            log.warning("unreadable message ignored: %s", exc)
            _reply_error(protocol, message_id(body), PARSE_ERROR, "Parse error: the message is not JSON")
            return
        if not isinstance(raw, dict):
            log.warning("message that is not a JSON object ignored")
            return
        if _refused(protocol, raw):
            return
        try:
            message = protocol.structure_message(raw)
        except Exception as exc:  # noqa: BLE001 - a malformed message must not stop the server
            log.warning("unreadable message ignored: %s", exc)
            _reply_parse_error(protocol, raw)
            return
        try:
            protocol.handle_message(message)
        except Exception:  # noqa: BLE001
            log.exception("failed to handle a message")

    def rejected(head: bytes) -> None:
        loop.call_soon_threadsafe(_reply_error, protocol, message_id(head), INVALID_REQUEST,
                                  f"Message too large or with a bad Content-Length (the limit is {MAX_MESSAGE} bytes)")

    def deliver(body: bytes) -> None:
        loop.call_soon_threadsafe(handle, body)

    def done() -> None:
        loop.call_soon_threadsafe(loop.stop)

    if first is not None:
        loop.call_soon(first)
    for body in replay:
        deliver(body)
    threading.excepthook = lambda args: log.error("%s in thread %s", args.exc_type.__name__,
                                                  getattr(args.thread, "name", "?"),
                                                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    reader = threading.Thread(target=_read_messages, args=(stdin, deliver, done, rejected), daemon=True,
                              name="lsp-reader")
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


def _refused(protocol, raw: dict) -> bool:
    """Answer with an error, and drop, a request for an unknown method or a notification sent with an id."""
    from lsprotocol import types

    if "id" not in raw or not isinstance(raw.get("method"), str) or protocol._shutdown:
        return False
    method = raw["method"]
    known = types.METHOD_TO_TYPES.get(method)
    fm = protocol.fm
    if known is None and method not in fm.features and method not in fm.builtin_features:
        _reply_error(protocol, raw["id"], METHOD_NOT_FOUND, f"Unknown method: {method}")
        return True
    if known is not None and known[1] is None and "Notification" in known[0].__name__:
        _reply_error(protocol, raw["id"], INVALID_REQUEST,
                     f"{method} is a notification: it must be sent without an id")
        return True
    return False


def _reply_error(protocol, msg_id, code: int, message: str) -> None:
    """Send an error response for ``msg_id`` (nothing when the id is unknown or not a number or string)."""
    if msg_id is None or isinstance(msg_id, bool) or not isinstance(msg_id, (int, str)):
        return
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})


def _reply_parse_error(protocol, raw: dict) -> None:
    """Answer a request whose parameters could not be read with InvalidParams."""
    from pygls.exceptions import JsonRpcInvalidParams

    if "id" in raw and "method" in raw:
        _reply_error(protocol, raw["id"], JsonRpcInvalidParams.CODE, "Invalid params")
