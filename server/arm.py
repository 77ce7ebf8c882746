"""ARM template expressions: recognising them, and what of a template could be checked."""

from __future__ import annotations

from typing import NamedTuple

from .document.nodes import Node, ObjectNode, ScalarNode


def is_expression(node: Node | None) -> bool:
    """True when ``node`` is an ARM expression string (``"[...]"`` but not ``"[[..."``)."""
    return isinstance(node, ScalarNode) and node.is_expression


# The parts of a template body that a check needs, and how messages name them.
PARTS = {
    "properties": "The template's properties are",
    "source": "The source image ('source') is",
    "customize": "The customizers ('customize') are",
    "distribute": "The distribution targets ('distribute') are",
}


class Part(NamedTuple):
    """Whether one part of a template could be checked."""

    name: str  # "properties", "source", "customize" or "distribute"
    checked: bool
    where: Node  # the value as written, or the opaque value it comes to
    reason: str | None  # why it was not checked


def known_value(template, node: Node) -> tuple[Node | None, str | None]:
    """The first known value of ``node`` (through ARM expressions), or None and why it is not known."""
    from .armexpr import Opaque

    if isinstance(node, Opaque):
        return None, node.reason
    if not is_expression(node):
        return node, None
    evaluator = template.arm
    if evaluator is None:
        return None, "ARM expressions are evaluated only in deployment templates"
    for value, _ref in evaluator.values(node):
        return value, None
    value = evaluator.evaluate(node)
    if isinstance(value, Opaque):
        return None, value.reason
    return None, "the expression comes to null"


def unknown_origin(template, node: Node) -> Node:
    """Where the value of ``node`` became unknown: the opaque value's own place (e.g. a passed
    ``reference()``), else ``node``."""
    from .armexpr import Opaque

    evaluator = template.arm
    if isinstance(node, Opaque) or evaluator is None or not is_expression(node):
        return node
    value = evaluator.evaluate(node)
    return value if isinstance(value, Opaque) else node


def coverage(template) -> list[Part]:
    """Which of the template's properties, source, customize and distribute could be checked.

    A part written as an ARM expression is checked in its value when that is known
    without Azure; otherwise it is not checked, and the reason says why. A part
    that is absent is not listed (the schema check reports it where it is required).
    """
    node = template.node.get("properties")
    if node is None:
        return []
    props, reason = known_value(template, node)
    if not isinstance(props, ObjectNode):
        if props is not None:
            return [Part("properties", True, node, None)]  # not an object: the schema check says so
        return [Part("properties", False, unknown_origin(template, node), reason)]
    parts = [Part("properties", True, node, None)]
    for name in ("source", "customize", "distribute"):
        member = props.get(name)
        if member is None:
            continue
        value, reason = known_value(template, member)
        if value is None:
            parts.append(Part(name, False, unknown_origin(template, member), reason))
        else:
            parts.append(Part(name, True, member, None))
    return parts


def template_label(template) -> str:
    """How ``--verbose`` names a template: its name when known, its form and its API version."""
    name, _ = known_value(template, template.node.get("name")) if template.node.get("name") is not None else (None, None)
    shown = f"image template '{name.value}'" if isinstance(name, ScalarNode) and name.kind == "string" \
        else "image template"
    if template.form == "raw":
        form = "raw body"
    elif template.form == "bicep" and template.module_call is not None:
        call, used = template.module_call, template.module_version
        written = call.version or f"from '{call.local}'"
        form = f"Bicep, made by the verified image-template module {written}, mapped as {used.label}"
    elif template.form == "bicep":
        form = "Bicep"
    elif template.arm_root is not None and template.arm_root.parent is not None:
        from .modules import module_call

        version = module_call(template.node)
        form = f"ARM, made by the verified image-template module {version}" if version \
            else "ARM, in a nested deployment"
    else:
        form = "ARM"
    version = template.api_version + (" assumed" if template.version_assumed else "")
    return f"{shown} ({form}, API version {version})"
