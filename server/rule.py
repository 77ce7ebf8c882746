"""What a rule is, and the registry that finds them.

A rule is a module in the ``aiblint.rules`` package (the ``rules/`` folder)
that defines:

``CODE``      the fixed code, e.g. ``"AIB302"``
``NAME``      kebab-case name, e.g. ``"duplicate-customizer-name"``
``SEVERITY``  default severity: ``"error"``, ``"warning"`` or ``"info"``
``SUMMARY``   one line
``SEVERITY_NOTE`` (optional) how the severity depends on the API version or
              the finding, for a rule that reports more than one severity
``SCOPE``     ``"template"`` (default: ``check`` runs once per imageTemplate
              body) or ``"document"`` (once per document)
``check(ctx)`` a generator of :class:`~aiblint.diagnostics.Diagnostic`
              built with ``ctx.diagnostic(...)``; a module whose diagnostics
              the engine itself produces (syntax, schema) sets ``ENGINE = True``
              and has no ``check``.

The module docstring is the rule's documentation (What it does / Why is this
bad / Example / Fix / API versions / Source); ``aiblint --explain CODE`` prints it.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable, Iterator

from .armexpr import Opaque, Synthetic
from .diagnostics import Diagnostic, Fix, Related, Severity, Span
from .document.nodes import Node

DOCS_BASE = "https://github.com/aiblint/aiblint/blob/main/docs/rules.md"


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    scope: str
    check: Callable | None
    # Lower-case text whose presence in a file makes this rule's findings on one resource depend on other
    # resources of the file (e.g. a trigger's type); the language server then re-checks the whole file.
    cross_resource: tuple[str, ...] = ()
    severity_note: str = ""
    # Each fix of this rule removes the finding it belongs to, whatever else the file holds: what ``--check``
    # counts as fixable then needs no second check of the fixed text (``CERTAIN_FIXES`` in the module).
    certain_fixes: bool = False

    @property
    def url(self) -> str:
        return f"{DOCS_BASE}#{self.code.lower()}-{self.name}"


class Context:
    """What a rule sees: the document, one template (for template rules), the catalog, settings."""

    def __init__(self, document, template, catalog, settings, rule: RuleInfo | None = None, templates=(),
                 version: str | None = None):
        self.document = document
        self.template = template
        # Every template found in the document (for checks across templates, e.g. a shared staging group).
        self.templates = tuple(templates)
        self.catalog = catalog
        self.settings = settings
        self.rule = rule
        # The API version this check runs under: one of the template's plausible versions.
        self.version = version
        # Whether the check asked for the API version (else its findings hold under every version).
        self.version_used = False

    @property
    def api_version(self) -> str:
        self.version_used = True
        if self.version:
            return self.version
        return self.template.api_version if self.template else self.settings.default_api_version

    @property
    def schema(self):
        """The catalog's schema for this template's API version."""
        return self.catalog.version(self.api_version)

    def values(self, node: Node | None) -> Iterator[tuple[Node, Node | None]]:
        """The literal values ``node`` stands for, each with the node that refers to it.

        A literal yields itself (reference None). An ARM expression yields its
        value as far as it is known without Azure (:mod:`aiblint.armexpr`), with
        ``node`` as the reference (for related information): a bare
        ``[parameters('p')]`` the value an enclosing deployment passes, else the
        default and each of the ``allowedValues``; ``[variables('v')]`` the
        variable's value; anything else its one value. A value built by an
        expression is synthetic (no fix may edit it); a value known only at
        deployment yields nothing.
        """
        if node is None:
            return iter(())
        if node.kind != "string" or "[" not in node.value or not node.is_expression:
            return iter(((node, None),))  # a literal stands for itself
        if isinstance(node, Synthetic):
            # A value an expression built, whose text reads as an expression: itself (unknown: nothing).
            return iter(() if isinstance(node, Opaque) else ((node, None),))
        evaluator = self.template.arm if self.template else None
        return evaluator.values(node) if evaluator is not None else iter(())

    def text(self, span: Span) -> str:
        return self.document.slice(span)

    def diagnostic(self, where: Node | Span, message: str, *, code: str | None = None,
                   severity: Severity | str | None = None, related: Iterable[Related] = (),
                   fixes: Iterable[Fix] = (), on_key: bool = False) -> Diagnostic:
        """A diagnostic of this rule (or ``code``) at a node's value (or its key, with ``on_key``)."""
        if isinstance(where, Node):
            span = where.anchor if on_key else where.span
        else:
            span = where
        if isinstance(severity, str):
            severity = Severity.parse(severity)
        rule = self.rule
        return Diagnostic(
            code=code or rule.code,
            message=message,
            span=span,
            severity=severity or (rule.severity if rule else Severity.ERROR),
            related=tuple(related),
            fixes=tuple(fixes),
        )


def _info(module: ModuleType) -> RuleInfo:
    return RuleInfo(
        code=module.CODE,
        name=module.NAME,
        severity=Severity.parse(module.SEVERITY),
        summary=module.SUMMARY,
        doc=(module.__doc__ or "").strip(),
        scope=getattr(module, "SCOPE", "template"),
        check=None if getattr(module, "ENGINE", False) else module.check,
        cross_resource=tuple(getattr(module, "CROSS_RESOURCE", ())),
        severity_note=getattr(module, "SEVERITY_NOTE", ""),
        certain_fixes=bool(getattr(module, "CERTAIN_FIXES", False)),
    )


class Registry:
    """All rules, by code and by name."""

    def __init__(self, rules: Iterable[RuleInfo]):
        self.rules = sorted(rules, key=lambda r: r.code)
        self.by_code = {r.code: r for r in self.rules}
        self.by_name = {r.name: r for r in self.rules}

    def __iter__(self) -> Iterator[RuleInfo]:
        return iter(self.rules)

    def get(self, code_or_name: str) -> RuleInfo | None:
        key = code_or_name.strip()
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def resolve(self, selector: str) -> list[RuleInfo]:
        """Rules matched by a code, a code prefix (``AIB2``) or a name; ``ALL`` matches all."""
        key = selector.strip()
        if key.upper() == "ALL":
            return list(self.rules)
        rule = self.get(key)
        if rule:
            return [rule]
        return [r for r in self.rules if r.code.startswith(key.upper())]


_registry: Registry | None = None


def registry() -> Registry:
    """The registry of every rule module in ``aiblint.rules`` (imported once)."""
    global _registry
    if _registry is None:
        from . import rules as package

        infos = []
        for mod in pkgutil.iter_modules(package.__path__):
            if mod.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{mod.name}")
            if hasattr(module, "CODE"):
                infos.append(_info(module))
        _registry = Registry(infos)
    return _registry
