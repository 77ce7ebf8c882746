"""Bad input on the command line: every case is one clear line, the run goes on, nothing hangs."""

from __future__ import annotations

import os

from cliutil import DUPLICATE, GOOD, run, write


def codes_by_path(result):
    out: dict[str, list[str]] = {}
    for row in result.json():
        out.setdefault(row["path"], []).append(row["code"])
    return out


def test_binary_file(tmp_path):
    write(tmp_path, "blob.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path, "t.json", DUPLICATE)
    r = run("--check", "blob.json", "t.json", cwd=tmp_path)
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0] == "blob.json:1:1: AIB100 [error] binary file (it contains NUL bytes); not a JSON or YAML text"
    assert lines[1].startswith("t.json:") and "AIB303" in lines[1]
    assert "Traceback" not in r.err


def test_binary_file_in_a_walked_folder_is_skipped(tmp_path):
    write(tmp_path, "d/blob.json", b"\x00\x01\x02" * 100)
    write(tmp_path, "d/t.json", GOOD)
    r = run("--check", "d", cwd=tmp_path)
    assert (r.code, r.out) == (0, "No problems in 1 file\n")


def test_invalid_utf8(tmp_path):
    text = GOOD.replace('"sudo apt-get update"', '"sudo apt-get update \udcff"').encode("utf-8", "surrogateescape")
    path = write(tmp_path, "t.json", text)
    r = run("--check", "t.json", "--format", "json", cwd=tmp_path)
    rows = r.json()
    first = rows[0]
    assert first["code"] == "AIB100"
    assert first["message"] == "invalid UTF-8 (byte 0xff); the file must be saved as UTF-8"
    line = GOOD.splitlines().index(next(x for x in GOOD.splitlines() if "apt-get update" in x))
    col = GOOD.splitlines()[line].index("sudo apt-get update") + len("sudo apt-get update ")
    assert first["range"]["start"] == {"line": line, "character": col}
    # Never rewritten: the bytes could not be kept.
    before = path.read_bytes()
    run("--check", "--fix", "t.json", cwd=tmp_path)
    assert path.read_bytes() == before


def test_empty_file(tmp_path):
    write(tmp_path, "empty.json", "")
    write(tmp_path, "d/empty.yaml", "")
    r = run("--check", "empty.json", "d", cwd=tmp_path)
    assert r.code == 0
    assert r.out.splitlines() == ["empty.json:1:1: AIB000 [info] Not an Image Builder template; nothing was checked",
                                  "1 problem (1 info) in 1 of 1 file"]


def test_utf16_file_with_bom(tmp_path):
    write(tmp_path, "t.json", b"\xff\xfe" + DUPLICATE.encode("utf-16-le"))
    r = run("--check", "t.json", cwd=tmp_path)
    assert r.code == 1 and r.out.startswith("t.json:26:41: AIB303 [error]")


def test_huge_file(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.write(b'{"type": "Microsoft.VirtualMachineImages/imageTemplates", "tags": {"x": "')
        fh.write(b"a" * (50 * 1024 * 1024))
        fh.write(b'"}}')
    write(tmp_path, "t.json", DUPLICATE)
    r = run("--check", "big.json", "t.json", cwd=tmp_path, timeout=30)
    assert r.code == 2
    assert r.err == "big.json: error: file too large to check (50.0 MB; the limit is 10 MB)\n"
    assert "AIB303" in r.out
    assert r.out.splitlines()[-1] == "1 problem (1 error) in 1 of 1 file; 1 file could not be checked; 1 fixable with --fix"
    # Met while walking a folder it is a template too: the same error, not silence.
    (tmp_path / "d").mkdir()
    big.rename(tmp_path / "d" / "big.json")
    r = run("--check", "d", cwd=tmp_path, timeout=30)
    assert (r.code, r.out) == (2, "1 file could not be checked\n")
    assert r.err == "d/big.json: error: file too large to check (50.0 MB; the limit is 10 MB)\n"


def test_huge_file_that_is_no_template_is_not_an_error(tmp_path):
    """A large data file (package-lock.json) is recognised as no template before the size limit applies."""
    lock = tmp_path / "package-lock.json"
    with open(lock, "wb") as fh:
        fh.write(b'{"name": "app", "lockfileVersion": 3, "packages": {')
        fh.write(b",".join(b'"node_modules/p%d": {"version": "1.0.%d", "resolved": "https://registry.npmjs.org/p"}'
                           % (i, i) for i in range(160000)))
        fh.write(b"}}")
    assert lock.stat().st_size > 11 * 1024 * 1024
    write(tmp_path, "d/t.json", GOOD)
    lock_in_d = tmp_path / "d" / "package-lock.json"
    lock_in_d.write_bytes(lock.read_bytes())
    # Walked: skipped (--verbose says why).
    r = run("--check", "d", "--verbose", cwd=tmp_path, timeout=60)
    assert (r.code, r.out) == (0, "No problems in 1 file\n")
    assert "d/package-lock.json: skipped: file too large to check (" in r.err and "does not mention Image Builder" in r.err
    # Named (as pre-commit does): AIB000, an info that does not fail the run.
    r = run("--check", "package-lock.json", "d/t.json", cwd=tmp_path, timeout=60)
    assert (r.code, r.err) == (0, "")
    assert r.out.splitlines() == [
        "package-lock.json:1:1: AIB000 [info] Not an Image Builder template; nothing was checked",
        "1 problem (1 info) in 1 of 2 files",
    ]


def test_deeply_nested(tmp_path):
    n = 10000
    write(tmp_path, "arr.json", "[" * n + "]" * n)
    write(tmp_path, "t.json", '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "properties": {"source": '
          + "[" * n + "]" * n + "}}")
    r = run("--check", "arr.json", "t.json", "--format", "json", cwd=tmp_path, timeout=60)
    assert "Traceback" not in r.err and r.err == ""
    found = codes_by_path(r)
    assert found["arr.json"] == ["AIB000"]
    assert "AIB100" in found["t.json"]


def test_symlink_loop(tmp_path):
    write(tmp_path, "d/sub/t.json", DUPLICATE)
    os.symlink("..", tmp_path / "d" / "sub" / "loop")
    os.symlink(tmp_path / "d", tmp_path / "d" / "again")
    r = run("--check", "d", cwd=tmp_path, timeout=30)
    assert r.code == 1
    assert [x.split(":")[0] for x in r.out.splitlines()[:-1]] == ["d/sub/t.json"]


def test_fifo_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    write(tmp_path, "d/t.json", GOOD)
    os.mkfifo(tmp_path / "d" / "pipe2.json")
    r = run("--check", "pipe.json", "d", cwd=tmp_path, timeout=30)
    assert r.code == 2
    assert sorted(r.err.splitlines()) == [
        "d/pipe2.json: error: not a regular file (FIFO, socket or device); not read",
        "pipe.json: error: not a regular file (FIFO, socket or device); not read",
    ]
    assert r.out == "No problems in 1 file; 2 files could not be checked\n"


def test_folder_named_like_a_template(tmp_path):
    write(tmp_path, "x.json/t.json", DUPLICATE)
    r = run("--check", "x.json", cwd=tmp_path)
    assert r.code == 1 and r.out.startswith("x.json/t.json:26:41: AIB303")


def test_dangling_symlink_and_missing_path(tmp_path):
    os.symlink(tmp_path / "nowhere.json", tmp_path / "link.json")
    write(tmp_path, "d/t.json", DUPLICATE)
    os.symlink(tmp_path / "gone.json", tmp_path / "d" / "dead.json")
    r = run("--check", "link.json", "missing.json", "d", cwd=tmp_path)
    assert r.code == 2
    assert sorted(r.err.splitlines()) == [
        "d/dead.json: error: dangling symbolic link",
        "link.json: error: dangling symbolic link",
        "missing.json: error: no such file or directory",
    ]
    assert "d/t.json:26:41: AIB303" in r.out


def test_garbage_and_half_typed_documents(tmp_path):
    write(tmp_path, "a.json", '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "properties": {"source": {"type": ')
    write(tmp_path, "b.json", "}}}]]]:::,,,")
    write(tmp_path, "c.json", '"just a string"')
    r = run("--check", "a.json", "b.json", "c.json", "--format", "json", cwd=tmp_path)
    assert r.err == ""
    found = codes_by_path(r)
    assert "AIB100" in found["a.json"]
    assert found["b.json"] == ["AIB000"] and found["c.json"] == ["AIB000"]


def test_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"t\xff.json")
    (tmp_path / name).write_text(DUPLICATE)
    for fmt in ("text", "json", "sarif", "github"):
        r = run("--check", ".", "--format", fmt, cwd=tmp_path)
        assert r.code == 1 and r.err == "", (fmt, r.err)
        assert "t\ufffd.json" in r.out or "t%EF%BF%BD.json" in r.out
    r = run("--check", "--fix", ".", cwd=tmp_path)
    assert r.code == 0 and os.listdir(tmp_path) == [name]
    assert (tmp_path / name).read_text() == GOOD
