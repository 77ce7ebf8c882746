"""One tree-sitter parser per grammar and thread, made on first use."""

from __future__ import annotations

import threading

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


def error_spans(tree) -> list:
    """Spans of a tree's ERROR and MISSING nodes ([] for a clean tree)."""
    from ..diagnostics import Span

    if tree is None or not tree.root_node.has_error:
        return []
    spans = []
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            spans.append(Span(n.start_byte, n.end_byte))
        elif n.has_error:
            stack.extend(n.children)
    return spans
