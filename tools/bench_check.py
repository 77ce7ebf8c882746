"""Wall-clock time of ``aiblint --check`` runs, as BENCHMARKS.md reports them.

``python tools/bench_check.py [--runs 5] [--script PATH] TARGET...`` runs the
console script once per target as a warm-up, then ``--runs`` times each, and
prints the median wall time with its spread, the median CPU time (user +
system) and the load average. Each run is a fresh process (cold start),
with Python's byte-code cache enabled as on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("targets", nargs="+")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--script", default=str(Path(sys.executable).parent / "aiblint") if
                   (Path(sys.executable).parent / "aiblint").exists() else shutil.which("aiblint"))
    args = p.parse_args(argv)
    # As on a user's machine: byte code is cached (the warm-up run writes it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for target in args.targets:
        cmd = [args.script, "--check", target]
        subprocess.run(cmd, capture_output=True, env=env)  # warm the file and byte-code caches
        times, cpu = [], []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, env=env)
            times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        summary = proc.stdout.decode(errors="replace").strip().splitlines()[-1:] or [""]
        print(f"{target}: wall median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}), "
              f"CPU median {statistics.median(cpu):.3f} s, {args.runs} runs, load {os.getloadavg()[0]:.1f} "
              f"(exit {proc.returncode}; {summary[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
