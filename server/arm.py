"""ARM template expressions: recognising them and resolving the literal ones."""

from __future__ import annotations

from typing import Iterator

from .nodes import ArrayNode, Node, ObjectNode, ScalarNode
from .templates import resolve_reference


def is_expression(node: Node | None) -> bool:
    """True when ``node`` is an ARM expression string (``"[...]"`` but not ``"[[..."``)."""
    return isinstance(node, ScalarNode) and node.is_expression


def literal_values(node: Node, arm_root: ObjectNode | None) -> Iterator[tuple[Node, Node | None]]:
    """See :meth:`aiblint.rule.Context.values`."""
    if not is_expression(node):
        yield node, None
        return
    resolved = resolve_reference(arm_root, node)
    seen: set[int] = set()
    if resolved is not None:
        kind, target = resolved
        if not is_expression(target):
            seen.add(id(target))
            yield target, node
    if arm_root is None or not isinstance(node, ScalarNode):
        return
    # allowedValues of a referenced parameter are checked as well.
    text = node.value.strip()
    if text.lower().startswith("[parameters("):
        from .templates import _PARAM_REF

        m = _PARAM_REF.match(text)
        params = arm_root.get("parameters")
        decl = params.get(m.group(2)) if (m and isinstance(params, ObjectNode)) else None
        allowed = decl.get("allowedValues") if isinstance(decl, ObjectNode) else None
        if isinstance(allowed, ArrayNode):
            for item in allowed.items:
                if id(item) not in seen and not is_expression(item):
                    yield item, node
