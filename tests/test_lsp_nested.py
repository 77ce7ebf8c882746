"""The language server on a compiled module call: findings on the user's literal, and after editing it."""

from __future__ import annotations

import pytest

from lsputil import PRESETS, change, diagnostics, open_doc, pos, session
from test_verified_module import SHA, compiled, module_call

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("preset", PRESETS)
async def test_a_module_parameter_is_checked_where_written_and_rechecked_when_edited(preset):
    text = compiled(module_call("image-001", checksum=False))
    uri = f"file:///tmp/aiblint-lsp-nested-{preset}.json"
    async with session(preset) as client:
        open_doc(client, uri, text)
        items = await diagnostics(client, uri, 1)
        line, col = pos(text, '"scriptUri"')
        assert [(d.code, d.range.start.line, d.range.start.character) for d in items][:1] == [("AIB301", line, col)]
        if not client.pull:
            use_line, _ = pos(text, '"[shallowMerge(')
            assert items[0].related_information[0].location.range.start.line == use_line
        # Give the customizer its checksum, in the deployment's parameters: the finding goes.
        end_line, end_col = pos(text, '/install-tools.sh"', after=len('/install-tools.sh"'))
        change(client, uri, 2, (end_line, end_col, end_line, end_col, f', "sha256Checksum": "{SHA}"'))
        items = await diagnostics(client, uri, 2)
        assert [(d.code, d.range.start.line) for d in items] == [("AIB301", pos(text, '"scriptUri"', nth=1)[0])]


@pytest.mark.parametrize("preset", PRESETS)
async def test_a_bicep_module_call_is_checked_on_its_params_and_rechecked_when_edited(preset):
    from test_bicep_module import HEAD, call

    text = HEAD + call("image-001", checksum=False)
    uri = f"file:///tmp/aiblint-lsp-module-{preset}.bicep"
    async with session(preset) as client:
        open_doc(client, uri, text, language="bicep")
        items = await diagnostics(client, uri, 1)
        assert [(d.code, d.range.start.line, d.range.start.character) for d in items] == [
            ("AIB301", *pos(text, "scriptUri")), ("AIB301", *pos(text, "scriptUri", nth=1))]
        # Give the customizer its checksum in the params: its finding goes, the validator's stays.
        end_line, end_col = pos(text, "/install-tools.sh'", after=len("/install-tools.sh'"))
        change(client, uri, 2, (end_line, end_col, end_line, end_col, f"\n        sha256Checksum: '{SHA}'"))
        items = await diagnostics(client, uri, 2)
        assert [(d.code, d.range.start.line) for d in items] == [("AIB301", pos(text, "scriptUri", nth=1)[0] + 1)]


@pytest.mark.parametrize("preset", PRESETS)
async def test_a_local_module_calls_distribution_targets_are_checked_and_rechecked(preset, tmp_path):
    from test_bicep_module import SAME_RUN_OUTPUT, local_module, module

    local_module(tmp_path / "modules" / "image-template")
    (tmp_path / "modules" / "image-template" / "version.json").write_text('{"version": "0.5"}')
    text = module(reference="./modules/image-template/main.bicep", distributions=SAME_RUN_OUTPUT)
    path = tmp_path / "main.bicep"
    path.write_text(text)
    uri = path.as_uri()
    async with session(preset) as client:
        open_doc(client, uri, text, language="bicep")
        items = await diagnostics(client, uri, 1)
        assert [(d.code, d.range.start.line, d.range.start.character) for d in items] == [
            ("AIB303", *pos(text, "'out'", nth=1))]
        # Rename the second target's run output: the finding goes.
        line, col = pos(text, "'out'", nth=1, after=4)
        change(client, uri, 2, (line, col, line, col, "-b"))
        assert await diagnostics(client, uri, 2) == []
