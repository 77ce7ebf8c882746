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


@dataclass
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
    properties: dict[str, Prop] = field(default_factory=dict)
    # For discriminated unions: the discriminator property and the variants by value.
    discriminator: str | None = None
    variants: dict[str, "TypeSpec"] = field(default_factory=dict)

    def variant(self, value: str | None) -> "TypeSpec | None":
        """The variant for a discriminator value (exact match only)."""
        return self.variants.get(value) if value is not None else None
