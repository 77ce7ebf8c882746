"""Rerun the language-server benchmark: ``python -m aiblint.lsp.bench [--rounds N] [--bench DIR]``.

Copies the shared benchmark folder (read-only) to a work folder, generates the
standard templates, installs the peer (VS Code's JSON language server with the
AIB schema) once, and runs ``lspbench.py`` with this server against the peer on
the 200-, 2,000- and 20,000-line templates. The A/B table goes to stderr, the
JSON report to ``--json-out``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

FILES = ("raw-200.aib.json", "arm-200.json", "arm-2000.json", "arm-20000.json")


def main(argv=None) -> int:
    root = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(prog="python -m aiblint.lsp.bench", description=__doc__.splitlines()[0])
    p.add_argument("--bench", default=os.environ.get("AIBLINT_BENCH", str(root.parent / "shared" / "bench")),
                   help="the benchmark folder to copy (default: ../shared/bench)")
    p.add_argument("--work", default="/tmp/aiblint-bench", help="where to copy it and run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--order", default="abab", choices=["abab", "abba"])
    p.add_argument("--json-out", default="/tmp/aiblint-bench/cmp.json")
    p.add_argument("files", nargs="*", default=list(FILES))
    args = p.parse_args(argv)
    work = Path(args.work)
    if not (work / "lspbench.py").exists():
        shutil.copytree(args.bench, work, dirs_exist_ok=True)
        for path in work.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)
    if not (work / "out" / FILES[-1]).exists():
        subprocess.run([sys.executable, str(work / "gen_templates.py"), "--standard"], check=True)
    if not (work / "peer" / "node_modules").exists():
        subprocess.run(["sh", str(work / "peer" / "setup.sh")], check=True)
    server = f"{sys.executable} -m aiblint --stdio"
    cmd = [sys.executable, str(work / "lspbench.py"), "--server", server, "--label", "aiblint", "--vs", "peer",
           "--rounds", str(args.rounds), "--order", args.order, "--json-out", args.json_out]
    for name in args.files:
        cmd += ["--file", str(work / "out" / name)]
    print(" ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    raise SystemExit(main())
