"""The position-aware value tree that every check walks.

A document's JSON (or YAML) value becomes a tree of :class:`ObjectNode`,
:class:`ArrayNode` and :class:`ScalarNode`. Every node knows its byte span, its
parent, and the key (or index) under which it sits, with the key's own span, so
a check can point at a key or at its value. Broken input still yields a tree:
whatever tree-sitter could recover is kept, and a key whose value is still being
typed appears as a member whose ``value`` is ``None``.
"""

from __future__ import annotations

import gc
import json
import re
from typing import Iterator, Union

from .diagnostics import Span

Key = Union[str, int]
PathT = tuple[Key, ...]

_CONTROL = re.compile(r"[\x00-\x1f]")
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
        """This node and every node below it, in document order (no recursion)."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, ObjectNode):
                stack.extend(m.value for m in reversed(node.members) if m.value is not None)
            elif isinstance(node, ArrayNode):
                stack.extend(reversed(node.items))


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


def number_value(raw: str):
    """The Python value of a JSON number token (the raw text if it is not a number)."""
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


_KINDS: dict[str, int] | None = None


def _kinds() -> dict[str, int]:
    """tree-sitter-json kind ids by name (looked up once)."""
    global _KINDS
    if _KINDS is None:
        import tree_sitter
        import tree_sitter_json

        lang = tree_sitter.Language(tree_sitter_json.language())
        _KINDS = {name: lang.id_for_node_kind(name, True)
                  for name in ("object", "array", "pair", "string", "number", "true", "false", "null")}
    return _KINDS


class JsonTreeBuilder:
    """Turns a tree-sitter-json syntax tree into value nodes.

    An error-free tree is converted directly, walking it with a TreeCursor (no
    recursion, no Python objects for punctuation). A tree with errors is read by
    :class:`aiblint.jsonparse.TolerantReader`, which reports each mistake
    precisely and reuses the error-free objects and arrays of the tree.
    After :meth:`build`, ``problems`` holds the syntax problems found
    (:class:`aiblint.jsonparse.Problem`), including nesting deeper than
    ``jsonparse.MAX_DEPTH`` (deeper values are left out of the tree).
    """

    def __init__(self, data: bytes):
        self.data = data
        self.problems: list = []
        self._depth_reported = False

    def text(self, ts_node) -> str:
        return self.data[ts_node.start_byte : ts_node.end_byte].decode("utf-8", "replace")

    def build(self, ts_root) -> Node | None:
        # Building allocates one object per value and all of them live on: the cyclic
        # garbage collector would rescan them again and again (3x slower on big files).
        if not gc.isenabled():
            return self._build(ts_root)
        gc.disable()
        try:
            return self._build(ts_root)
        finally:
            gc.enable()

    def _build(self, ts_root) -> Node | None:
        from .jsonparse import Problem

        if ts_root.has_error:
            return self._tolerant(ts_root)
        values = [c for c in ts_root.named_children if c.type != "comment"]
        if not values:
            self.problems.append(Problem("AIB100", "Empty document: expected a JSON value", Span(0, 0)))
            return None
        if len(values) > 1:
            end = len(self.data.rstrip())
            self.problems.append(Problem("AIB100", "Unexpected text after the end of the JSON value",
                                         Span(values[1].start_byte, max(end, values[1].end_byte))))
        return self.build_clean(values[0], 0)

    def _tolerant(self, ts_root) -> Node | None:
        from .jsonparse import TolerantReader

        clean: dict[int, object] = {}
        kinds = _kinds()
        containers = (kinds["object"], kinds["array"])
        stack = [ts_root]
        while stack:
            n = stack.pop()
            for child in n.children:
                if not child.has_error:
                    if child.kind_id in containers and not child.is_missing:
                        clean[child.start_byte] = child
                elif child.child_count:
                    stack.append(child)
        reader = TolerantReader(self.data, clean, self.build_clean)
        root = reader.read()
        self.problems.extend(reader.problems)
        if self._depth_reported:
            # Keep one nesting problem when both the reader and the direct builder found one.
            nesting = [p for p in self.problems if p.message.startswith("Nesting deeper")]
            for p in nesting[1:]:
                self.problems.remove(p)
        return root

    def build_clean(self, ts_node, depth: int = 0) -> Node | None:
        """The value of an error-free tree-sitter value node; ``depth`` is its container depth."""
        from .jsonparse import MAX_DEPTH, Problem

        k = _kinds()
        OBJ, ARR, PAIR, STR, NUM = k["object"], k["array"], k["pair"], k["string"], k["number"]
        TRUE, FALSE, NULL = k["true"], k["false"], k["null"]
        data = self.data
        # Spans are made without the frozen dataclass's __init__ (a third of the build time otherwise).
        new = object.__new__
        set_start = Span.start.__set__
        set_end = Span.end.__set__
        cursor = ts_node.walk()
        # Open containers: [node, pending member or None]; a pair pushes nothing of its own.
        frames: list = []
        root: Node | None = None
        # Cursor depths at which we descended into a container or a pair.
        descended: list[int] = []
        level = 0
        while True:
            n = cursor.node
            kid = n.kind_id
            s = n.start_byte
            e = n.end_byte
            node = None
            descend = False
            if kid == STR:
                span = new(Span)
                set_start(span, s)
                set_end(span, e)
                raw = data[s:e].decode("utf-8", "replace")
                value = raw[1:-1] if "\\" not in raw else decode_json_string(raw)
                if "\\u" in raw or _CONTROL.search(raw):
                    # tree-sitter-json accepts "\u" with fewer than four hex digits and raw control characters.
                    from .jsonparse import string_problems

                    self.problems.extend(string_problems(data[s:e], s))
                frame = frames[-1] if frames else None
                if frame is not None and frame[2] and frame[1] is None:
                    # The key of the pair being read.
                    frame[1] = Member(value, span, None, frame[3])
                    frame[0].members.append(frame[1])
                else:
                    # ScalarNode(span, "string", value, raw) without the two __init__ calls.
                    node = new(ScalarNode)
                    node.span = span
                    node.kind = "string"
                    node.value = value
                    node.raw = raw
                    node.parent = node.key = node.key_span = None
            elif kid == NUM:
                span = new(Span)
                set_start(span, s)
                set_end(span, e)
                raw = data[s:e].decode()
                node = ScalarNode(span, "number", number_value(raw), raw)
            elif kid == PAIR:
                frames[-1][2] = True
                frames[-1][1] = None
                span = new(Span)
                set_start(span, s)
                set_end(span, e)
                frames[-1][3] = span
                descend = True
            elif kid == OBJ or kid == ARR:
                if len(frames) + depth >= MAX_DEPTH:
                    if not self._depth_reported:
                        self._depth_reported = True
                        self.problems.append(Problem(
                            "AIB100", f"Nesting deeper than {MAX_DEPTH} levels; the values inside are not checked",
                            Span(s, s + 1)))
                else:
                    node = ObjectNode(Span(s, e), []) if kid == OBJ else ArrayNode(Span(s, e), [])
                    descend = True
            elif kid == TRUE or kid == FALSE:
                node = ScalarNode(Span(s, e), "boolean", kid == TRUE, "true" if kid == TRUE else "false")
            elif kid == NULL:
                node = ScalarNode(Span(s, e), "null", None, "null")
            if node is not None:
                if not frames:
                    root = node
                else:
                    frame = frames[-1]
                    parent = frame[0]
                    node.parent = parent
                    if frame[2]:
                        member = frame[1]
                        if member is not None and member.value is None:
                            member.value = node
                            node.key = member.name
                            node.key_span = member.key_span
                    else:
                        node.key = len(parent.items)
                        parent.items.append(node)
                if descend:
                    frames.append([node, None, False, None])
            if descend and cursor.goto_first_child():
                level += 1
                descended.append(kid)
                continue
            # Move to the next sibling, closing finished containers on the way up.
            while not cursor.goto_next_sibling():
                if level == 0 or not cursor.goto_parent():
                    return root
                level -= 1
                if descended.pop() == PAIR:
                    frames[-1][2] = False
                else:
                    frames.pop()
            if level == 0:
                return root
