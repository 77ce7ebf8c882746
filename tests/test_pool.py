"""``--check`` over many files in worker processes gives the serial run's output, byte for byte."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aiblint import pool
from aiblint.pool import FILES_PER_WORKER, busy_elsewhere, worker_count

from cliutil import DUPLICATE, command

ROOT = Path(__file__).resolve().parent.parent
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def test_diagnostics_cross_processes_whole():
    """Results come back from workers pickled: every field of a diagnostic survives, fixes and related places too."""
    import pickle

    from aiblint.diagnostics import Diagnostic, Fix, Related, Severity, Span, TextEdit
    from aiblint.document.positions import LineIndex

    lines = LineIndex(b"a\nb\n")
    d = Diagnostic("AIB301", "no checksum", Span(3, 9), Severity.WARNING,
                   related=(Related(Span(1, 2), "used here", "/tmp/x.sh", lines),),
                   fixes=(Fix("Add sha256Checksum", (TextEdit(Span(9, 9), ', "x": 1'),), safe=False, preferred=False),),
                   name="missing-sha256", path=None, data={"supersedes": True})
    back = pickle.loads(pickle.dumps([d, d.span], pickle.HIGHEST_PROTOCOL))
    assert back == [d, d.span] and back[0] is not d
    assert back[0].severity is Severity.WARNING and back[0].name == "missing-sha256"
    assert back[0].related[0].path == "/tmp/x.sh" and back[0].related[0].lines.offset(1, 0) == 2
    assert back[0].fixes[0].safe is False and back[0].fixes[0].preferred is False


def test_few_files_or_one_core_are_checked_serially(monkeypatch):
    monkeypatch.delenv("AIBLINT_JOBS", raising=False)
    assert worker_count(1) == 0
    assert worker_count(2 * FILES_PER_WORKER - 1) == 0

    monkeypatch.setattr(pool, "busy_elsewhere", lambda: 0)
    assert worker_count(10_000) == (min(CORES, 10_000 // FILES_PER_WORKER) if CORES > 1 else 0)
    assert worker_count(2 * FILES_PER_WORKER) == (2 if CORES > 1 else 0)
    monkeypatch.setattr(pool, "busy_elsewhere", lambda: CORES - 1)  # one core left: serial
    assert worker_count(10_000) == 0
    monkeypatch.setenv("AIBLINT_JOBS", "3")
    assert worker_count(10_000) == 3 and worker_count(2) == 2 and worker_count(1) == 0
    monkeypatch.setenv("AIBLINT_JOBS", "1")
    assert worker_count(10_000) == 0


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="Linux only")
def test_busy_cores_are_counted_now_not_over_the_last_minute():
    # This test's own process is running: it is not counted; what else runs is at most the tasks there are.
    total = int(Path("/proc/loadavg").read_text().split()[3].split("/")[1])
    assert 0 <= busy_elsewhere() < total


def _tree(root: Path) -> None:
    """Enough files for two workers: templates with findings, broken ones, binary and unreadable ones."""
    examples = sorted((ROOT / "examples").rglob("*.json"))
    for i in range(2 * FILES_PER_WORKER + 7):
        src = examples[i % len(examples)]
        folder = root / f"d{i % 5}"
        folder.mkdir(exist_ok=True)
        shutil.copy(src, folder / f"{i:03d}-{src.name}")
    (root / "d0" / "binary.json").write_bytes(b"\x00\x01virtualmachineimages\xff")
    (root / "d1" / "latin1.json").write_bytes('{"type": "Microsoft.VirtualMachineImages/imageTemplates", '
                                              '"name": "caf\u00e9"}'.encode("latin-1"))
    (root / "d2" / "fifo.json").symlink_to(root / "missing.json")


def _run(args, jobs: int, cwd: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["AIBLINT_JOBS"] = str(jobs)
    proc = subprocess.run(command(*args), cwd=cwd, capture_output=True, env=env, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
@pytest.mark.parametrize("args", [
    ["--format", "json"],
    ["--format", "text", "--verbose"],
    ["--format", "sarif"],
    ["--diff", "--unsafe-fixes"],
])
def test_pool_output_equals_serial_output(tmp_path, args):
    _tree(tmp_path)
    one = _run(["--check", ".", *args], 1, tmp_path)
    many = _run(["--check", ".", *args], 3, tmp_path)
    assert one == many
    assert one[1]  # something was reported


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_pool_fix_writes_what_serial_fix_writes(tmp_path):
    serial, pooled = tmp_path / "serial", tmp_path / "pooled"
    for folder in (serial, pooled):
        folder.mkdir()
        _tree(folder)
    one = _run(["--check", ".", "--fix", "--unsafe-fixes"], 1, serial)
    many = _run(["--check", ".", "--fix", "--unsafe-fixes"], 3, pooled)
    assert one == many
    files = sorted(p.relative_to(serial) for p in serial.rglob("*.json") if p.is_file())
    assert files
    assert [(serial / p).read_bytes() for p in files] == [(pooled / p).read_bytes() for p in files]
    assert any((serial / p).read_bytes() != (ROOT / "examples" / "bad" / p.name[4:]).read_bytes()
               for p in files if (ROOT / "examples" / "bad" / p.name[4:]).exists())


def _heavy_tree(root: Path, count: int) -> list[str]:
    """``count`` templates of 300 customizers each (long enough to check that the workers are still busy
    a moment after they start), each with one problem (AIB303)."""
    steps = ",\n".join(f'      {{"type": "Shell", "name": "step-{i}", "inline": ["echo {i}"]}}' for i in range(300))
    text = DUPLICATE.replace('"customize": [', '"customize": [\n' + steps + ",", 1)
    names = []
    for i in range(count):
        name = f"t{i:03d}.json"
        (root / name).write_text(text, encoding="utf-8")
        names.append(name)
    return names


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _run_killing_workers(root: Path, times: int | None):
    """``--check`` of ``root`` on two workers while its worker processes are killed as they turn up
    (``times`` of them; None: every one): what the out-of-memory killer would do."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["AIBLINT_JOBS"] = "2"
    proc = subprocess.Popen(command("--check", ".", "--format", "json", "--no-config"), cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = 0

    def killer():
        nonlocal killed
        while proc.poll() is None and (times is None or killed < times):
            with contextlib.suppress(OSError):
                for child in _children(proc.pid):
                    os.kill(child, signal.SIGKILL)
                    killed += 1
                    if times is not None and killed >= times:
                        return
            time.sleep(0.005)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
        thread.join()
    return proc.returncode, json.loads(out or b"[]"), err.decode(), killed


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux only")
def test_a_killed_worker_costs_nothing_its_files_are_checked_again(tmp_path):
    _heavy_tree(tmp_path, 4 * FILES_PER_WORKER)
    code, found, err, killed = _run_killing_workers(tmp_path, 1)
    assert killed == 1
    assert code == 1, err
    _, serial, _ = _run(["--check", ".", "--format", "json", "--no-config"], 1, tmp_path)
    assert found == json.loads(serial)
    assert len({d["path"] for d in found}) == 4 * FILES_PER_WORKER


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux only")
def test_workers_that_keep_dying_end_the_run_with_file_errors_not_a_hang(tmp_path):
    names = _heavy_tree(tmp_path, 2 * FILES_PER_WORKER)
    code, found, err, killed = _run_killing_workers(tmp_path, None)
    assert killed >= 2
    failed = {line.split(": error: ")[0] for line in err.splitlines() if ": error: the process checking" in line}
    # Every file is in the output: checked (its AIB303) or reported as a file error, never lost.
    checked = {d["path"] for d in found if d["code"] == "AIB303"}
    assert checked | failed == set(names) and not checked & failed
    assert code == (2 if failed else 1)
