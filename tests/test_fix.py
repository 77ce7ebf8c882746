"""Fixes: choosing a safe non-overlapping set, and ``--fix``/``--diff``/``--unsafe-fixes`` on real files."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from cliutil import BAD_REGION, DUPLICATE, GOOD, ROOT, run, write

from aiblint.diagnostics import Diagnostic, Fix, Severity, Span, TextEdit
from aiblint.fixes import apply, apply_text, choose, fixed_without_recheck


def fix(*edits, safe=True, title="f"):
    return Fix(title, tuple(TextEdit(Span(a, b), t) for a, b, t in edits), safe=safe)


def diag(code, *fixes):
    return Diagnostic(code, "m", Span(0, 0), Severity.ERROR, fixes=tuple(fixes))


# -- choosing and applying ---------------------------------------------------

def test_apply_in_any_order():
    data = b"abcdefghij"
    res = apply(data, [fix((8, 9, "I")), fix((0, 1, "A"), (4, 5, "E"))])
    assert res.data == b"AbcdEfghIj"
    assert len(res.applied) == 2 and not res.skipped
    assert [(e.span.start, e.new_text) for e in res.edits] == [(0, "A"), (4, "E"), (8, "I")]


def test_overlapping_fix_is_left_for_later():
    first, second = fix((2, 5, "X")), fix((4, 6, "Y"))
    res = apply(b"abcdefgh", [second, first])
    assert res.data == b"abXfgh"
    assert res.applied == [first] and res.skipped == [second]


def test_insertions_at_one_point_conflict():
    a, b = fix((3, 3, "1")), fix((3, 3, "2"))
    res = apply(b"abcdef", [a, b])
    assert res.data == b"abc1def" and res.skipped == [b]
    # ...and so does an insertion at the edge of a replaced range.
    res = apply(b"abcdef", [fix((2, 4, "X")), fix((4, 4, "!"))])
    assert res.data == b"abXef" and len(res.skipped) == 1


def test_adjacent_replacements_go_together():
    res = apply(b"abcdef", [fix((0, 2, "X")), fix((2, 4, "Y"))])
    assert res.data == b"XYef"


def test_identical_fixes_apply_once_and_no_ops_are_dropped():
    res = apply(b"abc", [fix((1, 2, "B")), fix((1, 2, "B")), fix((0, 1, "a"))])
    assert res.data == b"aBc" and len(res.applied) == 1


def test_malformed_fix_is_ignored():
    assert apply(b"abc", [fix((2, 9, "x"))]).data == b"abc"
    assert apply(b"abc", [fix((0, 2, "x"), (1, 3, "y"))]).data == b"abc"


def test_non_ascii_offsets_are_bytes():
    text = 'é"x"'
    new, applied = apply_text(text, [fix((2, 5, '"y"'))])
    assert new == 'é"y"' and applied


def test_choose_respects_safety_and_syntax_mode():
    safe, unsafe = fix((0, 1, "a")), fix((1, 2, "b"), safe=False)
    ds = [diag("AIB303", safe), diag("AIB300", unsafe), diag("AIB102", fix((2, 3, "")))]
    assert choose(ds) == [safe, ds[2].fixes[0]]
    assert choose(ds, unsafe=True) == [safe, unsafe, ds[2].fixes[0]]
    assert choose(ds, unsafe=True, syntax_only=True) == [ds[2].fixes[0]]
    # The parser's own repairs (AIB100) apply to a document that does not parse: the unsafe ones on request.
    comma = diag("AIB100", fix((3, 3, ","), safe=False))
    assert choose([comma], syntax_only=True) == []
    assert choose([comma], unsafe=True, syntax_only=True) == [comma.fixes[0]]


def test_choose_prefers_the_preferred_fix():
    other = Fix("other", (TextEdit(Span(0, 1), "x"),), preferred=False)
    best = Fix("best", (TextEdit(Span(0, 1), "y"),))
    assert choose([diag("AIB303", other, best)]) == [best]


# -- the command line ---------------------------------------------------------

def test_fix_writes_atomically_keeps_mode_and_is_idempotent(tmp_path):
    path = write(tmp_path, "t.json", DUPLICATE)
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    r = run("--check", "--fix", "t.json", cwd=tmp_path)
    assert r.code == 0, r
    assert r.out == "Fixed 1 problem. No problems in 1 file\n"
    assert path.read_text() == GOOD
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # no temp file left
    before = path.read_bytes()
    r = run("--check", "--fix", "t.json", cwd=tmp_path)
    assert (r.code, r.out) == (0, "No problems in 1 file\n")
    assert path.read_bytes() == before


def test_fix_reports_what_remains(tmp_path):
    path = write(tmp_path, "t.json", DUPLICATE.replace('"westeurope"', '"East US 3"'))
    r = run("--check", "--fix", "t.json", cwd=tmp_path)
    assert r.code == 1
    lines = r.out.splitlines()
    assert [x.split(": ")[1].split()[0] for x in lines[:-1]] == ["AIB300"]
    assert lines[-1].startswith("Fixed 1 problem. 1 problem (1 error) in 1 of 1 file")
    assert '"ubuntu-vhd-2"' in path.read_text() and '"East US 3"' in path.read_text()


def test_unsafe_fixes_only_when_asked(tmp_path):
    path = write(tmp_path, "t.json", BAD_REGION)
    r = run("--check", "--fix", "t.json", cwd=tmp_path)
    assert r.code == 1 and path.read_text() == BAD_REGION
    r = run("--check", "--fix", "--unsafe-fixes", "t.json", cwd=tmp_path)
    assert '"East US 3"' not in path.read_text()
    assert r.out.startswith("Fixed 1 problem.")


def test_diff_writes_nothing(tmp_path):
    path = write(tmp_path, "t.json", DUPLICATE)
    r = run("--check", "--diff", "t.json", cwd=tmp_path)
    assert r.code == 1
    assert path.read_text() == DUPLICATE
    assert r.out.splitlines()[:3] == ["--- t.json", "+++ t.json", "@@ -23,7 +23,7 @@"]
    assert '-      { "type": "VHD", "runOutputName": "ubuntu-vhd" }\n' in r.out
    assert '+      { "type": "VHD", "runOutputName": "ubuntu-vhd-2" }\n' in r.out
    assert r.err == "Would fix 1 problem in 1 file\n"
    r = run("--check", "--diff", "t.json", "--select", "AIB300", cwd=tmp_path)
    assert (r.code, r.out, r.err) == (0, "", "No fixes to apply\n")


def test_fix_keeps_bom_line_endings_and_symlinks(tmp_path):
    crlf = DUPLICATE.replace("\n", "\r\n")
    target = write(tmp_path, "real/t.json", b"\xef\xbb\xbf" + crlf.encode())
    os.symlink("real/t.json", tmp_path / "link.json")
    r = run("--check", "--fix", "link.json", cwd=tmp_path)
    assert r.code == 0, r
    assert (tmp_path / "link.json").is_symlink()
    assert target.read_bytes() == b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()


def test_fix_from_stdin_prints_the_fixed_text(tmp_path):
    r = run("--check", "--fix", "-", "--stdin-filename", "t.json", stdin=DUPLICATE, cwd=tmp_path)
    assert r.code == 0
    assert r.out == GOOD
    assert r.err.endswith("No problems in 1 file\n")
    # Nothing to fix, or not a template: the input comes back unchanged.
    for text in (GOOD, BAD_REGION, "not json at all \u00e9"):
        r = run("--check", "--fix", "-", stdin=text, cwd=tmp_path)
        assert r.out == text and r.err.splitlines()[-1].startswith(("No problems", "1 problem"))


def test_unparsable_file_gets_only_syntax_fixes(tmp_path):
    # Trailing comma + typographic quotes are fixed; the rest is left alone.
    src = DUPLICATE.replace('"location": "westeurope"', "\u201clocation\u201d: \u201cwesteurope\u201d").replace(
        '"upgrade -y"]', '"upgrade -y",]').replace('["sudo apt-get upgrade -y"]', '["sudo apt-get upgrade -y",]')
    path = write(tmp_path, "t.json", src)
    run("--check", "--fix", "t.json", cwd=tmp_path)
    fixed = path.read_text()
    assert '"location": "westeurope"' in fixed and '-y",]' not in fixed
    # The duplicate (not a syntax fix) was not touched in the broken pass, but is once the file parses.
    r = run("--check", "--fix", "t.json", cwd=tmp_path)
    assert r.code == 0 and path.read_text() == GOOD


def test_unfixable_broken_file_is_never_rewritten(tmp_path):
    src = DUPLICATE.replace('"properties": {', '"properties": {{')
    path = write(tmp_path, "t.json", src)
    r = run("--check", "--fix", "t.json", cwd=tmp_path)
    assert r.code == 1 and path.read_text() == src


def test_fix_twice_changes_nothing_on_the_examples(tmp_path):
    work = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", work)
    run("--check", "--fix", "--unsafe-fixes", str(work))
    snapshot = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    second = run("--check", "--diff", "--unsafe-fixes", str(work))
    assert (second.code, second.out) == (0, ""), second.out
    assert {p: p.read_bytes() for p in work.rglob("*") if p.is_file()} == snapshot


def test_fix_twice_changes_nothing_on_the_corpus(tmp_path, corpus_dir):
    work = tmp_path / "real"
    shutil.copytree(corpus_dir / "real", work, symlinks=True)
    first = run("--check", "--fix", "--unsafe-fixes", "--format", "json", str(work), timeout=300)
    assert first.code in (0, 1), first.err
    snapshot = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    second = run("--check", "--diff", "--unsafe-fixes", str(work), timeout=300)
    assert (second.code, second.out) == (0, ""), second.out[:3000]
    assert {p: p.read_bytes() for p in work.rglob("*") if p.is_file()} == snapshot
    # A file that parsed before still parses after --fix.
    originally_broken = {row["path"] for row in run("--check", "--format", "json", "--select", "AIB100",
                                                    str(corpus_dir / "real"), timeout=300).json()}
    now_broken = {row["path"].replace(str(work), str(corpus_dir / "real"))
                  for row in run("--check", "--format", "json", "--select", "AIB100", str(work), timeout=300).json()}
    assert now_broken <= originally_broken


def _finding(code: str, start: int, end: int, new: str, safe: bool = True) -> Diagnostic:
    return Diagnostic(code, f"{code} at {start}", Span(start, end), Severity.ERROR,
                      fixes=(Fix("fix", (TextEdit(Span(start, end), new),), safe=safe),))


def test_fixed_without_recheck_only_when_every_fix_is_certain_and_they_go_together():
    data = b"0123456789"
    certain = frozenset({"AIB301", "AIB403"})
    a, b = _finding("AIB301", 0, 1, "x"), _finding("AIB403", 5, 6, "y", safe=False)
    assert fixed_without_recheck(data, [a, b], certain) == [a]  # safe mode: b's fix does not count
    assert fixed_without_recheck(data, [a, b], certain, unsafe=True) == [a, b]
    # A fixable finding of a rule without CERTAIN_FIXES: its effect is known only after a second check.
    assert fixed_without_recheck(data, [a, _finding("AIB300", 7, 8, "z")], certain) is None
    # Two fixes that touch: --fix applies one of them per pass, so only the passes can tell.
    assert fixed_without_recheck(data, [a, _finding("AIB403", 0, 2, "zz")], certain) is None
    # A fix that changes nothing leaves its finding.
    assert fixed_without_recheck(data, [_finding("AIB301", 0, 1, "0")], certain) is None
    assert fixed_without_recheck(data, [], certain) == []
