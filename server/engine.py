"""The engine: one document in, its diagnostics out.

Order of work for a document:

1. find the imageTemplate bodies it carries (:mod:`aiblint.templates`);
2. syntax diagnostics (AIB1xx, :mod:`aiblint.syntax`);
3. for each template: schema diagnostics (AIB2xx, :mod:`aiblint.schema_check`)
   against the catalog's schema of the template's API version, then every
   template-scope rule;
4. document-scope rules;
5. settings (select / ignore / severity / per-file ignores) and inline
   suppressions (:mod:`aiblint.suppress`);
6. every span moved onto character boundaries, without a trailing line break;
7. the limits: at most :data:`MAX_PER_CODE` findings of one code and
   :data:`MAX_PER_FILE` in all, then one "… and N more" finding per code
   (:func:`limit`), so that broken or hostile input cannot flood the output.

The CLI and the language server both call :func:`lint`; neither adds checks.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from . import catalog as catalog_mod
from .diagnostics import Diagnostic, Related, Severity, Span
from .document import Document
from .rule import Context, Registry, RuleInfo, registry as default_registry
from .settings import NEWEST_STABLE, Settings
from .templates import Template, find_templates, settle_versions

log = logging.getLogger(__name__)

MAX_PER_CODE = 100
MAX_PER_FILE = 500


@dataclass
class LintResult:
    document: Document
    templates: list[Template]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # AIB105 findings that wait for the slow work this check left out (see aiblint.suppress).
    held: list[Diagnostic] = field(default_factory=list)

    @property
    def is_template(self) -> bool:
        return bool(self.templates)


class Selection:
    """Which rules are on, and at which severity, under some settings."""

    def __init__(self, settings: Settings, registry: Registry):
        self.settings = settings
        self.registry = registry
        enabled: set[str] = set()
        for sel in settings.select or ["ALL"]:
            enabled.update(r.code for r in registry.resolve(sel))
        for sel in settings.ignore:
            enabled.difference_update(r.code for r in registry.resolve(sel))
        self.severity: dict[str, Severity] = {}
        for key, level in settings.severity.items():
            for r in registry.resolve(key):
                if level.lower() == "off":
                    enabled.discard(r.code)
                else:
                    self.severity[r.code] = Severity.parse(level)
        self.enabled = enabled

    def is_on(self, code: str) -> bool:
        return code in self.enabled

    @cached_property
    def cross_resource(self) -> tuple[bytes, ...]:
        """The lower-case texts by which an enabled rule recognises a file whose resources it reads across."""
        return tuple(sorted({m.encode() for r in self.registry if r.code in self.enabled for m in r.cross_resource}))

    def rules(self, scope: str) -> list[RuleInfo]:
        return [r for r in self.registry if r.scope == scope and r.check and r.code in self.enabled]


def lint(document: Document, settings: Settings | None = None, *, registry: Registry | None = None,
         catalog=None, selection: Selection | None = None, limited: bool = True, split: bool = False) -> LintResult:
    """Check one document and return its templates and (filtered) diagnostics.

    ``limited=False`` leaves out :func:`limit` (for a caller that combines results and limits them itself).
    ``split=True`` lets forked children check shares of many templates (:mod:`aiblint.split`).
    """
    from . import suppress, syntax
    from .online import deferred_codes

    settings = settings or Settings()
    registry = registry or default_registry()
    catalog = catalog or catalog_mod.load()
    selection = selection or Selection(settings, registry)
    templates = templates_of(document, settings, catalog)
    result = LintResult(document, templates)

    found: list[Diagnostic] = list(syntax.check(document, templates))
    template_rules = selection.rules("template")
    # One tuple for every rule's context (each context would otherwise copy the list: quadratic in templates).
    all_templates = tuple(templates)
    def check(template):
        return _check_template(document, template, catalog, settings, template_rules, all_templates)

    if split:
        from .split import map_forked

        # The line index that reports need (positions of the findings), built while a child may still work.
        per_template = map_forked(check, templates, meanwhile=lambda: document.lines)
    else:
        per_template = map(check, templates)
    for out in per_template:
        found.extend(out)
    if templates or document.has_syntax_error:
        for rule in selection.rules("document"):
            found.extend(_run(rule, Context(document, None, catalog, settings, rule)))

    if document.has_syntax_error and not document.is_yaml:
        found = _drop_near_broken(document, found)
    kept = []
    for d in _merge_duplicates(_drop_superseded(found)):
        rule = registry.get(d.code)
        if rule is not None:
            d.name = rule.name
        if not selection.is_on(d.code):
            continue
        if d.code in selection.severity:
            d.severity = selection.severity[d.code]
        kept.append(d)
    kept = suppress.apply(document, kept, selection, settings, pending=deferred_codes(settings.defer),
                          held=result.held)
    _snap_spans(document.data, kept)
    kept.sort(key=lambda d: d.sort_key)
    result.diagnostics = limit(kept) if limited else kept
    return result


def templates_of(document: Document, settings: Settings, catalog) -> list[Template]:
    """The imageTemplate bodies of ``document``, each with its plausible API versions settled."""
    default_version = settings.default_api_version
    if default_version not in catalog.versions:
        default_version = catalog.newest
    templates = find_templates(document.root, catalog.versions, default_version, document.path)
    # A configured default version applies as given; the built-in one is only a fallback.
    settle_versions(templates, catalog, document.path, infer=default_version in (NEWEST_STABLE, catalog.newest))
    return templates


def _check_template(document: Document, template: Template, catalog, settings: Settings,
                    rules: list[RuleInfo], templates: tuple[Template, ...]) -> list[Diagnostic]:
    """Schema pass and template rules, under each plausible version of ``template``, merged.

    A rule that does not ask for the API version while checking the newest one
    gives the same answer under every version and is not run again.
    """
    from . import schema_check

    versions = template.versions
    per_version: list[list[Diagnostic]] = [[] for _ in versions]
    for i, version in enumerate(versions):
        ctx = Context(document, template, catalog, settings, version=version)
        per_version[i] = _guard("schema", schema_check.check, ctx)
    newest = len(versions) - 1
    for rule in rules:
        ctx = Context(document, template, catalog, settings, rule, templates, version=versions[newest])
        out = _run(rule, ctx)
        per_version[newest].extend(out)
        if newest and not ctx.version_used:
            for d in out:
                d.data["version_independent"] = True
            continue
        for i in range(newest):
            per_version[i].extend(_run(rule, Context(document, template, catalog, settings, rule, templates,
                                                     version=versions[i])))
    out = per_version[0] if not newest else merge_versions(template, per_version, catalog)
    if template.module_names:
        _name_module_params(template, out)
    return out


def _name_module_params(template: Template, found: list[Diagnostic]) -> None:
    """A finding on a module param that stands for a property of another name says which param it is."""
    for d in found:
        named = template.module_names.get(d.span)
        if named is not None and named[0] in d.message:
            d.message += f" (the module's '{named[1]}')"


def merge_versions(template: Template, per_version: list[list[Diagnostic]], catalog) -> list[Diagnostic]:
    """One list from the findings under each plausible version (oldest first) of ``template``.

    A finding (same code and place) made under every plausible version keeps the
    mildest severity it had; one made under only some of them is one step milder
    (an error becomes a warning, a warning information) and says under which
    versions it holds. Either way the message is the one of the newest version it
    holds for, with how the versions were found.
    """
    versions = template.versions
    by_key: dict[tuple, list[tuple[str, Diagnostic]]] = {}
    for version, found in zip(versions, per_version):
        for d in found:
            by_key.setdefault((d.code, d.span.start, d.span.end), []).append((version, d))
    note = template.version_note
    out = []
    for hits in by_key.values():
        holds = list(dict.fromkeys(v for v, _d in hits))
        d = hits[-1][1]
        mildest = min(h.severity for _v, h in hits)
        if d.data.get("version_independent"):
            pass
        elif len(holds) == len(versions):
            d.severity = mildest
            if note and d.code.startswith("AIB2") and note not in d.message:
                d.message += f" ({note})"
        else:
            d.severity = Severity(max(Severity.INFO, mildest - 1))
            noun = "API version" if len(holds) == 1 else "API versions"
            d.message += f" (only with {noun} {catalog.describe_versions(holds)}; {note})"
        out.append(d)
    return out


def limit(found: list[Diagnostic]) -> list[Diagnostic]:
    """The first :data:`MAX_PER_CODE` findings of each code (:data:`MAX_PER_FILE` in all), in order, then
    one finding per code that was cut: "… and N more", at the first one left out."""
    if len(found) <= MAX_PER_CODE:
        return found
    counts: Counter = Counter()
    kept: list[Diagnostic] = []
    left_out: dict[str, list[Diagnostic]] = {}
    for d in found:
        counts[d.code] += 1
        if counts[d.code] > MAX_PER_CODE or len(kept) >= MAX_PER_FILE:
            left_out.setdefault(d.code, []).append(d)
        else:
            kept.append(d)
    if not left_out:
        return found
    for code, rest in left_out.items():
        first = rest[0]
        n = len(rest)
        more = Diagnostic(code, f"… and {n} more {code} finding{'s' if n > 1 else ''} in this file (not shown)",
                          first.span, max(d.severity for d in rest), name=first.name)
        more.data["more"] = n
        kept.append(more)
    kept.sort(key=lambda d: d.sort_key)
    return kept


def _snap_spans(data: bytes, found: list[Diagnostic]) -> None:
    """Put every span on character boundaries, without a line break at its end; drop a related place that
    is the diagnostic's own."""
    n = len(data)
    for d in found:
        if d.path is not None:
            continue  # in another file
        s, e = d.span.start, d.span.end
        if not d.related and 0 <= s <= e < n and data[s] < 0x80 and data[e] < 0x80 and \
                (e == s or data[e - 1] not in (0x0A, 0x0D)):
            continue  # already on ASCII boundaries (the common case)
        span = _snapped(data, d.span)
        if span is not d.span:
            d.span = span
        if d.related:
            d.related = tuple(_snapped_related(data, d.span, d.related))


def _snapped_related(data: bytes, own: Span, related):
    """The related places of a diagnostic at ``own``: those in this file snapped, those in another file (a
    script) as they are (span, path and lines). A place in this file that is the diagnostic's own ("… used
    here" where an ARM expression built the value in place) is left out: an editor would list the same range
    beneath it."""
    for r in related:
        if r.path is None:
            span = _snapped(data, r.span)
            if span == own:
                continue
            if span is not r.span:
                r = Related(span, r.message)
        yield r


def _snapped(data: bytes, span: Span) -> Span:
    n = len(data)
    s = min(max(span.start, 0), n)
    e = min(max(span.end, s), n)
    while 0 < s < n and 0x80 <= data[s] < 0xC0:
        s -= 1
    while 0 < e < n and 0x80 <= data[e] < 0xC0:
        e += 1
    while e > s and data[e - 1] in (0x0A, 0x0D):
        e -= 1
    if s == span.start and e == span.end:
        return span
    return Span(s, e)


def _drop_superseded(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop diagnostics inside the span of one marked ``supersedes`` (e.g. a placeholder value).

    A quickstart placeholder such as ``"<region>"`` is reported once, as what it
    is, rather than as the invalid region, resource ID or value it also is.
    Syntax diagnostics (AIB1xx) are always kept.
    """
    spans = [d.span for d in found if d.data.get("supersedes")]
    if not spans:
        return found
    return [
        d for d in found
        if d.data.get("supersedes") or d.code.startswith("AIB1")
        or not any(s.start <= d.span.start and d.span.end <= s.end for s in spans)
    ]


def _drop_near_broken(document: Document, found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop rule findings in or beside a part that did not parse.

    While an object is half typed (``{"type": "Shell", "``), what the parser
    recovered there is a guess; a rule finding on it would only be noise that
    goes away with the next keystroke. The schema pass applies the same test.
    """
    from .schema_check import near_broken

    broken = document.broken_spans
    root = document.root
    if not broken or root is None:
        return found
    return [d for d in found if not (d.code.startswith(("AIB3", "AIB4")) and near_broken(root, broken, d.span))]


def _merge_duplicates(found: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per (code, span, message).

    Two templates of one ARM file that share a parameter both report a problem
    with its value; the user sees it once, with the related information of both.
    """
    seen: dict[tuple, Diagnostic] = {}
    out = []
    for d in found:
        key = (d.code, d.span, d.message)
        first = seen.get(key)
        if first is None:
            seen[key] = d
            out.append(d)
        else:
            first.related = first.related + tuple(r for r in d.related if r not in first.related)
    return out


def _run(rule: RuleInfo, ctx: Context) -> list[Diagnostic]:
    return _guard(rule.code, rule.check, ctx)


def _guard(what: str, check, ctx: Context) -> list[Diagnostic]:
    """The findings of ``check(ctx)``; a crash in it is logged and costs only its own findings."""
    try:
        return list(check(ctx))
    except RecursionError:
        log.warning("%s: document too deeply nested to check", what)
        return []
    except Exception:  # noqa: BLE001 - one broken check must not take the others down
        log.exception("internal error in %s", what)
        return []
