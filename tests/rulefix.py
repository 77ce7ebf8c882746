"""Helpers for the AIB3xx rule tests: positions of a snippet, the diagnostics of one code, applying fixes."""

from __future__ import annotations

import json
import textwrap

from aiblint.fixes import apply_text, choose
from lintutil import run


def src(text: str) -> str:
    """``text`` as ``lintutil.lint`` sees it (dedented, leading newlines dropped)."""
    return textwrap.dedent(text).lstrip("\n")


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int, int, int]:
    """The 0-based (line, char, line, char) range of the ``nth`` occurrence of ``needle`` (ASCII text)."""
    text = src(text)
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    before = text[:pos]
    line = before.count("\n")
    col = pos - (before.rfind("\n") + 1)
    inner = needle.split("\n")
    end_line = line + len(inner) - 1
    end_col = (col + len(needle)) if len(inner) == 1 else len(inner[-1])
    return (line, col, end_line, end_col)


def diagnostics(text: str, code: str, **settings):
    """The engine's diagnostics of ``code`` for ``text``."""
    return [d for d in run(text, **settings).diagnostics if d.code == code]


def fixed(text: str, code: str, *, unsafe: bool = False, filename: str = "template.json", **settings) -> str:
    """``text`` (dedented) after applying the chosen fix of every ``code`` diagnostic.

    Also checks that a JSON result still parses and that a second round changes nothing.
    """
    result = run(text, filename, **settings)
    chosen = choose([d for d in result.diagnostics if d.code == code], unsafe=unsafe)
    new, _applied = apply_text(result.document.text, chosen)
    if not filename.endswith((".yaml", ".yml")):
        json.loads(new)
    again = run(new, filename, **settings)
    second, _ = apply_text(again.document.text, choose([d for d in again.diagnostics if d.code == code], unsafe=unsafe))
    assert second == new, "applying the fixes again changed the text"
    return new


def fix_titles(text: str, code: str, **settings) -> list[list[tuple[str, bool]]]:
    """For each ``code`` diagnostic: its fixes as (title, safe)."""
    return [[(f.title, f.safe) for f in d.fixes] for d in diagnostics(text, code, **settings)]


def arm(resource_properties: dict, *, parameters: dict | None = None, variables: dict | None = None,
        api: str = "2024-02-01", identity: dict | None = None) -> str:
    """An ARM deployment template holding one imageTemplate resource, as indented JSON."""
    resource = {
        "type": "Microsoft.VirtualMachineImages/imageTemplates",
        "apiVersion": api,
        "name": "image",
        "location": "westeurope",
    }
    if identity is not None:
        resource["identity"] = identity
    resource["properties"] = resource_properties
    doc = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": parameters or {},
        "variables": variables or {},
        "resources": [resource],
    }
    return json.dumps(doc, indent=2)
