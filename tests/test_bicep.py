"""Bicep templates: finding the resources, values and references, exact diagnostics, suppressions, fixes."""

from __future__ import annotations

import pytest

from aiblint.diagnostics import Span
from aiblint.document import Document
from aiblint.document.bicep import decode_string, string_offsets
from aiblint.fixes import apply_text, choose
from lintutil import Found, lint, run
from rulefix import at, src

BODY = """
param location string = 'westeurope'

resource image 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
  name: 'image-${suffix}'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    source: {
      type: 'PlatformImage'
      publisher: 'Canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: '24.04.202501010'
    }
    customize: [
      {
        type: 'Shell'
        name: 'setup'
        inline: [
          'echo \\'hello\\''
        ]
      }
    ]
    distribute: [
      {
        type: 'VHD'
        runOutputName: 'vhd'
      }
    ]
  }
}
"""


def bicep(text: str, **settings):
    return lint(text, "main.bicep", **settings)


def templates(text: str):
    return run(text, "main.bicep").templates


def fix_all(text: str, unsafe: bool = True, codes: tuple[str, ...] | None = None) -> str:
    """``text`` after every fix; checks the result parses cleanly and a second round changes nothing."""
    result = run(text, "main.bicep")
    found = [d for d in result.diagnostics if codes is None or d.code.startswith(codes)]
    new, _ = apply_text(result.document.text, choose(found, unsafe=unsafe))
    doc = Document(new, "main.bicep")
    assert len(doc.broken_spans) == len(result.document.broken_spans) and not doc.has_syntax_error, new
    again = run(new, "main.bicep")
    second, _ = apply_text(new, choose([d for d in again.diagnostics if codes is None or d.code.startswith(codes)],
                                       unsafe=unsafe))
    assert second == new
    return new


# --------------------------------------------------------------------------
# Finding templates


def test_a_correct_template_has_no_finding():
    assert bicep(BODY) == []
    (t,) = templates(BODY)
    assert (t.form, t.api_version, t.version_source) == ("bicep", "2024-02-01", "literal")


def test_conditions_loops_and_existing_references():
    text = """
    param names array
    resource a 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' = if (deploy) {
      name: 'a'
      properties: {}
    }
    resource b 'Microsoft.VirtualMachineImages/imageTemplates@2023-07-01' = [for n in names: {
      name: n
      properties: {}
    }]
    resource c 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' = [for (n, i) in names: if (i > 0) {
      name: n
    }]
    resource d 'microsoft.virtualmachineimages/imagetemplates@2022-07-01' existing = {
      name: 'old'
    }
    resource e 'Microsoft.Storage/storageAccounts@2023-01-01' = {
      name: 'store'
    }
    """
    found = templates(text)
    assert [(t.api_version, t.node.get("name").value) for t in found] == [
        ("2022-07-01", "a"), ("2023-07-01", "[n]"), ("2022-07-01", "[n]")]
    # The loop variable is not the parameter: its uses are opaque.
    assert not found[1].node.get("name").value.startswith("[parameters")


def test_a_file_without_an_imagetemplates_resource_is_not_a_template():
    assert templates("resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x'\n}\n") == []
    assert templates("param x string\n") == []
    assert bicep("") == []


def test_unknown_api_version_in_the_type_string_is_fixed_in_place():
    text = BODY.replace("@2024-02-01'", "@2024-02-1'")
    assert bicep(text, codes="AIB207") == [
        Found("AIB207", at(text, "2024-02-1"),
              "'2024-02-1' is not an Image Builder API version; did you mean '2024-02-01'? (checked against "
              "2019-05-01-preview and later)")]
    assert "imageTemplates@2024-02-01' = {" in fix_all(text, codes=("AIB207",))


# --------------------------------------------------------------------------
# Values


def test_parameter_defaults_and_allowed_values_are_checked_where_declared():
    text = BODY.replace("param location string = 'westeurope'",
                        "@allowed([\n  'westeurope'\n  'moon-1'\n])\nparam location string = 'East US 3'")
    result = run(text, "main.bicep")
    found = [(d.code, d.message, result.document.slice(d.span), [result.document.slice(r.span) for r in d.related])
             for d in result.diagnostics]
    # Reported on the declaration, with the use as related information (as for ARM parameters).
    assert found == [
        ("AIB300", '"moon-1" is not an Azure region', "'moon-1'", ["location"]),
        ("AIB300", '"East US 3" is not an Azure region; did you mean "eastus"?', "'East US 3'", ["location"]),
    ]


def test_variables_are_followed_and_expressions_are_never_wrong():
    text = BODY.replace("param location string = 'westeurope'",
                        "var size = 'Standard_D2s_v3'\nvar profile = {\n  vmSize: size\n  osDiskSizeGB: '30'\n}\n"
                        "param timeout int = 60")
    text = text.replace("  properties: {\n", "  properties: {\n"
                        "    buildTimeoutInMinutes: timeout\n    vmProfile: profile\n", 1)
    text = text.replace("location: location", "location: resourceGroup().location")
    result = run(text, "main.bicep")
    (d,) = result.diagnostics
    assert (d.code, result.document.slice(d.span)) == ("AIB202", "'30'")
    assert d.message == "'osDiskSizeGB' must be an integer, not a string; write 30 without quotes"
    assert [result.document.slice(r.span) for r in d.related] == ["profile"]
    assert "  osDiskSizeGB: 30\n" in fix_all(text)
    # Interpolation, calls, ternaries, property access, unions: opaque, so no type or value finding.
    for expr in ("'${prefix}-vhd'", "concat('a', 'b')", "cond ? 'a' : 'b'", "settings.outputName",
                 "union(a, b)", "settings[0]", "!empty(x)"):
        assert bicep(BODY.replace("runOutputName: 'vhd'", f"runOutputName: {expr}")) == [], expr


def test_object_keys_identifiers_quoted_and_expressions():
    text = BODY.replace("      type: 'PlatformImage'", "      'type': 'PlatformImage'")
    assert bicep(text) == []
    text = BODY.replace("      sku: 'server'", "      'sku-name': 'server'")
    assert [(f.code, f.range) for f in bicep(text)] == [("AIB200", at(text, "'sku-name'"))]


def test_strings_escapes_and_offsets():
    assert decode_string(r"'it\'s \\ \n\t\r \${x} \u{1F600}'") == "it's \\ \n\t\r ${x} \U0001F600"
    assert decode_string("'''\nline 1\nline 'two'\n'''") == "line 1\nline 'two'\n"
    data = "x: 'a\\'b\\u{e9}c'".encode()
    offsets = string_offsets(data, Span(3, len(data)))
    assert [data[o:o + 1] for o in offsets[:-1]] == [b"a", b"\\", b"b", b"\\", b"c"]
    assert offsets[-1] == len(data) - 1
    data = b"x: '''\nab\n'''"
    offsets = string_offsets(data, Span(3, len(data)))
    assert [data[o:o + 1] for o in offsets] == [b"a", b"b", b"\n", b"'"]
    doc = Document("var s = 'plain'\nresource r 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {}\n",
                   "x.bicep")
    node = doc.root.get("s")
    assert doc.carrier.string_offsets(doc, node) == [9, 10, 11, 12, 13, 14]


def test_multi_line_strings_are_literal_values():
    text = BODY.replace("        inline: [\n          'echo \\'hello\\''\n        ]",
                        "        inline: [\n          '''\n          echo hi\n          '''\n        ]")
    (t,) = templates(text)
    step = t.node.get("properties").get("customize").items[0]
    assert step.get("inline").items[0].value == "          echo hi\n          "
    assert bicep(text) == []


# --------------------------------------------------------------------------
# Syntax the grammar does not know


def test_errors_elsewhere_do_not_stop_the_checks_and_are_not_reported():
    text = "param x resourceInput<'Microsoft.Foo/bar@2024-01-01'>.properties.source = {\n  a: 1\n}\n" \
        + "type t = {\n  @description('x')\n  ... \n}\n" + BODY.replace("'PlatformImage'", "'platformimage'")
    doc = Document(src(text), "main.bicep")
    assert doc.tree.root_node.has_error and not doc.has_syntax_error
    assert [f.code for f in bicep(text)] == ["AIB204"]
    # Fixes still apply: the template itself parses.
    assert "type: 'PlatformImage'" in fix_all(text)


def test_a_spread_in_the_template_keeps_the_object_quiet():
    # The grammar does not know spreads: what it reads around one is opaque, and the object around it
    # gets no missing-property finding; elsewhere the template is still checked, but nothing is fixed.
    text = BODY.replace("    customize: [", "    ...extra\n    customize: [").replace("sku: 'server'", "skew: 'x'")
    text = text.replace("type: 'UserAssigned'", "type: 'userassigned'")
    doc = Document(src(text), "main.bicep")
    assert doc.has_syntax_error
    assert [(f.code, f.range) for f in bicep(text)] == [("AIB311", at(text, "'userassigned'"))]
    result = run(text, "main.bicep")
    assert apply_text(result.document.text, choose(result.diagnostics, unsafe=True, syntax_only=True))[0] == src(text)


# --------------------------------------------------------------------------
# Diagnostics, suppressions, per-file ignores


def test_exact_ranges_of_schema_and_rule_findings():
    text = BODY.replace("runOutputName: 'vhd'", "runOutputname: 'vhd'").replace("name: 'setup'", "name: 'se tup'")
    text = text.replace("        name: 'se tup'\n", "        name: 'se tup'\n        scriptUri: 'https://x/y.sh'\n")
    text = text.replace("        inline: [\n          'echo \\'hello\\''\n        ]\n", "")
    assert bicep(text) == [
        Found("AIB301", at(text, "scriptUri"),
              'Shell customizer "se tup" downloads scriptUri without sha256Checksum; the file is not verified'),
        Found("AIB201", at(text, "runOutputname"),
              "'runOutputname' should be written 'runOutputName'; property names are case-sensitive from API "
              "version 2024-02-01"),
    ]


def test_suppression_comments():
    text = BODY.replace("      type: 'PlatformImage'", "      // aiblint-disable-next-line AIB204\n"
                        "      type: 'platformimage'").replace("'westeurope'", "'moon'")
    assert [f.code for f in bicep(text)] == ["AIB300"]
    text = "/* aiblint-disable AIB300 -- a test region */\n" + text
    assert bicep(text) == []
    unused = "// aiblint-disable-next-line AIB300\n" + src(BODY)
    assert [(f.code, f.message) for f in bicep(unused)] == [
        ("AIB105", "Unused suppression: no AIB300 problem on the next line")]
    assert fix_all(unused) == src(BODY)


def test_per_file_ignores_turn_off_the_schema_rules_for_bicep(tmp_path):
    from cliutil import run as cli, write

    text = src(BODY.replace("      sku: 'server'", "      skew: 'server'"))
    write(tmp_path, "main.bicep", text)
    write(tmp_path, "main.json", '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": '
          '"2024-02-01", "location": "westeurope", "properties": {"source": {"type": "PlatformImage", "publisher": '
          '"Canonical", "offer": "o", "skew": "s", "version": "1"}, "distribute": [{"type": "VHD", '
          '"runOutputName": "v"}]}}')
    def found():
        rows = cli("--check", "--format", "json", ".", cwd=tmp_path).json()
        return sorted((r["path"], r["code"]) for r in rows if r["code"].startswith("AIB2"))

    before = found()
    assert ("main.bicep", "AIB200") in before and ("main.json", "AIB200") in before
    write(tmp_path, "pyproject.toml", '[tool.aiblint]\nper-file-ignores = { "*.bicep" = ["AIB2"] }\n')
    assert found() == [row for row in before if row[0] == "main.json"]


def test_cli_walks_bicep_files_and_fixes_them(tmp_path):
    from cliutil import run as cli, write

    write(tmp_path, "infra/main.bicep", src(BODY.replace("'PlatformImage'", "'platformimage'")))
    write(tmp_path, "infra/storage.bicep", "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {}\n")
    r = cli("--check", ".", cwd=tmp_path)
    assert r.code == 1
    assert "infra/main.bicep:14:13: AIB204" in r.out and "storage.bicep" not in r.out
    r = cli("--check", "--diff", ".", cwd=tmp_path)
    assert "-      type: 'platformimage'\n+      type: 'PlatformImage'\n" in r.out
    r = cli("--check", "--fix", ".", cwd=tmp_path)
    assert r.code == 0
    assert (tmp_path / "infra/main.bicep").read_text() == src(BODY)


# --------------------------------------------------------------------------
# Fixes in Bicep syntax


def test_inserted_member_goes_on_its_own_line_after_a_trailing_comment():
    text = BODY.replace("        name: 'setup'\n        inline: [\n          'echo \\'hello\\''\n        ]\n",
                        "        name: 'setup'\n        scriptUri: 'https://x/s.sh' // the script\n")
    assert fix_all(text, codes=("AIB301",)).count(
        "        scriptUri: 'https://x/s.sh' // the script\n        sha256Checksum: '<sha256 of the file>'\n") == 1


def test_fixes_on_single_line_objects_use_commas():
    text = BODY.replace("""      {
        type: 'VHD'
        runOutputName: 'vhd'
      }""", "      { type: 'VHD', runOutputName: 'vhd' }\n      { type: 'VHD', runOutputName: 'vhd' }")
    new = fix_all(text)
    assert "      { type: 'VHD', runOutputName: 'vhd' }\n      { type: 'VHD', runOutputName: 'vhd-2' }" in new
    text = BODY.replace("        name: 'setup'\n        inline: [\n          'echo \\'hello\\''\n        ]\n",
                        "        name: 'setup'\n        scriptUri: 'https://x/s.sh', inline: []\n")
    text = text.replace("      {\n        type: 'Shell'", "      { type: 'File', name: 'f', sourceUri: 'https://x', "
                        "destination: '/tmp/f' }\n      {\n        type: 'Shell'")
    new = fix_all(text)
    assert ("{ type: 'File', name: 'f', sourceUri: 'https://x', sha256Checksum: '<sha256 of the file>', "
            "destination: '/tmp/f' }") in new


def test_removed_members_take_their_whole_line():
    text = BODY.replace("    userAssignedIdentities: {\n      '${identityId}': {}\n    }",
                        "    userAssignedIdentities: {\n      '${identityId}': {}\n      '${other}': {} // second\n"
                        "    }")
    assert bicep(text) == [Found("AIB311", at(text, "'${other}'"), "2 user-assigned identities are listed; the "
                                 "template supports only one")]
    assert fix_all(text) == src(BODY)
    text = text.replace("    userAssignedIdentities: {\n      '${identityId}': {}\n      '${other}': {} // second\n"
                        "    }", "    userAssignedIdentities: { '${identityId}': {}, '${other}': {} }")
    assert "    userAssignedIdentities: { '${identityId}': {} }\n" in fix_all(text)


def test_values_are_written_as_single_quoted_bicep_strings():
    from aiblint.document.bicep import key_text, render

    assert render("it's ${x}\n") == "'it\\'s \\${x}\\n'"
    assert render({"a-b": [1, True, None], "c": {}}, "  ") == "{\n    'a-b': [\n      1\n      true\n      null\n    ]\n    c: {}\n  }"
    assert key_text("runOutputName") == "runOutputName" and key_text("os disk") == "'os disk'"


def test_fixes_keep_windows_line_breaks():
    text = src(BODY.replace("name: 'setup'", "name: 'setup'\n        scriptUri: 'https://x/s.sh'")).replace("\n", "\r\n")
    new = fix_all(text)
    assert "        scriptUri: 'https://x/s.sh'\r\n        sha256Checksum: '<sha256 of the file>'\r\n" in new
    assert new.count("\n") == new.count("\r\n")


def test_deep_nesting_is_read_as_an_expression():
    deep = "var v = " + "[" * 3000 + "]" * 3000 + "\n" + BODY.replace("location: location", "location: v")
    assert bicep(deep) == []
    (t,) = templates(deep)
    assert t.node.get("location").is_expression


def test_garbage_the_grammar_cannot_read_in_time_is_reported_not_waited_for():
    import time

    text = "[" * 300_000 + "\nresource r 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {}\n"
    started = time.monotonic()
    assert bicep(text) == [Found("AIB100", (0, 0, 0, 0), "The Bicep file could not be read within 2 s (its syntax "
                                 "is too broken); nothing was checked")]
    assert time.monotonic() - started < 10
    # A Bicep file that declares no image template is not parsed at all.
    doc = Document("[" * 300_000, "other.bicep")
    assert doc.tree is None and doc.root is None and not doc.has_syntax_error
