"""Rerun the benchmarks: ``python -m aiblint.lsp.bench [--rounds N] [--bench DIR] [--corpus DIR]``.

Copies the shared benchmark folder (read-only) to a work folder, generates the
standard templates, installs the peer (VS Code's JSON language server with the
AIB schema) once, and runs ``lspbench.py`` with this server against the peer on
the 200-, 2,000- and 20,000-line templates. Then, unless ``--no-check``, it
compares ``aiblint --check CORPUS`` with check-jsonschema and the peer's schemas
on the same files (``tools/bench_check.py --vs-check-jsonschema``, interleaved
rounds). The A/B tables go to stderr, the JSON reports to ``--json-out`` and
``--check-json-out``. Byte code is written before and used during the runs, as
on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

FILES = ("raw-200.aib.json", "arm-200.json", "arm-2000.json", "arm-20000.json")


def inprocess(path: Path, edits: int = 50, value: str | None = None) -> dict:
    """Per-keystroke CPU time inside the server (no pipes): didChange + textDocument/diagnostic.

    The same edit as lspbench's (a character typed and removed at the start of a
    customizer's ``name`` value, here in the second half of the file, or the
    first ``name`` whose value starts with ``value``); ``.bicep`` files are
    opened as Bicep.
    """
    import json
    import time

    from .server import build_server

    server = build_server()

    class Sink:
        def write(self, data):
            pass

        def close(self):
            pass

    protocol = server.protocol
    protocol.set_writer(Sink())

    def send(message):
        protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"capabilities": {"textDocument": {"diagnostic": {}}}}})
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    language = "bicep" if path.suffix == ".bicep" else "json"
    needle = "name: '" if language == "bicep" else '"name": "'
    if value is not None:
        needle += value
        line = next(i for i, x in enumerate(lines) if needle in x)
    else:
        line = next(i for i, x in enumerate(lines) if needle in x and i > len(lines) // 2)
    col = lines[line].index(needle) + len(needle) - len(value or "")
    uri = path.resolve().as_uri()
    t0 = time.process_time()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}})
    send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}})
    open_ms = (time.process_time() - t0) * 1e3
    samples = []
    for i in range(edits):
        end = col + (i % 2)
        change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}},
                  "text": "x" if i % 2 == 0 else ""}
        t0 = time.process_time()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [change]}})
        send({"jsonrpc": "2.0", "id": 10 + i, "method": "textDocument/diagnostic",
              "params": {"textDocument": {"uri": uri}}})
        samples.append((time.process_time() - t0) * 1e3)
    samples.sort()
    od = server.documents[uri]
    return {"file": path.name, "open_cpu_ms": round(open_ms, 1), "edit_cpu_ms_median": round(samples[len(samples) // 2], 2),
            "edit_cpu_ms_min": round(samples[0], 2), "path": type(od.result).__name__}


def main(argv=None) -> int:
    root = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(prog="python -m aiblint.lsp.bench", description=__doc__.splitlines()[0])
    p.add_argument("--bench", default=os.environ.get("AIBLINT_BENCH", str(root.parent / "shared" / "bench")),
                   help="the benchmark folder to copy (default: ../shared/bench)")
    p.add_argument("--work", default="/tmp/aiblint-bench", help="where to copy it and run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--order", default="abab", choices=["abab", "abba"])
    p.add_argument("--json-out", default="/tmp/aiblint-bench/cmp.json")
    p.add_argument("--inprocess", action="store_true",
                   help="only measure the CPU time of each keystroke inside the server (no peer, no pipes)")
    p.add_argument("--corpus", default=str(root.parent / "shared" / "corpus" / "real"),
                   help="the folder for the --check comparison (default: ../shared/corpus/real)")
    p.add_argument("--check-runs", type=int, default=5, help="interleaved rounds of the --check comparison")
    p.add_argument("--check-json-out", default="/tmp/aiblint-bench/check.json")
    p.add_argument("--no-check", action="store_true", help="skip the --check comparison")
    p.add_argument("--no-lsp", action="store_true", help="skip the language-server comparison")
    p.add_argument("files", nargs="*", default=list(FILES))
    args = p.parse_args(argv)
    work = Path(args.work)
    if not (work / "lspbench.py").exists():
        shutil.copytree(args.bench, work, dirs_exist_ok=True)
        for path in work.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)
    if not (work / "out" / FILES[-1]).exists():
        subprocess.run([sys.executable, str(work / "gen_templates.py"), "--standard"], check=True)
    if args.inprocess:
        for name in args.files:
            print(inprocess(work / "out" / name))
        return 0
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # Write the byte code of everything a session imports, as any earlier use on a user's machine would have.
    subprocess.run([sys.executable, "-c", "import aiblint.lsp.server, aiblint.lsp.front, aiblint.engine, "
                    "aiblint.rule; aiblint.rule.registry(); aiblint.lsp.server.build_server()"], env=env, check=True)
    code = 0
    if not args.no_lsp:
        if not (work / "peer" / "node_modules").exists():
            subprocess.run(["sh", str(work / "peer" / "setup.sh")], check=True)
        server = f"{sys.executable} -m aiblint --stdio"
        cmd = [sys.executable, str(work / "lspbench.py"), "--server", server, "--label", "aiblint", "--vs", "peer",
               "--rounds", str(args.rounds), "--order", args.order, "--json-out", args.json_out]
        for name in args.files:
            cmd += ["--file", str(work / "out" / name)]
        print(f"load average {os.getloadavg()[0]:.2f}; " + " ".join(cmd), file=sys.stderr)
        code = subprocess.run(cmd, env=env).returncode
        print(f"load average {os.getloadavg()[0]:.2f} at the end of the language-server comparison", file=sys.stderr)
    if not args.no_check:
        tool = root / "tools" / "bench_check.py"
        if not Path(args.corpus).is_dir() or not tool.exists():
            print(f"--check comparison skipped: {args.corpus} or {tool} not found", file=sys.stderr)
            return code
        cmd = [sys.executable, str(tool), "--runs", str(args.check_runs), "--vs-check-jsonschema",
               str(work / "peer" / "schemas"), "--json-out", args.check_json_out, args.corpus]
        code = subprocess.run(cmd, env=env).returncode or code
    return code

if __name__ == "__main__":
    raise SystemExit(main())
