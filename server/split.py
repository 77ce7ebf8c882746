"""Checking the templates of one large document on several cores (forked children).

The language server's first check of a large ARM file is its slowest answer:
most of it is the schema pass and the rules over each imageTemplate. Once the
value tree is built, :func:`map_forked` forks children that check templates on
the tree they share copy-on-write, alongside the parent: each process takes the
next template from a common pipe of tickets until none is left, and the children
send back their findings pickled. Only where forking is safe: Linux, no other
thread running, more than one idle core. A child that fails costs nothing but
time: the parent checks the templates it took itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading
from array import array

# Fewer templates than this are checked in one process: forking costs about what it saves (17 templates,
# arm-2000 of the benchmark: 29.9 ms split, 29.3 ms not).
MIN_TEMPLATES = 32
# At most this many processes per document.
MAX_PARTS = 4


def parts_for(count: int) -> int:
    """How many processes to check ``count`` templates with (1: this one alone).

    ``AIBLINT_JOBS=N`` sets the number of processes, as for ``--check`` (1: this one alone); otherwise
    one per idle core (see :func:`aiblint.pool.idle_cores`), at most :data:`MAX_PARTS`.
    """
    if count < MIN_TEMPLATES or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    jobs = os.environ.get("AIBLINT_JOBS", "").strip()
    if jobs.isdigit():
        return max(1, min(int(jobs), MAX_PARTS))
    from .pool import idle_cores

    return max(1, min(MAX_PARTS, idle_cores(), count // (MIN_TEMPLATES // 2)))


def map_forked(work, items: list, meanwhile=None) -> list:
    """``[work(item) for item in items]``, the items shared out over forked children when that pays.

    The processes take the items one after another from a common pipe of tickets, so that all of them
    finish at about the same time however the items' costs differ. ``meanwhile()``, if given, runs once
    in this process either way; with children, once no item is left to take, while they may still be
    at their last ones.
    """
    parts = parts_for(len(items))
    tickets = _tickets(len(items)) if parts > 1 else None
    if tickets is None:
        out = [work(item) for item in items]
        if meanwhile is not None:
            meanwhile()
        return out
    children = [child for child in (_fork(work, items, tickets) for _ in range(1, parts)) if child is not None]
    out: list = [None] * len(items)
    done = [False] * len(items)
    try:
        for i in _taken(tickets, len(items)):
            out[i] = work(items[i])
            done[i] = True
        if meanwhile is not None:
            meanwhile()
    finally:  # the children are waited for even when this process's work fails
        os.close(tickets)
        sent = [_collect(pid, reader) for pid, reader in children]
    for pairs in sent:
        for i, result in pairs or ():
            out[i] = result
            done[i] = True
    for i, item in enumerate(items):
        if not done[i]:
            out[i] = work(item)  # taken by a child that failed: checked here
    return out


# A ticket is the number of one chunk of items, 4 bytes; the pipe holds all of them before anyone reads
# (a pipe holds 64 KB on Linux; if it holds fewer, the items are checked here alone), so there are at
# most this many chunks.
MAX_TICKETS = 4096


def _tickets(count: int) -> int | None:
    """The read end of a pipe holding a ticket for every chunk of ``count`` items (its write end closed)."""
    chunks = min(count, MAX_TICKETS)
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    tickets = array("I", range(chunks)).tobytes()
    try:
        # Never blocking: a pipe may hold less than 64 KB (Linux gives one page to a user over its limit).
        os.set_blocking(write_fd, False)
        written = os.write(write_fd, tickets)
    except OSError:
        written = -1
    finally:
        os.close(write_fd)
    if written != len(tickets):
        os.close(read_fd)
        return None
    return read_fd


def _taken(tickets: int, count: int):
    """The indexes of the items this process takes, one chunk at a time, until the tickets run out."""
    chunks = min(count, MAX_TICKETS)
    while True:
        ticket = os.read(tickets, 4)  # tickets are all written before any is read: 4 bytes or none
        if len(ticket) < 4:
            return
        chunk = array("I", ticket)[0]
        yield from range(chunk * count // chunks, (chunk + 1) * count // chunks)


def _fork(work, items: list, tickets: int):
    """(pid, read end of a pipe) of a child that takes items from ``tickets`` and writes the pickled
    (index, result) pairs; None if no child could be started."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: compute, send, and leave without running any exit handler
        code = 1
        try:
            # A log record must not reach a handler that writes to the parent's channels (the language
            # server sends its log to the client on standard output).
            logging.disable(logging.CRITICAL)
            os.close(read_fd)
            results = [(i, work(items[i])) for i in _taken(tickets, len(items))]
            data = pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, os.fdopen(read_fd, "rb")


def _collect(pid: int, reader):
    """The (index, result) pairs a child sent; None when it sent none (crashed, killed, or failed to pickle)."""
    data = b""
    try:
        with reader:
            data = reader.read()
    except OSError:
        data = b""
    finally:
        _pid, status = os.waitpid(pid, 0)
    if not data or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - the parent checks the share itself
        return None
