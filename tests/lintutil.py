"""Rule-tester helpers: lint a text and compare exact diagnostics (code, range, message).

``lint(text)`` returns :class:`Found` tuples with 0-based LSP ranges, so a test
reads like ``assert lint(src) == [Found("AIB302", (4, 14, 4, 20), "...")]``.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from aiblint.document import Document
from aiblint.engine import lint as engine_lint
from aiblint.settings import Settings


class Found(NamedTuple):
    code: str
    range: tuple[int, int, int, int]  # start line, start char, end line, end char (0-based, UTF-16)
    message: str


def run(text: str, filename: str = "template.json", **settings):
    """The engine's full result for ``text`` (dedented)."""
    doc = Document(textwrap.dedent(text).lstrip("\n"), filename)
    return engine_lint(doc, Settings(**settings))


def lint(text: str, filename: str = "template.json", codes: str | tuple[str, ...] | None = None, **settings) -> list[Found]:
    """Diagnostics for ``text`` (dedented), optionally only those whose code starts with ``codes``."""
    result = run(text, filename, **settings)
    lines = result.document.lines
    out = []
    for d in result.diagnostics:
        if codes and not d.code.startswith(codes):
            continue
        r = lines.range(d.span)
        out.append(Found(d.code, (r.start.line, r.start.character, r.end.line, r.end.character), d.message))
    return out


def codes(text: str, filename: str = "template.json", **settings) -> list[str]:
    return [f.code for f in lint(text, filename, **settings)]
