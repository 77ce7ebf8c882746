"""Documentation of every schema location, for hover, completion and the JSON Schema.

The texts live in ``docs.md`` next to this module, keyed by schema location
(string form, see :mod:`aiblint.catalog.lookup`): one or more ``## key`` lines,
then the text (optionally a ``@anchor NAME`` or ``@url URL`` line to override
the link). The file is read the first time documentation is asked for, never
on the ``--check`` path. Everything else a reader needs (type, required,
allowed values, default, limits, API versions) is taken from the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .lookup import ANY_VARIANT, ITEMS, VALUES, Location, at_location, describe_versions, loc_str, parse_loc

DOCS_FILE = Path(__file__).with_name("docs.md")
PAGE = "https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json"
ARM_RESOURCES = "https://learn.microsoft.com/azure/azure-resource-manager/templates/resource-declaration"

# Sections of the official article, by the property under ``properties``.
_PROPERTY_SECTIONS = {
    "source", "customize", "distribute", "validate", "optimize", "vmProfile", "buildTimeoutInMinutes",
    "errorHandling", "stagingResourceGroup", "autoRun", "managedResourceTags",
}
_SECTION_ALIASES = {"exactStagingResourceGroup": "stagingResourceGroup"}
_TOP_SECTIONS = {"type": "type-and-api-version", "apiVersion": "type-and-api-version",
                 "location": "location", "tags": "tags", "identity": "identity"}
_ARM_KEYS = {"dependsOn", "condition", "copy", "comments", "scope", "metadata"}

# What one variant of each union is called.
UNION_KINDS = {
    "properties/source": "source",
    "properties/customize/[]": "customizer",
    "properties/distribute/[]": "distribution target",
    "properties/validate/inVMValidations/[]": "validator",
    "properties/distribute/[]/SharedImage/versioning": "versioning scheme",
}


@dataclass
class Doc:
    """Documentation of one schema location in one API version.

    ``kind`` is ``"property"``, ``"type"`` (a discriminator value such as
    ``Shell``), ``"value"`` (an allowed value of an enum property) or
    ``"entry"`` (a value of a map, such as one user-assigned identity).
    ``versions`` lists the API versions that have the location; the spec facts
    (type, required, allowed, default …) are those of ``version``.
    """

    location: Location
    kind: str
    title: str
    text: str
    url: str
    version: str | None
    versions: tuple[str, ...]
    versions_text: str
    type: str | None = None
    required: bool = False
    arm_required: bool = False
    read_only: bool = False
    deprecated: bool = False
    allowed: tuple[str, ...] | None = None
    default: Any = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    pattern: str | None = None
    resource_id: str | None = None
    properties: tuple[str, ...] = field(default_factory=tuple)

    def markdown(self) -> str:
        """Hover text: a header line, the text, the facts, the link."""
        head = f"**{self.title}**"
        bits = [b for b in (self.type, self._requirement()) if b]
        if bits:
            head += " · " + " · ".join(bits)
        lines = [head, "", self.text] if self.text else [head]
        facts = []
        if self.allowed:
            facts.append("Allowed values: " + ", ".join(f"`{v}`" for v in self.allowed))
        if self.default is not None:
            import json

            facts.append(f"Default: `{json.dumps(self.default)}`")
        if self.minimum is not None and self.maximum is not None:
            facts.append(f"Range: {self.minimum}…{self.maximum}")
        elif self.minimum is not None:
            facts.append(f"Minimum: {self.minimum}")
        elif self.maximum is not None:
            facts.append(f"Maximum: {self.maximum}")
        if self.pattern:
            facts.append(f"Pattern: `{self.pattern}`")
        if self.resource_id:
            from .resource_ids import FORMS

            facts.append(f"Resource ID of {FORMS[self.resource_id].what}: `{FORMS[self.resource_id].template}`")
        if self.properties:
            facts.append("Properties: " + ", ".join(f"`{p}`" for p in self.properties))
        facts.append(f"API versions: {self.versions_text}")
        lines.append("")
        lines.extend(f"- {f}" for f in facts)
        lines.extend(["", f"[Documentation]({self.url})"])
        return "\n".join(lines)

    def _requirement(self) -> str:
        if self.kind != "property":
            return ""
        if self.read_only:
            return "read-only"
        flags = "required" if self.required else ("required in ARM templates" if self.arm_required else "optional")
        return flags + (" · deprecated" if self.deprecated else "")


@dataclass
class _Entry:
    text: str
    url: str | None


@lru_cache(maxsize=1)
def entries() -> dict[str, _Entry]:
    """The documentation texts by location string (read once)."""
    out: dict[str, _Entry] = {}
    keys: list[str] = []
    body: list[str] = []
    url: str | None = None

    def flush():
        if keys:
            text = "\n".join(body).strip()
            paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
            for k in keys:
                out[k] = _Entry("\n\n".join(p for p in paragraphs if p), url)

    for line in DOCS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            if body:
                flush()
                keys, body, url = [], [], None
            keys.append(line[3:].strip())
        elif line.startswith("@anchor ") and keys:
            url = f"{PAGE}#{line[8:].strip()}"
        elif line.startswith("@url ") and keys:
            url = line[5:].strip()
        elif keys:
            body.append(line)
    flush()
    return out


@lru_cache(maxsize=1)
def _casefolded() -> dict[str, str]:
    return {k.lower(): k for k in entries()}


def _find(location: Location) -> _Entry | None:
    table = entries()
    candidates = [location]
    # A property every variant shares is documented once, under "*".
    for i in range(len(location) - 1, 0, -1):
        if location[i] not in (ANY_VARIANT, ITEMS, VALUES) and i + 1 < len(location):
            alt = location[:i] + (ANY_VARIANT,) + location[i + 1:]
            if loc_str(location[:i]) in UNION_KINDS:
                candidates.append(alt)
    for cand in candidates:
        key = loc_str(cand)
        if key in table:
            return table[key]
        folded = _casefolded().get(key.lower())
        if folded is not None:
            return table[folded]
    return None


def has_doc(location: Location | str) -> bool:
    """Whether a text is written for this location (directly or through a fallback)."""
    if isinstance(location, str):
        location = parse_loc(location)
    return _find(location) is not None


def default_url(location: Location) -> str:
    """Link to the article section that covers a location."""
    if not location:
        return PAGE
    top = location[0]
    if top in _ARM_KEYS:
        return ARM_RESOURCES
    if top == "properties" and len(location) > 1:
        name = _SECTION_ALIASES.get(location[1], location[1])
        if name in _PROPERTY_SECTIONS:
            return f"{PAGE}#properties-{name.lower()}"
        return PAGE
    if top in _TOP_SECTIONS:
        return f"{PAGE}#{_TOP_SECTIONS[top]}"
    return PAGE


def _type_label(spec) -> str:
    if spec.type == "array":
        return f"array of {_type_label(spec.items)}" if spec.items is not None else "array"
    if spec.type == "map":
        return f"object of {_type_label(spec.values)}" if spec.values is not None else "object"
    if spec.type == "any":
        return "any"
    return spec.type


def doc_for(catalog, location: Location | str, version: str | None = None) -> Doc | None:
    """Documentation of a schema location, with the facts of ``version``.

    ``version`` defaults to the newest version that has the location. None when
    no API version has the location.
    """
    if isinstance(location, str):
        location = parse_loc(location)
    versions = catalog.versions_having(location)
    if not versions:
        return None
    if version not in versions:
        version = versions[-1]
    res = at_location(catalog.version(version), location)
    if res is None:
        return None
    entry = _find(location)
    text = entry.text if entry else ""
    url = (entry.url if entry and entry.url else None) or default_url(location)
    common = dict(location=location, text=text, url=url, version=version, versions=versions,
                  versions_text=describe_versions(versions, catalog.versions))
    last = location[-1] if location else ""
    if last.startswith("="):
        return Doc(kind="value", title=last[1:], type="string", **common)
    if res.variant is not None and res.variant == last:
        kind = UNION_KINDS.get(loc_str(location[:-1]), "type")
        return Doc(kind="type", title=f"{last} {kind}", allowed=None,
                   properties=tuple(n for n in res.spec.properties if n != res.union.discriminator),
                   **common)
    spec = res.union if res.union is not None else res.spec
    prop = res.prop if res.location == location else None
    allowed = spec.enum
    if spec.type == "array" and spec.items is not None and spec.items.is_union:
        allowed = None
    entry_of_map = last == "{}" and len(location) > 1
    return Doc(
        kind="entry" if entry_of_map else "property",
        title=prop.name if prop else (f"{location[-2]} entry" if entry_of_map else last or "imageTemplate"),
        type=_type_label(spec),
        required=bool(prop and prop.required),
        arm_required=bool(prop and prop.arm_required),
        read_only=bool(prop and prop.read_only),
        deprecated=bool(prop and prop.deprecated),
        allowed=allowed,
        default=spec.default,
        minimum=spec.minimum,
        maximum=spec.maximum,
        pattern=spec.pattern,
        resource_id=spec.resource_id or (spec.items.resource_id if spec.items is not None else None),
        **common,
    )
