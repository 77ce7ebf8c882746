"""Applying fixes to a text: the largest safe, non-overlapping set at once.

Used by ``aiblint --check --fix``/``--diff`` and by the language server's
"fix all". Fixes are chosen in document order; a fix is taken only when none of
its edits touches an edit already taken (two insertions at the same place count
as touching, since their order would be a guess), so the result never depends on
how edits interleave. Edits that change nothing are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .diagnostics import Diagnostic, Fix, TextEdit

# The parser's own repairs: the only fixes applied to a document that does not parse (its safe ones,
# and with `unsafe` also the inserted commas and colons).
SYNTAX_CODES = frozenset({"AIB100", "AIB101", "AIB102"})


@dataclass
class FixResult:
    """The new bytes, the fixes applied, the fixes left out because they overlapped,
    and the applied edits in document order (offsets into the *old* bytes; what
    a language server sends as one workspace edit)."""

    data: bytes
    applied: list[Fix] = field(default_factory=list)
    skipped: list[Fix] = field(default_factory=list)
    edits: list[TextEdit] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def choose(diagnostics: Iterable[Diagnostic], unsafe: bool = False, syntax_only: bool = False) -> list[Fix]:
    """One fix per diagnostic: its first preferred fix that the mode allows.

    ``unsafe`` admits fixes marked unsafe; ``syntax_only`` keeps only the fixes
    of :data:`SYNTAX_CODES` (for documents with syntax errors).
    """
    chosen: list[Fix] = []
    for d in diagnostics:
        if d.path is not None or (syntax_only and d.code not in SYNTAX_CODES):
            continue
        allowed = [f for f in d.fixes if f.edits and (f.safe or unsafe)]
        if not allowed:
            continue
        chosen.append(next((f for f in allowed if f.preferred), allowed[0]))
    return chosen


def fixed_without_recheck(data: bytes, diagnostics: list[Diagnostic], certain: frozenset[str], unsafe: bool = False,
                          syntax_only: bool = False) -> list[Diagnostic] | None:
    """The diagnostics ``--fix`` would fix in ``data``, known without checking the fixed text again, else None.

    That is known when every diagnostic with a fix in the mode is of a rule in ``certain``
    (rules whose fixes always remove their own finding, see ``CERTAIN_FIXES``) and all of those
    fixes go together: then exactly those diagnostics go.
    """
    fixable = [d for d in diagnostics if has_fix(d, unsafe)]
    if any(d.code not in certain for d in fixable):
        return None
    chosen = choose(fixable, unsafe=unsafe, syntax_only=syntax_only)
    if len(chosen) != len(fixable):
        return None
    if any(not _effective(data, f) for f in chosen) or apply(data, chosen).skipped:
        return None
    return fixable


def has_fix(d: Diagnostic, unsafe: bool = False) -> bool:
    """Whether ``d`` offers a fix that ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) may apply."""
    return d.path is None and any(f.edits and (f.safe or unsafe) for f in d.fixes)


def _touch(a: TextEdit, b: TextEdit) -> bool:
    """Whether two edits overlap, or one inserts at or inside the other's range."""
    if a.span.start < b.span.end and b.span.start < a.span.end:
        return True
    if a.span.start == a.span.end and b.span.start <= a.span.start <= b.span.end:
        return True
    return b.span.start == b.span.end and a.span.start <= b.span.start <= a.span.end


def _effective(data: bytes, fix: Fix) -> list[TextEdit] | None:
    """The fix's edits that change something, or None when the fix is malformed."""
    edits = []
    for e in fix.edits:
        if not (0 <= e.span.start <= e.span.end <= len(data)):
            return None
        if data[e.span.start : e.span.end] != e.new_text.encode("utf-8"):
            edits.append(e)
    edits.sort(key=lambda e: (e.span.start, e.span.end))
    for x, y in zip(edits, edits[1:]):
        if _touch(x, y):
            return None
    return edits


def apply(data: bytes, fixes: Iterable[Fix]) -> FixResult:
    """Apply as many of ``fixes`` as can go together to the UTF-8 ``data``."""
    taken: list[TextEdit] = []
    result = FixResult(data)
    seen: set[tuple] = set()
    ordered = sorted(fixes, key=lambda f: min((e.span.start for e in f.edits), default=0))
    for fix in ordered:
        edits = _effective(data, fix)
        if not edits:
            continue
        key = tuple((e.span.start, e.span.end, e.new_text) for e in edits)
        if key in seen:
            continue  # the same repair offered by two diagnostics
        if any(_touch(e, t) for e in edits for t in taken):
            result.skipped.append(fix)
            continue
        seen.add(key)
        taken.extend(edits)
        result.applied.append(fix)
    if not taken:
        return result
    taken.sort(key=lambda e: e.span.start)
    result.edits = taken
    out = []
    pos = 0
    for e in taken:
        out.append(data[pos : e.span.start])
        out.append(e.new_text.encode("utf-8"))
        pos = e.span.end
    out.append(data[pos:])
    result.data = b"".join(out)
    return result


def apply_text(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """:func:`apply` for a ``str`` (the document's text): new text and the fixes applied."""
    res = apply(text.encode("utf-8", "surrogatepass"), fixes)
    return res.data.decode("utf-8", "surrogatepass"), res.applied
