"""Finding the schema that applies at a place in a template.

One API for the schema checker, completion and hover, so that all three agree.

Schema locations
----------------
A *schema location* names a place in the schema independently of any document
and of any API version. It is a tuple of strings, walked from the resource
object (the imageTemplate itself: ``type``, ``apiVersion``, ``location``,
``identity``, ``properties`` …):

* a property name descends into an object (``("properties", "vmProfile", "vmSize")``);
* ``"[]"`` descends into the items of an array, ``"{}"`` into the values of a map;
* under a discriminated union (``source``, ``customize[]``, ``distribute[]``,
  ``validate.inVMValidations[]``, ``versioning``) the next segment is the
  discriminator value (``"Shell"``), or ``"*"`` for a property that every
  variant shares (``type``, ``name``, ``runOutputName`` …);
* ``"=VALUE"`` names one allowed value of an enum property
  (``("identity", "type", "=UserAssigned")``).

So ``("properties", "customize", "[]", "Shell", "inline")`` is the ``inline``
property of a Shell customizer, ``("properties", "customize", "[]", "Shell")``
is the Shell customizer type itself, and
``("properties", "distribute", "[]", "*", "runOutputName")`` is the property
that every distribution target has. The string form joins the segments with
``/`` (:func:`loc_str`); the data files use it.
:meth:`aiblint.catalog.Catalog.versions_having` answers which API versions have
a location, :meth:`aiblint.catalog.Catalog.doc_for` documents it.

Resolving
---------
:func:`resolve_node` (a node of the value tree) and :func:`resolve_path` (a
JSON path of keys and indexes) return a :class:`Resolved`: the spec of the value
there, the :class:`~aiblint.catalog.model.Prop` it sits under, its location,
and for discriminated unions the variant chosen by the document's own
discriminator value (exact match only; :func:`match_ci` and
:meth:`TypeSpec.variant_ci` give the case-insensitive match for "did you
mean"). :func:`child` takes one step, also for a key whose value is still
missing (completion).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..document.nodes import ArrayNode, Node, ObjectNode, ScalarNode
from .model import Prop, TypeSpec

Location = tuple[str, ...]
ANY_VARIANT = "*"
ITEMS = "[]"
VALUES = "{}"

# Longer values get no "did you mean": similarity search costs the product of the lengths.
MAX_SIMILAR_INPUT = 100


def loc_str(location: Location) -> str:
    """The string form of a location key (segments joined by ``/``)."""
    return "/".join(location)


def parse_loc(text: str) -> Location:
    """The location key of a string form made by :func:`loc_str`."""
    return tuple(text.split("/")) if text else ()


@dataclass
class Resolved:
    """What the schema says about one place in a template.

    ``spec``
        the spec of the value there. For a discriminated union whose variant
        is known, the variant (its properties include the shared ones);
        otherwise the union itself (only the shared properties, plus
        ``variants``).
    ``prop``
        the property the value sits under (None at the resource root, for an
        array item and for a map value).
    ``location``
        the schema location key of the value (for a union: of the union, e.g.
        ``("properties", "source")``; see :attr:`type_location`).
    ``parent``
        the object spec (variant if known) that holds ``prop``; the array or
        map spec for items and values.
    ``union``, ``variant``, ``discriminator_value``
        for a union: the union spec, the matched discriminator value (None
        when the document's value is missing, not a literal string, or not
        exactly one of the variants), and the literal value found (if any).
    ``node``
        the document's node at this place, when known.
    """

    spec: TypeSpec
    prop: Prop | None
    location: Location
    parent: TypeSpec | None = None
    union: TypeSpec | None = None
    variant: str | None = None
    discriminator_value: str | None = None
    node: Node | None = None

    @property
    def type_location(self) -> Location | None:
        """Location of the matched variant (the type value), e.g. ``(..., "customize", "[]", "Shell")``."""
        return self.location + (self.variant,) if self.variant is not None else None

    @property
    def properties(self) -> dict[str, Prop]:
        """The properties allowed in this object (the variant's when known, else the shared ones)."""
        return self.spec.properties

    def property_location(self, name: str) -> Location:
        """Location of a property called ``name`` in this object (whether or not it exists here)."""
        if self.union is not None:
            return self.location + (self.variant or ANY_VARIANT, name)
        return self.location + (name,)

    def variant_location(self, value: str) -> Location:
        """Location of a discriminator value of this union (whether or not it exists here)."""
        return self.location + (value,)


def discriminator_value(node: Node | None, union: TypeSpec) -> str | None:
    """The literal string value of ``node``'s discriminator member, else None."""
    if not isinstance(node, ObjectNode) or union.discriminator is None:
        return None
    value = node.get(union.discriminator)
    if isinstance(value, ScalarNode) and value.kind == "string" and not value.is_expression:
        return value.value
    return None


def _resolved(spec: TypeSpec, prop: Prop | None, location: Location, parent: TypeSpec | None,
              node: Node | None) -> Resolved:
    if not spec.is_union:
        return Resolved(spec, prop, location, parent, node=node)
    value = discriminator_value(node, spec)
    variant = spec.variant(value)
    return Resolved(variant or spec, prop, location, parent, union=spec,
                    variant=value if variant is not None else None,
                    discriminator_value=value, node=node)


def root(schema, node: Node | None = None) -> Resolved:
    """The resource object of a :class:`~aiblint.catalog.VersionSchema` (``node``: the template's resource)."""
    return _resolved(schema.resource, None, (), None, node)


def _child_node(node: Node | None, key) -> Node | None:
    if isinstance(node, ObjectNode) and isinstance(key, str):
        return node.get(key)
    if isinstance(node, ArrayNode) and isinstance(key, int) and 0 <= key < len(node.items):
        return node.items[key]
    return None


def child(res: Resolved, key, node: Node | None = None) -> Resolved | None:
    """One step down: the member ``key`` (str) of an object or map, or item ``key`` (int) of an array.

    ``node`` is the child's node if known (else it is looked up under
    ``res.node``). Returns None when the schema has nothing there (unknown
    property, an index into a non-array …). A property is matched exactly;
    use :meth:`TypeSpec.prop_ci` for a case-insensitive match.
    """
    spec = res.spec
    if node is None:
        node = _child_node(res.node, key)
    if spec.type == "object" and isinstance(key, str):
        prop = spec.properties.get(key)
        if prop is None:
            return None
        return _resolved(prop.spec, prop, res.property_location(key), spec, node)
    if spec.type == "array" and isinstance(key, int) and spec.items is not None:
        return _resolved(spec.items, None, res.location + (ITEMS,), spec, node)
    if spec.type == "map" and isinstance(key, str) and spec.values is not None:
        return _resolved(spec.values, None, res.location + (VALUES,), spec, node)
    return None


def resolve_path(schema, path: Sequence, resource_node: Node | None = None) -> Resolved | None:
    """The spec at a JSON ``path`` (keys and indexes from the resource object).

    ``resource_node`` is the template's resource object; it supplies the
    discriminator values along the way (without it, unions stay unresolved).
    None when the path leaves the schema.
    """
    res = root(schema, resource_node)
    for key in path:
        res = child(res, key)
        if res is None:
            return None
    return res


def at_location(schema, location: Location | str) -> Resolved | None:
    """The spec at a schema location key in one version (None if the version lacks it).

    For a type-value location (``(..., "customize", "[]", "Shell")``) the result
    is the union resolved to that variant; for an enum-value location
    (``(..., "=UserAssigned")``) it is the enum property's spec.
    """
    if isinstance(location, str):
        location = parse_loc(location)
    res = root(schema)
    for seg in location:
        if res.union is not None and res.variant is None and seg != ANY_VARIANT:
            variant = res.union.variant(seg)
            if variant is not None:
                res = Resolved(variant, res.prop, res.location, res.parent, union=res.union,
                               variant=seg, discriminator_value=seg)
                continue
        if seg == ANY_VARIANT and res.union is not None and res.variant is None:
            continue
        if seg.startswith("="):
            if res.spec.enum and seg[1:] in res.spec.enum:
                continue
            return None
        if seg == ITEMS:
            res = child(res, 0)
        elif seg == VALUES and res.spec.type == "map":
            res = child(res, "")
        else:
            res = child(res, seg)
        if res is None:
            return None
    return res


def relative_path(resource_node: Node, node: Node) -> tuple | None:
    """The keys from ``resource_node`` down to ``node`` (None if ``node`` is not inside it)."""
    keys = []
    cur: Node | None = node
    while cur is not None and cur is not resource_node:
        keys.append(cur.key)
        cur = cur.parent
    if cur is None:
        return None
    return tuple(reversed(keys))


def resolve_node(schema, resource_node: Node, node: Node) -> Resolved | None:
    """The spec of ``node``, a node inside the template's resource object ``resource_node``."""
    path = relative_path(resource_node, node)
    if path is None:
        return None
    return resolve_path(schema, path, resource_node)


def variants_with_property(union: TypeSpec, name: str) -> list[str]:
    """The discriminator values whose variant has a property ``name`` (for "belongs to type X")."""
    return [value for value, spec in union.variants.items() if name in spec.properties]


def match_ci(value: str, options: Iterable[str]) -> str | None:
    """The option equal to ``value`` ignoring case (exact match preferred), else None."""
    options = list(options)
    if value in options:
        return value
    low = value.lower()
    return next((o for o in options if o.lower() == low), None)


def suggest(value: str, options: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The closest option to a misspelt ``value`` ("did you mean"), case-insensitively; None if none is close."""
    options = list(options)
    exact = match_ci(value, options)
    if exact is not None:
        return exact
    if len(value) > MAX_SIMILAR_INPUT:
        return None  # not a misspelling of a name (and comparing would cost the product of the lengths)
    lowered = {o.lower(): o for o in options}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def describe_versions(versions: Sequence[str], all_versions: Sequence[str]) -> str:
    """Words for a set of API versions, for messages and hover (no leading noun).

    Each run of consecutive versions becomes ``"2022-07-01 and later"``,
    ``"up to 2019-05-01-preview"``, ``"2019-02-01-preview to 2020-02-14"`` or a
    single version; runs are joined with ``", "``. ``"all API versions"`` when
    every version has it, ``"no API version"`` when none does.
    """
    if not versions:
        return "no API version"
    idx = sorted(all_versions.index(v) for v in versions)
    if len(idx) == len(all_versions):
        return "all API versions"
    runs: list[list[int]] = []
    for i in idx:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    last = len(all_versions) - 1
    parts = []
    for run in runs:
        a, b = all_versions[run[0]], all_versions[run[-1]]
        if len(run) == 1:
            parts.append(a)
        elif run[-1] == last:
            parts.append(f"{a} and later")
        elif run[0] == 0:
            parts.append(f"up to {b}")
        else:
            parts.append(f"{a} to {b}")
    return ", ".join(parts)
