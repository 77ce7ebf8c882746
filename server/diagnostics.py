"""Diagnostics, ranges and fixes: the values every layer exchanges.

Positions are 0-based. Internally a location is a pair of byte offsets into the
document's UTF-8 text; :class:`aiblint.document.positions.LineIndex` turns offsets into
LSP positions (line + UTF-16 column by default) only when a result is reported.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Severity of a diagnostic; higher is more severe."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; expected error, warning or info") from None


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of byte offsets ``[start, end)`` in a document's UTF-8 text."""

    start: int
    end: int

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end

    # Pickled as the constructor call (results come back from worker processes): the frozen dataclass's
    # own state methods look up the field list for every object, several times slower.
    def __reduce__(self):
        return Span, (self.start, self.end)


_new = object.__new__
_set_start = Span.start.__set__
_set_end = Span.end.__set__


def new_span(start: int, end: int) -> Span:
    """``Span(start, end)`` without the frozen dataclass's ``__init__`` (a third of the time), for code that
    makes spans by the thousand."""
    span = _new(Span)
    _set_start(span, start)
    _set_end(span, end)
    return span


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the bytes of ``span`` with ``new_text``."""

    span: Span
    new_text: str

    def __reduce__(self):
        return TextEdit, (self.span, self.new_text)


@dataclass(frozen=True, slots=True)
class Fix:
    """A set of edits that repairs one problem.

    ``safe`` fixes are applied by ``--fix``; unsafe ones (they insert a value a
    human must supply) only with ``--unsafe-fixes``.
    """

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True
    preferred: bool = True

    def __reduce__(self):
        return Fix, (self.title, self.edits, self.safe, self.preferred)


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a diagnostic (e.g. the first of two duplicates).

    ``path`` is set when the place is in another file (a script the template runs:
    a local path or a URL); ``lines`` is then that file's :class:`aiblint.document.positions.LineIndex`.
    """

    span: Span
    message: str
    path: str | None = None
    lines: object = field(default=None, compare=False, hash=False)

    def __reduce__(self):
        return Related, (self.span, self.message, self.path, self.lines)


@dataclass(slots=True)
class Diagnostic:
    """One problem found in a document."""

    code: str
    message: str
    span: Span
    severity: Severity
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()
    # Name of the rule (kebab case); filled in by the engine from the registry.
    name: str = ""
    # Set for diagnostics whose span is in another document (e.g. a config file).
    path: str | None = None
    data: dict = field(default_factory=dict)

    def __reduce__(self):
        return Diagnostic, (self.code, self.message, self.span, self.severity, self.related, self.fixes, self.name,
                            self.path, self.data)

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.start, self.span.end, self.code)
