"""Inline suppression comments, per-file ignores and AIB105 unused-suppression (exact ranges, messages, fixes)."""

from __future__ import annotations

import textwrap

from lintutil import Found, lint, run

from aiblint.fixes import apply_text, choose

HEAD = """\
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "westeurope",
  "identity": {
    "type": "UserAssigned",
    "userAssignedIdentities": {
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}
    }
  },
  "properties": {
    "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2", "version": "latest" },
    "distribute": [
      { "type": "VHD", "runOutputName": "vhd" },
"""
TAIL = """\
    ]
  }
}
"""
HEAD_LINES = HEAD.count("\n")
DUP = '      { "type": "VHD", "runOutputName": "vhd" }'
DUP_MSG = 'runOutputName "vhd" is already used by distribute[0]; each distribute target needs its own run output name'


def body(*lines: str) -> str:
    """Lines inside distribute[]: items get commas, comment lines do not."""
    out = []
    items = [i for i, x in enumerate(lines) if not x.lstrip().startswith(("//", "/*", "#"))]
    for i, x in enumerate(lines):
        out.append(x + ("," if i in items[:-1] else ""))
    return HEAD + "\n".join(out) + "\n" + TAIL


def test_unsuppressed_baseline():
    assert lint(body(DUP), "t.jsonc") == [Found("AIB303", (HEAD_LINES, 40, HEAD_LINES, 45), DUP_MSG)]


def test_next_line_suppression():
    src = body("      // aiblint-disable-next-line AIB303", DUP)
    assert lint(src, "t.jsonc") == []


def test_next_line_covers_only_the_next_line():
    src = body("      // aiblint-disable-next-line AIB303", '      { "type": "VHD", "runOutputName": "x" }', DUP)
    assert lint(src, "t.jsonc") == [
        Found("AIB105", (HEAD_LINES, 35, HEAD_LINES, 41), "Unused suppression: no AIB303 problem on the next line"),
        Found("AIB303", (HEAD_LINES + 2, 40, HEAD_LINES + 2, 45), DUP_MSG),
    ]


def test_block_comment_name_prefix_and_reason():
    for selector in ("duplicate-run-output-name", "AIB3", "aib303"):
        src = body(f"      /* aiblint-disable-next-line {selector} -- two VHDs on purpose */", DUP)
        assert lint(src, "t.jsonc") == [], selector


def test_file_wide_suppression_in_arm_template():
    inner = textwrap.indent(body(DUP), "      ").strip()
    arm = (
        "{\n"
        '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
        "  // aiblint-disable AIB303\n"
        '  "contentVersion": "1.0.0.0",\n'
        '  "resources": [\n'
        f"    {inner[:1]}\n"
        '      "name": "t",\n'
        f"{textwrap.indent(body(DUP)[2:], '    ')}"
        "  ]\n"
        "}\n"
    )
    # The template's fixed name would add AIB326 (info), which is not what this test is about.
    found = lint(arm, "t.json", ignore=["AIB326"])
    assert [f.code for f in found] == [], found
    assert [f.code for f in lint(arm.replace("aiblint-disable AIB303", "note"), "t.json", ignore=["AIB326"])] == \
        ["AIB303"]


def test_no_code_means_every_rule():
    assert lint(body("      // aiblint-disable-next-line", DUP), "t.jsonc") == []
    assert lint(body("      // aiblint-disable-next-line", '      { "type": "VHD", "runOutputName": "x" }'),
                "t.jsonc") == [Found("AIB105", (HEAD_LINES, 6, HEAD_LINES, 34),
                                     "Unused suppression: no problem on the next line")]


def test_unused_and_unknown_codes_in_one_comment():
    src = body("      // aiblint-disable-next-line AIB303, AIB302, AIB999", DUP)
    assert lint(src, "t.jsonc") == [
        Found("AIB105", (HEAD_LINES, 43, HEAD_LINES, 49), "Unused suppression: no AIB302 problem on the next line"),
        Found("AIB105", (HEAD_LINES, 51, HEAD_LINES, 57), "Unknown rule 'AIB999' in a suppression comment"),
    ]


def test_unused_file_wide():
    src = "{\n  // aiblint-disable AIB300\n" + body('      { "type": "VHD", "runOutputName": "x" }')[2:]
    assert lint(src, "t.jsonc") == [
        Found("AIB105", (1, 21, 1, 27), "Unused suppression: no AIB300 problem in this file")]


def test_rules_turned_off_are_not_reported_unused():
    src = body("      // aiblint-disable-next-line AIB302", '      { "type": "VHD", "runOutputName": "x" }')
    assert lint(src, "t.jsonc", ignore=["AIB302"]) == []
    assert lint(src, "t.jsonc", ignore=["AIB105"]) == []


def test_unused_suppression_itself_can_be_disabled_file_wide():
    src = "{\n  // aiblint-disable AIB105\n" + body(
        "      // aiblint-disable-next-line AIB302", '      { "type": "VHD", "runOutputName": "x" }')[2:]
    assert lint(src, "t.jsonc") == []


def fix_all(src: str, filename: str = "t.jsonc") -> str:
    for _ in range(5):
        result = run(src, filename)
        new, applied = apply_text(result.document.text, choose(result.diagnostics))
        if not applied:
            return new
        src = new
    return src


def test_fix_removes_unused_comment_and_codes():
    src = body("      // aiblint-disable-next-line AIB302", '      { "type": "VHD", "runOutputName": "x" }')
    assert fix_all(src) == body('      { "type": "VHD", "runOutputName": "x" }')
    src = body("      // aiblint-disable-next-line AIB302, AIB303, AIB301", DUP)
    assert fix_all(src) == body("      // aiblint-disable-next-line AIB303", DUP)
    src = body("      // aiblint-disable-next-line AIB303, AIB302", DUP)
    assert fix_all(src) == body("      // aiblint-disable-next-line AIB303", DUP)


def test_fix_keeps_code_before_a_trailing_comment():
    src = body('      { "type": "VHD", "runOutputName": "x" } // aiblint-disable-next-line AIB303')
    fixed = fix_all(src)
    assert fixed == body('      { "type": "VHD", "runOutputName": "x" }')


def test_yaml_hash_comments():
    yaml = (
        "type: Microsoft.VirtualMachineImages/imageTemplates\n"
        "apiVersion: '2024-02-01'\n"
        "location: westeurope\n"
        "identity:\n"
        "  type: UserAssigned\n"
        "  userAssignedIdentities:\n"
        "    /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib: {}\n"
        "properties:\n"
        "  source: {type: PlatformImage, publisher: Canonical, offer: 0001-com-ubuntu-server-jammy, sku: 22_04-lts-gen2, version: latest}\n"
        "  distribute:\n"
        "    - {type: VHD, runOutputName: vhd}\n"
        "    # aiblint-disable-next-line AIB303\n"
        "    - {type: VHD, runOutputName: vhd}\n"
        "    - {type: VHD, runOutputName: vhd}\n"
    )
    found = lint(yaml, "t.yaml")
    assert [(f.code, f.range[0]) for f in found] == [("AIB303", 13)]


def test_per_file_ignores(tmp_path):
    src = body(DUP)
    settings = {"per_file_ignores": {"legacy/**": ["AIB303"]}, "root": str(tmp_path)}
    assert lint(src, str(tmp_path / "legacy" / "a" / "t.jsonc"), **settings) == []
    assert [f.code for f in lint(src, str(tmp_path / "new" / "t.jsonc"), **settings)] == ["AIB303"]
    # A suppression comment for an ignored code is not "unused".
    src = body("      // aiblint-disable-next-line AIB303", DUP)
    assert lint(src, str(tmp_path / "legacy" / "t.jsonc"), **settings) == []


SHELLCHECKED = HEAD.replace('    "distribute": [\n', '''    "customize": [
      // aiblint-disable-next-line AIB401
      { "type": "Shell", "name": "s", "inline": ["echo $1"] }
    ],
    "distribute": [
''') + '      { "type": "VHD", "runOutputName": "x" }\n' + TAIL


def test_a_suppression_of_shellchecks_findings_is_judged_after_shellcheck_ran(tmp_path):
    """``--check`` runs ShellCheck once for all files, after the other checks: until its findings are in,
    whether a suppression of AIB401 is used is not known, and ``--fix`` must not remove a used one."""
    from cliutil import run as cli

    used = tmp_path / "used.jsonc"
    used.write_text(SHELLCHECKED, encoding="utf-8")
    unused = tmp_path / "unused.jsonc"
    unused.write_text(SHELLCHECKED.replace("echo $1", "echo ok"), encoding="utf-8")
    result = cli("--check", "--no-config", "--format", "json", "used.jsonc", "unused.jsonc", cwd=tmp_path)
    assert [(d["path"], d["code"], d["line"]) for d in result.json()] == [("unused.jsonc", "AIB105", 14)]
    fixed = cli("--check", "--no-config", "--fix", "used.jsonc", "unused.jsonc", cwd=tmp_path)
    assert fixed.code == 0, fixed.out + fixed.err
    assert used.read_text(encoding="utf-8") == SHELLCHECKED
    assert unused.read_text(encoding="utf-8") == SHELLCHECKED.replace(
        "      // aiblint-disable-next-line AIB401\n", "").replace("echo $1", "echo ok")


def test_fixing_an_unused_code_keeps_a_shellcheck_code_beside_it_until_shellcheck_ran(tmp_path):
    """'AIB302, AIB401' where AIB302 silences nothing: --fix removes AIB302 alone, since AIB401 silences
    ShellCheck's finding; it would remove the whole comment if it went by the first pass alone."""
    from cliutil import run as cli

    both = SHELLCHECKED.replace("aiblint-disable-next-line AIB401", "aiblint-disable-next-line AIB302, AIB401")
    path = tmp_path / "both.jsonc"
    path.write_text(both, encoding="utf-8")
    result = cli("--check", "--no-config", "--format", "json", "both.jsonc", cwd=tmp_path)
    assert [(d["code"], d["message"]) for d in result.json()] == [
        ("AIB105", "Unused suppression: no AIB302 problem on the next line")]
    cli("--check", "--no-config", "--fix", "both.jsonc", cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == SHELLCHECKED
