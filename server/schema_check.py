"""Schema diagnostics (AIB200-AIB209): one template checked against its API version.

One walk over the template body, carrying the catalog's :class:`TypeSpec` for
each place, produces at most one diagnostic per real problem, on the offending
key or value. Discriminated unions (``source``, ``customize[]``,
``distribute[]``, ``validate.inVMValidations[]``) are resolved by their
``type`` value first, so a wrong type value is reported once instead of as a
cascade of "does not match any of" errors.

Decisions (also in the rule documentation):

* ARM expressions (``"[...]"``) are runtime values: never a wrong type or
  value. When a ``type`` is an expression (or unknown) the variant is not
  known, and only the properties every variant shares are checked.
* ARM's resource-level keys (``dependsOn``, ``condition``, ``copy``,
  ``comments``, ``scope``, ``metadata``; the catalog marks them ``arm_only``)
  and child ``resources`` are accepted on the resource, also in raw bodies
  (quickstarts keep ``"dependsOn": []`` there). Property copy loops
  (``"copy": [{"name", "count", "input"}]``) stand for the array they produce.
* Values of ARM's own keys are left to ARM (it compares ``copy.mode`` and the
  like ignoring case).
* Where the document does not parse, nothing is reported in or next to the
  broken part: the tree recovered there is a guess.
* A raw body (``az resource create``) needs no ``name``; an ARM resource does.
* Read-only properties (``provisioningState``, ``lastRunStatus``,
  ``exactVersion``, ...) are accepted silently and their values are not
  checked: they appear in GET responses saved as templates, and the service
  ignores them on create.
* The range of ``buildTimeoutInMinutes`` is left to AIB305 (build-timeout) and
  the value of ``identity.type`` to AIB311 (single-identity); their type is
  still checked here.
* A resource ID, object or array given as an ARM expression is checked in
  its value where that is known (:mod:`aiblint.armexpr`): the value a nested
  deployment passes to a parameter, else the parameter's default and allowed
  values, a variable's value, or what template functions build; not when it is
  empty (the finding on the literal the value came from, with the innermost use
  as related information; no fix on a value built by an expression).
* A missing ``sha256Checksum`` in an ISO source is left to AIB301
  (missing-sha256), so that it is reported once.
"""

from __future__ import annotations

import bisect
import difflib
import re

from .catalog.lookup import MAX_SIMILAR_INPUT, describe_versions
from .diagnostics import Diagnostic, Fix, Related, Severity, Span, TextEdit
from .document.nodes import ArrayNode, Node, ObjectNode, ScalarNode, find_node_at

RESOURCE_TYPE = "Microsoft.VirtualMachineImages/imageTemplates"
RESOURCE_PROVIDER = "Microsoft.VirtualMachineImages"
# From this version on the service rejects wrongly cased names and values.
STRICT_FROM = "2024-02-01"
# What one element of a discriminated union is called in messages, by the key holding it.
UNION_KINDS = {"source": "source", "customize": "customizer", "distribute": "distributor",
               "inVMValidations": "validator"}
# ARM carrier keys the catalog does not list: child resources of the resource.
ARM_EXTRA_KEYS = frozenset({"resources"})
# Keys of a deployment template itself, sometimes left at the top of a raw body.
# ``$schema`` only tells editors which JSON schema to use: accepted.
DEPLOYMENT_KEYS = frozenset({"contentVersion", "parameters", "variables", "outputs", "functions", "apiProfile"})
# Names the documentation (or an older API version) used for a property, by lower-case name.
ALIASES = {"tags": "artifactTags", "script": "scriptUri", "valid_exit_codes": "validExitCodes",
           "sourceuri": "sourceUri", "subnetname": "subnetId"}  # vnetConfig as a 2020 page showed it
# Values that a dedicated rule checks with a more telling message: AIB305
# build-timeout (the range) and AIB311 single-identity (the identity type).
VALUE_CHECKED_ELSEWHERE = frozenset({("properties", "buildTimeoutInMinutes"), ("identity", "type")})
# A newer property and the older one it replaced: when the template uses the newer one in
# a version that lacks it, that one finding also says what to use, and the older
# property is not reported missing as well.
REPLACES = {"targetRegions": "replicationRegions"}
# The script URL of Shell/PowerShell steps, renamed in 2019-05-01-preview. Written
# under the other version's name in a step with no script, it is left to AIB308.
SCRIPT_RENAMED = {"script": "scriptUri", "scriptUri": "script"}
# Resource-ID forms whose property documents "" as "none given": an empty
# stagingResourceGroup makes the service create a staging group itself.
EMPTY_ALLOWED = frozenset({"resourceGroup"})
# Required properties whose absence a dedicated rule reports (with a fix), by
# (union key, variant, property): AIB301 missing-sha256 for an ISO source.
REQUIRED_CHECKED_ELSEWHERE = frozenset({("source", "ISO", "sha256Checksum")})

ERROR, WARNING = Severity.ERROR, Severity.WARNING

_EXPRESSION = re.compile(r"^\s*\[(?!\[).*\]\s*$", re.S)
# How many expressions inside each other's values are followed at most.
MAX_FOLLOWED = 32
_patterns: dict[str, re.Pattern | None] = {}


def check(ctx):
    """Schema diagnostics for the template in ``ctx``."""
    if ctx.template is None:
        return []
    return _Checker(ctx).run()


def overlaps_broken(broken: list[Span], span: Span) -> bool:
    """Whether ``span`` overlaps a broken part; a zero-width one (a missing '}') counts when inside or at an end."""
    if len(broken) < 16:
        return any((b.start < span.end and span.start < b.end)
                   or (b.start == b.end and span.start <= b.start <= span.end) for b in broken)
    starts, reach, points = _broken_index(broken)
    i = bisect.bisect_left(starts, span.end)  # the parts that start before the span ends
    if i and reach[i - 1] > span.start:
        return True
    j = bisect.bisect_left(points, span.start)
    return j < len(points) and points[j] <= span.end


_BROKEN_INDEX: list = [(None, None)]  # (the broken spans, their index) of the document checked last


def _broken_index(broken: list[Span]):
    """Starts of the broken parts in order, the furthest end reached up to each, and the zero-width ones."""
    cached = _BROKEN_INDEX[0]
    if cached[0] is broken:
        return cached[1]
    ordered = sorted(broken, key=lambda b: b.start)
    reach, furthest = [], -1
    for b in ordered:
        furthest = max(furthest, b.end)
        reach.append(furthest)
    index = ([b.start for b in ordered], reach, sorted(b.start for b in broken if b.start == b.end))
    _BROKEN_INDEX[0] = (broken, index)
    return index


def near_broken(root: Node, broken: list[Span], span: Span) -> bool:
    """Whether ``span`` or the object/array around it (under ``root``) overlaps a part that did not parse."""
    if overlaps_broken(broken, span):
        return True
    node = find_node_at(root, span.start)
    container = node.parent if node is not None and node.parent is not None else node
    return container is not None and overlaps_broken(broken, container.span)


# --------------------------------------------------------------------------
# Wording helpers

_SINGULAR = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
             "object": "an object", "map": "an object", "array": "an array"}
_PLURAL = {"string": "strings", "integer": "integers", "number": "numbers", "boolean": "booleans",
           "object": "objects", "map": "objects", "array": "arrays"}


def describe(spec) -> str:
    """``an array of strings``, ``an integer``, ... for a spec."""
    if spec.type == "array" and spec.items is not None and spec.items.type in _PLURAL:
        return f"an array of {_PLURAL[spec.items.type]}"
    return _SINGULAR.get(spec.type, spec.type)


def describe_node(node: Node) -> str:
    if isinstance(node, ObjectNode):
        return "an object"
    if isinstance(node, ArrayNode):
        return "an array"
    if node.kind == "number":
        return "an integer" if isinstance(node.value, int) else "a fractional number"
    if node.kind == "boolean":
        return node.raw
    if node.kind == "null":
        return "null"
    return "a string"


def article(word: str) -> str:
    return f"an {word}" if word[:1].upper() in "AEIOU" else f"a {word}"


def version_range(versions: list[str], all_versions: tuple[str, ...]) -> str:
    """``API versions 2020-02-14 and later``, ``API versions up to 2019-05-01-preview``, ..."""
    noun = "API version" if len(versions) == 1 else "API versions"
    return f"{noun} {describe_versions(versions, all_versions)}"


_CLOSE_CACHE: dict = {}


def _close(name: str, candidates) -> str | None:
    """The closest candidate to ``name`` (case-insensitive), if close enough.

    Remembered per name and candidate collection (the catalog's, which live as long as
    the process): a template checked under several API versions, or one that repeats
    a misspelt key thousands of times, asks the same question again and again.
    """
    key = (name, id(candidates))
    hit = _CLOSE_CACHE.get(key)
    if hit is not None and hit[0] is candidates:
        return hit[1]
    found = _closest(name, candidates)
    if len(_CLOSE_CACHE) > 50_000:
        _CLOSE_CACHE.clear()
    _CLOSE_CACHE[key] = (candidates, found)
    return found


def _closest(name: str, candidates) -> str | None:
    if len(name) > MAX_SIMILAR_INPUT:
        return None
    low = {c.lower(): c for c in candidates}
    key = name.lower()
    found = difflib.get_close_matches(key, list(low), n=1, cutoff=0.75)
    if found:
        return low[found[0]]
    # A shortened or extended name: "buildTimeout" for "buildTimeoutInMinutes".
    starts = [c for c in low if len(key) >= 5 and (c.startswith(key) or key.startswith(c)) and len(c) >= 5]
    return low[starts[0]] if len(starts) == 1 else None


def _suggestion(name: str, props: dict) -> str | None:
    """The property that an unknown ``name`` most likely stands for (an alias or a close spelling)."""
    alias = ALIASES.get(name.lower())
    return alias if alias in props else _close(name, props)


def guess_version(text: str, versions) -> str | None:
    """The API version ``text`` most likely meant: same characters reordered, else same year and close."""
    key = text.strip().lower()
    if len(key) > MAX_SIMILAR_INPUT:
        return None
    for v in versions:
        if v == key or sorted(v) == sorted(key):
            return v
    same_year = [v for v in versions if v[:4] == key[:4]]
    found = difflib.get_close_matches(key, same_year, n=1, cutoff=0.6)
    if not found:
        found = difflib.get_close_matches(key, versions, n=1, cutoff=0.8)
    return found[0] if found else None


def _pattern(text: str) -> re.Pattern | None:
    if text not in _patterns:
        try:
            _patterns[text] = re.compile(text)
        except re.error:
            _patterns[text] = None
    return _patterns[text]




def _opening(node: Node) -> Span:
    """Where to report a problem of a whole object: its key, else its opening brace."""
    return node.key_span or Span(node.span.start, node.span.start + 1)


def _bare(name: str) -> str:
    """A key without stray punctuation around it, lower case: ``"type:"`` -> ``"type"``."""
    return name.strip(" \t:;,.'\"").lower()


def _is_expression(node: Node | None) -> bool:
    if not isinstance(node, ScalarNode) or node.kind != "string":
        return False
    first = node.value[:1]
    return (first == "[" or first.isspace()) and node.is_expression


class _Checker:
    def __init__(self, ctx):
        self.ctx = ctx
        self.template = t = ctx.template
        self.catalog = ctx.catalog
        self.version = ctx.api_version
        versions = ctx.catalog.versions
        self.strict = versions.index(self.version) >= versions.index(STRICT_FROM)
        self.arm = t.form != "raw"  # a Bicep resource is an ARM resource
        # Under several plausible versions the engine says how they were found (merge_versions).
        self.single = len(t.versions) == 1
        self.vname = f"API version {self.version}"
        self.suffix = ""
        if self.single and t.version_note:
            self.suffix = f" ({t.version_note})"
        elif self.single and t.version_assumed:
            self.vname += " (assumed)"
            self.suffix = f" (API version {self.version} assumed)"
        self.out: list[Diagnostic] = []
        self.broken = ctx.document.broken_spans
        self.via: Node | None = None  # the expression whose parameter/variable value is being checked
        self.following: set[int] = set()  # the expressions whose values are being checked
        # Answers about a property name that depend only on the name and the schema, remembered for the
        # pass: a hostile document repeats one unknown name thousands of times, under every plausible version.
        self.memo: dict = {}

    # -- output ---------------------------------------------------------------

    def replace(self, node: Node, value, title: str, safe: bool = True) -> Fix | None:
        """A fix that writes ``value`` over ``node``, in the document's syntax."""
        doc = self.ctx.document
        edit = doc.carrier.replace_value(doc, node, value)
        return Fix(title, (edit,), safe=safe) if edit is not None else None

    def rename(self, span: Span, name: str, title: str, safe: bool = True) -> Fix:
        """A fix that writes the key ``name`` over ``span``, in the document's syntax."""
        return Fix(title, (TextEdit(span, self.ctx.document.carrier.key_text(name)),), safe=safe)

    def in_broken(self, span: Span) -> bool:
        return overlaps_broken(self.broken, span)

    def near_broken(self, span: Span) -> bool:
        return near_broken(self.template.node, self.broken, span)

    def emit(self, code: str, span: Span, message: str, severity: Severity = ERROR, fix: Fix | None = None,
             related: tuple = ()) -> None:
        if self.broken and self.near_broken(span):
            return
        if self.suffix and self.vname not in message:
            message += self.suffix
        if self.via is not None and not related:
            related = (Related(self.via.span, "value used here"),)
        if fix is not None and self.built(span):
            fix = None  # the value was built by an ARM expression: there is no literal to edit
        self.out.append(Diagnostic(code=code, message=message, span=span, severity=severity,
                                   fixes=(fix,) if fix else (), related=related))

    def module_param(self, node: ObjectNode, name: str) -> str:
        """For a template a module call creates: which module param to add for the missing property."""
        if self.template.module_call is None:
            return ""
        from .modules import missing_param

        param = missing_param(self.template, node, name)
        return f"; add '{param}' to the module's params" if param else ""

    def built(self, span: Span) -> bool:
        """Whether ``span`` is an ARM expression whose value was built by evaluating it."""
        arm = self.template.arm
        return arm is not None and span in arm.sites

    def case_severity(self) -> Severity:
        return ERROR if self.strict else WARNING

    def other_versions(self, steps: tuple[str, ...], last: str) -> list[str]:
        """The other API versions that have the catalog location ``steps`` + ``last``."""
        key = ("versions", steps, last)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [v for v in self.catalog.versions_having(steps + (last,)) if v != self.version]
        return found

    # -- entry ----------------------------------------------------------------

    def run(self) -> list[Diagnostic]:
        root = self.template.node
        if self.version == self.template.versions[-1]:  # the same under every version: checked once
            first = len(self.out)
            self.api_version()
            self.resource_type()
            for d in self.out[first:]:
                d.data["version_independent"] = True
        self.object(root, self.ctx.schema.resource, (), "the image template", root=True)
        return self.out

    def api_version(self) -> None:
        t = self.template
        node = t.version_node
        if isinstance(node, ScalarNode) and node.kind != "string":
            self.emit("AIB202", node.span, f"'apiVersion' must be a string, not {describe_node(node)}")
            return
        if t.unknown_version is None or node is None:
            return
        text = t.unknown_version
        where = "" if not _is_expression(node) else f" (the value of {node.value.strip()[1:-1]})"
        msg = f"'{text}'{where} is not an Image Builder API version"
        close = guess_version(text, self.catalog.versions)
        fixes = ()
        if close:
            msg += f"; did you mean '{close}'?"
            if not where:  # a literal; a parameter's default is fixed where it is declared
                fix = self.replace(node, close, f"Use API version {close}", safe=False)
                fixes = (fix,) if fix else ()
        checked = self.template.versions
        msg += f" (checked against {self.version if len(checked) == 1 else describe_versions(checked, self.catalog.versions)})"
        self.out.append(Diagnostic("AIB207", msg, node.span, ERROR, fixes=fixes))

    def resource_type(self) -> None:
        """AIB209: a raw body whose ``type`` names another resource.

        ``type`` is read-only in the API: request bodies (the API's own examples,
        ``az image builder``) leave it out, and ``az resource create
        --resource-type`` quickstarts wrote just the provider; ARM compares types
        ignoring case. None of that is reported.
        """
        if self.arm:
            return  # find_templates matched the type of an ARM resource.
        member = self.template.node.get_ci("type")
        value = member.value if member is not None else None
        if value is None or _is_expression(value):
            return
        if isinstance(value, ScalarNode) and value.kind == "string":
            text = value.value.strip().lower()
            if text in (RESOURCE_TYPE.lower(), RESOURCE_PROVIDER.lower()):
                return
            shown = value.value
        else:
            shown = describe_node(value)
        self.out.append(Diagnostic(
            "AIB209", f"'type' is '{shown}', not '{RESOURCE_TYPE}': this body describes an image template",
            value.span, WARNING,
            fixes=tuple(f for f in (self.replace(value, RESOURCE_TYPE, "Write the image template type"),) if f)))

    # -- values ---------------------------------------------------------------

    def value(self, node: Node | None, spec, steps: tuple, label: str) -> None:
        if node is None or spec is None:
            return
        if _is_expression(node):
            if spec.type == "string" and spec.resource_id:
                self.referred_resource_ids(node, spec.resource_id, label)
            elif spec.type in ("object", "map", "array"):
                self.referred_value(node, spec, steps, label)
            return
        kind = spec.type
        if kind == "any":
            return
        if kind == "object":
            if isinstance(node, ObjectNode):
                self.object(node, spec, steps, label)
            else:
                self.wrong_type(node, spec, label)
        elif kind == "map":
            if isinstance(node, ObjectNode):
                self.map(node, spec, steps, label)
            else:
                self.wrong_type(node, spec, label)
        elif kind == "array":
            if isinstance(node, ArrayNode):
                item_label, item_steps = f"each item of {label}", steps + ("[]",)
                for item in node.items:
                    self.value(item, spec.items, item_steps, item_label)
            else:
                self.wrong_type(node, spec, label)
        else:
            self.scalar(node, spec, steps, label)

    def wrong_type(self, node: Node, spec, label: str) -> None:
        msg = f"{label} must be {describe(spec)}, not {describe_node(node)}"
        fix = None
        if isinstance(node, ScalarNode) and node.kind == "string":
            text = node.value.strip()
            if spec.type in ("integer", "number") and re.fullmatch(r"-?\d+(\.\d+)?", text):
                msg += f"; write {text} without quotes"
                fix = self.replace(node, float(text) if "." in text else int(text), "Remove the quotes")
            elif spec.type == "boolean" and text.lower() in ("true", "false"):
                msg += f"; write {text.lower()} without quotes"
                fix = self.replace(node, text.lower() == "true", "Remove the quotes")
        self.emit("AIB202", node.span, msg[0].upper() + msg[1:], fix=fix)

    def scalar(self, node: Node, spec, steps: tuple, label: str) -> None:
        if not isinstance(node, ScalarNode):
            self.wrong_type(node, spec, label)
            return
        kind, val = node.kind, node.value
        expected = spec.type
        if expected == "string":
            ok = kind == "string"
        elif expected == "integer":
            ok = kind == "number" and (isinstance(val, int) or (isinstance(val, float) and val.is_integer()))
        elif expected == "number":
            ok = kind == "number" and not isinstance(val, str)
        elif expected == "boolean":
            ok = kind == "boolean"
        else:
            ok = True
        if not ok:
            self.wrong_type(node, spec, label)
            return
        if len(steps) == 2 and steps in VALUE_CHECKED_ELSEWHERE:
            return
        if kind == "string":
            self.string_value(node, spec, steps, label)
        elif kind == "number":
            if spec.minimum is not None and val < spec.minimum:
                self.emit("AIB204", node.span, f"{label} must be at least {spec.minimum}, not {node.raw}")
            elif spec.maximum is not None and val > spec.maximum:
                self.emit("AIB204", node.span, f"{label} must be at most {spec.maximum}, not {node.raw}")

    def string_value(self, node: ScalarNode, spec, steps: tuple, label: str) -> None:
        val = node.value
        if spec.enum:
            if val in spec.enum:
                return
            match = next((e for e in spec.enum if e.lower() == val.lower()), None)
            if match is not None:
                self.emit("AIB204", node.span, f"'{val}' should be written '{match}'; values are "
                          f"case-sensitive from API version {STRICT_FROM}", self.case_severity(),
                          self.replace(node, match, f"Write '{match}'"))
                return
            elsewhere = self.other_versions(steps, f"={val}")
            if elsewhere:
                self.emit("AIB206", node.span, f"'{val}' is not allowed for {label} in {self.vname}; "
                          f"it is valid in {version_range(elsewhere, self.catalog.versions)}")
                return
            close = _close(val, spec.enum)
            self.emit("AIB204", node.span, f"'{val}' is not an allowed value for {label} in {self.vname}; "
                      f"expected one of {', '.join(sorted(spec.enum))}",
                      fix=self.replace(node, close, f"Write '{close}'", safe=False) if close else None)
            return
        if spec.pattern:
            pattern = _pattern(spec.pattern)
            if pattern is not None and not pattern.search(val):
                self.emit("AIB204", node.span, f"'{val}' is not a valid value for {label}: it must match {spec.pattern}")
                return
        if spec.resource_id:
            self.resource_id(node, val, spec.resource_id, label)

    def resource_id(self, where: Node | Span, value: str, form_name: str, label: str, related: tuple = ()) -> None:
        """A finding at ``where`` (a value, or a span) when ``value`` is not the resource ID of form ``form_name``."""
        from .catalog import resource_ids

        form = resource_ids.FORMS.get(form_name)
        if form is None or resource_ids.matches(form_name, value):
            return
        if value == "" and form_name in EMPTY_ALLOWED:
            return
        other = resource_ids.identify(value)
        if resource_ids.matches(form_name, value.strip()):
            what = f"has spaces around the resource ID of {form.what}"
        elif other == "galleryImageVersionOrLatest" and form_name == "galleryImageVersion":
            what = ("names the latest image version or a direct shared gallery, which the service accepts from "
                    f"API version 2022-07-01; give the resource ID of {form.what}")
        elif other == "galleryImageVersionOrLatest":
            what = f"is the resource ID of a gallery image version, not of {form.what}"
        elif other is not None:
            what = f"is the resource ID of {resource_ids.FORMS[other].what}, not of {form.what}"
        else:
            what = f"is not the resource ID of {form.what}"
        message = f"{label} {what}; expected {form.template}"
        self.emit("AIB208", where if isinstance(where, Span) else where.span, message[0].upper() + message[1:],
                  related=related)

    def referred_value(self, node: ScalarNode, spec, steps: tuple, label: str) -> None:
        """An object or array given as an ARM expression: checked in its value, where that is written.

        A parameter's value is checked in the literal passed to it or in its default; an
        object or array built by template functions in what they build (the literals inside
        keep their own place). An empty default (``{}``, ``[]``) means "no default": the
        deployment passes the value. Related information points at the innermost use.
        """
        if id(node) in self.following or len(self.following) > MAX_FOLLOWED:
            return  # a value that contains its own use, or a chain too long to follow
        for value, ref in self.ctx.values(node):
            if ref is None or _is_expression(value) or isinstance(value, (ObjectNode, ArrayNode)) and \
                    not (value.members if isinstance(value, ObjectNode) else value.items):
                continue
            outer, self.via = self.via, node
            self.following.add(id(node))
            try:
                self.value(value, spec, steps, label)
            finally:
                self.via = outer
                self.following.discard(id(node))

    def referred_resource_ids(self, node: ScalarNode, form_name: str, label: str) -> None:
        """A resource ID given as ``[parameters('p')]``/``[variables('v')]``: their literal values."""
        for value, ref in self.ctx.values(node):
            # An empty default is "no default": the deployment passes the value.
            if ref is not None and isinstance(value, ScalarNode) and value.kind == "string" \
                    and value.value and not _is_expression(value):
                where = f"{label} (the value of {node.value.strip()[1:-1]})"
                self.resource_id(value, value.value, form_name, where, (Related(node.span, "value used here"),))

    # -- objects --------------------------------------------------------------

    def map(self, node: ObjectNode, spec, steps: tuple, label: str) -> None:
        keys = spec.keys
        for m in node.members:
            if keys is not None and keys.resource_id and not _EXPRESSION.match(m.name):
                self.resource_id(m.key_span, m.name, keys.resource_id, f"The key '{m.name}' of {label}")
            self.value(m.value, spec.values, steps + ("{}",), f"'{m.name}'")

    def object(self, node: ObjectNode, spec, steps: tuple, label: str, root: bool = False) -> None:
        outer = steps
        variant = vname = None
        resolved = True
        disc = spec.discriminator
        if disc:
            variant, vname = self.discriminator(node, spec, steps)
            resolved = variant is not None
            # A variant's own location, or the catalog's location of the properties every variant shares.
            steps = steps + ((vname,) if resolved else ("*",))

        def place() -> str:
            """How messages name this object (only worked out when one is needed)."""
            if disc:
                kind = self._kind(outer)
                return article(f"{vname} {kind}" if resolved else kind)
            if not root and outer and outer[-1] == "[]":
                return f"an item of '{self._container_key(outer)}'"
            return label

        eff = variant or spec  # a variant's properties include the shared ones
        props = eff.properties
        present: set[str] = set()
        low_disc = disc.lower() if disc else None
        misplaced: list = []  # (member, types having it, its name there): properties of other types of this union
        for m in node.members:
            if m.name.lower() == low_disc or (disc and _bare(m.name) == low_disc):
                continue
            if root and m.name in ("type", "apiVersion"):
                continue
            prop = props.get(m.name)
            if prop is None:
                if self.arm and m.name == "copy" and isinstance(m.value, ArrayNode) and not root:
                    present.update(self.copy_loops(m.value, props, steps, place))
                    continue
                prop = self.unknown(m, spec, eff, resolved, steps, place, root, node, misplaced)
                if prop is None:
                    continue
            present.add(prop.name)
            if prop.read_only or prop.arm_only or m.value is None:
                continue  # read-only: from saved GET responses; ARM's own keys: ARM checks them
            self.value(m.value, prop.spec, steps + (prop.name,), f"'{prop.name}'")
        arm = self.arm
        missing = [name for name, prop in props.items()
                   if (prop.required or (prop.arm_required and arm)) and self._missing(node, props, prop, present, disc,
                                                                                      root)]
        if misplaced and missing and self._wrong_type(node, spec, outer, vname, misplaced):
            return  # one finding: the type, not its missing and misplaced properties
        for m, owners, exact in misplaced:
            self._misplaced(m, owners, exact, place())
        for name in missing:
            if disc and (self._container_key(outer), vname, name) in REQUIRED_CHECKED_ELSEWHERE:
                continue
            self.emit("AIB203", _opening(node), f"Missing required property '{name}' in {place()}"
                      + self.module_param(node, name))

    def _missing(self, node: ObjectNode, props: dict, prop, present: set, disc: str | None, root: bool) -> bool:
        """Whether required ``prop`` is missing from ``node`` and not reported otherwise."""
        name = prop.name
        required = prop.required or (prop.arm_required and self.arm)
        if not required or prop.read_only or name in present or name == disc:
            return False
        if root and name in ("type", "apiVersion"):
            return False
        if self.broken and self.in_broken(node.span):
            return False  # the property may be in the part that did not parse
        # A misspelling, or a newer replacement, of it is reported instead.
        return not any(m.name not in props and (_suggestion(m.name, props) == name or REPLACES.get(m.name) == name)
                       for m in node.members)

    def _wrong_type(self, node: ObjectNode, spec, steps: tuple, vname: str, misplaced: list) -> bool:
        """Report the type once (AIB205) when the misplaced properties say which type was meant.

        That is when they all belong to one other type, and that type either has
        everything it requires, or has its resource ID (``galleryImageId``) where
        the declared type's own (``imageId``) is missing. Otherwise the properties
        and the missing ones are reported each (and a changed type is not undone).
        """
        common = set(misplaced[0][1]).intersection(*(owners for _m, owners, _exact in misplaced[1:]))
        if len(common) != 1:
            return False
        (other,) = common
        member = node.member(spec.discriminator) or node.get_ci(spec.discriminator)
        if member is None or not isinstance(member.value, ScalarNode):
            return False
        names = {m.name.lower() for m in node.members}

        def required(variant: str) -> list:
            return [p for p in spec.variants[variant].properties.values()
                    if p.required and not p.read_only and p.name != spec.discriminator]

        needs = [p.name for p in required(other) if p.name.lower() not in names]
        has_id = any(p.spec.resource_id and p.name.lower() in names for p in required(other))
        own_id = any(p.spec.resource_id and p.name.lower() in names for p in required(vname))
        if needs and not (has_id and not own_id):
            return False
        kind = self._kind(steps)
        shown = ", ".join(f"'{m.name}'" for m, _owners, _exact in misplaced)
        also = f" (which also needs {', '.join(repr(n) for n in needs)})" if needs else ""
        self.emit("AIB205", member.value.span, f"The {kind} has the properties of {article(other)} {kind} ({shown}), "
                  f"not of {article(vname)} {kind}; did you mean type '{other}'{also}?",
                  fix=self.replace(member.value, other, f"Write '{other}'", safe=False))
        return True

    def _misplaced(self, m, owners: list[str], exact: str, here: str) -> None:
        """AIB205: a property of other types of this union."""
        kind = here.split()[-1]
        spelled = "" if exact == m.name else f" (as '{exact}')"
        types = " and ".join([", ".join(owners[:-1]), owners[-1]] if len(owners) > 1 else owners)
        plural = "s" if len(owners) > 1 else ""
        self.emit("AIB205", m.key_span, f"'{m.name}' belongs to {types if plural else article(types)} "
                  f"{kind}{plural}{spelled}, not {here}", self.case_severity())

    def _kind(self, steps: tuple) -> str:
        """What an element of the union at ``steps`` is called: source, customizer, ..."""
        key = self._container_key(steps)
        return UNION_KINDS.get(key, key or "object")

    @staticmethod
    def _container_key(steps: tuple) -> str:
        """The property name holding the value at ``steps`` (``customize`` for ``customize/[]``)."""
        for step in reversed(steps):
            if step not in ("[]", "{}"):
                return step
        return ""

    def discriminator(self, node: ObjectNode, spec, steps: tuple):
        """Check the discriminator; (variant, its name) or (None, None) when unknown."""
        disc = spec.discriminator
        member = node.member(disc)
        if member is None:
            member = node.get_ci(disc)
            if member is not None:
                self.emit("AIB201", member.key_span, f"'{member.name}' should be written '{disc}'; property "
                          f"names are case-sensitive from API version {STRICT_FROM}", self.case_severity(),
                          self.rename(member.key_span, disc, f"Rename to '{disc}'"))
        if member is None:
            # A key with stray punctuation ("type:"): one finding, the did-you-mean, and its value is used.
            member = next((m for m in node.members if _bare(m.name) == disc.lower()), None)
            if member is not None:
                self.emit("AIB200", member.key_span, f"Unknown property '{member.name}' in "
                          f"{article(self._kind(steps))}; did you mean '{disc}'?",
                          fix=self.rename(member.key_span, disc, f"Rename to '{disc}'", safe=False))
        if member is None or member.value is None:
            if self.broken and self.in_broken(node.span):
                return None, None
            self.emit("AIB203", _opening(node), f"Missing required property '{disc}' in {article(self._kind(steps))}; "
                      f"expected one of {', '.join(sorted(spec.variants))}")
            return None, None
        value = member.value
        if _is_expression(value):
            return None, None
        if not (isinstance(value, ScalarNode) and value.kind == "string"):
            self.emit("AIB202", value.span, f"'{disc}' must be a string, not {describe_node(value)}")
            return None, None
        text = value.value
        variant = spec.variant(text)
        if variant is not None:
            return variant, text
        name = spec.variant_ci(text)
        if name is not None:
            variant = spec.variants[name]
            self.emit("AIB204", value.span, f"'{text}' should be written '{name}'; values are case-sensitive "
                      f"from API version {STRICT_FROM}", self.case_severity(),
                      self.replace(value, name, f"Write '{name}'"))
            return variant, name
        kind = self._kind(steps)
        elsewhere = self.other_versions(steps, text)
        if elsewhere:
            self.emit("AIB206", value.span, f"'{text}' is not {article(kind)} type in {self.vname}; it exists in "
                      f"{version_range(elsewhere, self.catalog.versions)}")
        else:
            close = _close(text, spec.variants)
            self.emit("AIB204", value.span, f"'{text}' is not {article(kind)} type in {self.vname}; "
                      f"expected one of {', '.join(sorted(spec.variants))}",
                      fix=self.replace(value, close, f"Write '{close}'", safe=False) if close else None)
        return None, None

    def unknown(self, m, spec, eff, resolved: bool, steps: tuple, place, root: bool, node: ObjectNode,
                misplaced: list):
        """Report a member that ``eff`` (``spec`` or its variant) lacks; the property to check it as, if any."""
        name = m.name
        if root and ((self.arm and name in ARM_EXTRA_KEYS) or name == "$schema"):
            return None
        if root and not self.arm and name in DEPLOYMENT_KEYS:
            self.emit("AIB200", m.key_span, f"'{name}' belongs to an ARM deployment template, not to a template body",
                      self.case_severity())
            return None
        if _EXPRESSION.match(name):
            self.emit("AIB200", m.key_span, f"An ARM expression cannot be a property name in {place()}",
                      self.case_severity())
            return None
        prop = eff.prop_ci(name)
        if prop is not None:
            self.emit("AIB201", m.key_span, f"'{name}' should be written '{prop.name}'; property names are "
                      f"case-sensitive from API version {STRICT_FROM}", self.case_severity(),
                      self.rename(m.key_span, prop.name, f"Rename to '{prop.name}'"))
            return prop
        if spec.discriminator and not resolved:
            return None  # the type is unknown or decided at deployment: its properties cannot be judged
        if spec.discriminator:
            key = ("owners", id(spec), id(eff), name)
            owners = self.memo.get(key)
            if owners is None:
                owners = self.memo[key] = [v for v, vs in spec.variants.items() if vs is not eff and vs.prop_ci(name)]
            if owners:
                misplaced.append((m, owners, spec.variants[owners[0]].prop_ci(name).name))
                return None
        renamed = SCRIPT_RENAMED.get(name)
        if renamed in eff.properties and node.member(renamed) is None and node.member("inline") is None:
            return None  # AIB308 (script-source) reports the step as having no script, naming the rename
        elsewhere = self.other_versions(steps, name)
        if elsewhere:
            # The name this version uses instead: a newer one's predecessor, or an older one's successor.
            other = REPLACES.get(name) or ALIASES.get(name.lower())
            instead = f"; use '{other}' in this version" if other in eff.properties and node.member(other) is None else ""
            fix = self.rename(m.key_span, other, f"Rename to '{other}'", safe=False) \
                if instead and name not in REPLACES else None
            # Before STRICT_FROM the service ignored properties it did not know.
            self.emit("AIB206", m.key_span, f"'{name}' is not available in {self.vname}; it exists in "
                      f"{version_range(elsewhere, self.catalog.versions)}{instead}",
                      ERROR if instead and eff.properties[other].required else self.case_severity(), fix)
            return None
        self.unknown_property(m.key_span, name, eff.properties, place(), node)
        return None

    def unknown_property(self, span: Span, name: str, props: dict, place: str, node: ObjectNode | None = None) -> None:
        """AIB200 with "did you mean" (a close or known alternative name, offered as a fix) or where it belongs.

        An error when it stands for a required property that is missing (the service rejects that);
        otherwise an error only where the service rejects unknown properties (STRICT_FROM).
        """
        close = _suggestion(name, props)
        if close:
            fix = self.rename(span, close, f"Rename to '{close}'", safe=False)  # a guess: not applied by --fix
            needed = node is not None and props[close].required and node.member(close) is None
            self.emit("AIB200", span, f"Unknown property '{name}' in {place}; did you mean '{close}'?",
                      ERROR if needed else self.case_severity(), fix=fix)
            return
        key = ("hint", id(props), name)
        hint = self.memo.get(key)
        if hint is None:
            hint = self.memo[key] = self._belongs_inside(name, props)
        self.emit("AIB200", span, f"Unknown property '{name}' in {place}{hint}", self.case_severity())

    @staticmethod
    def _belongs_inside(name: str, props: dict) -> str:
        """"; it belongs inside 'x'" when a plain object property ``x`` of ``props`` has ``name``, else ""."""
        for prop in props.values():
            child = prop.spec
            if child.type == "object" and not child.discriminator and not prop.read_only:
                inner = child.prop_ci(name)
                if inner is not None and not inner.read_only:
                    return f"; it belongs inside '{prop.name}'"
        return ""

    def copy_loops(self, loops: ArrayNode, props: dict, steps: tuple, place) -> set[str]:
        """ARM property copy loops: each ``{"name", "count", "input"}`` makes the array ``name``."""
        made = set()
        for loop in loops.items:
            if not isinstance(loop, ObjectNode):
                continue
            name_node = loop.get("name")
            if not (isinstance(name_node, ScalarNode) and name_node.kind == "string") or _is_expression(name_node):
                continue
            prop = props.get(name_node.value)
            if prop is None:
                self.unknown_property(name_node.span, name_node.value, props, place())
                continue
            made.add(prop.name)
            if prop.spec.type == "array":
                self.value(loop.get("input"), prop.spec.items, steps + (prop.name, "[]"),
                           f"each item of '{prop.name}'")
        return made
