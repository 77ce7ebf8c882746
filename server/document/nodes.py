"""The position-aware value tree that every check walks.

A document's JSON (or YAML) value becomes a tree of :class:`ObjectNode`,
:class:`ArrayNode` and :class:`ScalarNode`. Every node knows its byte span, its
parent, and the key (or index) under which it sits, with the key's own span, so
a check can point at a key or at its value. Broken input still yields a tree:
whatever tree-sitter could recover is kept, and a key whose value is still being
typed appears as a member whose ``value`` is ``None``.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterator, Union

from ..diagnostics import Span

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

    def __getattr__(self, name: str):
        # Only called for a slot not set yet: the span, key span or text of a value read without positions.
        return _placed(self, name)

    def to_python(self):
        return self.value

    @property
    def is_expression(self) -> bool:
        """True for an ARM template expression such as ``"[parameters('x')]"``."""
        value = self.value
        # The pattern needs a "[": most strings are ruled out without running it.
        return self.kind == "string" and isinstance(value, str) and "[" in value and bool(_EXPRESSION.match(value))

    def __repr__(self) -> str:
        return f"ScalarNode({self.kind}, {self.value!r})"


class ForeignExpression(ScalarNode):
    """An expression of the carrier's own language (a Bicep expression), held as the string ``[<text>]``
    (or a Bicep string literal whose text reads as an ARM expression).

    It counts as an expression everywhere (checks skip it), but it is not ARM: the
    ARM evaluator never reads its text (``['${prefix}-vm']`` would be the literal
    ``${prefix}-vm`` in ARM) and takes its value as known only at deployment.
    """

    __slots__ = ()


class Member:
    """One ``"key": value`` pair of an object; ``value`` is None while it is missing."""

    __slots__ = ("name", "key_span", "value", "span")

    def __init__(self, name: str, key_span: Span, value: Node | None, span: Span):
        self.name = name
        self.key_span = key_span
        self.value = value
        self.span = span

    def __getattr__(self, name: str):
        # Only called for a slot not set yet: the spans of a member read without positions.
        if name in ("span", "key_span") and self.value is not None:
            _place(self.value.parent)
            return object.__getattribute__(self, name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"Member({self.name!r})"


class ObjectNode(Node):
    """A JSON object; members keep source order and duplicates.

    A lazily built object holds in ``_source`` what reads its members (an object
    with a ``fill(node)`` method) and reads them the first time they are asked for.
    One read without positions holds in ``_where`` what finds its members' spans
    (an object with a ``place(node)`` method) until they are first asked for.
    """

    __slots__ = ("members", "_index", "_source", "_where")
    kind = "object"

    def __init__(self, span: Span, members: list[Member]):
        super().__init__(span)
        self.members = members
        self._index: dict[str, Member] | None = None
        self._source = None
        self._where = None

    def __getattr__(self, name: str):
        # Only called for a slot not set yet: the members of a lazily built object, or a position.
        if name == "members" and self._source is not None:
            _fill(self)
            return self.members
        return _placed(self, name)

    def _lookup(self) -> dict[str, Member]:
        if self._index is None:
            # Later duplicates win, as in most JSON parsers (and ARM).
            self._index = {m.name: m for m in self.members}
        return self._index

    # The lookups below read the index directly: they are the most frequent calls of a check.

    def member(self, name: str) -> Member | None:
        index = self._index
        return (index if index is not None else self._lookup()).get(name)

    def get(self, name: str) -> Node | None:
        index = self._index
        m = (index if index is not None else self._lookup()).get(name)
        return m.value if m else None

    def get_ci(self, name: str) -> Member | None:
        """The member whose name equals ``name`` ignoring case (exact match first)."""
        index = self._index
        m = (index if index is not None else self._lookup()).get(name)
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

    __slots__ = ("items", "_source", "_where")
    kind = "array"

    def __init__(self, span: Span, items: list[Node]):
        super().__init__(span)
        self.items = items
        self._source = None
        self._where = None

    def __getattr__(self, name: str):
        # Only called for a slot not set yet: the items of a lazily built array, or a position.
        if name == "items" and self._source is not None:
            _fill(self)
            return self.items
        return _placed(self, name)

    def to_python(self):
        return [i.to_python() for i in self.items]

    def __repr__(self) -> str:
        return f"ArrayNode({len(self.items)})"


def is_expression_text(text: str) -> bool:
    """True for the text of an ARM expression (``[...]`` but not ``[[...``), e.g. a key given as one."""
    return text.startswith(("[", " ", "\t", "\n", "\r")) and bool(_EXPRESSION.match(text))


def _fill(node: Node) -> None:
    source = node._source
    node._source = None
    source.fill(node)


# The slots a value read without positions leaves unset until its container is placed.
_PLACED_LATER = frozenset(("span", "key_span", "raw"))


def _placed(node: Node, name: str):
    """``node``'s slot ``name`` once the container holding it has been placed (see ``ObjectNode._where``)."""
    if name == "_where":
        return None  # a container made without one (its entries' spans are set)
    if name not in _PLACED_LATER or node.parent is None:
        raise AttributeError(name)
    _place(node.parent)
    return object.__getattribute__(node, name)


def _place(container: Node) -> None:
    """Set the spans of ``container``'s entries (and their text) if they were read without them."""
    placer = container._where
    if placer is not None:
        container._where = None
        placer.place(container)


def attach(parent: Node, child: Node, key: Key, key_span: Span | None) -> None:
    child.parent = parent
    child.key = key
    child.key_span = key_span


# Objects and arrays longer than this are searched by position first.
_SEARCHED = 32


def find_node_at(root: Node | None, offset: int) -> Node | None:
    """The innermost node whose span or key span contains ``offset``."""
    node = root
    if node is None or not node.span.contains(offset):
        return None
    while True:
        nxt = None
        if isinstance(node, ObjectNode):
            for m in _first_near(node.members, offset, _key_start):
                if m.value is not None and (m.value.span.contains(offset) or m.key_span.contains(offset)):
                    nxt = m.value
                    break
        elif isinstance(node, ArrayNode):
            for item in _first_near(node.items, offset, _start):
                if item.span.contains(offset):
                    nxt = item
                    break
        if nxt is None:
            return node
        node = nxt


def _key_start(member) -> int:
    return member.key_span.start


def _start(node) -> int:
    return node.span.start


def _first_near(seq: list, offset: int, start) -> list:
    """The entries of ``seq`` (in source order) that can hold ``offset``: in a long object or
    array, only the ones that start just before it, found in log time."""
    if len(seq) > _SEARCHED:
        i = bisect.bisect_right(seq, offset, key=start)
        return seq[max(i - 2, 0) : i + 1]
    return seq
