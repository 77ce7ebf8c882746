"""Syntax diagnostics: AIB100 invalid-json, AIB101 typographic-quote,
AIB102 trailing-comma, AIB103 duplicate-key and AIB104 comment.

The problems themselves are found while the value tree is built
by the document's carrier (:mod:`aiblint.document.json`,
:mod:`aiblint.document.yaml`); this module turns them into diagnostics and
adds the checks that need the finished tree (duplicate keys) or the templates
(comments are only a problem in a raw JSON template).
"""

from __future__ import annotations

from typing import Iterator

from .diagnostics import Diagnostic, Fix, Related, Severity, Span, TextEdit
from .document.nodes import ArrayNode, ObjectNode, ScalarNode

INVALID_JSON = "AIB100"
DUPLICATE_KEY = "AIB103"
COMMENT = "AIB104"


def check(document, templates) -> Iterator[Diagnostic]:
    """Every syntax diagnostic of ``document``; ``templates`` are the imageTemplates found in it."""
    for p in document.syntax_problems:
        d = Diagnostic(p.code, p.message, p.span, Severity.ERROR, related=p.related,
                       fixes=(p.fix,) if p.fix is not None else ())
        if p.supersedes:
            d.data["supersedes"] = True  # no rule finding on the unfinished value
        yield d
    yield from duplicate_keys(document)
    if document.language == "json" and templates and all(t.form == "raw" for t in templates):
        yield from comments(document)


def duplicate_keys(document) -> Iterator[Diagnostic]:
    """AIB103: a key that appears again in the same object (reported on the later one)."""
    root = document.root
    if document.duplicate_free:
        return
    stack = [root] if isinstance(root, (ObjectNode, ArrayNode)) else []
    while stack:
        node = stack.pop()
        if type(node) is ArrayNode:
            stack.extend([c for c in node.items if c is not None and not isinstance(c, ScalarNode)])
        else:
            members = node.members
            if len(members) > 1:
                names = [m.name for m in members]
                if len(set(names)) != len(names):
                    yield from _duplicates(members, _in_parameter_declaration(node))
            stack.extend([m.value for m in members if m.value is not None and not isinstance(m.value, ScalarNode)])


def _in_parameter_declaration(node: ObjectNode) -> bool:
    """Whether ``node`` declares a parameter of an ARM deployment template (``parameters.<name>``)."""
    from .templates import is_arm_template

    section = node.parent
    return isinstance(section, ObjectNode) and section.key == "parameters" and is_arm_template(section.parent)


def _duplicates(members, declaration: bool = False) -> Iterator[Diagnostic]:
    """Repeated keys; in a parameter declaration only a warning: ARM takes the last and deploys."""
    seen: dict[str, Span] = {}
    for m in members:
        first = seen.get(m.name)
        if first is None:
            seen[m.name] = m.key_span
            continue
        where = "this parameter declaration; ARM uses the last value" if declaration else \
            "this object; only the last value counts"
        yield Diagnostic(
            DUPLICATE_KEY,
            f"Duplicate key '{m.name}' in {where}",
            m.key_span,
            Severity.WARNING if declaration else Severity.ERROR,
            related=(Related(first, f"'{m.name}' first appears here"),),
        )


def comments(document) -> Iterator[Diagnostic]:
    """AIB104: comments in a raw JSON template, which Azure CLI cannot read."""
    data = document.data
    for span in document.comment_spans():
        yield Diagnostic(
            COMMENT,
            "Comment in a raw template; Azure CLI's JSON parser rejects comments",
            span,
            Severity.WARNING,
            fixes=(Fix("Remove the comment", (TextEdit(_removal(data, span), ""),), safe=False),),
        )


def _removal(data: bytes, span: Span) -> Span:
    """The comment's span, widened to its whole line when nothing else is on that line."""
    line_start = max(data.rfind(b"\n", 0, span.start), data.rfind(b"\r", 0, span.start)) + 1
    end = span.end
    n = len(data)
    line_end = end
    while line_end < n and data[line_end] in b" \t":
        line_end += 1
    if data[line_start : span.start].strip(b" \t") or (line_end < n and data[line_end] not in b"\r\n"):
        return span
    if line_end < n and data[line_end] == 0x0D:
        line_end += 1
    if line_end < n and data[line_end] == 0x0A:
        line_end += 1
    return Span(line_start, line_end)
