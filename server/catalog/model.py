"""The catalog's types: the shape of a template for one API version.

A :class:`TypeSpec` describes one JSON value: its type, constraints, and for
objects its properties and (for discriminated unions such as ``source``,
``customize[]``, ``distribute[]``, ``validate.inVMValidations[]``) the variant
selected by the discriminator property's value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Prop:
    """A property of an object type."""

    name: str
    spec: "TypeSpec"
    required: bool = False
    read_only: bool = False
    deprecated: bool = False
    # Resource-level keys of an ARM deployment template (dependsOn, condition, copy,
    # comments, scope, metadata): accepted around the resource, not part of the API body.
    arm_only: bool = False
    # Required in an ARM template resource but not in a raw body sent with
    # ``az resource create`` (type, apiVersion, name).
    arm_required: bool = False


@dataclass(repr=False, eq=False)
class TypeSpec:
    """One JSON value's schema.

    ``type`` is ``string``, ``integer``, ``number``, ``boolean``, ``array``,
    ``object`` (fixed properties), ``map`` (free keys, values of ``values``)
    or ``any``.
    """

    type: str
    # Definition name in the API (e.g. "ImageTemplateShellCustomizer"); keys the docs.
    name: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    pattern: str | None = None
    default: Any = None
    # Named resource-ID form the value must have (see aiblint.catalog.resource_ids).
    resource_id: str | None = None
    items: "TypeSpec | None" = None
    values: "TypeSpec | None" = None
    # For maps whose keys have a form of their own (identity resource IDs).
    keys: "TypeSpec | None" = None
    properties: dict[str, Prop] = field(default_factory=dict)
    # For discriminated unions: the discriminator property and the variants by value.
    discriminator: str | None = None
    variants: dict[str, "TypeSpec"] = field(default_factory=dict)

    def variant(self, value: str | None) -> "TypeSpec | None":
        """The variant for a discriminator value (exact match only)."""
        return self.variants.get(value) if value is not None else None

    def variant_ci(self, value: str | None) -> str | None:
        """The discriminator value that equals ``value`` ignoring case, if any."""
        if not isinstance(value, str):
            return None
        if value in self.variants:
            return value
        low = value.lower()
        return next((v for v in self.variants if v.lower() == low), None)

    def prop_ci(self, name: str) -> Prop | None:
        """The property whose name equals ``name`` ignoring case (exact match first)."""
        prop = self.properties.get(name)
        if prop is not None:
            return prop
        lowered = self.__dict__.get("_lowered")
        if lowered is None:  # built on first use: a hostile template asks for thousands of unknown names
            lowered = self.__dict__["_lowered"] = {}
            for n, p in self.properties.items():
                lowered.setdefault(n.lower(), p)
        return lowered.get(name.lower())

    @property
    def is_union(self) -> bool:
        return self.discriminator is not None

    def __repr__(self) -> str:
        bits = [self.type] + ([self.name] if self.name else [])
        if self.enum:
            bits.append("enum=" + "|".join(self.enum))
        if self.discriminator:
            bits.append(f"{self.discriminator}=" + "|".join(self.variants))
        elif self.properties:
            bits.append("{" + ",".join(self.properties) + "}")
        return f"TypeSpec({' '.join(bits)})"
