"""ARM template expressions: recognising them and resolving the literal ones."""

from __future__ import annotations

from typing import Iterator

from .document.nodes import ArrayNode, Node, ObjectNode, ScalarNode
from .templates import declaration


def is_expression(node: Node | None) -> bool:
    """True when ``node`` is an ARM expression string (``"[...]"`` but not ``"[[..."``)."""
    return isinstance(node, ScalarNode) and node.is_expression


def literal_values(node: Node, arm_root: ObjectNode | None) -> Iterator[tuple[Node, Node | None]]:
    """See :meth:`aiblint.rule.Context.values`."""
    if not is_expression(node):
        yield node, None
        return
    found = declaration(arm_root, node)
    if found is None:
        return
    section, entry = found
    if section == "variables":
        if not is_expression(entry):
            yield entry, node
        return
    if not isinstance(entry, ObjectNode):
        return
    # The parameter's default, and every value it allows.
    default = entry.get("defaultValue")
    if default is not None and not is_expression(default):
        yield default, node
    allowed = entry.get("allowedValues")
    if isinstance(allowed, ArrayNode):
        for item in allowed.items:
            if not is_expression(item):
                yield item, node
