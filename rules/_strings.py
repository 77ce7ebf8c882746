"""Helpers for rules that look inside string values: placeholders and positions within a string."""

from __future__ import annotations

import re
from functools import lru_cache

from aiblint.diagnostics import Diagnostic, Span
from aiblint.document.nodes import ScalarNode

# ``<subscriptionID>``, ``<SIG resourcegroup>``, ``<sha256 of the file>`` and
# ``{subscription-id}`` (not a shell ``${VAR}``).
_PLACEHOLDER = re.compile(r"<[A-Za-z][\w .\-/]*>|(?<![$@%\w])\{[A-Za-z][\w.\-]*\}"
                          r"|(?<![\w-])(?i:x{8}-x{4}-x{4}-x{4}-x{12})(?![\w-])")  # a GUID left as "xxxxxxxx-..."
# A shell variable that the quickstart's script was meant to substitute: "$subscriptionID", "${rg}".
_SHELL_VARIABLE = re.compile(r"\$\{?[A-Za-z_]\w*\}?")
# A value that is nothing but an opening placeholder whose ``>`` was lost: ``"<region1"``.
_UNCLOSED = re.compile(r"^\s*<[A-Za-z][\w .\-]*$")
# Markup (XML, HTML) legitimately holds ``<tag>`` pairs.
_MARKUP = re.compile(r"</|/>|<[A-Za-z][\w:.-]*\s+[\w:.-]+\s*=")


def placeholders(text: str) -> list[str]:
    """The quickstart placeholders in ``text`` (none for markup)."""
    return list(cached_placeholders(text))


@lru_cache(maxsize=8192)
def cached_placeholders(text: str) -> tuple[str, ...]:
    """:func:`placeholders` as a tuple, shared by all who ask (not to be changed)."""
    # Cached: the language server asks again for every string on every keystroke.
    if _MARKUP.search(text):
        return ()
    found = _PLACEHOLDER.findall(text)
    if not found and _UNCLOSED.match(text):
        found = [text.strip()]
    return tuple(found)


def shell_variables(text: str) -> list[str]:
    """Shell variables (``$name``, ``${name}``) in ``text``: leftovers where a literal value belongs."""
    return _SHELL_VARIABLE.findall(text)


def has_placeholder(text: str) -> bool:
    return bool(placeholders(text))


def char_span(node: ScalarNode, start: int, end: int) -> Span:
    """The byte span of characters ``start:end`` of a string node's value.

    When the string is written with escapes the characters cannot be placed
    exactly, and the whole string's span is returned.
    """
    if "\\" in node.raw or not node.raw.startswith('"'):
        return node.span
    value = node.value
    first = node.span.start + 1 + len(value[:start].encode("utf-8"))
    return Span(first, first + len(value[start:end].encode("utf-8")))


def unique(diagnostics) -> list[Diagnostic]:
    """Drop repeats at the same place with the same message (a parameter used twice)."""
    seen = set()
    out = []
    for d in diagnostics:
        key = (d.span, d.message, d.code)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
