"""A JSON Schema (draft 2020-12) for an imageTemplate of one API version, made from the catalog.

``aiblint --schema VERSION`` prints :func:`json_schema`. Shape:

* every value may also be an ARM template expression (a string starting with
  ``[`` but not ``[[``): non-string types are written as ``"type": [T, "string"]``
  with ``"pattern"`` (which only constrains strings), enums as
  ``anyOf: [{enum}, {expression}]``;
* discriminated unions (``source``, customizers, distribution targets,
  validators, versioning) check the discriminator's allowed values, and for
  each value an ``if``/``then`` pair (keyed on ``const``) applies that variant's
  properties, required list and closedness;
* objects are closed (``additionalProperties: false``) where the service
  rejects unknown keys: API version 2024-02-01 and later (``closed`` overrides);
* resource-ID forms become case-insensitive patterns; descriptions and
  ``markdownDescription`` come from the catalog documentation.
"""

from __future__ import annotations

from . import load
from .lookup import ANY_VARIANT, ITEMS, VALUES, Location
from .model import TypeSpec
from .resource_ids import FORMS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXPRESSION = r"^\[(?!\[)"
STRICT_FROM = "2024-02-01"
_EXPR = {"type": "string", "pattern": EXPRESSION}
_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
               "array": "array", "object": "object", "map": "object"}


def _case_insensitive(regex: str) -> str:
    """The regex with every literal ASCII letter outside classes turned into ``[xX]`` (ECMA has no (?i))."""
    out = []
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            out.append(regex[i:i + 2])
            i += 2
            continue
        if c == "[":
            end = regex.index("]", i + 2 if regex[i + 1] == "^" else i + 1)
            out.append(regex[i:end + 1])
            i = end + 1
            continue
        if c == "(" and regex.startswith("(?:", i):
            out.append("(?:")
            i += 3
            continue
        out.append(f"[{c.lower()}{c.upper()}]" if c.isascii() and c.isalpha() else c)
        i += 1
    return "".join(out)


class _Builder:
    def __init__(self, catalog, version: str, closed: bool, arm: bool):
        self.catalog = catalog
        self.version = version
        self.closed = closed
        self.arm = arm

    def describe(self, schema: dict, location: Location) -> dict:
        doc = self.catalog.doc_for(location, self.version)
        if doc is not None and doc.text:
            schema["description"] = doc.text
            schema["markdownDescription"] = f"{doc.text}\n\n[Documentation]({doc.url})"
        return schema

    def value(self, spec: TypeSpec, location: Location) -> dict:
        out = self._value(spec, location)
        if spec.default is not None:
            out["default"] = spec.default
        return out

    def _value(self, spec: TypeSpec, location: Location) -> dict:
        t = spec.type
        if t == "any":
            return {}
        if spec.enum:
            return {"anyOf": [{"enum": list(spec.enum)}, dict(_EXPR)]}
        if t == "string":
            out: dict = {"type": "string"}
            pattern = spec.pattern
            if spec.resource_id:
                pattern = _case_insensitive(FORMS[spec.resource_id].regex)
            if pattern:
                out["pattern"] = f"{pattern}|{EXPRESSION}"
            return out
        out = {"type": [_JSON_TYPES[t], "string"], "pattern": EXPRESSION}
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
        if t == "array":
            out["items"] = self.value(spec.items, location + (ITEMS,))
        elif t == "map":
            out["additionalProperties"] = self.value(spec.values, location + (VALUES,))
            if spec.keys is not None and spec.keys.resource_id:
                key_regex = _case_insensitive(FORMS[spec.keys.resource_id].regex)
                out["propertyNames"] = {"pattern": f"{key_regex}|{EXPRESSION}"}
        elif t == "object":
            if spec.is_union:
                self.union(out, spec, location)
            else:
                self.members(out, spec, location)
        return out

    def members(self, out: dict, spec: TypeSpec, location: Location, closed: bool | None = None) -> dict:
        props = {}
        required = []
        for name, prop in spec.properties.items():
            if prop.arm_only and not self.arm:
                continue
            sub = self.value(prop.spec, location + (name,))
            if prop.read_only:
                sub["readOnly"] = True
            if prop.deprecated:
                sub["deprecated"] = True
            props[name] = self.describe(sub, location + (name,))
            if not prop.read_only and (prop.required or (prop.arm_required and self.arm)):
                required.append(name)
        out["properties"] = props
        if required:
            out["required"] = required
        if self.closed if closed is None else closed:
            out["additionalProperties"] = False
        return out

    def union(self, out: dict, spec: TypeSpec, location: Location) -> None:
        disc = spec.discriminator
        base = self.members({}, spec, location + (ANY_VARIANT,), closed=False)
        out["properties"] = base["properties"]
        out["required"] = base.get("required", [disc])
        branches = []
        for value, variant in spec.variants.items():
            then = self.members({}, variant, location + (value,))
            self.describe(then, location + (value,))
            branches.append({
                "if": {"properties": {disc: {"const": value}}, "required": [disc]},
                "then": then,
            })
        if branches:
            out["allOf"] = branches


def json_schema(version: str, *, arm: bool = False, closed: bool | None = None) -> dict:
    """The JSON Schema of an imageTemplate body of API ``version`` (KeyError if unknown).

    ``arm=True`` describes the resource as it appears in an ARM deployment
    template (ARM carrier keys allowed; ``type``, ``apiVersion``, ``name``
    required). ``closed`` forces unknown keys to be rejected (True) or allowed
    (False); by default they are rejected from API version 2024-02-01 on, as
    the service does.
    """
    catalog = load()
    schema = catalog.version(version)
    if closed is None:
        closed = catalog.index(version) >= catalog.index(STRICT_FROM)
    builder = _Builder(catalog, version, closed, arm)
    body = builder.members({"type": "object"}, schema.resource, ())
    kind = "ARM template resource" if arm else "request body"
    return {
        "$schema": DIALECT,
        "$id": f"https://aiblint.invalid/schemas/imageTemplates/{version}{'-arm' if arm else ''}.json",
        "title": f"Microsoft.VirtualMachineImages/imageTemplates {version} ({kind})",
        **body,
    }
