"""Rerun the benchmarks: ``python -m aiblint.lsp.bench [--rounds N] [--bench DIR] [--corpus DIR]``.

Copies the shared benchmark folder (read-only) to a work folder, generates the
standard templates, installs the peer (VS Code's JSON language server with the
AIB schema) once, and runs ``lspbench.py`` with this server against the peer on
the 200-, 2,000- and 20,000-line templates (and this server alone on
``bicep-2000.bicep``, the templates of a generated ARM file written as Bicep: the
peer reads no Bicep). Then, unless ``--no-check``, it
compares ``aiblint --check CORPUS`` with check-jsonschema and the peer's schemas
on the same files (``tools/bench_check.py --vs-check-jsonschema``, interleaved
rounds). The A/B tables go to stderr, the JSON reports to ``--json-out`` and
``--check-json-out``. Byte code is written before and used during the runs, as
on a user's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

FILES = ("raw-200.aib.json", "arm-200.json", "arm-2000.json", "arm-20000.json")
BICEP = "bicep-2000.bicep"
BICEP_SOURCE = "arm-2000.json"  # the file whose templates bicep-2000.bicep holds
BICEP_TYPES = {"string": "string", "securestring": "string", "int": "int", "bool": "bool", "object": "object",
               "secureobject": "object", "array": "array"}  # an ARM parameter's type in Bicep
_ARM_REF = re.compile(r"\b(?:parameters|variables)\('(\w+)'\)")
_DECLARED_REF = re.compile(r"^\[(?:parameters|variables)\('([A-Za-z_][A-Za-z0-9_]*)'\)\]$")


def arm_to_bicep(doc: dict, opaque: bool = False) -> str:
    """An ARM deployment template as a Bicep file: ``param``, ``var``, one ``resource`` declaration per
    resource, ``output``.

    A reference to a declared parameter or variable becomes its name. Any other ARM expression is
    written as Bicep with its references as names, or with ``opaque`` as ``any('<the ARM expression>')``,
    which stands for any expression (for comparing the findings of the two forms).
    """
    from ..document.bicep import key_text, quote

    params, variables = doc.get("parameters") or {}, doc.get("variables") or {}
    declared = set(params) | set(variables)

    def expression(text: str) -> str:
        m = _DECLARED_REF.match(text)
        if m and m.group(1) in declared:
            return m.group(1)
        return f"any({quote(text)})" if opaque else _ARM_REF.sub(r"\1", text.strip()[1:-1])

    def value(v, indent: str = "") -> str:
        inner = indent + "  "
        if isinstance(v, dict):
            if not v:
                return "{}"
            members = "".join(f"\n{inner}{key(k)}: {value(x, inner)}" for k, x in v.items())
            return "{" + members + "\n" + indent + "}"
        if isinstance(v, list):
            if not v:
                return "[]"
            return "[" + "".join(f"\n{inner}{value(x, inner)}" for x in v) + "\n" + indent + "]"
        if isinstance(v, str):
            return expression(v) if v.startswith("[") and v.endswith("]") else quote(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        return "null" if v is None else str(v)

    def key(name: str) -> str:
        return "'${" + expression(name) + "}'" if name.startswith("[") and name.endswith("]") else key_text(name)

    out = []
    for name, p in params.items():
        ptype = str(p["type"]).lower()
        if ptype.startswith("secure"):
            out.append("@secure()")
        if "allowedValues" in p:
            out.append(f"@allowed({value(p['allowedValues'])})")
        default = f" = {value(p['defaultValue'])}" if "defaultValue" in p else ""
        out.append(f"param {name} {BICEP_TYPES[ptype]}{default}")
    for name, v in variables.items():
        out.append(f"var {name} = {value(v)}")
    for i, r in enumerate(doc["resources"]):
        body = {k: v for k, v in r.items() if k not in ("type", "apiVersion", "comments")}
        out.append("")
        out.append(f"resource template{i} '{r['type']}@{r['apiVersion']}' = {value(body)}")
    out.append("")
    for name, o in (doc.get("outputs") or {}).items():
        out.append(f"output {name} {BICEP_TYPES[str(o['type']).lower()]} = {value(o['value'])}")
    return "\n".join(out) + "\n"


def write_bicep(work: Path, lines: int = 2000) -> Path:
    """``out/bicep-2000.bicep``: generated ARM templates (the benchmark's generator) as Bicep, at least
    ``lines`` lines (the templates of ``arm-2000.json``: the generator's first ARM document that long)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_templates", work / "gen_templates.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    target = lines
    while True:
        text, _ = gen.generate("arm", target)
        bicep = arm_to_bicep(json.loads(text))
        if bicep.count("\n") >= lines:
            break
        target += max(50, lines - bicep.count("\n"))
    path = work / "out" / BICEP
    path.write_text(bicep, encoding="utf-8")
    return path


def edit_position(path: Path, value: str | None = None) -> tuple[int, int]:
    """(line, column) of the benchmark's edit: the start of a customizer's ``name`` value in the
    second half of the file (lspbench's default place), or of the first ``name`` whose value starts
    with ``value``. In ``bicep-2000.bicep`` it is the same customizer as in ``arm-2000.json`` (the
    same templates), so the two measure the same edit."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if value is None and path.name == BICEP and (path.parent / BICEP_SOURCE).exists():
        line, col = edit_position(path.parent / BICEP_SOURCE)
        arm = (path.parent / BICEP_SOURCE).read_text(encoding="utf-8").split("\n")
        value = arm[line][col:arm[line].index('"', col)]
        nth = sum(f'"name": "{value}"' in x for x in arm[:line])
        found = [i for i, x in enumerate(lines) if f"name: '{value}'" in x]
        line = found[nth]
        return line, lines[line].index("name: '") + len("name: '")
    marker = "name: '" if path.suffix == ".bicep" else '"name": "'
    if value is not None:
        line = next(i for i, x in enumerate(lines) if marker + value in x)
    else:
        line = next(i for i, x in enumerate(lines) if marker in x and i > len(lines) // 2)
    return line, lines[line].index(marker) + len(marker)


def inprocess(path: Path, edits: int = 50, value: str | None = None) -> dict:
    """Per-keystroke CPU time inside the server (no pipes): didChange + textDocument/diagnostic.

    The same edit as lspbench's (a character typed and removed at the start of a
    customizer's ``name`` value, here in the second half of the file, or of the
    first ``name`` whose value starts with ``value``), after a few unmeasured ones;
    ``.bicep`` files are opened as Bicep.
    """
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
    line, col = edit_position(path, value)
    uri = path.resolve().as_uri()
    language = "bicep" if path.suffix == ".bicep" else "json"
    t0 = time.process_time()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}})
    send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}})
    open_ms = (time.process_time() - t0) * 1e3
    samples = []
    warm_up = 4  # the first edits set up the per-resource view: not what a keystroke costs
    for i in range(edits + warm_up):
        end = col + (i % 2)
        change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}},
                  "text": "x" if i % 2 == 0 else ""}
        t0 = time.process_time()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [change]}})
        send({"jsonrpc": "2.0", "id": 10 + i, "method": "textDocument/diagnostic",
              "params": {"textDocument": {"uri": uri}}})
        if i >= warm_up:
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
    p.add_argument("files", nargs="*", default=[*FILES, BICEP])
    args = p.parse_args(argv)
    work = Path(args.work)
    if not (work / "lspbench.py").exists():
        shutil.copytree(args.bench, work, dirs_exist_ok=True)
        for path in work.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)
    if not (work / "out" / FILES[-1]).exists():
        subprocess.run([sys.executable, str(work / "gen_templates.py"), "--standard"], check=True)
    if BICEP in args.files and not (work / "out" / BICEP).exists():
        write_bicep(work)
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
        json_files = [name for name in args.files if not name.endswith(".bicep")]
        for name in json_files:
            cmd += ["--file", str(work / "out" / name)]
        if json_files:
            print(f"load average {os.getloadavg()[0]:.2f}; " + " ".join(cmd), file=sys.stderr)
            code = subprocess.run(cmd, env=env).returncode
        for name in args.files:
            if name.endswith(".bicep"):  # the peer reads no Bicep: this server alone, positions given
                code = _bench_bicep(work, work / "out" / name, server, args, env) or code
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


def _bench_bicep(work: Path, path: Path, server: str, args, env) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    edit = edit_position(path)
    completion = next(i for i, x in enumerate(lines) if x.strip() == "type: 'Shell'" and i > len(lines) // 2)
    hover = next(i for i, x in enumerate(lines) if x.strip().startswith("customize:") and i > len(lines) // 2)
    out = str(Path(args.json_out).with_name(path.stem + ".json"))
    cmd = [sys.executable, str(work / "lspbench.py"), "--server", server, "--label", "aiblint",
           "--rounds", str(args.rounds), "--json-out", out, "--language-id", "bicep", "--file", str(path),
           "--edit-at", f"{edit[0]}:{edit[1]}",
           "--completion-at", f"{completion}:{lines[completion].index('type')}",
           "--hover-at", f"{hover}:{lines[hover].index('customize') + 2}"]
    print(" ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main())
