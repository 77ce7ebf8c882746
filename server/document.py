"""Documents: text, tree-sitter syntax tree, value tree and positions.

A :class:`Document` is what every layer works on. It parses JSON/JSONC with
tree-sitter-json (tolerant of errors) and YAML with ruamel.yaml, and keeps the
tree-sitter tree so that edits can be applied incrementally
(:meth:`Document.apply_change`: ``Tree.edit`` + reparse with the old tree).
"""

from __future__ import annotations

import threading
from functools import cached_property

from .diagnostics import Span
from .nodes import JsonTreeBuilder, Node
from .positions import UTF16, LineIndex

BOM = "\ufeff"

JSON_SUFFIXES = (".json", ".jsonc")
YAML_SUFFIXES = (".yaml", ".yml")

_local = threading.local()


def ts_parser(grammar: str):
    """This thread's tree-sitter parser for the grammar package ``tree_sitter_<grammar>`` (made once)."""
    parser = getattr(_local, grammar, None)
    if parser is None:
        import importlib

        import tree_sitter

        module = importlib.import_module(f"tree_sitter_{grammar}")
        parser = tree_sitter.Parser(tree_sitter.Language(module.language()))
        setattr(_local, grammar, parser)
    return parser


def language_for(path: str) -> str | None:
    """``"json"``, ``"jsonc"`` or ``"yaml"`` by file name; None for other files."""
    low = path.lower()
    if low.endswith(".jsonc"):
        return "jsonc"
    if low.endswith(".json"):
        return "json"
    if low.endswith(YAML_SUFFIXES):
        return "yaml"
    return None


class Document:
    """One template file's text, parsed.

    ``path`` is a file path or a URI (used for messages and config matching);
    ``language`` is ``json``, ``jsonc`` or ``yaml``.
    """

    def __init__(self, text: str, path: str = "<stdin>", language: str | None = None, version: int | None = None):
        if text.startswith(BOM):
            text = text[1:]
        self.path = path
        self.language = language or language_for(path) or "json"
        self.version = version
        self._set_text(text)
        self.tree = None
        self._yaml_error: tuple[Span, str] | None = None
        self._syntax_problems: list = []
        self._parse(old_tree=None)

    # -- text -------------------------------------------------------------

    def _set_text(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        for attr in ("lines", "root", "broken_spans"):
            self.__dict__.pop(attr, None)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.data)

    def slice(self, span: Span) -> str:
        return self.data[span.start : span.end].decode("utf-8", "replace")

    # -- parsing ----------------------------------------------------------

    @property
    def is_yaml(self) -> bool:
        return self.language == "yaml"

    def _parse(self, old_tree) -> None:
        if self.is_yaml:
            self.tree = None
            return
        parser = ts_parser("json")
        self.tree = parser.parse(self.data, old_tree) if old_tree is not None else parser.parse(self.data)

    @cached_property
    def root(self) -> Node | None:
        """The document's value tree (None for an empty or unparsable document)."""
        if self.is_yaml:
            from .yamldoc import build_yaml_tree

            root, error = build_yaml_tree(self.text, self.data)
            self._yaml_error = error
            self._syntax_problems = []
            return root
        builder = JsonTreeBuilder(self.data)
        root = builder.build(self.tree.root_node)
        self._syntax_problems = builder.problems
        return root

    @property
    def syntax_problems(self) -> list:
        """JSON syntax problems found while building :attr:`root` (:class:`aiblint.jsonparse.Problem`)."""
        _ = self.root
        return self._syntax_problems

    @property
    def yaml_error(self) -> tuple[Span, str] | None:
        """For YAML documents: the span and message of the first syntax error."""
        _ = self.root
        return self._yaml_error

    @cached_property
    def broken_spans(self) -> list[Span]:
        """Spans of the parts tree-sitter could not parse (its ERROR and MISSING nodes); [] for YAML.

        What the value tree holds there is a recovered guess, so checks stay quiet in and beside them.
        """
        if self.tree is None or not self.tree.root_node.has_error:
            return []
        spans = []
        stack = [self.tree.root_node]
        while stack:
            n = stack.pop()
            if n.is_error or n.is_missing:
                spans.append(Span(n.start_byte, n.end_byte))
            elif n.has_error:
                stack.extend(n.children)
        return spans

    @property
    def has_syntax_error(self) -> bool:
        if self.is_yaml:
            return self.yaml_error is not None
        return self.tree.root_node.has_error

    def comment_spans(self) -> list[Span]:
        """Spans of ``//`` and ``/* */`` comments (JSON) or ``#`` comments (YAML)."""
        if self.is_yaml:
            from .yamldoc import yaml_comment_spans

            return yaml_comment_spans(self.data)
        spans: list[Span] = []
        stack = [self.tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "comment":
                spans.append(Span(n.start_byte, n.end_byte))
            elif n.child_count and (n.type in ("document", "object", "array", "pair", "ERROR")):
                stack.extend(n.children)
        spans.sort(key=lambda s: s.start)
        return spans

    # -- editing ----------------------------------------------------------

    def apply_change(self, start: tuple[int, int] | None, end: tuple[int, int] | None, new_text: str,
                     encoding: str = UTF16) -> None:
        """Apply one LSP content change: replace ``start``..``end`` (line, character) with ``new_text``.

        ``start``/``end`` of None replaces the whole text. The tree-sitter tree is
        edited and reparsed incrementally.
        """
        if start is None or end is None:
            if new_text.startswith(BOM):
                new_text = new_text[1:]
            self._set_text(new_text)
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
        old_end_point = _point(old_data, b)
        start_point = _point(old_data, a)
        self._set_text(new_data.decode("utf-8", "surrogatepass"))
        if self.tree is not None:
            new_end = a + len(inserted)
            self.tree.edit(a, b, new_end, start_point, old_end_point, _point(new_data, new_end))
        self._parse(old_tree=self.tree)


def _point(data: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter point (row, byte column) of ``offset``."""
    row = data.count(b"\n", 0, offset)
    line_start = data.rfind(b"\n", 0, offset) + 1
    return (row, offset - line_start)
