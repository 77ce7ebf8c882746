"""The interface every carrier (file format that holds templates: JSON, YAML, Bicep) implements.

A :class:`~aiblint.document.Document` knows its text; its carrier knows how to
read that text (syntax tree, value tree, syntax problems, comments) and how a
fix is written in it (keys, values, inserted and removed members). Everything
above the document layer works on the carrier-independent value tree
(:mod:`aiblint.document.nodes`) and byte spans, and asks the carrier only for
these few things.
"""

from __future__ import annotations

from ..diagnostics import Fix, Related, Span, TextEdit
from .nodes import Member, Node, ObjectNode


class Problem:
    """One syntax mistake: code, message, span, optional related places and fix.

    ``supersedes``: the text in ``span`` is not a finished value (a string still
    being typed), so other findings on it would only repeat this one.
    """

    __slots__ = ("code", "message", "span", "related", "fix", "supersedes")

    def __init__(self, code: str, message: str, span: Span, related: tuple[Related, ...] = (), fix: Fix | None = None,
                 supersedes: bool = False):
        self.code = code
        self.message = message
        self.span = span
        self.related = related
        self.fix = fix
        self.supersedes = supersedes

    def __repr__(self) -> str:
        return f"Problem({self.code}, {self.message!r}, {self.span.start}-{self.span.end})"


def char_byte_offsets(raw: str, base: int) -> list[int] | None:
    """Byte offset of each character of ``raw`` (plus the end) when it starts at byte ``base``;
    None when ``raw`` is ASCII (then the offset of character ``i`` is ``base + i``)."""
    if raw.isascii():
        return None
    out = [base]
    at = base
    for ch in raw:
        at += len(ch.encode("utf-8", "surrogatepass"))
        out.append(at)
    return out


class Carrier:
    """How one file format is read and written. Subclasses override what differs."""

    #: The line-comment marker suppression comments use (``//``, ``#``).
    comment_marker = "//"

    # -- reading --------------------------------------------------------------

    def parse(self, data: bytes, old_tree=None):
        """The syntax tree of ``data`` (reusing ``old_tree`` after an edit), or None if the carrier keeps none."""
        return None

    def defers_parse(self, doc) -> bool:
        """Whether ``doc``'s syntax tree is made only when first asked for (its value tree may not need it)."""
        return False

    def release_values(self, doc) -> None:
        """Let go of what ``doc``'s value tree keeps only to build its unwalked parts (they are read again
        when walked)."""

    def build(self, doc) -> tuple[Node | None, list[Problem]]:
        """The value tree of ``doc`` and the syntax problems found while building it."""
        raise NotImplementedError

    def broken_spans(self, doc) -> list[Span]:
        """Spans of the parts that did not parse (checks stay quiet in and beside them)."""
        return []

    def has_syntax_error(self, doc) -> bool:
        return bool(doc.syntax_problems)

    def comment_spans(self, doc) -> list[Span]:
        """Spans of the comments, in document order."""
        return []

    def string_offsets(self, doc, node: Node) -> list[int] | None:
        """Where each character of the string ``node``'s value is written: the byte offset in
        ``doc`` where character ``i`` starts, for every ``i``, and then the offset just after the
        last character. Escapes, quoting and line folding make these differ from the value's own
        positions; checks that report inside a string (inline commands, secrets) rely on this.
        None when the carrier cannot tell (then the whole string is reported)."""
        return None

    def escape_in_string(self, doc, node: Node, text: str, start: int, end: int) -> str | None:
        """``text`` as it is written inside the string ``node`` in place of the characters ``start:end``
        of its value (the source between their :meth:`string_offsets`), so that the value then holds
        exactly ``text`` there (quotes and backslashes escaped as the string's syntax needs). None when
        it cannot be written there exactly (then no fix is offered)."""
        return None

    # -- writing fixes ----------------------------------------------------------

    def key_text(self, name: str) -> str:
        """``name`` written as an object key."""
        raise NotImplementedError

    def value_text(self, value) -> str:
        """A Python value written as a literal of this carrier."""
        raise NotImplementedError

    def replace_value(self, doc, node: Node, value) -> TextEdit | None:
        """An edit that writes ``value`` over ``node`` (None: not possible here)."""
        return None

    def rename_key(self, doc, member: Member, name: str) -> TextEdit | None:
        """An edit that renames ``member``'s key to ``name``."""
        return TextEdit(member.key_span, self.key_text(name))

    def insert_member(self, doc, obj: ObjectNode, name: str, value, after: Member | None = None) -> TextEdit | None:
        """An edit adding ``name: value`` to ``obj`` after ``after`` (default: after the last member)."""
        return None

    def remove_member(self, doc, obj: ObjectNode, member: Member) -> TextEdit | None:
        """An edit deleting ``member`` from ``obj``."""
        return None

    def insert_item(self, doc, after: Node, value) -> TextEdit | None:
        """An edit adding ``value`` to an array right after its item ``after``."""
        return None
