"""Where each character of a string value is written in the source.

A string node's value is what its carrier's escapes and folding make of the
written text: in JSON ``\\"``, ``\\\\``, ``\\n`` and ``\\uXXXX`` take more than one
source character for one character of the value; in YAML quoted and block
scalars drop indentation, fold lines and have escapes of their own. A check
that finds something *inside* a value (a shell command in ``inline``, a secret
in a URL) uses :func:`string_offsets` to put its range on exactly the
characters that hold it. Each carrier implements the mapping for its own string
syntax (:meth:`aiblint.document.carrier.Carrier.string_offsets`).
"""

from __future__ import annotations

from .diagnostics import Span, TextEdit


def string_offsets(document, node) -> list[int] | None:
    """Byte offset in ``document`` of each character of the string ``node`` (and of its end), or None."""
    from .armexpr import is_synthetic

    if getattr(node, "kind", None) != "string" or not isinstance(node.value, str) or is_synthetic(node):
        return None  # a value an ARM expression built is not written anywhere
    return document.carrier.string_offsets(document, node)


def char_span(offsets: list[int] | None, node, start: int, end: int) -> Span:
    """The byte span of characters ``start:end`` of a string node's value (the node's span when unknown)."""
    if offsets is None or not (0 <= start <= end < len(offsets)):
        return node.span
    return Span(offsets[start], offsets[end])


def string_edit(document, node, start: int, end: int, text: str) -> TextEdit | None:
    """An edit that makes characters ``start:end`` of the string ``node``'s value read ``text``, written in
    the carrier's syntax (:meth:`aiblint.document.carrier.Carrier.escape_in_string`); None when that cannot
    be written exactly: an expression, a value written nowhere, a range across a line of the source."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    offsets = string_offsets(document, node)
    if offsets is None or node.is_expression or not 0 <= start <= end < len(offsets):
        return None
    a, b = offsets[start], offsets[end]
    if b"\n" in document.data[a:b] or b"\r" in document.data[a:b]:
        return None
    written = document.carrier.escape_in_string(document, node, text, start, end)
    return None if written is None else TextEdit(Span(a, b), written)
