"""The schema catalog: every API version's template schema, with its documentation.

``load()`` reads the generated data file ``versions.json`` (made by
``tools/gen_catalog.py`` from the API's swagger files) with the standard json
module only, and returns the cached :class:`Catalog`. A version's
:class:`VersionSchema` is built the first time it is asked for.

Finding the spec that applies at a place in a template, and which API versions
have a place, is in :mod:`aiblint.catalog.lookup`; documentation texts in
:mod:`aiblint.catalog.docs` (loaded only when asked for).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .model import Prop, TypeSpec

__all__ = ["Catalog", "VersionSchema", "TypeSpec", "Prop", "load", "DATA_FILE"]

DATA_FILE = Path(__file__).with_name("versions.json")
RESOURCE_TYPE = "Microsoft.VirtualMachineImages/imageTemplates"

_FLAGS = {"r": "required", "o": "read_only", "d": "deprecated", "a": "arm_only", "A": "arm_required"}


class VersionSchema:
    """The template schema of one API version.

    ``resource`` is the :class:`TypeSpec` of the whole resource object (``type``,
    ``apiVersion``, ``name``, ``location``, ``tags``, ``identity``,
    ``properties``, read-only ``id``/``systemData`` and the ARM carrier keys,
    which are marked ``Prop.arm_only``).
    """

    def __init__(self, catalog: "Catalog", version: str, resource: TypeSpec):
        self.catalog = catalog
        self.version = version
        self.resource = resource

    @property
    def properties(self) -> TypeSpec:
        """The spec of the resource's ``properties`` object."""
        return self.resource.properties["properties"].spec

    def root(self, resource_node=None):
        """The :class:`~aiblint.catalog.lookup.Resolved` resource object (see ``lookup.root``)."""
        from .lookup import root

        return root(self, resource_node)

    def spec_at(self, path, root=None):
        """The :class:`~aiblint.catalog.lookup.Resolved` spec at a JSON path (see ``lookup.resolve_path``)."""
        from .lookup import resolve_path

        return resolve_path(self, path, root)

    def spec_for(self, root, node):
        """The :class:`~aiblint.catalog.lookup.Resolved` spec of ``node`` inside the resource ``root``."""
        from .lookup import resolve_node

        return resolve_node(self, root, node)

    def __repr__(self) -> str:
        return f"VersionSchema({self.version!r})"


class Catalog:
    """All API versions' schemas (oldest first) and the index of which version has what."""

    def __init__(self, data: dict):
        self.versions: tuple[str, ...] = tuple(data["versions"])
        self.newest: str = self.versions[-1]
        self._rows: list[dict] = data["types"]
        self._roots: dict[str, int] = data["resources"]
        self._availability: dict[str, int] = data["availability"]
        self._specs: dict[int, TypeSpec] = {}
        self._schemas: dict[str, VersionSchema] = {}

    def __contains__(self, version: str) -> bool:
        return version in self._roots

    def version(self, version: str) -> VersionSchema:
        """The schema of an API version; KeyError for a version the API does not have."""
        schema = self._schemas.get(version)
        if schema is None:
            if version not in self._roots:
                raise KeyError(f"unknown API version {version!r}")
            schema = VersionSchema(self, version, self._spec(self._roots[version]))
            self._schemas[version] = schema
        return schema

    def index(self, version: str) -> int:
        """Position of a version in ``versions`` (0 = oldest)."""
        return self.versions.index(version)

    def versions_having(self, location) -> tuple[str, ...]:
        """The API versions (oldest first) in which a schema location exists.

        ``location`` is a location key tuple or its string form (see
        :mod:`aiblint.catalog.lookup`). Empty when no version has it.
        """
        key = location if isinstance(location, str) else "/".join(location)
        mask = self._availability.get(key, 0)
        return tuple(v for i, v in enumerate(self.versions) if mask >> i & 1)

    def availability_mask(self, location) -> int:
        """The versions having a location as a bit mask (bit i: ``versions[i]``); 0 when none has it."""
        key = location if isinstance(location, str) else "/".join(location)
        return self._availability.get(key, 0)

    def describe_versions(self, versions) -> str:
        """Words for a set of versions: "2022-07-01 and later", "up to 2019-05-01-preview" …"""
        from .lookup import describe_versions

        return describe_versions(versions, self.versions)

    def locations(self) -> list[str]:
        """Every schema location key (string form) that some version has."""
        return list(self._availability)

    def doc_for(self, location, version: str | None = None):
        """Documentation of a schema location (see :func:`aiblint.catalog.docs.doc_for`)."""
        from .docs import doc_for

        return doc_for(self, location, version)

    def _spec(self, idx: int) -> TypeSpec:
        spec = self._specs.get(idx)
        if spec is not None:
            return spec
        row = self._rows[idx]
        spec = TypeSpec(
            type=row["type"],
            name=row.get("name"),
            enum=tuple(row["enum"]) if "enum" in row else None,
            minimum=row.get("minimum"),
            maximum=row.get("maximum"),
            pattern=row.get("pattern"),
            default=row.get("default"),
            resource_id=row.get("resource_id"),
            discriminator=row.get("discriminator"),
        )
        self._specs[idx] = spec
        if "items" in row:
            spec.items = self._spec(row["items"])
        if "values" in row:
            spec.values = self._spec(row["values"])
        if "keys" in row:
            spec.keys = self._spec(row["keys"])
        for name, child, flags in row.get("properties", ()):
            spec.properties[name] = Prop(name, self._spec(child), **{_FLAGS[f]: True for f in flags})
        for value, child in row.get("variants", ()):
            spec.variants[value] = self._spec(child)
        return spec


@lru_cache(maxsize=None)
def load() -> Catalog:
    """The catalog (read once per process)."""
    with open(DATA_FILE, encoding="utf-8") as f:
        return Catalog(json.load(f))
