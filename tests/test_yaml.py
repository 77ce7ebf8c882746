"""YAML templates: the value tree, spans, merge keys, comments and syntax errors."""

from __future__ import annotations

from aiblint.diagnostics import Span
from aiblint.document import Document
from aiblint.document.nodes import ArrayNode, ObjectNode, ScalarNode
from aiblint.document.yaml import build_yaml_tree, yaml_comment_spans
from lintutil import Found, lint, run

TEMPLATE = """\
# Image Builder template in YAML
type: Microsoft.VirtualMachineImages/imageTemplates   # full type
apiVersion: "2024-02-01"
location: westeurope
properties:
  buildTimeoutInMinutes: 80
  source:
    type: PlatformImage
    version: latest
  customize:
    - type: Shell
      name: update
      inline: ["sudo apt-get update", 'echo "#not a comment"']
    - {type: WindowsRestart, restartTimeout: 5m}
  distribute: []
  optional:
"""


def test_value_tree_of_a_yaml_template():
    doc = Document(TEMPLATE, "t.yaml")
    root = doc.root
    assert isinstance(root, ObjectNode)
    props = root.get("properties")
    assert props.get("buildTimeoutInMinutes").value == 80
    assert props.get("buildTimeoutInMinutes").kind == "number"
    assert props.get("source").get("version").value == "latest"
    customize = props.get("customize")
    assert isinstance(customize, ArrayNode) and len(customize.items) == 2
    assert customize.items[0].get("inline").to_python() == ["sudo apt-get update", 'echo "#not a comment"']
    assert customize.items[1].path == ("properties", "customize", 1)
    assert props.get("distribute").to_python() == []
    optional = props.get("optional")
    assert isinstance(optional, ScalarNode) and optional.kind == "null"


def test_yaml_spans_are_byte_exact():
    doc = Document(TEMPLATE, "t.yaml")
    props = doc.root.get("properties")
    assert doc.slice(doc.root.get("apiVersion").span) == '"2024-02-01"'
    assert doc.slice(props.member("source").key_span) == "source"
    assert doc.slice(props.get("source").span) == "type: PlatformImage\n    version: latest"
    assert doc.slice(props.get("customize").items[1].span) == "{type: WindowsRestart, restartTimeout: 5m}"
    assert doc.slice(props.get("customize").items[0].get("inline").items[1].span) == "'echo \"#not a comment\"'"
    # An empty value sits right after its colon.
    optional = props.get("optional")
    assert optional.span == Span(props.member("optional").key_span.end + 1, props.member("optional").key_span.end + 1)


def test_yaml_template_is_found_with_its_version():
    result = run(TEMPLATE, "t.yaml")
    assert [(t.form, t.api_version) for t in result.templates] == [("raw", "2024-02-01")]


def test_scalar_types():
    root, error = build_yaml_tree("a: 0x10\nb: 1_000\nc: 2.5\nd: false\ne: ~\nf: '12'\ng: 2024-02-01\nh: .inf\n",
                                  b"")
    assert error is None
    assert root.to_python() == {"a": 16, "b": 1000, "c": 2.5, "d": False, "e": None, "f": "12",
                                "g": "2024-02-01", "h": float("inf")}


def test_merge_keys_are_expanded_and_explicit_keys_win():
    text = "base: &b\n  vmSize: small\n  disk: 30\nvm:\n  <<: *b\n  vmSize: large\n"
    doc = Document(text, "x.yaml")
    vm = doc.root.get("vm")
    assert vm.to_python() == {"vmSize": "large", "disk": 30}
    assert doc.lines.range(vm.member("disk").key_span).start.line == 2  # points into the anchor
    assert lint(text, "x.yaml") == []


def test_recursive_alias_does_not_loop():
    doc = Document("a: &x [1, *x]\n", "x.yaml")
    assert doc.root.to_python() == {"a": [1]}


def test_only_the_first_document_is_used():
    doc = Document("a: 1\n---\nb: 2\n", "x.yaml")
    assert doc.root.to_python() == {"a": 1}


def test_yaml_syntax_error_is_aib100_at_the_place():
    assert lint("a: [1, 2\nb: 3\n", "x.yaml") == [Found(
        "AIB100", (1, 1, 1, 2),
        "Invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence started at line 1)")]


def test_tab_indentation_error():
    found = lint("a:\n\t- x\n", "x.yaml")
    assert [(f.code, f.range[:2]) for f in found] == [("AIB100", (1, 0))]
    assert "'\\t'" in found[0].message


def test_empty_yaml_has_no_tree_and_no_error():
    doc = Document("# nothing here\n", "x.yaml")
    assert doc.root is None and doc.yaml_error is None
    assert lint("# nothing here\n", "x.yaml") == []


def test_comment_spans_skip_hashes_inside_strings():
    data = TEMPLATE.encode()
    texts = [data[s.start:s.end].decode() for s in yaml_comment_spans(data)]
    assert texts == ["# Image Builder template in YAML", "# full type"]


def test_deep_yaml_nesting_is_reported_not_raised():
    doc = Document("a: " + "[" * 10000 + "]" * 10000 + "\n", "x.yaml")
    assert doc.root is None
    assert doc.yaml_error == (Span(0, 0), "Invalid YAML: nesting deeper than 128 levels")


def test_yaml_nesting_just_past_the_limit_keeps_the_outer_values():
    doc = Document("a: 1\nb: " + "[" * 200 + "]" * 200 + "\n", "x.yaml")
    assert doc.root.get("a").value == 1
    span, message = doc.yaml_error
    assert message == "Nesting deeper than 128 levels; the values inside are not checked"
    assert doc.lines.position(span.start).line == 1


def test_after_a_syntax_error_the_readable_lines_are_still_read():
    text = ("type: Microsoft.VirtualMachineImages/imageTemplates\napiVersion: '2024-02-01'\nproperties:\n"
            "  source:\n    type: PlatformImage\n    sku: \"abc\n  customize: []\n")
    doc = Document(text, "t.yaml")
    assert doc.root.to_python() == {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",
                                    "properties": {"source": {"type": "PlatformImage"}, "customize": []}}
    assert doc.slice(doc.root.get("properties").member("customize").key_span) == "customize"
    # The error points at the string left open, not at the end of the file.
    assert lint(text, "t.yaml", codes="AIB100") == [Found(
        "AIB100", (5, 9, 5, 10), "Invalid YAML: found unexpected end of stream (while scanning a quoted scalar started at line 6)")]
    assert run(text, "t.yaml").templates


def test_unclosed_flow_sequence_keeps_the_lines_after_it():
    doc = Document("a: 1\nb: [1, 2\nc: 3\nd: 4\n", "x.yaml")
    assert doc.root.to_python() == {"a": 1, "c": 3, "d": 4}
    assert doc.yaml_error[1].startswith("Invalid YAML: expected ',' or ']', but got ':'")
