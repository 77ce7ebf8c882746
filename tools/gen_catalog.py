"""Generate ``server/catalog/versions.json`` from the API's swagger files.

Usage::

    python tools/gen_catalog.py [SWAGGER_DIR] [-o OUTPUT] [--check]

``SWAGGER_DIR`` holds one ``<api-version>.json`` per API version (default:
``../shared/reference/swagger`` next to the repository). ``--check`` compares
instead of writing and exits 1 when the committed file is out of date.

The output describes, per API version, the whole imageTemplates resource as a
tree of type specs (see ``aiblint.catalog.model``). Identical subtrees are
stored once in a shared ``types`` table, so each version is a root id into it.
It also records, for every schema location key, which versions have it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SWAGGER = ROOT.parent / "shared" / "reference" / "swagger"
OUTPUT = ROOT / "server" / "catalog" / "versions.json"

VERSIONS = (
    "2018-02-01-preview",
    "2019-02-01-preview",
    "2019-05-01-preview",
    "2020-02-14",
    "2021-10-01",
    "2022-02-14",
    "2022-07-01",
    "2023-07-01",
    "2024-02-01",
    "2025-10-01",
)
RESOURCE_TYPE = "Microsoft.VirtualMachineImages/imageTemplates"
FORMAT = 1

# Properties holding resource IDs: (definition, property) -> form name (see
# aiblint.catalog.resource_ids). A callable picks the form by API version.
RESOURCE_ID_PROPS = {
    ("ImageTemplateManagedImageSource", "imageId"): "managedImage",
    ("ImageTemplateManagedImageDistributor", "imageId"): "managedImage",
    # An explicit image version (".../versions/x.y.z") came with the versioning of 2022-07-01; before,
    # the documentation gives only the image definition.
    ("ImageTemplateSharedImageDistributor", "galleryImageId"):
        lambda v: "galleryImage" if v >= "2022-07-01" else "galleryImageDefinition",
    ("ImageTemplateSharedImageVersionSource", "imageVersionId"):
        lambda v: "galleryImageVersionOrLatest" if v >= "2022-07-01" else "galleryImageVersion",
    ("VirtualNetworkConfig", "subnetId"): "subnet",
    ("VirtualNetworkConfig", "containerInstanceSubnetId"): "subnet",
    ("ImageTemplateProperties", "stagingResourceGroup"): "resourceGroup",
}
# Arrays and maps whose items / keys are resource IDs.
RESOURCE_ID_ITEMS = {("ImageTemplateVmProfile", "userAssignedIdentities"): "userAssignedIdentity"}
RESOURCE_ID_KEYS = {("ImageTemplateIdentity", "userAssignedIdentities"): "userAssignedIdentity"}

# The 2019-05-01-preview spec file was revised during 2019: these properties were
# added to the same API version (SDK changelogs of April and November 2019).
# Templates of that version may use them whichever revision of the file is read.
# Where a version's definition and its own official examples and documentation
# disagree, the examples and the documentation win, since the service accepted
# them: the 2019-05-01-preview examples (CreateImageTemplateLinux/Windows) and
# the February 2020 template documentation, written for that version, use
# ``osDiskSizeGB``, ``vnetConfig {name, subnetName, resourceGroupName}`` and the
# ``WindowsUpdate`` customizer; the 2018-02-01-preview and 2019-02-01-preview
# examples (CreateImageTemplate) give distributors ``tags``.
_DISTRIBUTOR_TAGS = {"ImageTemplateDistributor": {
    "tags": {"type": "object", "additionalProperties": {"type": "string"},
             "description": "Tags applied to the artifact (the name the examples of this version use)."}}}
REVISION_ADDITIONS = {
    "2018-02-01-preview": _DISTRIBUTOR_TAGS,
    "2019-02-01-preview": _DISTRIBUTOR_TAGS,
    "2019-05-01-preview": {
        "ImageTemplateProperties": {
            "buildTimeoutInMinutes": {"type": "integer", "minimum": 0, "maximum": 960},
            "vmProfile": {"$ref": "#/definitions/ImageTemplateVmProfile"},
        },
        "ImageTemplateVmProfile": {
            "vmSize": {"type": "string"},
            "osDiskSizeGB": {"type": "integer", "minimum": 0},
            "vnetConfig": {"$ref": "#/definitions/VirtualNetworkConfig"},
        },
        "VirtualNetworkConfig": {
            "name": {"type": "string", "description": "Name of the virtual network."},
            "subnetName": {"type": "string", "description": "Name of the subnet in the virtual network."},
            "resourceGroupName": {"type": "string", "description": "Resource group of the virtual network."},
        },
        "ImageTemplateShellCustomizer": {"sha256Checksum": {"type": "string"}},
        "ImageTemplatePowerShellCustomizer": {
            "sha256Checksum": {"type": "string"},
            "runElevated": {"type": "boolean"},
        },
        "ImageTemplateFileCustomizer": {"sha256Checksum": {"type": "string"}},
    }
}
# Whole definitions a version's examples and documentation use, by version: the
# WindowsUpdate customizer of 2019-05-01-preview (see above), as 2020-02-14 defines it.
REVISION_DEFINITIONS = {
    "2019-05-01-preview": {
        "ImageTemplateWindowsUpdateCustomizer": {
            "description": "Installs Windows Updates.",
            "x-ms-discriminator-value": "WindowsUpdate",
            "allOf": [{"$ref": "#/definitions/ImageTemplateCustomizer"}],
            "properties": {
                "searchCriteria": {"type": "string"},
                "filters": {"type": "array", "items": {"type": "string"}},
                "updateLimit": {"type": "integer", "minimum": 0},
            },
        },
    }
}


def _apply_revision_additions(version: str, definitions: dict) -> None:
    for def_name, schema in REVISION_DEFINITIONS.get(version, {}).items():
        definitions.setdefault(def_name, json.loads(json.dumps(schema)))
    for def_name, props in REVISION_ADDITIONS.get(version, {}).items():
        target = definitions.setdefault(def_name, {"type": "object", "properties": {}})
        target.setdefault("properties", {})
        for name, schema in props.items():
            target["properties"].setdefault(name, schema)


class _Swagger:
    """Turns one swagger file's definitions into nested spec dicts."""

    def __init__(self, version: str, doc: dict):
        self.version = version
        self.defs = json.loads(json.dumps(doc["definitions"]))
        _apply_revision_additions(version, self.defs)
        self.params = doc.get("parameters", {})

    def ref_name(self, schema: dict) -> str | None:
        ref = schema.get("$ref")
        if ref and ref.startswith("#/definitions/"):
            return ref[len("#/definitions/"):]
        return None

    def spec(self, schema: dict, def_name: str | None = None) -> dict:
        """The spec dict of a schema (following local $refs)."""
        ref = self.ref_name(schema)
        if ref is not None:
            spec = self.definition(ref)
            if "default" in schema:
                spec = dict(spec, default=schema["default"])
            return spec
        return self._inline(schema, def_name)

    def definition(self, name: str) -> dict:
        schema = self.defs[name]
        if "discriminator" in schema:
            return self._union(name, schema)
        spec = self._inline(schema, name)
        if spec["type"] == "object":
            spec["name"] = name
        return spec

    def _kind(self, schema: dict) -> str:
        t = schema.get("type")
        if t == "object" or (t is None and ("properties" in schema or "allOf" in schema)):
            if "additionalProperties" in schema and not schema.get("properties"):
                return "map"
            return "object"
        if t is None:
            return "string" if "enum" in schema else "any"
        return t

    def _inline(self, schema: dict, def_name: str | None) -> dict:
        kind = self._kind(schema)
        spec: dict = {"type": kind}
        for key in ("enum", "minimum", "maximum", "pattern", "default"):
            if key in schema:
                spec[key] = list(schema[key]) if key == "enum" else schema[key]
        if kind == "array":
            spec["items"] = self.spec(schema.get("items", {}))
        elif kind == "map":
            spec["values"] = self.spec(schema["additionalProperties"]) \
                if isinstance(schema["additionalProperties"], dict) else {"type": "any"}
        elif kind == "object":
            spec["properties"] = self._properties(schema, def_name)
        return spec

    def _own_and_inherited(self, schema: dict) -> tuple[dict, set]:
        """Property schemas and required names, including allOf parents (non-union)."""
        props: dict = {}
        required: set = set()
        for parent in schema.get("allOf", []):
            pname = self.ref_name(parent)
            if pname and pname in self.defs:
                pprops, preq = self._own_and_inherited(self.defs[pname])
                props.update({k: (v, pname) for k, (v, _) in pprops.items()})
                required |= preq
        for k, v in schema.get("properties", {}).items():
            props[k] = (v, None)
        required |= set(schema.get("required", []))
        return props, required

    def _properties(self, schema: dict, def_name: str | None) -> dict:
        props, required = self._own_and_inherited(schema)
        out = {}
        for name, (pschema, owner) in props.items():
            owner = owner or def_name
            spec = self.spec(pschema, None)
            target = self.defs.get(self.ref_name(pschema) or "", {})
            form = RESOURCE_ID_PROPS.get((owner, name))
            if callable(form):
                form = form(self.version)
            if form:
                spec = dict(spec, resource_id=form)
            if (owner, name) in RESOURCE_ID_ITEMS:
                spec = dict(spec, items=dict(spec["items"], resource_id=RESOURCE_ID_ITEMS[(owner, name)]))
            if (owner, name) in RESOURCE_ID_KEYS:
                spec = dict(spec, keys={"type": "string", "resource_id": RESOURCE_ID_KEYS[(owner, name)]})
            desc = pschema.get("description", "")
            out[name] = {
                "spec": spec,
                "required": name in required,
                "read_only": bool(pschema.get("readOnly") or target.get("readOnly")),
                "deprecated": desc.lstrip().startswith("[Deprecated]"),
            }
        return out

    def _union(self, base_name: str, base: dict) -> dict:
        disc = base["discriminator"]
        base_props = self._properties(base, base_name)
        variants = {}
        for name, schema in self.defs.items():
            value = schema.get("x-ms-discriminator-value")
            parents = [self.ref_name(p) for p in schema.get("allOf", [])]
            if value is None or base_name not in parents:
                continue
            props = self._properties(schema, name)
            variants[value] = {"type": "object", "name": name, "properties": props}
        values = list(variants)
        disc_prop = dict(base_props[disc])
        disc_prop["spec"] = dict(disc_prop["spec"], enum=values)
        base_props[disc] = disc_prop
        for variant in variants.values():
            variant["properties"][disc] = disc_prop
        return {
            "type": "object",
            "name": base_name,
            "properties": base_props,
            "discriminator": disc,
            "variants": variants,
        }

    def resource(self) -> dict:
        """The whole imageTemplates resource: wrapper keys around the API's properties."""
        tmpl = self.defs["ImageTemplate"]
        name_pattern = self.params["ImageTemplateNameParameter"]["pattern"]
        string = {"type": "string"}

        def prop(spec, **flags):
            return {"spec": spec, "required": flags.get("required", False),
                    "read_only": flags.get("read_only", False), "deprecated": False,
                    "arm_only": flags.get("arm_only", False),
                    "arm_required": flags.get("arm_required", False)}

        props = {
            "type": prop({"type": "string", "enum": [RESOURCE_TYPE]}, arm_required=True),
            "apiVersion": prop({"type": "string", "enum": [self.version]}, arm_required=True),
            "name": prop({"type": "string", "pattern": name_pattern}, arm_required=True),
            "location": prop(string, required=True),
            "tags": prop({"type": "map", "values": string}),
        }
        if "identity" in tmpl.get("properties", {}):
            props["identity"] = prop(self.spec(tmpl["properties"]["identity"]),
                                     required="identity" in tmpl.get("required", []))
        props["properties"] = prop(self.definition("ImageTemplateProperties"), required=True)
        props["id"] = prop(string, read_only=True)
        if self.version >= "2021-10-01":
            props["systemData"] = prop({"type": "any"}, read_only=True)
        copy = {"type": "object", "properties": {
            "name": prop(string, required=True),
            "count": prop({"type": "integer", "minimum": 0}, required=True),
            "mode": prop({"type": "string", "enum": ["serial", "parallel"]}),
            "batchSize": prop({"type": "integer", "minimum": 1}),
        }}
        props.update({
            "dependsOn": prop({"type": "array", "items": string}, arm_only=True),
            "condition": prop({"type": "boolean"}, arm_only=True),
            "copy": prop(copy, arm_only=True),
            "comments": prop(string, arm_only=True),
            "scope": prop(string, arm_only=True),
            "metadata": prop({"type": "map", "values": {"type": "any"}}, arm_only=True),
        })
        return {"type": "object", "name": "ImageTemplate", "properties": props}


def _locations(spec: dict, key: tuple, out: set) -> None:
    """Every schema location key under ``spec`` (see aiblint.catalog.lookup)."""
    out.add(key)
    if spec.get("enum") and len(spec["enum"]) > 1 and not spec.get("_disc"):
        for value in spec["enum"]:
            out.add(key + ("=" + value,))
    if spec["type"] == "array":
        _locations(spec["items"], key + ("[]",), out)
    elif spec["type"] == "map":
        _locations(spec["values"], key + ("{}",), out)
    elif spec["type"] == "object":
        if spec.get("discriminator"):
            disc = spec["discriminator"]
            for name, p in spec["properties"].items():
                _locations(dict(p["spec"], _disc=name == disc), key + ("*", name), out)
            for value, variant in spec["variants"].items():
                out.add(key + (value,))
                for name, p in variant["properties"].items():
                    _locations(dict(p["spec"], _disc=name == disc), key + (value, name), out)
        else:
            for name, p in spec["properties"].items():
                _locations(p["spec"], key + (name,), out)


class _Table:
    """Interns spec dicts: identical subtrees get one id."""

    FLAGS = (("required", "r"), ("read_only", "o"), ("deprecated", "d"),
             ("arm_only", "a"), ("arm_required", "A"))

    def __init__(self):
        self.rows: list[dict] = []
        self.ids: dict[str, int] = {}

    def add(self, spec: dict) -> int:
        row = {k: v for k, v in spec.items() if k not in ("properties", "variants", "items", "values", "keys")}
        for k in ("items", "values", "keys"):
            if k in spec:
                row[k] = self.add(spec[k])
        if "properties" in spec:
            row["properties"] = [
                [name, self.add(p["spec"]), "".join(f for attr, f in self.FLAGS if p.get(attr))]
                for name, p in spec["properties"].items()
            ]
        if "variants" in spec:
            row["variants"] = [[value, self.add(v)] for value, v in spec["variants"].items()]
        canon = json.dumps(row, sort_keys=True, separators=(",", ":"))
        if canon not in self.ids:
            self.ids[canon] = len(self.rows)
            self.rows.append(row)
        return self.ids[canon]


def generate(swagger_dir: Path) -> dict:
    table = _Table()
    resources = {}
    availability: dict[str, int] = {}
    for i, version in enumerate(VERSIONS):
        doc = json.loads((swagger_dir / f"{version}.json").read_text(encoding="utf-8"))
        spec = _Swagger(version, doc).resource()
        resources[version] = table.add(spec)
        locs: set = set()
        _locations(spec, (), locs)
        for loc in locs:
            key = "/".join(loc)
            availability[key] = availability.get(key, 0) | (1 << i)
    return {
        "format": FORMAT,
        "versions": list(VERSIONS),
        "resources": resources,
        "types": table.rows,
        "availability": dict(sorted(availability.items())),
    }


def dump(data: dict) -> str:
    """Stable text: one table row / availability entry per line."""
    lines = ["{"]
    lines.append(f'"format": {json.dumps(data["format"])},')
    lines.append(f'"versions": {json.dumps(data["versions"])},')
    lines.append(f'"resources": {json.dumps(data["resources"], separators=(",", ":"))},')
    lines.append('"types": [')
    rows = [json.dumps(r, separators=(",", ":")) for r in data["types"]]
    lines.append(",\n".join(rows))
    lines.append("],")
    lines.append('"availability": {')
    items = [f"{json.dumps(k)}:{v}" for k, v in data["availability"].items()]
    lines.append(",\n".join(items))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("swagger_dir", nargs="?", type=Path, default=DEFAULT_SWAGGER)
    ap.add_argument("-o", "--output", type=Path, default=OUTPUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if the output file is out of date")
    args = ap.parse_args(argv)
    text = dump(generate(args.swagger_dir))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run tools/gen_catalog.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
