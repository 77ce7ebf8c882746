"""The position-aware value tree that every check walks.

A document's JSON (or YAML) value becomes a tree of :class:`ObjectNode`,
:class:`ArrayNode` and :class:`ScalarNode`. Every node knows its byte span, its
parent, and the key (or index) under which it sits, with the key's own span, so
a check can point at a key or at its value. Broken input still yields a tree:
whatever tree-sitter could recover is kept, and a key whose value is still being
typed appears as a member whose ``value`` is ``None``.
"""

from __future__ import annotations

import json
import re
from typing import Iterator, Union

from .diagnostics import Span

Key = Union[str, int]
PathT = tuple[Key, ...]

_EXPRESSION = re.compile(r"^\s*\[(?!\[).*\]\s*$", re.S)


class Node:
    """Base of all value nodes."""

    __slots__ = ("span", "parent", "key", "key_span")
    kind = "node"

    def __init__(self, span: Span):
        self.span = span
        self.parent: Node | None = None
        self.key: Key | None = None
        self.key_span: Span | None = None

    @property
    def path(self) -> PathT:
        keys: list[Key] = []
        node: Node | None = self
        while node is not None and node.key is not None:
            keys.append(node.key)
            node = node.parent
        return tuple(reversed(keys))

    @property
    def anchor(self) -> Span:
        """Where to report a problem with this node's key: the key, else the value."""
        return self.key_span or self.span

    def to_python(self):
        raise NotImplementedError

    def walk(self) -> Iterator["Node"]:
        yield self


class ScalarNode(Node):
    """A string, number, boolean or null."""

    __slots__ = ("kind", "value", "raw")

    def __init__(self, span: Span, kind: str, value, raw: str):
        super().__init__(span)
        self.kind = kind  # "string" | "number" | "boolean" | "null" | "invalid"
        self.value = value
        self.raw = raw

    def to_python(self):
        return self.value

    @property
    def is_expression(self) -> bool:
        """True for an ARM template expression such as ``"[parameters('x')]"``."""
        return self.kind == "string" and isinstance(self.value, str) and bool(_EXPRESSION.match(self.value))

    def __repr__(self) -> str:
        return f"ScalarNode({self.kind}, {self.value!r})"


class Member:
    """One ``"key": value`` pair of an object; ``value`` is None while it is missing."""

    __slots__ = ("name", "key_span", "value", "span")

    def __init__(self, name: str, key_span: Span, value: Node | None, span: Span):
        self.name = name
        self.key_span = key_span
        self.value = value
        self.span = span

    def __repr__(self) -> str:
        return f"Member({self.name!r})"


class ObjectNode(Node):
    """A JSON object; members keep source order and duplicates."""

    __slots__ = ("members", "_index")
    kind = "object"

    def __init__(self, span: Span, members: list[Member]):
        super().__init__(span)
        self.members = members
        self._index: dict[str, Member] | None = None

    def _lookup(self) -> dict[str, Member]:
        if self._index is None:
            # Later duplicates win, as in most JSON parsers (and ARM).
            self._index = {m.name: m for m in self.members}
        return self._index

    def member(self, name: str) -> Member | None:
        return self._lookup().get(name)

    def get(self, name: str) -> Node | None:
        m = self._lookup().get(name)
        return m.value if m else None

    def get_ci(self, name: str) -> Member | None:
        """The member whose name equals ``name`` ignoring case (exact match first)."""
        m = self.member(name)
        if m is not None:
            return m
        low = name.lower()
        for m in self.members:
            if m.name.lower() == low:
                return m
        return None

    def __contains__(self, name: str) -> bool:
        return name in self._lookup()

    def keys(self) -> list[str]:
        return [m.name for m in self.members]

    def to_python(self):
        return {m.name: (m.value.to_python() if m.value is not None else None) for m in self.members}

    def walk(self) -> Iterator[Node]:
        yield self
        for m in self.members:
            if m.value is not None:
                yield from m.value.walk()

    def __repr__(self) -> str:
        return f"ObjectNode({self.keys()})"


class ArrayNode(Node):
    """A JSON array."""

    __slots__ = ("items",)
    kind = "array"

    def __init__(self, span: Span, items: list[Node]):
        super().__init__(span)
        self.items = items

    def to_python(self):
        return [i.to_python() for i in self.items]

    def walk(self) -> Iterator[Node]:
        yield self
        for i in self.items:
            yield from i.walk()

    def __repr__(self) -> str:
        return f"ArrayNode({len(self.items)})"


def attach(parent: Node, child: Node, key: Key, key_span: Span | None) -> None:
    child.parent = parent
    child.key = key
    child.key_span = key_span


def find_node_at(root: Node | None, offset: int) -> Node | None:
    """The innermost node whose span or key span contains ``offset``."""
    node = root
    if node is None or not node.span.contains(offset):
        return None
    while True:
        nxt = None
        if isinstance(node, ObjectNode):
            for m in node.members:
                if m.value is not None and (m.value.span.contains(offset) or m.key_span.contains(offset)):
                    nxt = m.value
                    break
        elif isinstance(node, ArrayNode):
            for item in node.items:
                if item.span.contains(offset):
                    nxt = item
                    break
        if nxt is None:
            return node
        node = nxt


# --------------------------------------------------------------------------
# Building the tree from tree-sitter-json


def decode_json_string(raw: str) -> str:
    """Decode the text of a JSON string token (with its quotes), tolerating bad escapes."""
    inner = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
    if "\\" not in inner:
        return inner
    try:
        return json.loads('"' + inner + '"')
    except ValueError:
        return inner


def _number(raw: str):
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


class JsonTreeBuilder:
    """Turns a tree-sitter-json syntax tree into value nodes."""

    def __init__(self, data: bytes):
        self.data = data

    def text(self, ts_node) -> str:
        return self.data[ts_node.start_byte : ts_node.end_byte].decode("utf-8", "replace")

    def build(self, ts_root) -> Node | None:
        for child in ts_root.children:
            node = self.value(child)
            if node is not None:
                return node
        return None

    def value(self, n) -> Node | None:
        t = n.type
        span = Span(n.start_byte, n.end_byte)
        if t == "object":
            return self._object(n.children, span)
        if t == "array":
            return self._array(n.children, span)
        if t == "string":
            if n.is_missing:
                return None
            raw = self.text(n)
            return ScalarNode(span, "string", decode_json_string(raw), raw)
        if t == "number":
            if n.is_missing:
                return None
            raw = self.text(n)
            return ScalarNode(span, "number", _number(raw), raw)
        if t in ("true", "false"):
            return ScalarNode(span, "boolean", t == "true", t)
        if t == "null":
            return ScalarNode(span, "null", None, "null")
        if t == "ERROR":
            kids = n.children
            first = next((k for k in kids if k.type != "comment"), None)
            if first is not None and first.type == "{":
                return self._object(kids, span)
            if first is not None and first.type == "[":
                return self._array(kids, span)
            # An ERROR wrapping a single recoverable value.
            values = [v for v in (self.value(k) for k in kids) if v is not None]
            return values[0] if len(values) == 1 else None
        return None

    def _object(self, children, span: Span) -> ObjectNode:
        members: list[Member] = []
        self._collect_members(children, members)
        obj = ObjectNode(span, members)
        for m in members:
            if m.value is not None:
                attach(obj, m.value, m.name, m.key_span)
        return obj

    def _collect_members(self, children, members: list[Member]) -> None:
        kids = [k for k in children if k.type != "comment"]
        i = 0
        n = len(kids)
        while i < n:
            k = kids[i]
            t = k.type
            if t == "pair":
                key = k.child_by_field_name("key")
                val = k.child_by_field_name("value")
                if key is not None and key.type == "string" and not key.is_missing:
                    value = self.value(val) if val is not None else None
                    members.append(self._member(key, value, k.start_byte, k.end_byte))
                elif key is not None and key.type == "ERROR":
                    self._collect_members(key.children, members)
            elif t == "string" and not k.is_missing:
                # Recovered "key": value (or a key still being typed) inside an ERROR.
                value = None
                end = k.end_byte
                if i + 1 < n and kids[i + 1].type == ":":
                    end = kids[i + 1].end_byte
                    i += 1
                    if i + 1 < n and kids[i + 1].type not in (",", "}", ":", "pair"):
                        nxt = kids[i + 1]
                        if nxt.type in ("{", "["):
                            # An opened container that the recovery left flat: the rest of the ERROR.
                            rest = kids[i + 1 :]
                            inner_span = Span(nxt.start_byte, rest[-1].end_byte)
                            value = (self._object if nxt.type == "{" else self._array)(rest, inner_span)
                            members.append(self._member(k, value, k.start_byte, inner_span.end))
                            return
                        value = self.value(nxt)
                        end = nxt.end_byte
                        i += 1
                members.append(self._member(k, value, k.start_byte, end))
            elif t == "ERROR":
                self._collect_members(k.children, members)
            i += 1

    def _member(self, key_node, value: Node | None, start: int, end: int) -> Member:
        raw = self.text(key_node)
        key_span = Span(key_node.start_byte, key_node.end_byte)
        return Member(decode_json_string(raw), key_span, value, Span(start, end))

    def _array(self, children, span: Span) -> ArrayNode:
        items: list[Node] = []
        self._collect_items(children, items)
        arr = ArrayNode(span, items)
        for i, item in enumerate(items):
            attach(arr, item, i, None)
        return arr

    def _collect_items(self, children, items: list[Node]) -> None:
        for k in children:
            if k.type in ("[", "]", ",", "comment"):
                continue
            if k.type == "ERROR" and (not k.children or k.children[0].type not in ("{", "[")):
                self._collect_items(k.children, items)
                continue
            v = self.value(k)
            if v is not None:
                items.append(v)
