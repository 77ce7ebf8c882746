"""Checking after an edit: only the resource that changed, when that gives the same answer.

In an ARM template (or a Bicep file) with many resources, an edit inside one resource changes
only the findings that the engine derives from that resource. For such an
edit the new diagnostics are::

    new = shift(old - view(old)) + view(new)

where ``view(x)`` is the engine's result on a small *view* document: the text
of ``x`` with every other entry of ``resources`` cut out (the root's other
members - parameters, variables, outputs - stay, and the edited resource keeps
its index), mapped back to positions in the full text. In Bicep the view is
the file with the other imageTemplates declarations cut out. The view is a real
document checked by the real engine, so nothing here knows any rule.

The fast path is taken only when it is provably safe for this edit, and the
full check runs otherwise: both versions parse without error; the edit lies
strictly inside one resource (same number of resources); no enabled rule reads
across resources in this file (a rule's ``CROSS_RESOURCE`` text, such as a
trigger's type, does not occur); the document has no
comments and the edit adds none (a suppression elsewhere could apply; in Bicep,
where comments are common, no ``aiblint-disable`` anywhere); the view
of the old text finds a template and its findings are all among the old full
findings (so the view reproduces what the full check said about that resource);
and the view's findings outside the edited resource are the same before and
after the edit (parameters and variables are shared by all resources).
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter
from dataclasses import replace

from ..diagnostics import Diagnostic, Fix, Related, Span, TextEdit
from ..document import Document
from ..document.nodes import ArrayNode, ObjectNode
from .checker import full_check

# Languages whose resources are re-checked one at a time.
INCREMENTAL = ("json", "jsonc", "bicep")

log = logging.getLogger(__name__)


class Previous:
    """What the last check saw: the text, its findings, and the view of the last edited resource."""

    __slots__ = ("data", "diagnostics", "key", "has_comments", "view_index", "view_diags", "layout", "view")

    def __init__(self, data, diagnostics, key, has_comments, layout):
        self.data = data
        self.diagnostics = diagnostics
        self.key = key
        self.has_comments = has_comments
        self.layout = layout
        self.view_index = None
        self.view_diags = None
        self.view = None  # the _View of view_index, with its parsed document


class IncrementalResult:
    """A lint result assembled from the previous one; ``templates`` is computed only when asked for."""

    def __init__(self, document, diagnostics, settings):
        self.document = document
        self.diagnostics = diagnostics
        self._settings = settings
        self._templates = None

    is_template = True

    @property
    def templates(self):
        if self._templates is None:
            from .. import catalog
            from ..engine import templates_of

            self._templates = templates_of(self.document, self._settings, catalog.load())
        return self._templates


def check(od, settings, selection):
    """The engine's diagnostics for ``od`` now; incremental when safe (see the module docs)."""
    key = (settings, selection)
    prev = od.previous
    doc = od.doc
    if prev is not None and prev.key[0] is settings and prev.key[1] is selection and doc.language in INCREMENTAL:
        try:
            result = _incremental(od, prev, settings, selection)
        except RecursionError:
            result = None
        if result is not None:
            return result
    result = full_check(od, settings, selection)
    if doc.has_syntax_error and prev is not None and prev.key[0] is settings and prev.key[1] is selection:
        # Keep the last clean state: once the text is whole again, the edit since then is usually
        # inside one resource, and the fast path compares with that state.
        return result
    od.previous = None
    if doc.language in INCREMENTAL and result.is_template and not doc.has_syntax_error:
        layout = _layout(doc)
        if layout is not None:
            has_comments = _has_comments(doc)
            od.previous = Previous(doc.data, list(result.diagnostics), key, has_comments, layout)
    return result


# -- layout of the resources array --------------------------------------------------


def _has_comments(doc) -> bool:
    """Whether a comment could change what the view finds: any comment (JSON), a suppression (Bicep)."""
    if doc.language == "bicep":
        return b"aiblint-disable" in doc.data
    return bool(doc.comment_spans())


def _layout(doc):
    """(index after ``[`` of the root's ``resources``, index of its ``]``, [(start, end) of each item]).

    For Bicep: (None, None, [(start, end) of each imageTemplates declaration]).
    """
    if doc.tree_pending:
        return _layout_of_values(doc)
    tree = doc.tree
    if tree is None or tree.root_node.has_error:
        return None
    if doc.language == "bicep":
        from ..document.bicep import template_declarations

        items = template_declarations(tree, doc.data)
        return (None, None, items) if items else None
    top = [c for c in tree.root_node.named_children if c.type != "comment"]
    if len(top) != 1 or top[0].type != "object":
        return None
    for pair in top[0].named_children:
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        if key is None or doc.data[key.start_byte:key.end_byte] != b'"resources"':
            continue
        arr = pair.child_by_field_name("value")
        if arr is None or arr.type != "array":
            return None
        items = [(c.start_byte, c.end_byte) for c in arr.named_children if c.type != "comment"]
        return (arr.start_byte + 1, arr.end_byte - 1, items)
    return None


def _layout_of_values(doc):
    """:func:`_layout` of strict JSON read without its syntax tree, from the value tree (whose first levels,
    the resources among them, were read with their spans)."""
    root = doc.root
    if not isinstance(root, ObjectNode) or not doc.strict_json:
        return None
    member = root.member("resources")
    if member is None or doc.data[member.key_span.start:member.key_span.end] != b'"resources"':
        return None  # as in the syntax tree, only a key written as it reads
    if not isinstance(member.value, ArrayNode):
        return None
    span = member.value.span
    return (span.start + 1, span.end - 1, [(item.span.start, item.span.end) for item in member.value.items])


def _common(a: bytes, b: bytes) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two byte strings."""
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:  # largest p with a[:p] == b[:p]
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    p = lo
    la, lb = len(a), len(b)
    lo, hi = 0, n - p
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:] == b[lb - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return p, lo


# -- views ------------------------------------------------------------------------------


def _make_view(data: bytes, layout, index: int):
    return _CutView(data, layout, index) if layout[0] is None else _View(data, layout, index)


class _Segments:
    """A view's text as pieces of the full text: ``segments`` holds (view start, view end, full start)."""

    segments: list

    def map(self, x: int, end: bool) -> int | None:
        for s, e, full in self.segments:
            if s < x < e or (x == s and not end) or (x == e and end) or (s == e == x):
                return full + (x - s)
        return None


class _View(_Segments):
    """The text of one resource plus the root's other members, and the map back to full positions."""

    def __init__(self, data: bytes, layout, index: int):
        body_start, arr_close, items = layout
        start, end = items[index]
        dummies = b"0," * index
        self.text = data[:body_start] + dummies + data[start:end] + data[arr_close:]
        a = body_start
        b = a + len(dummies)
        c = b + (end - start)
        # (view start, view end, full start) of each mapped segment; the dummies map nowhere.
        self.segments = [(0, a, 0), (b, c, start), (c, len(self.text), arr_close)]
        self.item = (start, end)
        self.doc = None

    def edit(self, p: int, old_end: int, inserted: bytes) -> bool:
        """Apply the full text's edit of bytes ``p..old_end`` (inside the item) to the view's document."""
        from .store import apply_bytes

        b, c, start = self.segments[1]
        a = b + (p - start)
        e = b + (old_end - start)
        apply_bytes(self.doc, a, e, inserted)
        delta = len(inserted) - (old_end - p)
        s2, e2, full2 = self.segments[2]
        self.segments[1] = (b, c + delta, start)
        self.segments[2] = (s2 + delta, e2 + delta, full2 + delta)
        return not self.doc.has_syntax_error


class _CutView(_Segments):
    """The full text with every other imageTemplates declaration cut out (Bicep), and the map back."""

    def __init__(self, data: bytes, layout, index: int):
        parts = []
        self.segments = []  # (view start, view end, full start) of each kept piece
        at = view = 0
        for i, (start, end) in enumerate(layout[2] + [(len(data), len(data))]):
            if i == index:
                continue
            parts.append(data[at:start])
            self.segments.append((view, view + start - at, at))
            view += start - at
            at = end
        self.text = b"".join(parts)
        self.item = layout[2][index]
        self.doc = None

    def edit(self, p: int, old_end: int, inserted: bytes) -> bool:
        """Apply the full text's edit of bytes ``p..old_end`` (inside the item) to the view's document."""
        from .store import apply_bytes

        k = next(k for k, (s, e, full) in enumerate(self.segments) if full < p and old_end < full + e - s)
        s, e, full = self.segments[k]
        apply_bytes(self.doc, s + p - full, s + old_end - full, inserted)
        delta = len(inserted) - (old_end - p)
        self.segments[k] = (s, e + delta, full)
        for j in range(k + 1, len(self.segments)):
            s2, e2, full2 = self.segments[j]
            self.segments[j] = (s2 + delta, e2 + delta, full2 + delta)
        return not self.doc.has_syntax_error


def _map_diag(d: Diagnostic, f) -> Diagnostic | None:
    span = _map_span(d.span, f)
    if span is None:
        return None
    related = []
    for r in d.related:
        if r.path is not None:  # a place in another file
            related.append(r)
            continue
        s = _map_span(r.span, f)
        if s is None:
            return None
        related.append(Related(s, r.message))
    fixes = []
    for fix in d.fixes:
        edits = []
        for e in fix.edits:
            s = _map_span(e.span, f)
            if s is None:
                return None
            edits.append(TextEdit(s, e.new_text))
        fixes.append(Fix(fix.title, tuple(edits), fix.safe, fix.preferred))
    return replace(d, span=span, related=tuple(related), fixes=tuple(fixes), data=dict(d.data))


def _map_span(span: Span, f) -> Span | None:
    if span.start == span.end:
        x = f(span.start, True)
        if x is None:
            x = f(span.start, False)
        return None if x is None else Span(x, x)
    a, b = f(span.start, False), f(span.end, True)
    if a is None or b is None or b < a:
        return None
    return Span(a, b)


def _view_check(od, data: bytes, layout, index: int, settings, selection, view=None):
    """The engine's findings for resource ``index`` of ``data``, in full-text positions (None: unusable).

    ``view``: a view already brought up to date with ``data`` (its document is reused).
    """
    from ..engine import lint

    if view is None:
        view = _make_view(data, layout, index)
        view.doc = Document(view.text.decode("utf-8", "surrogatepass"), od.path, language=od.doc.language)
    doc = view.doc
    if doc.has_syntax_error:
        return None
    result = lint(doc, settings, selection=selection, limited=False)
    if not result.templates:
        return None
    out = []
    for d in result.diagnostics:
        m = _map_diag(d, view.map)
        if m is None:
            return None
        out.append(m)
    od.last_view = view
    return out


def _key(d: Diagnostic):
    return (d.code, d.message, d.span, d.severity, d.related, d.fixes, d.path)


def _outside(diags, start: int, end: int) -> Counter:
    return Counter(_key(d) for d in diags if not (start <= d.span.start and d.span.end <= end))


def _incremental(od, prev: Previous, settings, selection):
    doc = od.doc
    old, new = prev.data, doc.data
    if old == new:
        return IncrementalResult(doc, list(prev.diagnostics), settings)
    if prev.has_comments or doc.tree is None or doc.tree.root_node.has_error or (
            doc.language == "bicep" and _has_comments(doc)):
        return None
    if selection.cross_resource:
        low = new.lower()  # one pass; a case-insensitive pattern took 2.7 ms on a 2,000-line file
        if any(marker in low for marker in selection.cross_resource):
            return None  # a rule reads other resources of this file: the view would not see them
    p, s = _common(old, new)
    old_end, new_end = len(old) - s, len(new) - s
    if b"/" in old[p:old_end] or b"/" in new[p:new_end]:
        return None  # might open or close a comment
    delta = len(new) - len(old)
    layout = _layout(doc)
    if layout is None:
        return None
    old_items, new_items = prev.layout[2], layout[2]
    if len(old_items) != len(new_items):
        return None
    index = next((i for i, (a, b) in enumerate(new_items) if a < p and new_end < b), None)
    if index is None:
        return None
    oa, ob = old_items[index]
    if oa != new_items[index][0] or ob + delta != new_items[index][1]:
        return None

    if prev.view_index == index and prev.view_diags is not None:
        before = prev.view_diags
    else:
        before = _view_check(od, old, prev.layout, index, settings, selection)
    if before is None:
        return None
    starts = [x for x, _ in old_items]

    def relevant(d: Diagnostic) -> bool:
        """In the edited resource or outside all the others: where the view also reports."""
        a, b = d.span.start, d.span.end
        if oa <= a and b <= ob:
            return True
        i = bisect.bisect_right(starts, a) - 1  # the last item starting at or before the finding
        return i < 0 or b > old_items[i][1]

    full_old = Counter(_key(d) for d in prev.diagnostics if relevant(d))
    view_old = Counter(_key(d) for d in before)
    if view_old - full_old:
        return None  # the view does not reproduce the full check for this resource
    view = prev.view if prev.view_index == index else None
    if view is not None and not view.edit(p, old_end, new[p:new_end]):
        view = None
    after = _view_check(od, new, layout, index, settings, selection, view)
    if after is None:
        prev.view = prev.view_index = prev.view_diags = None
        return None

    def shift(x: int) -> int:
        if p < x < old_end:
            raise _Unsafe
        return x + delta if x >= old_end else x

    def shifted_span(sp: Span) -> Span:
        return Span(shift(sp.start), shift(sp.end))

    outside_before = _outside(before, oa, ob)
    outside_after = _outside(after, oa, ob + delta)
    if delta and any(k[4] or k[5] for k in outside_before):
        return None  # related places or fixes outside the resource: compare exactly, fall back instead
    try:
        moved = Counter({(k[0], k[1], shifted_span(k[2]), *k[3:]): v for k, v in outside_before.items()})
    except _Unsafe:
        return None
    if moved != outside_after:
        return None

    # Findings after the edited line keep their LSP ranges when no line break was added or removed.
    same_lines = old.count(b"\n", p, old_end) == new.count(b"\n", p, new_end)
    line_end = old.find(b"\n", old_end)
    line_end = len(old) if line_end < 0 else line_end
    cache = od.lsp_cache
    remove = Counter(view_old)
    kept: list[Diagnostic] = []
    for d in prev.diagnostics:
        if relevant(d):
            k = _key(d)
            if remove[k] > 0:
                remove[k] -= 1
                continue
        if d.span.start < ob and d.span.end > oa:
            return None  # a finding in the edited resource that the view did not produce
        if not delta or d.span.end < p and all(r.span.end < p for r in d.related):
            kept.append(d)
            continue
        try:
            nd = _shift_diag(d, shift)
        except _Unsafe:
            return None
        hit = cache.get(id(d))
        if same_lines and hit is not None and hit[0] is d and d.span.start > line_end and all(
                r.span.start > line_end for r in d.related):
            cache[id(nd)] = (nd, hit[1])
        kept.append(nd)
    merged = kept + after
    merged.sort(key=lambda d: d.sort_key)
    prev.data = new
    prev.diagnostics = merged
    prev.layout = layout
    prev.view_index = index
    prev.view_diags = after
    prev.view = od.last_view
    return IncrementalResult(doc, merged, settings)


class _Unsafe(Exception):
    """A position inside the edited text: it cannot be shifted."""


def _shift_diag(d: Diagnostic, shift) -> Diagnostic:
    def sp(x: Span) -> Span:
        return Span(shift(x.start), shift(x.end))

    related = tuple(r if r.path is not None else Related(sp(r.span), r.message) for r in d.related) \
        if d.related else ()
    fixes = tuple(Fix(f.title, tuple(TextEdit(sp(e.span), e.new_text) for e in f.edits), f.safe, f.preferred)
                  for f in d.fixes) if d.fixes else ()
    return Diagnostic(d.code, d.message, sp(d.span), d.severity, related, fixes, d.name, d.path, d.data)
