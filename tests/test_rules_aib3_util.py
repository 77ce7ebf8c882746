"""The rule helpers in aiblint.rules._util: OS inference and edits."""

import json

import pytest

from aiblint import catalog
from aiblint.document import Document
from aiblint.fixes import apply_text
from aiblint.diagnostics import Fix
from aiblint.rule import Context
from aiblint.rules import _util
from aiblint.settings import Settings
from aiblint.templates import find_templates


def context(text: str, filename: str = "t.json") -> Context:
    doc = Document(text, filename)
    cat = catalog.load()
    (template,) = find_templates(doc.root, cat.versions, cat.newest)
    return Context(doc, template, cat, Settings())


def raw(source: dict) -> str:
    return json.dumps({"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",
                       "properties": {"source": source, "distribute": []}}, indent=2)


@pytest.mark.parametrize("publisher, offer, expected", [
    ("MicrosoftWindowsServer", "WindowsServer", "windows"),
    ("microsoftwindowsdesktop", "office-365", "windows"),
    ("MicrosoftVisualStudio", "visualstudio2022", "windows"),
    ("Canonical", "0001-com-ubuntu-server-jammy", "linux"),
    ("RedHat", "RHEL", "linux"),
    ("OpenLogic", "CentOS", "linux"),
    ("SUSE", "sles-15-sp5", "linux"),
    ("Debian", "debian-12", "linux"),
    ("almalinux", "almalinux-x86_64", "linux"),
    ("kinvolk", "flatcar-container-linux", "linux"),
    ("microsoft-dsvm", "dsvm-win-2019", "windows"),
    ("microsoft-dsvm", "ubuntu-2004", "linux"),
    ("MicrosoftSQLServer", "sql2022-ws2022", "windows"),
    ("MicrosoftSQLServer", "sql2019-rhel8", "linux"),
    ("contoso", "appliance", None),
    ("", "", None),
])
def test_source_os(publisher, offer, expected):
    src = {"type": "PlatformImage", "publisher": publisher, "offer": offer, "sku": "x", "version": "latest"}
    assert _util.source_os(context(raw(src))) == expected


def test_source_os_needs_a_platform_image():
    src = {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/r/providers/Microsoft.Compute/images/windows"}
    assert _util.source_os(context(raw(src))) is None


def _apply(text, edit):
    return apply_text(text, [Fix("t", (edit,))])[0]


def test_insert_member_layouts():
    text = '{\n  "type": "Microsoft.VirtualMachineImages/imageTemplates",\n  "properties": {\n    "source": {},\n    "customize": [],\n    "distribute": [\n      {"type": "VHD"}\n    ]\n  }\n}'
    ctx = context(text)
    props = ctx.template.properties
    source = props.get("source")
    after_source = _apply(text, _util.insert_member(ctx, props, "vmProfile", {"vmSize": "x"}, after=props.member("source")))
    assert '    "source": {},\n    "vmProfile": {"vmSize": "x"},\n    "customize": []' in after_source
    assert '"source": { "type": "ISO" }' in _apply(text, _util.insert_member(ctx, source, "type", "ISO"))
    vhd = props.get("distribute").items[0]
    assert '{"type": "VHD", "runOutputName": "v"}' in _apply(text, _util.insert_member(ctx, vhd, "runOutputName", "v"))
    last = _apply(text, _util.insert_member(ctx, props, "buildTimeoutInMinutes", 60))
    assert '    ],\n    "buildTimeoutInMinutes": 60\n  }' in last


def test_remove_member_keeps_json_valid():
    text = '{"type": "Microsoft.VirtualMachineImages/imageTemplates", "properties": {"source": {"a": 1, "b": 2, "c": 3}, "distribute": []}}'
    ctx = context(text)
    source = ctx.template.properties.get("source")
    for name, left in (("a", {"b": 2, "c": 3}), ("b", {"a": 1, "c": 3}), ("c", {"a": 1, "b": 2})):
        new = _apply(text, _util.remove_member(ctx, source, source.member(name)))
        assert json.loads(new)["properties"]["source"] == left


def test_yaml_gets_only_scalar_replacements():
    text = "type: Microsoft.VirtualMachineImages/imageTemplates\nproperties:\n  source: {type: PlatformImage}\n  distribute: []\n"
    ctx = context(text, "t.yaml")
    source = ctx.template.properties.get("source")
    assert _util.insert_member(ctx, source, "x", 1) is None
    assert _util.replace_value(ctx, source, {}) is None
    assert _util.remove_member(ctx, source, source.members[0]) is None
    edit = _util.replace_value(ctx, source.get("type"), "ISO")
    assert _apply(text, edit) == text.replace("{type: PlatformImage}", '{type: "ISO"}')
