"""The language server over stdio with a real client (pytest-lsp), VS Code (push) and Neovim (pull) presets."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from aiblint.document import Document
from aiblint.engine import lint
from lsputil import PRESETS, brief, change, config, diagnostics, open_doc, pos, pushed, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

RAW = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westus2",
  "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}},
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
    "customize": [
      {"type": "Shell", "name": "one", "inline": ["echo hi"]},
      {"type": "Shell", "name": "two", "inline": ["echo hi"]}
    ],
    "distribute": [
      {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/img", "location": "westus2", "runOutputName": "out"}
    ]
  }
}
"""

ARM = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "imageTemplateName": {"type": "string"},
    "api": {"type": "string", "defaultValue": "2022-07-01"}
  },
  "variables": {"runName": "out"},
  "resources": [
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "[parameters('api')]",
      "name": "[parameters('imageTemplateName')]",
      "location": "westus2",
      "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}},
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "customize": [
          {"type": "Shell", "name": "setup", "inline": ["echo hi"]},
          {"type": "Shell", "name": "setup", "inline": ["echo again"]}
        ],
        "distribute": [
          {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/img", "location": "westus2", "runOutputName": "[variables('runName')]"}
        ]
      }
    }
  ]
}
"""


def expected(text: str, path: str = "/tmp/x.json") -> list[tuple]:
    """What ``--check`` says about ``text``, in the form of :func:`lsputil.brief`."""
    result = lint(Document(text, path))
    if not result.is_template:
        return []
    lines = result.document.lines
    out = []
    for d in result.diagnostics:
        r = lines.range(d.span)
        out.append((d.code, r.start.line, r.start.character, r.end.line, r.end.character))
    return sorted(out)


@pytest_lsp.fixture(config=config(), params=PRESETS, scope="module")
async def client(lsp_client: LanguageClient, request):
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


def uri_for(client, name: str) -> str:
    return f"file:///tmp/aiblint-lsp-{client.preset}-{name}"


async def test_server_announces_incremental_sync_and_pull(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.diagnostic_provider.workspace_diagnostics is True
    assert client.init_result.server_info.name == "aiblint"


async def test_open_change_close(client: LanguageClient):
    uri = uri_for(client, "occ.json")
    open_doc(client, uri, RAW)
    assert brief(await diagnostics(client, uri, 1)) == expected(RAW) == []
    line, col = pos(RAW, '"two"', after=1)
    change(client, uri, 2, (line, col, line, col + 3, "one"))
    items = await diagnostics(client, uri, 2)
    assert [d.code for d in items] == ["AIB302"]
    assert items[0].code_description.href.endswith("#aib302-duplicate-customizer-name")
    assert items[0].source == "aiblint"
    if not client.pull:
        assert items[0].related_information[0].location.range.start.line == 8
    count = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri)))
    if not client.pull:
        assert await pushed(client, uri, None, after=count) == []


async def test_incremental_edits_match_the_full_check(client: LanguageClient):
    uri = uri_for(client, "edits.json")
    text = RAW
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)

    def apply(t: str, l1, c1, l2, c2, new) -> str:
        lines = t.split("\n")
        a = sum(len(x) + 1 for x in lines[:l1]) + c1
        b = sum(len(x) + 1 for x in lines[:l2]) + c2
        return t[:a] + new + t[b:]

    edits = [
        (*pos(text, '"westus2"', after=1), None, None, "x"),  # insert
        (*pos(text, "Canonical"), None, None, ""),  # delete (below: 3 characters)
        (7, 18, 10, 5, ' \n      {"type": "File", "name": "f", "sourceUri": "https://x", "destination": "/tmp/f"}\n    '),
    ]
    version = 1
    for l1, c1, _, _, new in edits[:2]:
        l2, c2 = (l1, c1) if new else (l1, c1 + 3)
        version += 1
        change(client, uri, version, (l1, c1, l2, c2, new))
        text = apply(text, l1, c1, l2, c2, new)
        assert brief(await diagnostics(client, uri, version)) == expected(text)
    l1, c1, l2, c2, new = edits[2]
    version += 1
    change(client, uri, version, (l1, c1, l2, c2, new))
    text = apply(text, l1, c1, l2, c2, new)
    assert brief(await diagnostics(client, uri, version)) == expected(text)
    # Whole-text replace, then two changes in one notification.
    version += 1
    change(client, uri, version, RAW)
    assert brief(await diagnostics(client, uri, version)) == []
    version += 1
    l1, c1 = pos(RAW, '"two"', after=1)
    change(client, uri, version, (l1, c1, l1, c1 + 3, "one"), (0, 0, 0, 0, " "))
    text = " " + RAW.replace('"two"', '"one"')
    got = brief(await diagnostics(client, uri, version))
    assert got == expected(text) and [g[0] for g in got] == ["AIB302"]


async def test_diagnostics_follow_versions(client: LanguageClient):
    uri = uri_for(client, "versions.json")
    open_doc(client, uri, RAW)
    await diagnostics(client, uri, 1)
    line, col = pos(RAW, '"two"', after=1)
    for v in range(2, 12):
        new = "one" if v % 2 == 0 else "two"
        change(client, uri, v, (line, col, line, col + 3, new))
    final = await diagnostics(client, uri, 11)
    assert [d.code for d in final] == []  # version 11 is back to "two"
    if not client.pull:
        versions = [p.version for p in client.published if p.uri == uri]
        assert versions == sorted(versions), versions
    else:
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri)))
        again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri), previous_result_id=report.result_id))
        assert again.kind == "unchanged" and again.result_id == report.result_id
        change(client, uri, 12, (line, col, line, col + 3, "one"))
        fresh = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri), previous_result_id=report.result_id))
        assert fresh.kind == "full" and [d.code for d in fresh.items] == ["AIB302"]
        ws = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        mine = [r for r in ws.items if r.uri == uri]
        assert len(mine) == 1 and mine[0].version == 12 and [d.code for d in mine[0].items] == ["AIB302"]


async def test_other_json_stays_silent_until_it_becomes_a_template(client: LanguageClient):
    uri = uri_for(client, "package.json")
    text = '{"name": "x", "version": "1.0.0", "scripts": {"a": "b",}}'
    open_doc(client, uri, text)
    assert await diagnostics(client, uri, 1) == []
    change(client, uri, 2, RAW)
    assert brief(await diagnostics(client, uri, 2)) == expected(RAW)
    change(client, uri, 3, RAW.replace('"two"', '"one"'))
    assert [d.code for d in await diagnostics(client, uri, 3)] == ["AIB302"]


async def test_broken_template_keeps_syntax_diagnostics(client: LanguageClient):
    uri = uri_for(client, "broken.json")
    open_doc(client, uri, RAW)
    await diagnostics(client, uri, 1)
    line, col = pos(RAW, '"latest"}', after=8)
    change(client, uri, 2, (line, col, line, col, ","))  # trailing comma
    got = await diagnostics(client, uri, 2)
    text = RAW[:RAW.index('"latest"}') + 8] + "," + RAW[RAW.index('"latest"}') + 8:]
    assert brief(got) == expected(text) and "AIB102" in [d.code for d in got]


async def _complete(client, uri, text, marker="|"):
    i = text.index(marker)
    text = text.replace(marker, "", 1)
    open_doc(client, uri, text)
    line = text.count("\n", 0, i)
    col = len(text[text.rfind("\n", 0, i) + 1:i].encode("utf-16-le")) // 2
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))
    return result.items if hasattr(result, "items") else result


async def test_completion_of_keys_in_a_half_typed_customizer(client: LanguageClient):
    head = RAW[:RAW.index('"customize"')]
    items = await _complete(client, uri_for(client, "c-keys.json"), head + '"customize": [{"type": "File", "|')
    labels = [i.label for i in items]
    assert {"sourceUri", "destination", "name"} <= set(labels) and "type" not in labels and "inline" not in labels
    item = next(i for i in items if i.label == "sourceUri")
    assert item.text_edit.new_text.startswith('"sourceUri": ')
    assert "sourceUri" in item.documentation.value
    # Required first: sort texts of required properties sort before the others.
    shell = await _complete(client, uri_for(client, "c-keys2.json"),
                            RAW.replace('{"type": "Shell", "name": "one"', '{"type": "Shell", "name": "one", |'))
    assert {i.label for i in shell} == {"scriptUri", "sha256Checksum"}  # inline and name are present


async def test_completion_of_values(client: LanguageClient):
    types_ = await _complete(client, uri_for(client, "c-type.json"),
                             RAW.replace('"type": "Shell", "name": "one"', '"type": "|", "name": "one"'))
    assert {"Shell", "File", "PowerShell", "WindowsRestart", "WindowsUpdate"} <= {i.label for i in types_}
    versions = await _complete(client, uri_for(client, "c-api.json"),
                               RAW.replace('"apiVersion": "2022-07-01"', '"apiVersion": |'))
    assert versions[0].label == "2025-10-01" and len(versions) == 10
    regions = await _complete(client, uri_for(client, "c-loc.json"),
                              RAW.replace('"location": "westus2"', '"location": "|"', 1))
    by = {i.label: i.detail for i in regions}
    assert by.get("westus2") == "West US 2" and "eastus" in by
    identity = await _complete(client, uri_for(client, "c-id.json"),
                               RAW.replace('"identity": {"type": "UserAssigned"', '"identity": {"type": "|"'))
    assert "UserAssigned" in {i.label for i in identity}


async def test_completion_of_array_items_and_empty_files(client: LanguageClient):
    items = await _complete(client, uri_for(client, "c-items.json"), RAW.replace('"customize": [', '"customize": [|', 1))
    labels = [i.label for i in items]
    assert "Shell customizer (inline)" in labels and "File customizer" in labels
    file_ = next(i for i in items if i.label == "File customizer")
    assert '"sourceUri"' in file_.text_edit.new_text and '"destination"' in file_.text_edit.new_text
    targets = await _complete(client, uri_for(client, "c-dist.json"), RAW.replace('"distribute": [', '"distribute": [|', 1))
    assert "Shared Image Gallery target" in [i.label for i in targets]
    empty = await _complete(client, uri_for(client, "c-empty.json"), "|")
    assert [i.label for i in empty] == ["Image Builder template (raw)", "Image Builder template (ARM deployment)"]
    # The raw snippet, with placeholders filled, is a template with no errors except placeholders.
    text = empty[0].text_edit.new_text
    if empty[0].insert_text_format == types.InsertTextFormat.Snippet:
        from aiblint.lsp.completion import _plain_snippet

        text = _plain_snippet(text)
    assert lint(Document(text, "/tmp/new.json")).is_template


async def test_hover(client: LanguageClient):
    uri = uri_for(client, "hover.json")
    text = RAW.replace('"two"', '"one"')
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)

    async def hover(needle, after=2, nth=0):
        line, col = pos(text, needle, nth=nth, after=after)
        return await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))

    h = await hover('"customize"')
    assert h.contents.value.startswith("**customize**") and "learn.microsoft.com" in h.contents.value
    h = await hover('"Shell"', after=3)
    assert "Shell customizer" in h.contents.value and "`inline`" in h.contents.value
    h = await hover('"location"')
    assert "required" in h.contents.value
    h = await hover('"one"', nth=1, after=2)  # the duplicate name carries AIB302
    assert "AIB302" in h.contents.value and "duplicate-customizer-name" in h.contents.value


async def _actions(client, uri, line, col, only=None):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(line, col), types.Position(line, col)),
        context=types.CodeActionContext(diagnostics=[], only=only)))


def _apply_edit(text: str, edit: types.WorkspaceEdit) -> str:
    edits = edit.document_changes[0].edits if edit.document_changes else next(iter(edit.changes.values()))
    lines = text.split("\n")

    def off(p):
        return sum(len(x) + 1 for x in lines[:p.line]) + p.character

    for e in sorted(edits, key=lambda e: off(e.range.start), reverse=True):
        text = text[:off(e.range.start)] + e.new_text + text[off(e.range.end):]
    return text


async def test_code_actions_fix_and_fix_all(client: LanguageClient):
    uri = uri_for(client, "actions.json")
    text = RAW.replace('"two"', '"one"')
    open_doc(client, uri, text)
    await diagnostics(client, uri, 1)
    line, col = pos(text, '"one"', nth=1, after=1)
    actions = await _actions(client, uri, line, col)
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert quick and quick[0].diagnostics[0].code == "AIB302"
    assert not any(a.title.startswith("Disable") for a in actions)  # raw templates allow no comments
    fixed = _apply_edit(text, quick[0].edit)
    assert "AIB302" not in [c[0] for c in expected(fixed)]
    # fix-all applies the safe fixes: here a trailing comma and the duplicate name.
    broken = text.replace('"latest"}', '"latest",}')
    change(client, uri, 2, broken)
    await diagnostics(client, uri, 2)
    fix_all = await _actions(client, uri, 0, 0, only=["source.fixAll.aiblint"])
    assert [a.kind for a in fix_all] == ["source.fixAll.aiblint"]
    after = _apply_edit(broken, fix_all[0].edit)
    assert "AIB102" not in [c[0] for c in expected(after)]


async def test_disable_for_this_line_in_arm_templates(client: LanguageClient):
    uri = uri_for(client, "disable.json")
    open_doc(client, uri, ARM)
    items = await diagnostics(client, uri, 1)
    assert "AIB302" in [d.code for d in items]
    d = next(d for d in items if d.code == "AIB302")
    actions = await _actions(client, uri, d.range.start.line, d.range.start.character)
    disable = [a for a in actions if a.title == "Disable AIB302 for this line"]
    assert disable
    new = _apply_edit(ARM, disable[0].edit)
    assert "// aiblint-disable-next-line AIB302" in new
    assert "AIB302" not in [c[0] for c in expected(new)]


async def test_document_symbols(client: LanguageClient):
    uri = uri_for(client, "symbols.json")
    open_doc(client, uri, RAW)
    syms = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri)))
    names = [s.name for s in syms]
    assert names == ["source", "customize", "distribute"]
    assert [c.name for c in syms[1].children] == ["one", "two"] and syms[1].children[0].detail == "Shell"
    assert [c.name for c in syms[2].children] == ["out"]
    uri2 = uri_for(client, "symbols-arm.json")
    open_doc(client, uri2, ARM)
    arm = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri2)))
    assert [s.name for s in arm] == ["parameters", "variables", "resources"]
    resource = arm[2].children[0]
    assert resource.name == "[parameters('imageTemplateName')]"
    assert [c.name for c in resource.children] == ["source", "customize", "distribute"]


async def test_definition_and_references(client: LanguageClient):
    uri = uri_for(client, "defs.json")
    open_doc(client, uri, ARM)
    line, col = pos(ARM, "parameters('api')", after=13)
    loc = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))
    decl = pos(ARM, '"api"')
    assert (loc.range.start.line, loc.range.start.character) == decl
    line, col = pos(ARM, "variables('runName')", after=12)
    loc = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, col)))
    assert (loc.range.start.line, loc.range.start.character) == pos(ARM, '"runName"')
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(*decl),
        context=types.ReferenceContext(include_declaration=True)))
    assert sorted((r.range.start.line, r.range.start.character) for r in refs) == sorted(
        [decl, pos(ARM, "parameters('api')", after=12)])


async def test_robustness(client: LanguageClient):
    # Unknown method: an error answer, then business as usual.
    with pytest.raises(Exception):
        await client.protocol.send_request_async("aiblint/noSuchMethod", {})
    # A change for a document never opened, and ranges outside the document.
    change(client, "file:///tmp/never-opened.json", 2, (0, 0, 0, 0, "x"))
    uri = uri_for(client, "outside.json")
    open_doc(client, uri, RAW)
    await diagnostics(client, uri, 1)
    change(client, uri, 2, (500, 0, 900, 4, "x"))
    text = RAW + "x"
    assert brief(await diagnostics(client, uri, 2)) == expected(text)
    # Hover and completion outside the text answer quietly.
    await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(9999, 9999)))
    await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(9999, 9999)))
    # 10,000 rapid changes: only the newest state matters, and the server keeps up.
    uri = uri_for(client, "rapid.json")
    open_doc(client, uri, RAW)
    await diagnostics(client, uri, 1)
    line, col = pos(RAW, '"two"', after=1)
    for v in range(2, 10002):
        if v % 2 == 0:
            change(client, uri, v, (line, col, line, col, "x"))
        else:
            change(client, uri, v, (line, col, line, col + 1, ""))
    change(client, uri, 10002, (line, col, line, col + 3, "one"))
    assert [d.code for d in await diagnostics(client, uri, 10002)] == ["AIB302"]


YAML = """type: Microsoft.VirtualMachineImages/imageTemplates
apiVersion: 2022-07-01
location: westus2
identity:
  type: UserAssigned
  userAssignedIdentities:
    /subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id: {}
properties:
  source: {type: PlatformImage, publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS, version: latest}
  customize:
    - {type: Shell, name: one, inline: [echo hi]}
    - {type: Shell, name: two, inline: [echo hi]}
  distribute:
    - {type: ManagedImage, imageId: /subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/img, location: westus2, runOutputName: out}
"""


async def test_yaml_templates(client: LanguageClient):
    uri = uri_for(client, "template.yaml")
    open_doc(client, uri, YAML, language="yaml")
    assert brief(await diagnostics(client, uri, 1)) == expected(YAML, "/tmp/x.yaml")
    line, col = pos(YAML, "name: two", after=6)
    change(client, uri, 2, (line, col, line, col + 3, "one"))
    text = YAML.replace("name: two", "name: one")
    got = brief(await diagnostics(client, uri, 2))
    assert got == expected(text, "/tmp/x.yaml") and "AIB302" in [g[0] for g in got]


async def test_completion_in_broken_documents(client: LanguageClient):
    head = RAW[:RAW.index('"customize"')]
    # A key with no value yet, in an unclosed array.
    items = await _complete(client, uri_for(client, "c-novalue.json"), head + '"customize": [{"type": |')
    assert {"Shell", "File", "WindowsRestart"} <= {i.label for i in items}
    # After a trailing comma.
    items = await _complete(client, uri_for(client, "c-comma.json"), RAW.replace(
        '{"type": "Shell", "name": "one", "inline": ["echo hi"]}',
        '{"type": "Shell", "name": "one", "inline": ["echo hi"],|}'))
    assert {i.label for i in items} == {"scriptUri", "sha256Checksum"}
    # A SharedImage target: its own properties, the required ones sorted first.
    items = await _complete(client, uri_for(client, "c-sig.json"),
                            RAW.replace('"distribute": [', '"distribute": [{"type": "SharedImage", |', 1))
    ordered = [i.label for i in sorted(items, key=lambda i: i.sort_text)]
    assert set(ordered[:2]) == {"galleryImageId", "runOutputName"} and "replicationRegions" in ordered
