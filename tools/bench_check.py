"""Wall-clock time of ``aiblint --check`` runs, as BENCHMARKS.md reports them.

``python tools/bench_check.py [--runs 5] [--script PATH] TARGET...`` runs the
console script once per target as a warm-up, then ``--runs`` times each, and
prints the median wall time with its spread, the median CPU time (user +
system) and the load average. Each run is a fresh process (cold start),
with Python's byte-code cache enabled as on a user's machine.

``--vs-check-jsonschema SCHEMAS`` compares instead, in one interleaved run,
``aiblint --check FILES`` with check-jsonschema validating the same files (the
JSON files of TARGET that aiblint reports as templates) against the peer's schemas in the folder
``SCHEMAS`` (``aib-deploymentTemplate.schema.json`` for files whose ``$schema`` is a
deploymentTemplate URL, as the peer binds them, ``aib-imageTemplate.schema.json``
for the others: two invocations). Each round runs both, alternating which goes
first; the ratio is aiblint / check-jsonschema, per round and of the medians.
``--json-out FILE`` writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ARM_SCHEMA = re.compile(rb'"\$schema"\s*:\s*"[^"]*deploymenttemplate', re.I)


def _env() -> dict:
    # As on a user's machine: byte code is cached (the warm-up run writes it).
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed(cmds: list[list[str]], env: dict) -> tuple[float, float, list[subprocess.CompletedProcess]]:
    """Wall and CPU time (user + system of the children) of running ``cmds`` one after the other."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    procs = [subprocess.run(cmd, capture_output=True, env=env) for cmd in cmds]
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, procs


def _stats(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 4), "min": round(min(values), 4),
            "max": round(max(values), 4)}


def time_targets(script: str, targets: list[str], runs: int) -> list[dict]:
    env = _env()
    out = []
    for target in targets:
        cmd = [script, "--check", target]
        subprocess.run(cmd, capture_output=True, env=env)  # warm the file and byte-code caches
        times, cpu = [], []
        for _ in range(runs):
            wall, used, procs = _timed([cmd], env)
            times.append(wall)
            cpu.append(used)
        proc = procs[0]
        summary = proc.stdout.decode(errors="replace").strip().splitlines()[-1:] or [""]
        print(f"{target}: wall median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}), "
              f"CPU median {statistics.median(cpu):.3f} s, {runs} runs, load {os.getloadavg()[0]:.1f} "
              f"(exit {proc.returncode}; {summary[0]})")
        out.append({"target": target, "wall_s": _stats(times), "cpu_s": _stats(cpu), "exit": proc.returncode})
    return out


def reported_files(script: str, target: str, env: dict) -> list[str]:
    """The files ``aiblint --check TARGET`` reports: those its walk finds, less those it skips as no template."""
    from aiblint import discover

    walked = [c.path for c in discover.walk([target])]
    proc = subprocess.run([script, "--check", target, "--verbose", "--format", "json"], capture_output=True, env=env)
    skipped = {line.split(": skipped: ")[0] for line in proc.stderr.decode(errors="replace").splitlines()
               if ": skipped: " in line}
    return [f for f in walked if f not in skipped]


def compare(script: str, checker: str, schemas: Path, target: str, runs: int) -> dict:
    """aiblint --check against check-jsonschema on the same files, interleaved; ratios aiblint / peer."""
    env = _env()
    # The JSON files only: the peer's schemas cannot read Bicep or YAML.
    files = [f for f in reported_files(script, target, env) if f.lower().endswith((".json", ".jsonc"))]
    arm = [f for f in files if ARM_SCHEMA.search(Path(f).read_bytes()[:4096])]
    raw = [f for f in files if f not in set(arm)]
    ours = [script, "--check", *files]
    theirs = [[checker, "--schemafile", str(schemas / name), *group]
              for name, group in (("aib-deploymentTemplate.schema.json", arm), ("aib-imageTemplate.schema.json", raw))
              if group]
    for cmd in [ours, *theirs]:  # warm-up: file and byte-code caches
        subprocess.run(cmd, capture_output=True, env=env)
    load_start = os.getloadavg()
    samples = {"aiblint": {"wall": [], "cpu": []}, "check-jsonschema": {"wall": [], "cpu": []}}
    ratios = []
    for i in range(runs):
        order = [("aiblint", [ours]), ("check-jsonschema", theirs)]
        if i % 2:
            order.reverse()
        walls = {}
        for label, cmds in order:
            wall, cpu, _ = _timed(cmds, env)
            samples[label]["wall"].append(wall)
            samples[label]["cpu"].append(cpu)
            walls[label] = wall
        ratios.append(walls["aiblint"] / walls["check-jsonschema"])
    result = {
        "target": target, "files": len(files), "arm_files": len(arm), "raw_files": len(raw), "runs": runs,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_start": [round(x, 2) for x in load_start], "load_end": [round(x, 2) for x in os.getloadavg()],
        **{label: {"wall_s": _stats(s["wall"]), "cpu_s": _stats(s["cpu"])} for label, s in samples.items()},
        "ratio_wall_of_medians": round(statistics.median(samples["aiblint"]["wall"])
                                       / statistics.median(samples["check-jsonschema"]["wall"]), 3),
        "ratio_wall_per_round": _stats(ratios),
        "ratio_cpu_of_medians": round(statistics.median(samples["aiblint"]["cpu"])
                                      / statistics.median(samples["check-jsonschema"]["cpu"]), 3),
    }
    a, b = result["aiblint"], result["check-jsonschema"]
    print(f"--check {target} ({len(files)} files: {len(arm)} ARM, {len(raw)} raw), {runs} interleaved rounds, "
          f"load {load_start[0]:.1f} -> {os.getloadavg()[0]:.1f}, {result['cores']} cores\n"
          f"  metric                  aiblint  check-jsonschema    A/B\n"
          f"  wall median (s)      {a['wall_s']['median']:10.3f} {b['wall_s']['median']:17.3f} "
          f"{result['ratio_wall_of_medians']:6.2f}x  (per round {result['ratio_wall_per_round']['min']:.2f}-"
          f"{result['ratio_wall_per_round']['max']:.2f}x)\n"
          f"  CPU median (s)       {a['cpu_s']['median']:10.3f} {b['cpu_s']['median']:17.3f} "
          f"{result['ratio_cpu_of_medians']:6.2f}x", file=sys.stderr)
    return result


def default_script() -> str | None:
    local = Path(sys.executable).parent / "aiblint"
    return str(local) if local.exists() else shutil.which("aiblint")


def default_checker() -> str | None:
    local = Path(sys.executable).parent / "check-jsonschema"
    return str(local) if local.exists() else shutil.which("check-jsonschema")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("targets", nargs="+")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--script", default=default_script())
    p.add_argument("--vs-check-jsonschema", metavar="SCHEMAS", type=Path,
                   help="compare with check-jsonschema and the peer's schemas in this folder")
    p.add_argument("--checker", default=default_checker(), help="the check-jsonschema command")
    p.add_argument("--json-out", type=Path)
    args = p.parse_args(argv)
    if args.vs_check_jsonschema is None:
        results = time_targets(args.script, args.targets, args.runs)
    else:
        if not args.checker:
            p.error("check-jsonschema not found: pip install check-jsonschema (or '.[bench]')")
        results = [compare(args.script, args.checker, args.vs_check_jsonschema, t, args.runs) for t in args.targets]
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
