"""The command line, run for real through the installed ``aiblint`` script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from cliutil import BAD_REGION, BAD_REGION_AT, DUPLICATE, DUPLICATE_AT, GOOD, NOT_TEMPLATE, command, run, write

from aiblint.docs import markdown
from aiblint.rule import registry

LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>AIB\d{3}) \[(?P<sev>error|warning|info)\] (?P<msg>.+)$")


def problem_lines(out: str) -> list[re.Match]:
    return [m for m in map(LINE.match, out.splitlines()) if m]


def test_good_template_exit_0(tmp_path):
    write(tmp_path, "good.json", GOOD)
    r = run("--check", "good.json", cwd=tmp_path)
    assert r.code == 0, r
    assert r.out == "No problems in 1 file\n"
    assert r.err == ""


def test_problem_line_and_summary(tmp_path):
    write(tmp_path, "bad.json", DUPLICATE)
    write(tmp_path, "good.json", GOOD)
    r = run("--check", "bad.json", "good.json", cwd=tmp_path)
    assert r.code == 1
    lines = r.out.splitlines()
    m = LINE.match(lines[0])
    assert m, lines
    assert (m["path"], int(m["line"]), int(m["col"]), m["code"], m["sev"]) == (
        "bad.json", DUPLICATE_AT[0] + 1, DUPLICATE_AT[1] + 1, "AIB303", "error")
    assert lines[-1] == "1 problem (1 error) in 1 of 2 files; 1 fixable with --fix"
    assert len(lines) == 2


def test_text_matches_json(tmp_path):
    write(tmp_path, "t.json", DUPLICATE.replace('"westeurope"', '"East US 3"'))
    text = run("--check", "t.json", cwd=tmp_path)
    rows = run("--check", "t.json", "--format", "json", cwd=tmp_path).json()
    expected = [f"t.json:{r['range']['start']['line'] + 1}:{r['range']['start']['character'] + 1}: "
                f"{r['code']} [{r['severity']}] {'[*] ' if r['fixable'] else ''}{r['message']}" for r in rows]
    assert text.out.splitlines()[:-1] == expected
    assert {r["code"] for r in rows} >= {"AIB300", "AIB303"}
    assert text.out.splitlines()[-1].startswith(f"{len(rows)} problems (")


def test_folder_walk_skips_non_templates(tmp_path):
    write(tmp_path, "t/a.json", DUPLICATE)
    write(tmp_path, "t/sub/b.json", GOOD)
    write(tmp_path, "t/package.json", NOT_TEMPLATE)
    write(tmp_path, "t/broken-other.json", '{"name": "x",, }')
    write(tmp_path, "t/notes.txt", "hello")
    write(tmp_path, "t/node_modules/c.json", DUPLICATE)
    r = run("--check", "t", cwd=tmp_path)
    assert r.code == 1
    assert [m["path"] for m in problem_lines(r.out)] == ["t/a.json"]
    assert r.out.splitlines()[-1].endswith("in 1 of 2 files; 1 fixable with --fix")


def test_no_paths_checks_current_folder(tmp_path):
    write(tmp_path, "x/a.json", DUPLICATE)
    r = run("--check", cwd=tmp_path)
    assert r.code == 1
    assert [m["path"] for m in problem_lines(r.out)] == ["x/a.json"]


def test_paths_alone_mean_check(tmp_path):
    write(tmp_path, "a.json", DUPLICATE)
    assert run("a.json", cwd=tmp_path).code == 1


def test_named_non_template_is_info_exit_0(tmp_path):
    write(tmp_path, "package.json", NOT_TEMPLATE)
    r = run("--check", "package.json", cwd=tmp_path)
    assert r.code == 0
    assert r.out.splitlines() == [
        "package.json:1:1: AIB000 [info] Not an Image Builder template; nothing was checked",
        "1 problem (1 info) in 1 of 1 file",
    ]
    assert run("--check", "package.json", "--ignore", "AIB000", cwd=tmp_path).out == "No problems in 1 file\n"


def test_broken_walked_file_mentioning_image_builder_is_reported(tmp_path):
    write(tmp_path, "d/t.json", '{\n  "type": "Microsoft.VirtualMachineImages/imageTemplates",\n  "properties": {\n')
    r = run("--check", "d", "--format", "json", cwd=tmp_path)
    rows = r.json()
    assert "AIB100" in {row["code"] for row in rows}
    assert r.code == 1


def test_stdin_with_filename(tmp_path):
    r = run("--check", "-", "--stdin-filename", "templates/x.json", stdin=DUPLICATE, cwd=tmp_path)
    assert r.code == 1
    m = problem_lines(r.out)[0]
    assert (m["path"], m["code"]) == ("templates/x.json", "AIB303")
    r = run("--check", "-", stdin=GOOD, cwd=tmp_path)
    assert (r.code, r.out) == (0, "No problems in 1 file\n")
    r = run("--check", "-", stdin=DUPLICATE, cwd=tmp_path)
    assert problem_lines(r.out)[0]["path"] == "<stdin>"


@pytest.mark.parametrize("selector", ["AIB303", "AIB3", "duplicate-run-output-name", "aib303"])
def test_select_and_ignore(tmp_path, selector):
    write(tmp_path, "t.json", DUPLICATE.replace('"westeurope"', '"East US 3"'))
    codes = {m["code"] for m in problem_lines(run("--check", "t.json", "--select", selector, cwd=tmp_path).out)}
    assert "AIB303" in codes and all(c.startswith("AIB3") for c in codes)
    codes = {m["code"] for m in problem_lines(run("--check", "t.json", "--ignore", selector, cwd=tmp_path).out)}
    assert "AIB303" not in codes and "AIB300" in codes or selector == "AIB3"


def test_select_comma_list(tmp_path):
    write(tmp_path, "t.json", DUPLICATE.replace('"westeurope"', '"East US 3"'))
    r = run("--check", "t.json", "--select", "AIB300,AIB303", cwd=tmp_path)
    assert sorted(m["code"] for m in problem_lines(r.out)) == ["AIB300", "AIB303"]


def test_unknown_selector_is_usage_error(tmp_path):
    write(tmp_path, "t.json", GOOD)
    r = run("--check", "t.json", "--select", "AIB999", cwd=tmp_path)
    assert r.code == 2
    assert r.err.startswith("aiblint: error: no rule matches 'AIB999'")
    assert "Traceback" not in r.err


def test_fail_level(tmp_path):
    write(tmp_path, "package.json", NOT_TEMPLATE)
    assert run("--check", "package.json", cwd=tmp_path).code == 0
    assert run("--check", "package.json", "--fail-level", "info", cwd=tmp_path).code == 1
    write(tmp_path, "t.json", DUPLICATE)
    # The error downgraded to a warning by configuration passes at the default level.
    write(tmp_path, ".aiblint.yaml", "severity:\n  AIB303: warning\n")
    assert run("--check", "t.json", cwd=tmp_path).code == 0
    assert run("--check", "t.json", "--fail-level", "warning", cwd=tmp_path).code == 1


def test_default_api_version(tmp_path):
    write(tmp_path, "t.json", GOOD.replace('  "apiVersion": "2024-02-01",\n', ""))
    assert run("--check", "t.json", "--default-api-version", "2022-07-01", cwd=tmp_path).code == 0
    r = run("--check", "t.json", "--default-api-version", "2099-01-01", cwd=tmp_path)
    assert r.code == 2
    assert "'2099-01-01' is not an Image Builder API version" in r.err


@pytest.mark.parametrize("args", [["--format", "xml"], ["--bogus"], ["--unsafe-fixes", "x.json"],
                                  ["--fix", "--diff", "x.json"], ["-", "-"]])
def test_usage_errors(tmp_path, args):
    r = run(*args, cwd=tmp_path)
    assert r.code == 2
    assert r.err.startswith("aiblint: error: ")
    assert "Traceback" not in r.err


def test_no_arguments_prints_help(tmp_path):
    r = run(cwd=tmp_path)
    assert r.code == 2 and "usage: aiblint" in r.err


def test_help_and_version():
    r = run("--help")
    assert r.code == 0 and "--check" in r.out and "--explain" in r.out
    from aiblint import __version__

    assert run("--version").out == f"aiblint {__version__}\n"


def test_list_rules():
    r = run("--list-rules")
    assert r.code == 0
    lines = r.out.splitlines()
    assert re.match(r"^AIB000  not-a-template +info +", lines[0])
    assert any(re.match(r"^AIB105  unused-suppression +info +", x) for x in lines)
    codes = [x.split()[0] for x in lines if x.startswith("AIB")]
    assert codes == sorted(codes) and len(codes) == len(list(registry()))
    # A rule whose severity depends on the API version says how, on the line below it.
    at = next(i for i, x in enumerate(lines) if x.startswith("AIB200"))
    assert re.match(r"^AIB200  unknown-property +error\* +", lines[at])
    assert lines[at + 1].strip() == "* " + registry().get("AIB200").severity_note
    assert "error from API version 2024-02-01" in lines[at + 1] and "warning before" in lines[at + 1]
    assert lines[-1].startswith("When a template does not give its API version")


def test_explain_prints_the_rule_docstring():
    import aiblint.rules.aib105_unused_suppression as mod

    r = run("--explain", "AIB105")
    assert r.code == 0
    assert r.out.startswith("AIB105 unused-suppression (default severity: info)\n\n")
    assert markdown(mod.__doc__.strip()) in r.out
    r200 = run("--explain", "AIB200").out
    assert r200.startswith("AIB200 unknown-property (default severity: error; error from API version 2024-02-01, "
                           "where the service rejects unknown properties")
    assert r200.rstrip().endswith("one step milder (an error becomes a warning) and names those versions.")
    assert "``" not in r200.replace("```", "")
    assert run("--explain", "unused-suppression").out == r.out
    bad = run("--explain", "AIB999")
    assert bad.code == 2 and "no rule 'AIB999'" in bad.err


def test_schema_prints_json_schema():
    r = run("--schema", "2022-07-01")
    assert r.code == 0
    schema = json.loads(r.out)
    assert "2020-12" in schema["$schema"]
    bad = run("--schema", "2030-01-01")
    assert bad.code == 2 and "expected one of 2018-02-01-preview" in bad.err


def test_color_only_on_a_terminal(tmp_path):
    write(tmp_path, "t.json", DUPLICATE)
    assert "\x1b[" not in run("--check", "t.json", cwd=tmp_path).out
    assert "\x1b[" in run("--check", "t.json", "--color", "always", cwd=tmp_path).out

    def on_tty(env):
        master, slave = os.openpty()
        try:
            proc = subprocess.run(command("--check", "t.json"), cwd=tmp_path, stdout=slave, stderr=subprocess.PIPE,
                                  env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, **env},
                                  timeout=60)
            os.close(slave)
            slave = None
            chunks = []
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            return proc.returncode, b"".join(chunks).decode()
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)

    code, out = on_tty({"TERM": "xterm"})
    assert code == 1 and "\x1b[31m" in out
    code, out = on_tty({"TERM": "xterm", "NO_COLOR": "1"})
    assert code == 1 and "\x1b[" not in out and "AIB303 [error]" in out


def test_check_imports_no_server_or_heavy_packages(tmp_path):
    write(tmp_path, "t.json", DUPLICATE)
    probe = (
        "import sys\n"
        "from aiblint.cli import main\n"
        "code = main(['--check', 't.json'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pygls', 'lsprotocol', 'pydantic', 'jsonschema', 'ruamel', 'multiprocessing'})\n"
        "print('HEAVY', heavy, code)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines()[-1] == "HEAVY [] 1", r.stdout + r.stderr


@pytest.mark.parametrize("args", [["--stdio", "--help"], ["serve", "--help"], ["--tcp", "--help"]])
def test_server_arguments_are_passed_to_the_language_server(args):
    r = run(*args, timeout=30)
    assert r.code == 0 and "Traceback" not in r.err
    assert r.out.startswith("usage: aiblint serve") and "--port" in r.out


def _serve_sizes():
    """A local HTTP server answering HEAD /<size>.bin with that Content-Length (and no body)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            size = int(self.path.strip("/").split(".")[0])
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_online_checks_only_when_asked(tmp_path):
    server = _serve_sizes()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        src = GOOD.replace(
            '{ "type": "Shell", "name": "upgrade", "inline": ["sudo apt-get upgrade -y"] }',
            '{ "type": "File", "name": "big", "sourceUri": "' + base + '/25000000.bin", '
            '"sha256Checksum": "' + "a" * 64 + '", "destination": "/tmp/big.bin" },\n'
            '      { "type": "File", "name": "small", "sourceUri": "' + base + '/1000.bin", '
            '"sha256Checksum": "' + "b" * 64 + '", "destination": "/tmp/small.bin" }')
        write(tmp_path, "t.json", src)
        assert run("--check", "t.json", cwd=tmp_path).out == "No problems in 1 file\n"
        online = run("--check", "t.json", "--online", "--format", "json", cwd=tmp_path)
        assert [(r["code"], r["range"]["start"]["line"]) for r in online.json()] == [("AIB304", 21)]
        write(tmp_path, ".aiblint.yaml", "online: true\n")
        assert [r["code"] for r in run("--check", "t.json", "--format", "json", cwd=tmp_path).json()] == ["AIB304"]
    finally:
        server.shutdown()


def test_closed_pipe_ends_quietly(tmp_path):
    for i in range(700):  # ~100 KB of output: more than a pipe holds
        write(tmp_path, f"t{i:03}.json", DUPLICATE)
    proc = subprocess.Popen(command("--check", "."), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # like `aiblint --check . | head -1`
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert first.startswith(b"t000.json:26:41: AIB303")
    assert proc.returncode in (0, 1)
    assert err == b""


def test_verbose_names_skipped_files_and_the_config(tmp_path):
    write(tmp_path, "d/t.json", GOOD)
    write(tmp_path, "d/package.json", NOT_TEMPLATE)
    write(tmp_path, "d/data.json", b"\x00\x01binary")
    write(tmp_path, ".aiblint.yaml", "ignore: [AIB317]\n")
    r = run("--check", "d", "--verbose", cwd=tmp_path)
    assert (r.code, r.out) == (0, "No problems in 1 file\n")
    assert sorted(r.err.splitlines()) == [
        f"aiblint: using configuration {tmp_path / '.aiblint.yaml'}",
        "d/data.json: skipped: no Image Builder template",
        "d/package.json: skipped: no Image Builder template",
        "d/t.json:1:1: image template (raw body, API version 2024-02-01): "
        "checked properties, source, customize, distribute",
    ]
    assert run("--check", "d", cwd=tmp_path).err == ""


def test_terminal_that_cannot_show_a_character(tmp_path):
    write(tmp_path, "t.json", DUPLICATE.replace('"ubuntu-vhd"', '"vhd-\u00e9"'))
    r = run("--check", "t.json", cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert r.code == 1 and r.err == ""
    assert '"vhd-\\xe9"' in r.out


def test_cli_and_check_do_not_import_each_other_at_module_level():
    import ast

    from cliutil import ROOT

    def imports(name: str) -> set[str]:
        tree = ast.parse((ROOT / "server" / f"{name}.py").read_text(encoding="utf-8"))
        return {node.module.lstrip(".") for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}

    assert "check" not in imports("cli") and "cli" not in imports("check")
    assert "runerrors" in imports("cli") and "runerrors" in imports("check")


def test_the_readme_first_command_on_the_examples():
    """What the README says of `aiblint --check examples/`: exit 1, errors only in examples/bad/."""
    from cliutil import ROOT

    r = run("--check", "examples/", cwd=ROOT)
    assert r.code == 1
    problems = problem_lines(r.out)
    assert {m["path"].split("/")[1] for m in problems if m["sev"] in ("error", "warning")} == {"bad"}
    assert re.match(r"^\d+ problems \(\d+ errors, \d+ warnings?, \d+ info\) in \d of \d files; \d+ fixable with --fix "
                    r"\(\d+ more with --unsafe-fixes\)$", r.out.splitlines()[-1])
