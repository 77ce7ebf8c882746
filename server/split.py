"""Checking the templates of one large document on several cores (forked children).

The language server's first check of a large ARM file is its slowest answer:
most of it is the schema pass and the rules over each imageTemplate. Once the
value tree is built, :func:`map_forked` forks children that each check a share
of the templates (every n-th one, so that the shares cost about the same) on
the tree they share copy-on-write, and send back their findings pickled; the
parent checks its own share meanwhile. Only where forking is safe: Linux, no
other thread running, more than one idle core. A child that fails costs
nothing but time: the parent checks its share itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading

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

    ``meanwhile()``, if given, runs once in this process either way; with children, after this process's
    own share, while they may still be at theirs.
    """
    parts = parts_for(len(items))
    if parts < 2:
        out = [work(item) for item in items]
        if meanwhile is not None:
            meanwhile()
        return out
    children = []
    for part in range(1, parts):
        child = _fork(work, items[part::parts])
        if child is not None:
            children.append((part, child))
    taken = {part for part, _child in children}
    out: list = [None] * len(items)
    # This process: its own share, and the shares of the children that could not be started.
    for part in range(parts):
        if part == 0 or part not in taken:
            for i in range(part, len(items), parts):
                out[i] = work(items[i])
    if meanwhile is not None:
        meanwhile()
    for part, (pid, reader) in children:
        results = _collect(pid, reader)
        share = range(part, len(items), parts)
        if results is None or len(results) != len(share):
            results = [work(items[i]) for i in share]  # the child failed: its share is checked here
        for i, result in zip(share, results):
            out[i] = result
    return out


def _fork(work, share: list):
    """(pid, read end of a pipe) of a child that writes the pickled results of ``share``; None if no fork."""
    try:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: compute, send, and leave without running any exit handler
        code = 1
        try:
            # A log record must not reach a handler that writes to the parent's channels (the language
            # server sends its log to the client on standard output).
            logging.disable(logging.CRITICAL)
            os.close(read_fd)
            data = pickle.dumps([work(item) for item in share], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, os.fdopen(read_fd, "rb")


def _collect(pid: int, reader):
    """The results a child sent; None when it sent none (crashed, killed, or failed to pickle)."""
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
