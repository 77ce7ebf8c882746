"""AIB100-AIB104: syntax diagnostics with exact code, range and message, and near misses."""

from __future__ import annotations

import pytest

from aiblint.document import Document
from lintutil import Found, lint, run

SYNTAX = ("AIB100", "AIB101", "AIB102", "AIB103", "AIB104")


def syntax(text: str, filename: str = "x.json") -> list[Found]:
    return lint(text, filename=filename, codes=SYNTAX)


def one(code, l1, c1, l2, c2, message):
    return [Found(code, (l1, c1, l2, c2), message)]


# -- AIB100 invalid-json ---------------------------------------------------

INVALID = [
    ("missing comma between properties", '{\n  "a": 1\n  "b": 2\n}',
     one("AIB100", 1, 8, 1, 8, "Expected ',' between properties")),
    ("missing comma between items", '[\n  "x"\n  "y"\n]',
     one("AIB100", 1, 5, 1, 5, "Expected ',' between items")),
    ("unclosed object", '{\n  "a": {\n    "b": 1\n  }\n',
     one("AIB100", 0, 0, 0, 1, "'{' is never closed: expected '}'")),
    ("array closed by a brace", '{"a": [1, 2}',
     one("AIB100", 0, 6, 0, 7, "'[' is not closed: expected ']' before '}'")),
    ("document ends inside two containers", '{"a": [1, {"b": 2',
     one("AIB100", 0, 10, 0, 11, "'{' is never closed: expected '}'")),
    ("unexpected closer", '{"a": 1, ]}',
     one("AIB100", 0, 9, 0, 10, "Expected a property name in double quotes, found ']'")),
    ("missing colon", '{"a" 1}', one("AIB100", 0, 4, 0, 4, "Expected ':' after property name \"a\"")),
    ("missing value", '{"a": , "b": 2}', one("AIB100", 0, 5, 0, 5, 'Expected a value for property "a"')),
    ("missing value before next property", '{"a":\n  "b": 2}',
     one("AIB100", 0, 5, 0, 5, 'Expected a value for property "a"')),
    ("missing value at end", '{"a": }', one("AIB100", 0, 5, 0, 5, 'Expected a value for property "a"')),
    ("unterminated string", '{"a": "abc\n}', one("AIB100", 0, 6, 0, 10, "Unterminated string: missing closing '\"'")),
    ("property name being typed: reported once, as unterminated", '{\n  "a": 1,\n  "ver\n  "b": 2\n}',
     one("AIB100", 2, 2, 2, 6, "Unterminated string: missing closing '\"'")),
    ("last property name being typed", '{\n  "a": 1,\n  "ver\n}',
     one("AIB100", 2, 2, 2, 6, "Unterminated string: missing closing '\"'")),
    ("invalid escapes", '{"path": "C:\\Users\\me"}',
     [Found("AIB100", (0, 12, 0, 14), "Invalid escape sequence '\\U' in a string"),
      Found("AIB100", (0, 18, 0, 20), "Invalid escape sequence '\\m' in a string")]),
    ("line break inside a string", '{"location": "westeurope\n", "b": 1}',
     one("AIB100", 0, 13, 0, 24, "Line break inside a string: is the closing '\"' missing?")),
    ("tab inside a string", '{"a": "x\ty"}', one("AIB100", 0, 8, 0, 9, "Control character U+0009 inside a string; write it as '\\t'")),
    ("short unicode escape", '{"a": "\\u12"}', one("AIB100", 0, 7, 0, 11, "Invalid escape sequence '\\u12' in a string")),
    ("single quotes", "{'a': 'b'}",
     [Found("AIB100", (0, 1, 0, 4), "Strings must use double quotes, not single quotes"),
      Found("AIB100", (0, 6, 0, 9), "Strings must use double quotes, not single quotes")]),
    ("unquoted key", '{name: "x"}', one("AIB100", 0, 1, 0, 5, "Property name 'name' must be in double quotes")),
    ("extra text after the value", '{"a": 1}\n}', one("AIB100", 1, 0, 1, 1, "Unexpected text after the end of the JSON value")),
    ("second top-level value", '{"a": 1}\n{"b": 2}\n',
     one("AIB100", 1, 0, 1, 8, "Unexpected text after the end of the JSON value")),
    ("empty file", "", one("AIB100", 0, 0, 0, 0, "Empty document: expected a JSON value")),
    ("only whitespace and a comment", "  \n// nothing\n", one("AIB100", 0, 0, 0, 0, "Empty document: expected a JSON value")),
    ("leading zero", '{"a": 012}', one("AIB100", 0, 6, 0, 9, "Invalid number '012'")),
    ("plus sign", '{"a": +1}', one("AIB100", 0, 6, 0, 8, "Invalid number '+1'")),
    ("capitalised literal", '{"a": True}',
     one("AIB100", 0, 6, 0, 10, "Invalid literal 'True': JSON literals are lower case ('true')")),
    ("NaN", '{"a": NaN}', one("AIB100", 0, 6, 0, 9, "Invalid number 'NaN': JSON has no NaN or Infinity")),
    ("placeholder value", '{"minutes": <minutes>}',
     one("AIB100", 0, 12, 0, 21, "Expected a value, found '<minutes>' (a string needs double quotes)")),
    ("double comma", "[1,,2]", one("AIB100", 0, 3, 0, 4, "Unexpected ','")),
    ("non-breaking space", '{"a":\u00a01}',
     one("AIB100", 0, 5, 0, 6, "Invalid whitespace character U+00A0; JSON allows only spaces, tabs and line breaks")),
    ("unterminated block comment", '{"a": 1 /* note',
     one("AIB100", 0, 8, 0, 10, "Unterminated comment: '/*' has no closing '*/'")),
    ("property written into an array", '[ "a": 1 }]',
     one("AIB100", 0, 2, 0, 5, "Missing '{' before property \"a\": an array holds values, not properties")),
    ("fragment without braces", '"a": 1,\n"b": 2\n',
     one("AIB100", 0, 0, 0, 3, "Missing '{' before property \"a\": properties belong inside an object")),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_json(text, expected):
    assert syntax(text) == expected


VALID = [
    '{"a": [1, -2.5e3, true, false, null, {}, []], "b": "x\\n\\u00e9\\"\\\\/"}',
    '{"text": "commas, colons: and } braces ] inside a string"}',
    '{"quote": "she said “hello”, then ‘bye’"}',
    '{"expr": "[[not an expression]", "n": 0, "m": -0.5}',
    '  {"a": 1}  \n\n',
    '"just a string"',
    '[]',
]


@pytest.mark.parametrize("text", VALID)
def test_valid_json_has_no_syntax_diagnostics(text):
    assert syntax(text) == []


def test_broken_template_is_still_found_and_read():
    result = run('{\n  "type": "Microsoft.VirtualMachineImages/imageTemplates"\n  "apiVersion": "2024-02-01",\n'
                 '  "properties": {"source": {"type": "PlatformImage",}, "customize": [\n')
    assert [t.api_version for t in result.templates] == ["2024-02-01"]
    props = result.templates[0].properties
    assert props.get("source").get("type").value == "PlatformImage"
    assert "customize" in props
    assert [d.code for d in result.diagnostics if d.code.startswith("AIB10")] == ["AIB100", "AIB102", "AIB100"]


def test_a_value_being_typed_is_reported_once():
    """The unterminated string runs over the comma: no "missing comma", no rule finding on "wes,"."""
    text = ('{\n  "type": "Microsoft.VirtualMachineImages/imageTemplates",\n  "apiVersion": "2024-02-01",\n'
            '  "location": "wes,\n  "properties": {"source": {"type": "PlatformImage"}, "inline": ["echo a,\n "b"]}\n}\n')
    found = lint(text, codes=("AIB1", "AIB3"))
    assert found == [
        Found("AIB100", (3, 14, 3, 19), "Unterminated string: missing closing '\"'"),
        Found("AIB100", (4, 65, 4, 73), "Unterminated string: missing closing '\"'"),
    ]


def test_missing_value_keeps_the_member_without_value():
    doc = Document('{"a": , "b": {"c": }}', "x.json")
    assert [m.name for m in doc.root.members] == ["a", "b"]
    assert doc.root.members[0].value is None
    assert doc.root.get("b").members[0].value is None


def test_unclosed_brace_has_related_end_of_document():
    doc = Document('{"a": 1,\n"b": [1, 2]\n', "x.json")
    (d,) = [d for d in run(doc.text).diagnostics if d.code == "AIB100"]
    (rel,) = d.related
    assert rel.span.start == len(doc.data)
    assert rel.message == "the document ends here without '}'"


def test_missing_comma_fix_inserts_a_comma():
    doc = Document('{"a": 1 "b": 2}', "x.json")
    (d,) = run(doc.text).diagnostics
    (fix,) = d.fixes
    assert not fix.safe
    assert [(e.span.start, e.span.end, e.new_text) for e in fix.edits] == [(7, 7, ",")]


def test_error_free_subtrees_are_read_as_they_are():
    text = '{"a": {"deep": [1, {"x": [true, null]}]}, "b": 1 "c": [{"d": "e"}]}'
    doc = Document(text, "x.json")
    assert doc.root.to_python() == {"a": {"deep": [1, {"x": [True, None]}]}, "b": 1, "c": [{"d": "e"}]}
    assert doc.root.get("a").get("deep").items[1].path == ("a", "deep", 1)
    assert doc.slice(doc.root.get("c").span) == '[{"d": "e"}]'


# -- AIB101 typographic-quote ------------------------------------------------

def test_typographic_quotes_around_value_with_safe_fix():
    result = run('{"galleryImageId": “/subscriptions/x”}')
    (d,) = result.diagnostics
    assert (d.code, d.message) == ("AIB101", "Typographic quotes “ ” around a string; JSON needs straight double quotes '\"'")
    assert result.document.slice(d.span) == "“/subscriptions/x”"
    (fix,) = d.fixes
    assert fix.safe and fix.edits[0].new_text == '"/subscriptions/x"'
    assert result.document.root.get("galleryImageId").value == "/subscriptions/x"


def test_typographic_single_quotes_on_a_key():
    assert syntax("{‘a’: 1}") == one("AIB101", 0, 1, 0, 4,
                                      "Typographic quotes ‘ ’ around a string; JSON needs straight double quotes '\"'")


def test_string_closed_by_a_typographic_quote():
    assert syntax('{"a": "b”, "c": 1}') == one("AIB101", 0, 6, 0, 9, "Typographic quote ” in place of '\"' around a string")


def test_no_safe_fix_when_the_text_holds_a_quote():
    result = run('{"a": “say "hi"”}')
    first = result.diagnostics[0]
    assert first.code == "AIB101" and result.document.slice(first.span) == '“say "'
    assert first.fixes == ()


def test_lone_typographic_quote():
    assert syntax('{"a": ”x}')[0] == Found("AIB101", (0, 6, 0, 7),
                                          "Typographic quote '”' where JSON needs a straight double quote '\"'")


def test_typographic_quotes_inside_a_string_are_text():
    assert syntax('{"a": "“quoted”"}') == []


# -- AIB102 trailing-comma -------------------------------------------------

def test_trailing_comma_in_object_with_safe_fix():
    result = run('{\n  "a": 1,\n}')
    (d,) = result.diagnostics
    assert (d.code, result.document.lines.range(d.span).start.line) == ("AIB102", 1)
    assert d.message == "Trailing comma after the last property"
    (fix,) = d.fixes
    assert fix.safe
    fixed = _apply(result.document.data, fix.edits)
    assert fixed == b'{\n  "a": 1\n}'


def test_trailing_comma_in_array():
    assert syntax("[1, 2, ]") == one("AIB102", 0, 5, 0, 6, "Trailing comma after the last item")


def test_comma_between_items_is_not_trailing():
    assert syntax('[1, 2, [3, 4], {"a": [5]}]') == []


# -- AIB103 duplicate-key --------------------------------------------------

def test_duplicate_keys_point_at_the_later_key():
    result = run('{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}')
    found = [(d.code, result.document.slice(d.span), d.span.start, d.message) for d in result.diagnostics]
    assert found == [("AIB103", '"c"', 23, "Duplicate key 'c' in this object; only the last value counts"),
                     ("AIB103", '"a"', 32, "Duplicate key 'a' in this object; only the last value counts")]
    rel = result.diagnostics[1].related[0]
    assert (rel.span.start, rel.message) == (1, "'a' first appears here")


def test_same_key_in_different_objects_is_fine():
    assert syntax('{"a": {"name": 1}, "b": {"name": 2}, "c": [{"name": 1}, {"name": 1}]}') == []


def test_keys_differing_in_case_are_not_duplicates():
    assert syntax('{"name": 1, "Name": 2}') == []


def test_duplicate_key_in_yaml():
    assert syntax("a: 1\nb:\n  c: 1\n  c: 2\n", "x.yaml") == one(
        "AIB103", 3, 2, 3, 3, "Duplicate key 'c' in this object; only the last value counts")


# -- AIB104 comment ----------------------------------------------------------

RAW = '{\n  // build image\n  "type": "Microsoft.VirtualMachineImages/imageTemplates",\n  "apiVersion": "2024-02-01" /* v */\n}'
ARM = ('{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
       '  // resources\n  "resources": [{"type": "Microsoft.VirtualMachineImages/imageTemplates",'
       ' "apiVersion": "2024-02-01", "name": "x"}]\n}')


def test_comment_in_raw_template_is_a_warning():
    result = run(RAW)
    found = [(d.code, d.severity.label, result.document.slice(d.span)) for d in result.diagnostics if d.code == "AIB104"]
    assert found == [("AIB104", "warning", "// build image"), ("AIB104", "warning", "/* v */")]
    assert syntax(RAW)[0] == Found("AIB104", (1, 2, 1, 16),
                                   "Comment in a raw template; Azure CLI's JSON parser rejects comments")


@pytest.mark.parametrize("text, comments", [
    # "//" and "/*" inside strings (URLs, globs, escaped quotes) are not comments; one after them is.
    ('{"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",\n'
     ' "x": "https://e.com/a", "y": "/tmp/*", "z": "\\"//"}', []),
    ('{"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",\n'
     ' "x": "https://e.com/a", "y": "/tmp/*" /* glob */, "z": 1 // one\n}', ["/* glob */", "// one"]),
])
def test_comment_openers_inside_strings_are_not_comments(text, comments):
    result = run(text)
    assert [result.document.slice(d.span) for d in result.diagnostics if d.code == "AIB104"] == comments


def test_comment_fix_removes_the_whole_comment_line():
    result = run(RAW)
    d = next(d for d in result.diagnostics if d.code == "AIB104")
    assert _apply(result.document.data, d.fixes[0].edits).startswith(b'{\n  "type"')


@pytest.mark.parametrize("text,filename", [
    (ARM, "x.json"),                                  # ARM deployment templates allow comments
    (RAW, "x.jsonc"),                                 # so does JSON with comments
    ("// a note\n{\"a\": 1}", "x.json"),             # not a template: nothing to say
    ("# note\ntype: Microsoft.VirtualMachineImages/imageTemplates\napiVersion: '2024-02-01'\n", "x.yaml"),
])
def test_comment_allowed(text, filename):
    assert [f for f in syntax(text, filename) if f.code == "AIB104"] == []


def _apply(data: bytes, edits) -> bytes:
    for e in sorted(edits, key=lambda e: e.span.start, reverse=True):
        data = data[: e.span.start] + e.new_text.encode() + data[e.span.end :]
    return data


def test_control_character_fix_writes_the_escape():
    result = run('{"a": "x\ty"}')
    (d,) = result.diagnostics
    assert _apply(result.document.data, d.fixes[0].edits) == b'{"a": "x\\ty"}'


def test_incremental_edits_update_problems_and_tree():
    doc = Document('{\n  "a": 1,\n  "b": [1, 2]\n}', "x.json")
    assert doc.syntax_problems == []
    doc.apply_change((1, 8), (1, 9), "")           # delete the comma after 1
    assert [(p.code, p.message, doc.lines.position(p.span.start)) for p in doc.syntax_problems] == [
        ("AIB100", "Expected ',' between properties", doc.lines.position(doc.data.index(b"1\n") + 1))]
    assert doc.root.to_python() == {"a": 1, "b": [1, 2]}
    doc.apply_change((2, 12), (2, 12), ",")         # trailing comma in the array
    assert [p.code for p in doc.syntax_problems] == ["AIB100", "AIB102"]
    doc.apply_change((1, 8), (1, 8), ",")
    doc.apply_change((2, 12), (2, 13), "")
    assert doc.syntax_problems == [] and doc.root.to_python() == {"a": 1, "b": [1, 2]}
    fresh = Document(doc.text, "x.json")
    assert str(fresh.tree.root_node) == str(doc.tree.root_node)
