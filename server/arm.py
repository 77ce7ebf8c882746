"""ARM template expressions: recognising them and resolving the literal ones."""

from __future__ import annotations

from typing import Iterator

from .document.nodes import Node, ScalarNode


def is_expression(node: Node | None) -> bool:
    """True when ``node`` is an ARM expression string (``"[...]"`` but not ``"[[..."``)."""
    return isinstance(node, ScalarNode) and node.is_expression


def literal_values(node: Node, evaluator) -> Iterator[tuple[Node, Node | None]]:
    """See :meth:`aiblint.rule.Context.values`."""
    from .armexpr import Opaque, Synthetic

    if isinstance(node, Synthetic):
        if not isinstance(node, Opaque):
            yield node, None
        return
    if not is_expression(node):
        yield node, None
        return
    if evaluator is not None:
        yield from evaluator.values(node)
