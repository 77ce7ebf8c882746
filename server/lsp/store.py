"""The open documents: text, parsed tree, version and the latest check results."""

from __future__ import annotations

import bisect
import re
from urllib.parse import unquote, urlparse

from ..diagnostics import Span, new_span
from ..document import Document, language_for
from ..document.json import decode_json_string
from ..document.nodes import ArrayNode, ObjectNode, ScalarNode, find_node_at
from ..document.positions import LineIndex

LANGUAGES = {"json": "json", "jsonc": "jsonc", "yaml": "yaml", "bicep": "bicep"}


def uri_to_path(uri: str) -> str:
    """A file system path for ``file:`` URIs; the URI itself otherwise."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/x
            path = path[1:]
        return path
    return uri


def language_of(uri: str, language_id: str | None) -> str | None:
    """``json``, ``jsonc``, ``yaml`` or ``bicep`` from the file name, else from the client's language id."""
    return language_for(uri_to_path(uri)) or LANGUAGES.get((language_id or "").lower())


# A document this large that names imageTemplates at most once per this many characters is mostly other
# resources (an ARM file compiled from Bicep): its checks build only the values they walk.
LAZY_SIZE = 256 * 1024
LAZY_CHARS_PER_TEMPLATE = 64 * 1024


def builds_lazily(text: str, split: bool = False) -> bool:
    """Whether ``text``'s value tree is to be built lazily (see :class:`aiblint.document.Document`).

    A file opened in the start-up phase (``split``: its first check may be shared out over forked
    children, :mod:`aiblint.split`) of more than :data:`SMALL` characters: strict JSON is then read without
    waiting for a syntax tree, and each process builds the values of its own share. Otherwise a large
    file made mostly of other resources. A small file is built whole: typing in one of its strings
    patches the kept tree (:func:`_patch_string`), which a lazy tree is not.
    """
    if split and len(text) > SMALL:
        return True
    if len(text) < LAZY_SIZE:
        return False
    templates = text.lower().count("microsoft.virtualmachineimages/imagetemplates")
    return templates <= len(text) // LAZY_CHARS_PER_TEMPLATE


class OpenDocument:
    """One document the client has open."""

    def __init__(self, uri: str, text: str, version: int | None, language: str, split: bool = False):
        """``split``: the first check may share the templates out over forked children (see :func:`builds_lazily`)."""
        self.uri = uri
        self.path = uri_to_path(uri)
        self.version = version
        lazy = language in ("json", "jsonc") and builds_lazily(text, split)  # (other carriers build whole trees)
        self.doc = Document(text, self.path, language=language, version=version, lazy=lazy)
        # Results of the latest check: for which version, with which settings generation.
        self.result = None
        self.result_settings = None
        self.diagnostics: list = []
        self.checked = None  # (version, settings generation, data serial) the result is for
        self.serial = 0  # counts results; the pull result id
        self.data_serial = 0  # counts text changes
        self.scheduled = False
        self.was_template = False
        self.published = None  # (version, serial) last pushed
        # Findings of the slow pass (ShellCheck, AIB304, downloads) for this text, added when they arrive.
        self.online: list = []
        # id(diagnostic) -> (diagnostic, LSP JSON data) of the last answer.
        self.lsp_cache: dict = {}
        self.online_serial = -1
        self.online_secrets = False  # whether ``online`` holds detect-secrets' findings (see diagnostics.ensure_checked)
        self.held: list = []  # AIB105 findings the pending slow pass confirms or drops (see aiblint.suppress)
        # Whether a full check may share the templates out over forked children (the start-up phase only,
        # before any thread runs: see aiblint.split).
        self.split_check = False
        # Incremental checking state (see aiblint.lsp.incremental).
        self.previous = None
        self.last_view = None

    @property
    def result_id(self) -> str:
        return f"{self.serial}"

    def online_diagnostics(self) -> list:
        return self.online if self.online_serial == self.data_serial else []

    @property
    def language(self) -> str:
        return self.doc.language

    def apply(self, changes, encoding: str) -> None:
        """Apply LSP content changes in order; ranges outside the text are clamped."""
        doc = self.doc
        self.data_serial += 1
        # A large ARM file checked per resource does not need the whole value tree after an edit.
        prev = self.previous
        keep = prev is None or prev.view is None or len(doc.data) <= SMALL
        if len(changes) == 1 and getattr(changes[0], "range", None) is not None and _patch_string(
                doc, changes[0], encoding, keep):
            return
        for change in changes:
            rng = getattr(change, "range", None)
            if rng is None:
                doc.apply_change(None, None, change.text, encoding)
                continue
            old = doc.lines
            a = old.offset(rng.start.line, rng.start.character, encoding)
            b = old.offset(rng.end.line, rng.end.character, encoding)
            if b < a:
                a, b = b, a
            doc.apply_change((rng.start.line, rng.start.character), (rng.end.line, rng.end.character),
                             change.text, encoding)
            if "lines" not in doc.__dict__:
                doc.__dict__["lines"] = shifted_index(old, a, b, change.text.encode("utf-8", "surrogatepass"),
                                                      doc.data)


def apply_bytes(doc, a: int, b: int, inserted: bytes) -> None:
    """Replace bytes ``a..b`` of ``doc`` (incremental reparse; the value tree patched when possible)."""
    lines = doc.lines
    start, end = lines.position(a, "utf-8"), lines.position(b, "utf-8")

    class Change:
        range = type("R", (), {"start": start, "end": end})
        text = inserted.decode("utf-8", "surrogatepass")

    if not _patch_string(doc, Change, "utf-8"):
        doc.apply_change((start.line, start.character), (end.line, end.character), Change.text, "utf-8")
        doc.__dict__["lines"] = shifted_index(lines, a, b, inserted, doc.data)


def shifted_index(old: LineIndex, a: int, b: int, inserted: bytes, data: bytes) -> LineIndex:
    """The line index after replacing bytes ``a..b`` by ``inserted``, derived from the old one."""
    if b"\r" in old.data or b"\r" in inserted:
        return LineIndex(data)
    starts = old.line_starts
    la = bisect.bisect_right(starts, a)
    lb = bisect.bisect_right(starts, b)
    delta = len(inserted) - (b - a)
    new = starts[:la]
    i = inserted.find(b"\n")
    while i >= 0:
        new.append(a + i + 1)
        i = inserted.find(b"\n", i + 1)
    if delta:
        new.extend([s + delta for s in starts[lb:]])
    else:
        new.extend(starts[lb:])
    index = LineIndex.__new__(LineIndex)
    index.data = data
    index.line_starts = new
    return index


def path_to_uri(path: str) -> str:
    from pathlib import Path

    try:
        return Path(path).resolve().as_uri()
    except ValueError:
        return path


# Above this size, shifting every span costs more than rebuilding the tree when it is needed.
PATCH_LIMIT = 256 * 1024
# Below this size the tree is kept even when only a view of one resource is checked.
SMALL = 16 * 1024

_STRING_UNSAFE = re.compile(rb'["\\\x00-\x1f]')
# In Bicep: quotes, escapes, interpolation braces and line breaks change more than one string's value.
_BICEP_UNSAFE = re.compile(rb"['\\${}\x00-\x1f]")


def _patch_string(doc, change, encoding: str, keep: bool = True) -> bool:
    """Apply an edit inside one string value to the text, the syntax tree and the kept value tree.

    Typing inside a string value changes one scalar and moves the positions after
    it; rebuilding the whole value tree for that costs more than shifting spans.
    Only for a document that parsed cleanly before and after, and an edit that
    touches no quote, backslash or control character (in Bicep: no ``$``, ``{`` or
    ``}``, and the string must not become an interpolation). Returns False (nothing
    done) when it does not apply.
    """
    root = doc.__dict__.get("root")
    bicep = doc.language == "bicep"
    if root is None or doc.language not in ("json", "jsonc", "bicep") or getattr(doc, "_syntax_problems", True) \
            or doc.tree is None or doc.tree.root_node.has_error:
        return False
    inserted = change.text.encode("utf-8", "surrogatepass")
    unsafe = _BICEP_UNSAFE if bicep else _STRING_UNSAFE
    if unsafe.search(inserted):
        return False
    old = doc.lines
    rng = change.range
    a = old.offset(rng.start.line, rng.start.character, encoding)
    b = old.offset(rng.end.line, rng.end.character, encoding)
    if b < a or unsafe.search(doc.data[a:b]):
        return False
    node = find_node_at(root, a)
    if not (isinstance(node, ScalarNode) and node.kind == "string" and node.span.start < a and b < node.span.end):
        return False
    if bicep and (not node.raw.startswith("'") or node.raw.startswith("'''") or node.is_expression):
        return False  # only a plain literal: an expression's text, or a multi-line string, is not patched
    doc.apply_change((rng.start.line, rng.start.character), (rng.end.line, rng.end.character), change.text,
                     encoding)
    doc.__dict__["lines"] = shifted_index(old, a, b, inserted, doc.data)
    if not keep or doc.lazy or doc.tree is None or doc.tree.root_node.has_error or len(doc.data) > PATCH_LIMIT:
        # Rebuilt when asked for: a large ARM file is checked per resource (aiblint.lsp.incremental); a lazy
        # tree reads what nobody walked yet from the text it was built from, not this one.
        return True
    delta = len(inserted) - (b - a)
    start, end = node.span.start, node.span.end + delta
    raw = doc.data[start:end].decode("utf-8", "replace")
    if bicep and "${" in raw:
        return True  # e.g. the x of '$x{a}' deleted: now an interpolation, rebuilt when asked for
    _shift_tree(root, b, delta)
    node.span = Span(start, end)
    node.raw = raw
    if bicep:
        from ..document.bicep import decode_string

        node.value = decode_string(raw)
    else:
        node.value = raw[1:-1] if "\\" not in raw else decode_json_string(raw)
    doc.__dict__["root"] = root
    doc._syntax_problems = []
    return True


def _shift_tree(root, at: int, delta: int) -> None:
    """Move every span boundary at or after byte ``at`` by ``delta``."""
    if not delta:
        return

    def moved(span):
        s, e = span.start, span.end
        if e < at:
            return span
        return new_span(s + delta if s >= at else s, e + delta)

    stack = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        n = pop()
        if n.span.end < at:
            continue
        n.span = moved(n.span)
        if n.key_span is not None:
            n.key_span = moved(n.key_span)
        if isinstance(n, ObjectNode):
            for m in n.members:
                if m.span.end >= at:
                    m.span = moved(m.span)
                    m.key_span = moved(m.key_span)
                    if m.value is not None:
                        push(m.value)
        elif isinstance(n, ArrayNode):
            extend(n.items)
    for declared in getattr(root, "declared_templates", ()):  # Bicep: the API versions in the type strings
        declared.version_node.span = moved(declared.version_node.span)
