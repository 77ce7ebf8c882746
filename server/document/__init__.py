"""Documents: text, syntax tree, value tree and positions, one carrier module per file format.

A :class:`Document` is what every layer works on. Its carrier
(:mod:`~aiblint.document.json` for JSON/JSONC, :mod:`~aiblint.document.yaml`
for YAML, :mod:`~aiblint.document.bicep` for Bicep; interface in :mod:`~aiblint.document.carrier`) parses the text
(tolerant of errors) and builds the value tree (:mod:`~aiblint.document.nodes`).
Where the carrier keeps a tree-sitter tree, edits are applied incrementally
(:meth:`Document.apply_change`: ``Tree.edit`` + reparse with the old tree).

The text is kept exactly as given, a leading byte-order mark included (it is a
character of the editor's text, so positions count it); the parsers read it as
white space. Files read from disk have it removed by
:func:`aiblint.discover.read_source`, which puts it back when writing.
"""

from __future__ import annotations

from functools import cached_property

from ..diagnostics import Span
from .carrier import Carrier
from .nodes import Node
from .positions import UTF16, LineIndex
from .treesitter import ts_parser

__all__ = ["Document", "language_for", "carrier_for", "ts_parser"]

BOM = "\ufeff"
_BOM_BYTES = BOM.encode("utf-8")

JSON_SUFFIXES = (".json", ".jsonc")
YAML_SUFFIXES = (".yaml", ".yml")
BICEP_SUFFIXES = (".bicep",)


def language_for(path: str) -> str | None:
    """``"json"``, ``"jsonc"``, ``"yaml"`` or ``"bicep"`` by file name; None for other files."""
    low = path.lower()
    if low.endswith(".jsonc"):
        return "jsonc"
    if low.endswith(".json"):
        return "json"
    if low.endswith(YAML_SUFFIXES):
        return "yaml"
    if low.endswith(BICEP_SUFFIXES):
        return "bicep"
    return None


def carrier_for(language: str) -> Carrier:
    """The carrier of a document language (JSON for anything unknown)."""
    if language == "yaml":
        from .yaml import CARRIER
    elif language == "bicep":
        from .bicep import CARRIER
    else:
        from .json import CARRIER
    return CARRIER


class Document:
    """One template file's text, parsed.

    ``path`` is a file path or a URI (used for messages and config matching);
    ``language`` is ``json``, ``jsonc``, ``yaml`` or ``bicep``. A ``lazy`` document builds
    the parts of its value tree that are walked, as they are walked, when that
    provably changes no finding (see :func:`aiblint.document.json.read_strict`): a large
    ARM file then costs the resources that are checked, not the whole file. Strict JSON
    is then read without its syntax tree, which is made only if something asks for it.
    The language server builds lazily a file it opens in its start-up phase (unless small), and a large
    file made mostly of other resources (:func:`aiblint.lsp.store.builds_lazily`).
    """

    def __init__(self, text: str, path: str = "<stdin>", language: str | None = None, version: int | None = None,
                 lazy: bool = False):
        self.lazy = lazy
        # True when it is known that no object of the document repeats a key.
        self.duplicate_free = False
        # True when it is known that the text is strict JSON (no comments among other things).
        self.strict_json = False
        self.path = path
        self.language = language or language_for(path) or "json"
        self.carrier = carrier_for(self.language)
        self.version = version
        self._set_text(text)
        self._tree = None
        self._syntax_problems: list = []
        # A carrier may read the values without the syntax tree: then it is made when first asked for.
        self._tree_pending = self.carrier.defers_parse(self)
        if not self._tree_pending:
            self._parse(old_tree=None)

    # -- text -------------------------------------------------------------

    def _set_text(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        for attr in ("lines", "root", "broken_spans"):
            self.__dict__.pop(attr, None)
        self.duplicate_free = False
        self.strict_json = False

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.data)

    @property
    def parse_data(self) -> bytes:
        """The bytes the parsers read: :attr:`data` with a leading byte-order mark turned into spaces."""
        data = self.data
        return b"   " + data[3:] if data.startswith(_BOM_BYTES) else data

    def slice(self, span: Span) -> str:
        return self.data[span.start : span.end].decode("utf-8", "replace")

    # -- parsing ----------------------------------------------------------

    @property
    def is_yaml(self) -> bool:
        return self.language == "yaml"

    @property
    def tree(self):
        """The carrier's syntax tree of the text (tree-sitter's), or None if the carrier keeps none."""
        if self._tree_pending:
            self._parse(old_tree=None)
        return self._tree

    @property
    def tree_pending(self) -> bool:
        """Whether the syntax tree is still to be made (see :meth:`Carrier.defers_parse`)."""
        return self._tree_pending

    def _parse(self, old_tree) -> None:
        self._tree_pending = False
        self._tree = self.carrier.parse(self.parse_data, old_tree)

    @cached_property
    def root(self) -> Node | None:
        """The document's value tree (None for an empty or unparsable document)."""
        root, self._syntax_problems = self.carrier.build(self)
        return root

    @property
    def syntax_problems(self) -> list:
        """Syntax problems found while building :attr:`root` (:class:`aiblint.document.carrier.Problem`)."""
        _ = self.root
        return self._syntax_problems

    @property
    def yaml_error(self) -> tuple[Span, str] | None:
        """For YAML documents: the span and message of the first syntax error."""
        if not self.is_yaml or not self.syntax_problems:
            return None
        return self.syntax_problems[0].span, self.syntax_problems[0].message

    @cached_property
    def broken_spans(self) -> list[Span]:
        """Spans of the parts that could not be parsed (tree-sitter's ERROR and MISSING nodes).

        What the value tree holds there is a recovered guess, so checks stay quiet in and beside them.
        """
        return self.carrier.broken_spans(self)

    @property
    def has_syntax_error(self) -> bool:
        return self.carrier.has_syntax_error(self)

    def comment_spans(self) -> list[Span]:
        """Spans of the comments (``//`` and ``/* */`` in JSON and Bicep, ``#`` in YAML)."""
        return self.carrier.comment_spans(self)

    # -- editing ----------------------------------------------------------

    def apply_change(self, start: tuple[int, int] | None, end: tuple[int, int] | None, new_text: str,
                     encoding: str = UTF16) -> None:
        """Apply one LSP content change: replace ``start``..``end`` (line, character) with ``new_text``.

        ``start``/``end`` of None replaces the whole text. The tree-sitter tree is
        edited and reparsed incrementally (one not made yet is made from the new text when asked for).
        """
        if start is None or end is None:
            self._set_text(new_text)
            if not self._tree_pending:
                self._parse(old_tree=None)
            return
        lines = self.lines
        a = lines.offset(start[0], start[1], encoding)
        b = lines.offset(end[0], end[1], encoding)
        if b < a:
            a, b = b, a
        inserted = new_text.encode("utf-8", "surrogatepass")
        old_data = self.data
        new_data = old_data[:a] + inserted + old_data[b:]
        self._set_text(new_data.decode("utf-8", "surrogatepass"))
        if self._tree_pending:
            return  # made from the new text when first asked for
        if a < len(_BOM_BYTES) and (old_data.startswith(_BOM_BYTES) or new_data.startswith(_BOM_BYTES)):
            self._parse(old_tree=None)  # the masked byte-order mark came or went: bytes outside the edit changed
            return
        if self._tree is not None:
            new_end = a + len(inserted)
            self._tree.edit(a, b, new_end, _point(old_data, a), _point(old_data, b), _point(new_data, new_end))
        self._parse(old_tree=self._tree)


def _point(data: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter point (row, byte column) of ``offset``."""
    row = data.count(b"\n", 0, offset)
    line_start = data.rfind(b"\n", 0, offset) + 1
    return (row, offset - line_start)
