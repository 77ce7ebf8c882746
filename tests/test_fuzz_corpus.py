"""A bounded fuzz run over mutated templates, through the engine, the CLI and the language server.

Templates of the shared corpus (the examples when it is absent) are damaged and
grown with a fixed seed: deleted and repeated chunks, hostile pieces (brackets,
quotes, escapes, multi-byte characters, lone surrogates, byte-order marks, line
breaks of every kind), floods of half-typed objects, deep nesting, huge values,
YAML alias chains. For every document:

* the engine finishes within 1 s of CPU per 100 KB (at least 100 KB counted);
* the CLI (one process, ``--fix`` on copies) exits with 0 or 1, prints no
  traceback, stays under 200 MB, and says what the engine says;
* the language server, fed the document as a sequence of incremental edits,
  ends with the diagnostics of the CLI for the final text.

``AIBLINT_FUZZ_SCALE`` multiplies the number of documents (1 by default: a run
of well under a minute here); the counts and the slowest document are printed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiblint import engine
from aiblint.document import Document
from sharedpaths import CORPUS
from lsputil import change, diagnostics, open_doc, session
from test_fuzz_documents import model_apply

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("AIBLINT_FUZZ_SCALE", "1"))
SEED = 20261205

HOSTILE = ['{', '}', '[', ']', ':', ',', '"', "'", '\\', '\\u', '\\é', '/*', '//', '#', '&a', '*a', '<<: ', '- ', '\t',
           '\r', '\n', '\r\n', '\ufeff', '\ud800', '\udfff', 'é', '😀', '名', '\u2028', '\x00', '\x7f', '“', '”',
           '{"a": ', '"x": "', 'true', 'null', '-1e999', ' ' * 40]


def corpus() -> list[tuple[str, str]]:
    """(language, text) of the templates to start from."""
    files: list[Path] = []
    if (CORPUS / "real").is_dir():
        files = sorted(p for p in (CORPUS / "real").rglob("*") if p.suffix in (".json", ".yaml", ".yml")
                       and p.stat().st_size < 60_000)
    files += sorted((ROOT / "examples").rglob("*.json"))
    out = []
    for p in files:
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "imagetemplates" in text.lower():
            out.append(("yaml" if p.suffix != ".json" else "json", text.lstrip("\ufeff")))
    return out


def mutate(text: str, language: str, rng: random.Random) -> str:
    """``text`` damaged by a few random operations (some of which grow it to 100 KB and more)."""
    for _ in range(rng.randint(1, 4)):
        n = max(len(text), 1)
        i = rng.randrange(n)
        op = rng.randrange(10)
        if op == 0:
            text = text[:i] + text[min(n, i + rng.randint(1, 200)):]
        elif op in (1, 2):
            text = text[:i] + "".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 6))) + text[i:]
        elif op == 3:
            j = min(n, i + rng.randint(1, 80))
            text = text[:i] + text[i:j] * rng.randint(2, 2000) + text[j:]
        elif op == 4:
            piece = rng.choice(['{"a": ', '[', '{', '"x": "abc\n', '- ', '  a:\n', '{"a": "b\n', '\\u'])
            text = text[:i] + piece * rng.randint(100, 20_000) + text[i:]
        elif op == 5:
            text = text[:i]
        elif op == 6:
            text = text[:i] + "x" * rng.randint(1000, 150_000) + text[i:]
        elif op == 7 and language == "yaml":
            levels = rng.randint(3, 15)
            bomb = "\nbomb:\n  l0: &a0 [x, x, x, x]\n" + "".join(
                f"  l{k}: &a{k} [*a{k - 1}, *a{k - 1}, *a{k - 1}, *a{k - 1}]\n" for k in range(1, levels))
            text = text + bomb
        elif op == 8:
            text = text.replace("\n", rng.choice(["\r\n", "\r", "\n"]))
        else:
            text = rng.choice(["\ufeff", ""]) + text
    return text


def documents(count: int) -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    base = corpus()
    return [(lang, mutate(text, lang, rng)) for lang, text in (rng.choice(base) for _ in range(count))]


# The CLI, writing its peak resident memory (VmHWM, in kB) to a file as it exits. Not getrusage: a child's
# ru_maxrss starts from its parent's size at fork time on Linux.
MEASURED_CLI = """
import atexit, re, runpy, sys
peak_file = sys.argv.pop(1)
def peak():
    status = open("/proc/self/status").read()
    open(peak_file, "w").write(re.search(r"VmHWM:\\s*(\\d+)", status).group(1))
atexit.register(peak)
sys.argv[0] = "aiblint"
runpy.run_module("aiblint", run_name="__main__", alter_sys=True)
"""


def size_100k(text: str) -> float:
    return max(len(text.encode("utf-8", "surrogatepass")) / 100_000, 1.0)


def test_engine_time_is_bounded_per_100_kb():
    docs = documents(int(150 * SCALE))
    slowest = (0.0, 0)
    for i, (lang, text) in enumerate(docs):
        start = time.process_time()
        engine.lint(Document(text, f"t.{lang}"))
        per = (time.process_time() - start) / size_100k(text)
        slowest = max(slowest, (per, i))
        assert per < 1.0, f"document {i} ({lang}, {len(text)} characters): {per:.2f} s per 100 KB"
    print(f"\nengine: {len(docs)} documents, slowest {slowest[0]:.3f} s CPU per 100 KB (document {slowest[1]})")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_cli_over_mutated_files(tmp_path):
    docs = [(lang, text) for lang, text in documents(int(60 * SCALE)) if "\x00" not in text]
    paths = []
    for i, (lang, text) in enumerate(docs):
        p = tmp_path / f"d{i:04d}.{lang}"
        p.write_bytes(text.encode("utf-8", "surrogateescape" if "\udcff" in text else "surrogatepass"))
        paths.append(p)
    peak_file = tmp_path / "peak.txt"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", MEASURED_CLI, str(peak_file), "--check", "--format", "json", "--fix",
                           *[p.name for p in paths]], cwd=tmp_path, capture_output=True, timeout=600)
    wall = time.monotonic() - start
    peak_mb = int(peak_file.read_text()) / 1024
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2), err[-2000:]
    assert "Traceback" not in err
    assert peak_mb < 200
    print(f"\ncli: {len(paths)} files with --fix in {wall:.1f} s, peak {peak_mb:.0f} MB")


def engine_views(text: str, path: str) -> list[list[tuple]]:
    """What the server may show for ``text``: the CLI's findings for a template; for a text that is no
    template (any more), nothing, or - while a template is broken - the engine's findings all the same."""
    result = engine.lint(Document(text, path))
    lines = result.document.lines
    found = sorted((d.code, *(lambda r: (r.start.line, r.start.character, r.end.line, r.end.character))(
        lines.range(d.span))) for d in result.diagnostics)
    if result.is_template:
        return [found]
    return [[], found] if result.document.has_syntax_error else [[]]


@pytest.mark.asyncio
async def test_server_ends_with_the_cli_diagnostics_after_edit_sequences():
    rng = random.Random(SEED + 1)
    base = [(lang, text) for lang, text in corpus() if lang == "json" and len(text) < 20_000]
    sessions = int(12 * SCALE)
    edits = 0
    slowest = 0.0
    async with session("neovim", encodings=["utf-16"]) as client:
        for s in range(sessions):
            lang, text = rng.choice(base)
            uri = f"file:///tmp/fuzz{s}.json"
            open_doc(client, uri, text)
            version = 1
            for _ in range(rng.randint(5, 25)):
                version += 1
                lines = text.split("\n")
                line = rng.randrange(len(lines) + 1)
                col = rng.randrange(0, 80)
                end = (line, col + rng.randint(0, 5)) if rng.random() < 0.8 else (line + rng.randint(0, 3), col)
                new = "".join(rng.choice(HOSTILE) for _ in range(rng.randint(0, 3)))
                if rng.random() < 0.05:
                    new = '{"a": ' * rng.randint(50, 500)
                change(client, uri, version, (line, col, end[0], end[1], new))
                text = model_apply(text, (line, col), end, new, "utf-16")
                edits += 1
                if rng.random() < 0.3:  # now and then the editor asks: an intermediate version is checked
                    await diagnostics(client, uri, version)
            start = time.monotonic()
            got = await diagnostics(client, uri, version)
            slowest = max(slowest, (time.monotonic() - start) / size_100k(text))
            brief = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line,
                            d.range.end.character) for d in got)
            assert brief in engine_views(text, f"/tmp/fuzz{s}.json"), f"session {s}: {text!r}"
    print(f"\nserver: {sessions} sessions, {edits} edits, slowest final check {slowest:.3f} s per 100 KB")
