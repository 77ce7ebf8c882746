"""The lazily built value tree of ``--check`` gives exactly the findings of the whole tree."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from aiblint.document import Document
from aiblint.document.json import MAX_DEPTH, _deepest, read_strict
from aiblint.document.nodes import ArrayNode, ObjectNode
from aiblint.engine import lint

ROOT = Path(__file__).resolve().parent.parent


def lazy_safe(text: str) -> bool:
    """Whether the lazy build reads ``text`` as strict JSON (without its syntax tree)."""
    return read_strict(text, text.encode("utf-8", "surrogatepass")) is not None


def _findings(doc: Document) -> list:
    return [(d.code, d.span, d.message, d.severity, d.related, d.fixes) for d in lint(doc).diagnostics]


def _same_findings(text: str, path: str = "t.json") -> Document:
    lazy = Document(text, path, lazy=True)
    assert _findings(lazy) == _findings(Document(text, path))
    return lazy


def _shape(node) -> object:
    """Every node's kind, span, key and key span, and every member's span, walked in full."""
    if isinstance(node, ObjectNode):
        return ("object", node.span, node.key, node.key_span,
                [(m.name, m.span, m.key_span, _shape(m.value)) for m in node.members])
    if isinstance(node, ArrayNode):
        return ("array", node.span, node.key, node.key_span, [_shape(i) for i in node.items])
    return (node.kind, node.span, node.key, node.key_span, node.value, node.raw)


def _arm(extra_resources: list, properties: dict) -> str:
    return json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"loc": {"type": "string", "defaultValue": "westeurope"},
                       "unused": {"type": "object", "defaultValue": {"deep": {"x": [1, 2, {"y": "z"}]}}}},
        "resources": extra_resources + [{
            "type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-02-14",
            "name": "t", "location": "[parameters('loc')]", "properties": properties}],
    }, indent=2)


BODY = {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
               "sku": "22_04-lts", "version": "latest"},
    "customize": [{"type": "Shell", "name": "a", "inline": ["echo \u00e9 \\u00e9 \"q\""]}],
    "distribute": [{"type": "ManagedImage", "imageId": "x", "location": "westeurope", "runOutputName": "r"}],
}
BIG = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "s",
       "properties": {"networkAcls": {"ipRules": [{"value": f"10.0.0.{i}"} for i in range(50)]}}}


def test_lazy_tree_reads_only_what_is_walked_and_matches_the_whole_tree():
    text = _arm([BIG], BODY)
    lazy = _same_findings(text)
    storage = lazy.root.get("resources").items[0]
    assert storage.get("properties")._source is not None  # never read by any check
    assert _shape(lazy.root) == _shape(Document(text, "t.json").root)
    assert lazy.root.to_python() == json.loads(text)


@pytest.mark.parametrize("text", [
    # a repeated key, deep inside a resource no check reads
    _arm([dict(BIG, properties={"a": {"b": 1, "b ": 2, "c": [{"d": 1, "d": 2}]}})], BODY).replace('"b ":', '"b":'),
    # bad escapes and raw control characters in strings
    _arm([], BODY).replace('"r"', '"r\\u12"'),
    _arm([], BODY).replace('"r"', '"r\tx"'),
    # comments, a second value, an empty text
    "// c\n" + _arm([], BODY),
    _arm([], BODY) + "\n{}",
    "",
    "   \n",
    # nesting around the depth limit
    _arm([dict(BIG, properties={"n": json.loads("[" * (MAX_DEPTH - 4) + "]" * (MAX_DEPTH - 4))})], BODY),
    _arm([dict(BIG, properties={"n": json.loads("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2))})], BODY),
    # brackets and quotes inside strings do not count as nesting
    _arm([dict(BIG, properties={"s": "[" * 300 + '\\"{' * 100})], BODY),
    # a raw template, a broken one, not a template at all
    json.dumps(dict(type="Microsoft.VirtualMachineImages/imageTemplates", apiVersion="2024-02-01",
                    location="westeurope", properties=BODY)),
    json.dumps({"type": "Microsoft.VirtualMachineImages/imageTemplates", "properties": BODY})[:-30],
    json.dumps({"a": [1, 2.5, -0, 1e400, True, None, "x"]}),
])
def test_lazy_findings_equal_whole_tree_findings(text):
    _same_findings(text)


def test_lazy_only_when_no_syntax_finding_is_possible():
    assert lazy_safe('{"a": [1, {"b": "[[{"}]}')
    for text in ('{"a": 1, "a": 2}', '{"a": "\\u12"}', '{"a": "\t"}', '{"a": 1} // c', '{} {}', '',
                 "[" * MAX_DEPTH + "]" * MAX_DEPTH):
        assert not lazy_safe(text)


def test_the_depth_of_strict_json_leaves_out_brackets_inside_strings():
    rng = random.Random(5)
    pieces = ["[", "]", "{", "}", '"', "\\", "\\\\", 'x\\"', "a", "\u005c", "\u0022"]

    def value(depth):
        roll = rng.random()
        if depth > 6 or roll < 0.3:
            return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        if roll < 0.65:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {"".join(rng.choice(pieces) for _ in range(3)) + str(i): value(depth + 1) for i in range(rng.randint(0, 3))}

    def depth(v):
        if isinstance(v, list):
            return 1 + max(map(depth, v), default=0)
        if isinstance(v, dict):
            return 1 + max(map(depth, v.values()), default=0)
        return 0

    assert _deepest(rb'["\u005c", ["\u0022[", "\\\"{"]]') == 2  # escapes spelt with \u, and a quote after \\
    for _ in range(500):
        v = value(0)
        for text in (json.dumps(v), json.dumps(v, indent=1, ensure_ascii=False)):
            assert _deepest(text.encode()) == depth(v), text


def test_lazy_findings_equal_whole_tree_findings_on_the_examples():
    for path in sorted((ROOT / "examples").rglob("*.json")):
        _same_findings(path.read_text(encoding="utf-8"), str(path))


def test_lazy_findings_equal_whole_tree_findings_on_the_corpus(corpus_dir):
    files = sorted(p for p in (corpus_dir / "real").rglob("*") if p.suffix.lower() in (".json", ".jsonc"))
    lazy_count = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        doc = _same_findings(text, str(path))
        lazy_count += doc.duplicate_free
    assert lazy_count > len(files) // 2


@pytest.mark.parametrize("text", [
    '{"a": 1 /* x */, // y\n "b": [1, /*z*/ 2]}',
    '{"a": "http://x", "b": "/*not*/ //a comment"}',
    '// top\n{}',
    '{"a": "x\\\\" // c\n}',
    '{"a": "q\\"//"} /* end */',
    '{"a": "it\'s \\"quoted\\"" // "odd quote\n, "b": 2}',
    '{"a": [1, 2 // broken\n',
])
@pytest.mark.parametrize("lazy", [False, True])
def test_comment_spans_equal_a_full_walk(text, lazy):
    doc = Document(text, "t.jsonc", lazy=lazy)
    _ = doc.root  # a lazy build that finds strict JSON answers from what it learnt
    assert doc.strict_json == (lazy and lazy_safe(text))
    spans, stack = [], [doc.tree.root_node]
    while stack:
        n = stack.pop()
        if n.type == "comment":
            spans.append((n.start_byte, n.end_byte))
        stack.extend(n.children)
    assert [(s.start, s.end) for s in doc.comment_spans()] == sorted(spans)


def _random_json_text(rng: random.Random) -> str:
    """A random strict JSON text: nested values, strings with escapes and characters of every UTF-8 length,
    written with random indentation, separators and ASCII escaping."""
    chars = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\t", "\u00e9", "\u20ac", "\U0001f600", "[", "{", "}", ":", ","]

    def string() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 5)))

    def value(depth: int):
        roll = rng.random()
        if depth > 5 or roll < 0.35:
            return rng.choice([string(), rng.randint(-5, 10**12), rng.uniform(-1e6, 1e6), 1e-7, True, False, None, 0])
        if roll < 0.65:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {f"{string()}{i}": value(depth + 1) for i in range(rng.randint(0, 4))}

    v = {"resources": [value(1) for _ in range(rng.randint(0, 3))], "x": value(1)} if rng.random() < 0.7 else value(0)
    indent = rng.choice([None, 0, 1, 2, "\t", " \r\n "])
    separators = rng.choice([None, (",", ":"), (" , ", " :  "), (",\n", ":\t")])
    text = json.dumps(v, indent=indent, separators=separators, ensure_ascii=rng.random() < 0.5)
    return rng.choice(["", " ", "\n\r\t "]) + text + rng.choice(["", "\n", "  \r\n"])


def test_strict_json_read_without_the_syntax_tree_has_the_spans_of_the_whole_tree():
    rng = random.Random(11)
    for _ in range(400):
        text = _random_json_text(rng)
        lazy = Document(text, "t.json", lazy=True)
        assert lazy.tree_pending
        shape = _shape(lazy.root)
        assert lazy.strict_json and lazy.tree_pending, text
        assert shape == _shape(Document(text, "t.json").root), text


def test_spans_asked_for_deep_first_equal_the_whole_tree():
    """A value's span asked for before any of its containers' (the containers above are placed on the way)."""
    text = json.dumps({"a": {"b": [{"c": ["\u00e9", {"d": "\U0001f600 \\"}]}], "e": 1}}, indent=1, ensure_ascii=False)
    deep = Document(text, "t.json", lazy=True).root.get("a").get("b").items[0].get("c").items[1]
    full = Document(text, "t.json").root.get("a").get("b").items[0].get("c").items[1]
    assert (deep.get("d").span, deep.get("d").raw, deep.get("d").key_span) == \
        (full.get("d").span, full.get("d").raw, full.get("d").key_span)
    assert deep.members[0].span == full.members[0].span
    assert _shape(deep) == _shape(full)


@pytest.mark.parametrize("text", [
    '\ufeff{"a": 1}',  # a byte-order mark
    '{"a": "\ud800"}',  # a lone surrogate (as an editor may send one)
    '{"a": NaN}', '{"a": [1,]}', '{"a": 1,}', '{"a" 1}', '{1: 2}', '[1 2]', '{"a": 1}}', '{"a": "x"',
    '{"a": {"b": 1, "b": 2}}', '{"a": 1, "a": 1}',
])
def test_text_that_is_not_strict_json_is_read_with_its_syntax_tree(text):
    doc = _same_findings(text)
    assert not doc.strict_json
    assert not doc.tree_pending


def test_a_check_of_strict_json_never_makes_the_syntax_tree():
    text = _arm([BIG], BODY)
    doc = Document(text, "t.json", lazy=True)
    assert lint(doc).diagnostics
    assert doc.tree_pending and not doc.has_syntax_error and doc.broken_spans == [] and doc.comment_spans() == []
    # An edit keeps it to be made; asked for, it is the new text's.
    at = text.index('"westeurope"') + 1
    line = text.count("\n", 0, at)
    col = at - text.rfind("\n", 0, at) - 1
    doc.apply_change((line, col), (line, col + 4), "EAST")
    assert doc.tree_pending and b"EASTeurope" in doc.data
    assert doc.tree.root_node.end_byte == len(doc.data) and not doc.tree.root_node.has_error
    assert not doc.tree_pending


def test_strict_json_of_the_corpus_read_without_the_syntax_tree_has_the_spans_of_the_whole_tree(corpus_dir):
    files = sorted(p for p in (corpus_dir / "real").rglob("*") if p.suffix.lower() in (".json", ".jsonc"))
    read = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        lazy = Document(text, str(path), lazy=True)
        if lazy.root is None or not lazy.strict_json:
            continue
        read += 1
        assert _shape(lazy.root) == _shape(Document(text, str(path)).root), path
        assert lazy.tree_pending
    assert read > len(files) // 2


def test_released_values_are_read_again_from_the_text_when_walked():
    """What the reader made of the containers nobody walked is let go; walked later, they equal the whole tree."""
    from aiblint.document.json import release_values

    rng = random.Random(3)
    for _ in range(100):
        text = _random_json_text(rng)
        doc = Document(text, "t.json", lazy=True)
        root = doc.root
        # Walk a random part first (filling and placing some containers), then let go of the rest.
        stack = [root]
        while stack:
            node = stack.pop()
            if rng.random() < 0.5:
                continue
            if isinstance(node, ObjectNode):
                stack.extend(m.value for m in node.members)
                if rng.random() < 0.5 and node.members:
                    _ = node.members[0].value.span
            elif isinstance(node, ArrayNode):
                stack.extend(node.items)
        release_values(root)
        kept = [n for n in _containers(root) if type(n._source).__name__ == "_Entries"]
        assert kept == []
        assert _shape(root) == _shape(Document(text, "t.json").root), text


def _containers(node) -> list:
    """The containers of a tree that are filled, and their direct children (without filling any)."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if not isinstance(n, (ObjectNode, ArrayNode)):
            continue
        out.append(n)
        if n._source is None:
            stack.extend(m.value for m in n.members) if isinstance(n, ObjectNode) else stack.extend(n.items)
    return out
