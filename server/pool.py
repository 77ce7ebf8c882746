"""Checking many files on several cores (``aiblint --check`` over a repository).

When a run has many files and the machine more than one core, the files are
checked by forked worker processes (which start with the engine, catalog and
rules already loaded), a few shares of consecutive files each, in order: the
output is the same as a serial run's. A worker runs ShellCheck once for the
scripts of a share, and sends back what the report needs (diagnostics, line
index, what was printed to stderr); the value trees stay in the workers. One
file, a few files, one core, or a platform without ``fork`` get the serial loop.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import io
import os
import sys

# Below this many files per worker, starting the workers costs more than it saves.
FILES_PER_WORKER = 24
# Shares of the files each worker takes in turn (each share runs ShellCheck once for its scripts).
SHARES_PER_WORKER = 3

_run = None  # the Run being executed, inherited by the forked workers


def worker_count(files: int) -> int:
    """How many worker processes to use for ``files`` files (0: check them in this process).

    ``AIBLINT_JOBS=N`` sets it (1: serial); otherwise one worker per idle core (cores
    less what other work keeps busy now, :func:`busy_elsewhere`: on a machine busy with
    other work, more processes only add the cost of forking and sending results),
    when there are enough files.
    """
    jobs = os.environ.get("AIBLINT_JOBS", "").strip()
    if files < 2 or (not jobs and files < 2 * FILES_PER_WORKER):
        return 0  # without importing multiprocessing
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if jobs.isdigit():
        n = min(int(jobs), files)
        return n if n > 1 else 0
    n = min(idle_cores(), files // FILES_PER_WORKER)
    return n if n > 1 else 0


def idle_cores() -> int:
    """The cores this process may use less those other work keeps busy now (:func:`busy_elsewhere`)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores - busy_elsewhere()


def busy_elsewhere() -> int:
    """How many cores other work keeps busy now: the tasks running or ready to run, less this one
    (Linux, ``/proc/loadavg``); elsewhere the whole processes of the one-minute load average.

    Not the load average where the count is known: it still holds, for a minute, the runs that just
    finished (a pre-commit hook's, or the previous file's), and made a quiet machine check serially.
    """
    try:
        with open("/proc/loadavg", "rb") as f:
            return max(int(f.read().split()[3].split(b"/")[0]) - 1, 0)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.getloadavg()[0])
    except OSError:
        return 0


class Shown:
    """What the output formats need of a checked document: the positions of the spans it reports."""

    __slots__ = ("lines", "has_syntax_error")

    def __init__(self, document, diagnostics):
        self.lines = _Ranges(document.lines, diagnostics)
        self.has_syntax_error = document.has_syntax_error


class _Ranges:
    """The line index's ranges of every span the diagnostics mention (diagnostic, related, fix edits)."""

    __slots__ = ("ranges",)

    def __init__(self, lines, diagnostics):
        spans = set()
        for d in diagnostics:
            spans.add(d.span)
            spans.update(r.span for r in d.related)
            spans.update(e.span for f in d.fixes for e in f.edits)
        self.ranges = {span: lines.range(span) for span in spans}

    def range(self, span):
        return self.ranges[span]


def check_files(run, files, workers: int):
    """Each file's result (a ``Checked`` or None), in the order of ``files``, from ``workers`` processes.

    A worker that dies (killed for memory, or a crash in a native library) takes only its unfinished
    files with it: they are checked again one at a time (:func:`_recheck`), so the run neither hangs
    nor loses them.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _run
    _run = run
    gc.freeze()  # the workers share these pages instead of copying them on the collector's first pass
    # A few shares per worker, so that the workers finish together; each share runs ShellCheck once.
    size = max(4, len(files) // (workers * SHARES_PER_WORKER))
    shares = [files[i : i + size] for i in range(0, len(files), size)]
    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(workers, mp_context=context)
    try:
        for share, future in zip(shares, _submit(executor, shares)):
            results = _result(future)
            if results is None:
                executor.shutdown()  # its threads end before more workers are forked
                yield from _recheck(run, share, context)
                continue
            yield from _take(run, results)
    finally:
        executor.shutdown()
        _run = None


def _submit(executor, tasks: list) -> list:
    """The futures of :func:`_work` over ``tasks``; None for the tasks not taken because the pool broke."""
    from concurrent.futures.process import BrokenProcessPool

    futures = []
    for task in tasks:
        try:
            futures.append(executor.submit(_work, task))
        except BrokenProcessPool:
            return futures + [None] * (len(tasks) - len(futures))
    return futures


def _result(future) -> list | None:
    """What a share's worker sent back; None when the worker died first (or the task was never taken)."""
    from concurrent.futures.process import BrokenProcessPool

    if future is None:
        return None
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def _take(run, results):
    """The checked files of a share, after passing on what checking them printed and counted."""
    for checked, printed, errors, looked_at in results:
        if printed:
            sys.stderr.write(printed)
        run.errors += errors
        run.looked_at += looked_at
        yield checked


def _recheck(run, files, context):
    """Check the files of a share whose worker died, one task each in a fresh single worker; a file
    whose worker dies again is reported as a file error."""
    from concurrent.futures import ProcessPoolExecutor

    print(f"aiblint: a worker process stopped while checking {len(files)} files; checking them again",
          file=sys.stderr)
    pending = list(files)
    while pending:
        done = len(pending)
        with ProcessPoolExecutor(1, mp_context=context) as executor:
            for i, future in enumerate(_submit(executor, [[f] for f in pending])):
                if future is None:  # not taken (the first task always is): the next worker takes it
                    done = i
                    break
                results = _result(future)
                if results is None:
                    # One worker takes the files in order: the first one without a result killed it.
                    run.looked_at += 1
                    yield run.failed(pending[i].path, "the process checking this file died "
                                     "(out of memory, or a crash in a native library)")
                    done = i + 1
                    break
                yield from _take(run, results)
        pending = pending[done:]


def _work(candidates) -> list[tuple]:
    """Check a share of the files: (checked, what it printed, errors, files looked at) for each."""
    run = _run
    out = []
    for candidate in candidates:
        before, looked_before = run.errors, run.looked_at
        printed = io.StringIO()
        with contextlib.redirect_stderr(printed):
            checked = run.check_candidate(candidate)
        out.append([checked, printed.getvalue(), run.errors - before, run.looked_at - looked_before])
    before = run.errors
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        run.add_shellcheck([result[0] for result in out])
    if out:  # what ShellCheck's run printed goes after the share's last file
        out[-1][1] += printed.getvalue()
        out[-1][2] += run.errors - before
    for result in out:
        result[0] = _portable(run, result[0])
    return [tuple(result) for result in out]


def _portable(run, checked):
    """What the parent needs of a checked file: its report's ranges, not its value trees."""
    if checked is not None:
        report = checked.report
        if report.document is not None:
            report.document = Shown(report.document, report.diagnostics)
        if checked.source is not None:
            checked.source = dataclasses.replace(checked.source, text=None)
        if not run.args.diff:
            checked.original = checked.fixed = None
    return checked
