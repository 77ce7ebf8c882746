"""The schema catalog: facts per API version, the generator, load time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiblint.catalog import DATA_FILE, load

ROOT = Path(__file__).resolve().parent.parent


V = (
    "2018-02-01-preview", "2019-02-01-preview", "2019-05-01-preview", "2020-02-14", "2021-10-01",
    "2022-02-14", "2022-07-01", "2023-07-01", "2024-02-01", "2025-10-01",
)

# Facts §1.2: discriminator values per version (in the API's order).
SOURCES_3 = ("PlatformImage", "ManagedImage", "SharedImageVersion")
CUSTOMIZERS_5 = ("Shell", "WindowsRestart", "WindowsUpdate", "PowerShell", "File")
DISTRIBUTORS_3 = ("ManagedImage", "SharedImage", "VHD")
DISCRIMINATORS = {
    "2018-02-01-preview": (("ISO", "PlatformImage"), ("shell",), ("managedImage", "sharedImage"), None, None),
    "2019-02-01-preview": (("ISO", "PlatformImage", "ManagedImage"), ("Shell", "WindowsRestart", "PowerShell"),
                           DISTRIBUTORS_3, None, None),
    # WindowsUpdate: the version's own example uses it, so it is accepted (see tools/gen_catalog.py).
    "2019-05-01-preview": (("ISO", "PlatformImage", "ManagedImage", "SharedImageVersion"),
                           ("Shell", "WindowsRestart", "PowerShell", "File", "WindowsUpdate"), DISTRIBUTORS_3, None, None),
    "2020-02-14": (SOURCES_3, CUSTOMIZERS_5, DISTRIBUTORS_3, None, None),
    "2021-10-01": (SOURCES_3, CUSTOMIZERS_5, DISTRIBUTORS_3, None, None),
    "2022-02-14": (SOURCES_3, CUSTOMIZERS_5, DISTRIBUTORS_3, ("Shell", "PowerShell"), None),
    **{v: (SOURCES_3, CUSTOMIZERS_5, DISTRIBUTORS_3, ("Shell", "PowerShell", "File"), ("Latest", "Source"))
       for v in V[6:]},
}


def props(version):
    return load().version(version).properties


def variants(spec):
    return tuple(spec.variants) if spec is not None else None


def test_versions():
    cat = load()
    assert cat.versions == V
    assert cat.newest == "2025-10-01"
    assert load() is cat
    with pytest.raises(KeyError):
        cat.version("2021-01-01")


@pytest.mark.parametrize("version", V)
def test_discriminator_values(version):
    p = props(version).properties
    source, customize, distribute, validators, schemes = DISCRIMINATORS[version]
    assert variants(p["source"].spec) == source
    assert p["source"].spec.discriminator == "type"
    assert variants(p["customize"].spec.items) == customize
    assert variants(p["distribute"].spec.items) == distribute
    validate = p.get("validate")
    assert variants(validate.spec.properties["inVMValidations"].spec.items if validate else None) == validators
    shared = p["distribute"].spec.items.variant("SharedImage")
    versioning = shared.properties.get("versioning") if shared else None
    assert variants(versioning.spec if versioning else None) == schemes
    if versioning:
        assert versioning.spec.discriminator == "scheme"


def test_discriminator_property_lists_the_values():
    customize = props("2022-07-01").properties["customize"].spec.items
    assert customize.properties["type"].spec.enum == CUSTOMIZERS_5
    assert customize.properties["type"].required
    # Variants carry the base properties merged in.
    shell = customize.variant("Shell")
    assert {"type", "name", "scriptUri", "inline", "sha256Checksum"} <= set(shell.properties)
    assert customize.variant("shell") is None
    assert customize.variant_ci("shell") == "Shell"


def test_identity_required_from_2020_02_14():
    cat = load()
    for v in V:
        identity = cat.version(v).resource.properties.get("identity")
        if v < "2019-05-01-preview":
            assert identity is None, v
        else:
            assert identity.required == (v >= "2020-02-14"), v
            assert identity.spec.properties["type"].spec.enum == ("UserAssigned", "None")
            keys = identity.spec.properties["userAssignedIdentities"].spec.keys
            assert keys.resource_id == "userAssignedIdentity"


@pytest.mark.parametrize("version", V)
def test_replication_regions_required_until_2022_02_14(version):
    dist = props(version).properties["distribute"].spec.items
    shared = dist.variant("SharedImage") or dist.variant("sharedImage")
    regions = shared.properties["replicationRegions"]
    assert regions.required == (version <= "2022-02-14")
    assert regions.deprecated == (version >= "2022-07-01")
    assert shared.properties["galleryImageId"].required
    # An explicit version in galleryImageId came with the versioning of 2022-07-01.
    expected = "galleryImage" if version >= "2022-07-01" else "galleryImageDefinition"
    assert shared.properties["galleryImageId"].spec.resource_id == expected


def test_availability_of_features():
    cat = load()
    assert cat.versions_having(("properties", "customize", "[]", "WindowsUpdate")) == V[2:]
    # The 2019-05-01-preview examples and documentation: osDiskSizeGB, the old vnetConfig; early distributor tags.
    assert cat.versions_having(("properties", "vmProfile", "osDiskSizeGB")) == V[2:]
    assert cat.versions_having(("properties", "vmProfile", "vnetConfig", "subnetName")) == V[2:3]
    assert cat.versions_having(("properties", "vmProfile", "vnetConfig", "subnetId")) == V[3:]
    assert cat.versions_having(("properties", "distribute", "[]", "*", "tags")) == V[:2]
    assert cat.versions_having(("properties", "source", "ISO")) == V[:3]
    assert cat.versions_having(("properties", "source", "ISO", "sourceURI")) == V[:2]
    assert cat.versions_having(("properties", "source", "ISO", "sourceUri")) == V[2:3]
    assert cat.versions_having(("properties", "errorHandling")) == V[7:]
    assert cat.versions_having("properties/errorHandling/onCustomizerError/=cleanup") == V[7:]
    assert cat.versions_having(("properties", "additionalDataDisks")) == ("2025-10-01",)
    assert cat.versions_having(("properties", "optimize")) == V[6:]
    assert cat.versions_having(("properties", "optimize", "workload")) == ("2025-10-01",)
    assert cat.versions_having(("properties", "validate")) == V[5:]
    assert cat.versions_having(("properties", "autoRun")) == V[8:]
    assert cat.versions_having(("properties", "customize", "[]", "Shell", "script")) == V[1:2]
    assert cat.versions_having(("properties", "customize", "[]", "shell", "script")) == V[:1]
    assert cat.versions_having(("properties", "customize", "[]", "PowerShell", "runAsSystem")) == V[3:]
    assert cat.versions_having(("properties", "nonsense")) == ()


def test_2019_05_revision_properties_present():
    p = props("2019-05-01-preview")
    assert p.properties["buildTimeoutInMinutes"].spec.maximum == 960
    assert "vmSize" in p.properties["vmProfile"].spec.properties
    customize = p.properties["customize"].spec.items
    assert "sha256Checksum" in customize.variant("Shell").properties
    assert "sha256Checksum" in customize.variant("File").properties
    assert {"sha256Checksum", "runElevated"} <= set(customize.variant("PowerShell").properties)


def test_constraints_and_flags():
    p = props("2025-10-01").properties
    assert (p["buildTimeoutInMinutes"].spec.minimum, p["buildTimeoutInMinutes"].spec.maximum) == (0, 960)
    assert p["buildTimeoutInMinutes"].spec.default == 0
    on_error = p["errorHandling"].spec.properties["onCustomizerError"].spec
    assert on_error.enum == ("cleanup", "abort") and on_error.default == "cleanup"
    assert p["provisioningState"].read_only and p["exactStagingResourceGroup"].read_only
    assert p["stagingResourceGroup"].spec.resource_id == "resourceGroup"
    vm = p["vmProfile"].spec.properties
    assert vm["userAssignedIdentities"].spec.items.resource_id == "userAssignedIdentity"
    vnet = vm["vnetConfig"].spec.properties
    assert vnet["subnetId"].spec.resource_id == vnet["containerInstanceSubnetId"].spec.resource_id == "subnet"
    source = p["source"].spec
    assert source.variant("ManagedImage").properties["imageId"].spec.resource_id == "managedImage"
    assert source.variant("PlatformImage").properties["exactVersion"].read_only
    plan = source.variant("PlatformImage").properties["planInfo"].spec.properties
    assert all(plan[n].required for n in ("planName", "planProduct", "planPublisher"))
    shared = p["distribute"].spec.items.variant("SharedImage").properties
    assert shared["targetRegions"].spec.items.properties["replicaCount"].spec.minimum == 1
    assert shared["storageAccountType"].spec.enum == ("Standard_LRS", "Standard_ZRS", "Premium_LRS")
    assert shared["replicationMode"].spec.enum == ("Full", "Shallow")
    latest = shared["versioning"].spec.variant("Latest").properties["major"].spec
    assert (latest.minimum, latest.default) == (-1, -1)
    assert p["distribute"].spec.items.properties["runOutputName"].spec.pattern == "^[A-Za-z0-9-_.]{1,64}$"
    older = props("2020-02-14").properties["distribute"].spec.items.variant("SharedImage").properties
    assert older["storageAccountType"].spec.enum == ("Standard_LRS", "Standard_ZRS")


def test_image_version_id_forms_by_version():
    def form(v):
        src = props(v).properties["source"].spec.variant("SharedImageVersion")
        return src.properties["imageVersionId"].spec.resource_id
    assert form("2022-02-14") == "galleryImageVersion"
    assert form("2022-07-01") == "galleryImageVersionOrLatest"


def test_resource_wrapper():
    cat = load()
    old = cat.version("2018-02-01-preview").resource.properties
    new = cat.version("2025-10-01").resource.properties
    assert old["name"].spec.pattern == "^[A-Za-z0-9-_]{1,64}$"
    assert new["name"].spec.pattern == "^[A-Za-z0-9-_.]{1,64}$"
    assert new["type"].spec.enum == ("Microsoft.VirtualMachineImages/imageTemplates",)
    assert new["apiVersion"].spec.enum == ("2025-10-01",)
    assert all(new[k].arm_required and not new[k].required for k in ("type", "apiVersion", "name"))
    assert new["location"].required and new["properties"].required
    arm_only = {k for k, p in new.items() if p.arm_only}
    assert arm_only == {"dependsOn", "condition", "copy", "comments", "scope", "metadata"}
    assert new["systemData"].read_only and "systemData" not in old


def test_generator_reproduces_committed_file(reference_dir, tmp_path):
    swagger = reference_dir / "swagger"
    if not swagger.is_dir():
        pytest.skip("swagger folder not present")
    out = tmp_path / "versions.json"
    subprocess.run([sys.executable, str(ROOT / "tools" / "gen_catalog.py"), str(swagger), "-o", str(out)],
                   check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == DATA_FILE.read_text(encoding="utf-8")


def test_load_is_fast_and_light():
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "import aiblint.catalog as c\n"
        "t1 = time.perf_counter()\n"
        "cat = c.load(); cat.version(cat.newest)\n"
        "t2 = time.perf_counter()\n"
        "bad = [m for m in ('pydantic', 'jsonschema', 'pygls', 'lsprotocol') if m in sys.modules]\n"
        "print(t2 - t1, bad)\n"
    )
    best = None
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
        seconds, bad = out.split(" ", 1)
        best = min(best or 1e9, float(seconds))
        assert bad.strip() == "[]"
    assert best < 0.010, f"catalog load took {best * 1000:.1f} ms"


def test_in_process_load_time():
    from aiblint.catalog import Catalog
    import json
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))

    def build() -> float:
        t = time.process_time()
        cat = Catalog(data)
        for v in cat.versions:
            cat.version(v)
        return time.process_time() - t

    # CPU time, best of five: another process or a garbage collection on a busy
    # machine must not count against the catalog (one wall-clock run took 61 ms).
    assert min(build() for _ in range(5)) < 0.05


# -- lookup -----------------------------------------------------------------

from aiblint.catalog import lookup  # noqa: E402
from aiblint.document import Document  # noqa: E402
from aiblint.document.nodes import find_node_at  # noqa: E402

TEMPLATE = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westus2",
  "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/s/x": {}}},
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical"},
    "customize": [
      {"type": "Shell", "inline": ["echo hi"]},
      {"type": "shell", "inline": []},
      {"type": "[parameters('t')]", "name": "p"}
    ],
    "distribute": [
      {"type": "SharedImage", "runOutputName": "r", "versioning": {"scheme": "Latest", "major": 2}}
    ]
  }
}"""


def node_at(doc, needle, nth=0):
    offset = -1
    for _ in range(nth + 1):
        offset = doc.data.index(needle.encode(), offset + 1)
    return find_node_at(doc.root, offset)


def test_resolve_node_follows_discriminators():
    doc = Document(TEMPLATE, "t.json")
    schema = load().version("2022-07-01")
    res = lookup.resolve_node(schema, doc.root, node_at(doc, '"echo hi"'))
    assert res.location == ("properties", "customize", "[]", "Shell", "inline", "[]")
    assert res.spec.type == "string" and res.prop is None
    inline = lookup.resolve_node(schema, doc.root, node_at(doc, '["echo hi"]'))
    assert inline.prop.name == "inline" and inline.spec.type == "array"
    assert inline.parent.name == "ImageTemplateShellCustomizer"
    shell = lookup.resolve_path(schema, ("properties", "customize", 0), doc.root)
    assert shell.variant == "Shell" and shell.type_location == ("properties", "customize", "[]", "Shell")
    assert "inline" in shell.properties and shell.union.discriminator == "type"
    assert shell.property_location("inline") == ("properties", "customize", "[]", "Shell", "inline")
    major = lookup.resolve_node(schema, doc.root, node_at(doc, "2}"))
    assert major.location == ("properties", "distribute", "[]", "SharedImage", "versioning", "Latest", "major")
    assert major.spec.minimum == -1


def test_resolve_unmatched_discriminators():
    doc = Document(TEMPLATE, "t.json")
    schema = load().version("2022-07-01")
    wrong_case = lookup.resolve_path(schema, ("properties", "customize", 1), doc.root)
    assert wrong_case.variant is None and wrong_case.discriminator_value == "shell"
    assert wrong_case.union.variant_ci("shell") == "Shell"
    assert set(wrong_case.properties) == {"type", "name"}
    assert wrong_case.property_location("name") == ("properties", "customize", "[]", "*", "name")
    assert lookup.child(wrong_case, "inline") is None
    expr = lookup.resolve_path(schema, ("properties", "customize", 2), doc.root)
    assert expr.variant is None and expr.discriminator_value is None
    name = lookup.resolve_path(schema, ("properties", "customize", 2, "name"), doc.root)
    assert name.location == ("properties", "customize", "[]", "*", "name")
    assert load().versions_having(name.location) == V[:]


def test_resolve_path_edges():
    schema = load().version("2025-10-01")
    assert lookup.resolve_path(schema, ()).spec is schema.resource
    assert lookup.resolve_path(schema, ("properties", "nope")) is None
    assert lookup.resolve_path(schema, ("properties", "customize", "x")) is None
    ident = lookup.resolve_path(schema, ("identity", "userAssignedIdentities", "/subscriptions/a"))
    assert ident.location == ("identity", "userAssignedIdentities", "{}")
    assert ident.spec.properties["clientId"].read_only
    # Unresolved unions give the shared properties; a missing value still resolves (completion).
    src = lookup.resolve_path(schema, ("properties", "source"))
    assert src.variant is None and set(src.properties) == {"type"}
    assert set(src.spec.variants) == set(SOURCES_3)
    vm = lookup.resolve_path(schema, ("properties", "vmProfile"))
    assert lookup.child(vm, "vmSize").location == ("properties", "vmProfile", "vmSize")


def test_versions_for_diagnostics():
    cat = load()
    assert cat.describe_versions(cat.versions_having(("properties", "optimize"))) == "2022-07-01 and later"
    assert cat.describe_versions(cat.versions_having(("properties", "source", "ISO"))) == "up to 2019-05-01-preview"
    assert cat.describe_versions(V) == "all API versions"
    assert cat.describe_versions(()) == "no API version"
    assert cat.describe_versions(("2019-02-01-preview", "2020-02-14", "2021-10-01", "2025-10-01")) == \
        "2019-02-01-preview, 2020-02-14 to 2021-10-01, 2025-10-01"
    union = cat.version("2025-10-01").properties.properties["source"].spec
    assert lookup.variants_with_property(union, "imageId") == ["ManagedImage"]


def test_case_insensitive_helpers():
    assert lookup.match_ci("sourceURI", ["sourceUri", "sha256Checksum"]) == "sourceUri"
    assert lookup.match_ci("x", ["y"]) is None
    assert lookup.suggest("pubisher", ["publisher", "offer", "sku"]) == "publisher"
    assert lookup.suggest("zzz", ["publisher"]) is None
    spec = load().version("2025-10-01").properties
    assert spec.prop_ci("VMPROFILE").name == "vmProfile"
    assert lookup.parse_loc(lookup.loc_str(("a", "[]", "B"))) == ("a", "[]", "B")


# -- JSON Schema export -------------------------------------------------------

import json  # noqa: E402

import jsonschema  # noqa: E402

from aiblint.catalog.jsonschema_export import json_schema  # noqa: E402

# Example bodies that do not match their own API version's swagger, and why.
EXAMPLE_EXCEPTIONS = {
    # The example has no 'identity', which the 2020-02-14 swagger lists as required.
    ("2020-02-14", "CreateImageTemplate.json"): [()],
}


@pytest.mark.parametrize("version", V)
def test_json_schema_is_valid_draft_2020_12(version):
    for arm in (False, True):
        schema = json_schema(version, arm=arm)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def example_bodies(corpus_dir, version):
    for path in sorted((corpus_dir / "specs" / version / "examples").glob("Create*.json")):
        params = json.loads(path.read_text(encoding="utf-8"))["parameters"]
        yield path.name, params.get("imageTemplate") or params["parameters"]


@pytest.mark.parametrize("version", V)
def test_api_examples_validate(corpus_dir, version):
    validator = jsonschema.Draft202012Validator(json_schema(version))
    names = []
    for name, body in example_bodies(corpus_dir, version):
        names.append(name)
        errors = sorted(tuple(e.absolute_path) for e in validator.iter_errors(body))
        assert errors == EXAMPLE_EXCEPTIONS.get((version, name), []), name
    assert names


def _validator(version, **kw):
    return jsonschema.Draft202012Validator(json_schema(version, **kw))


def _body(**props):
    return {
        "location": "westus",
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}},
        "properties": {
            "source": {"type": "PlatformImage", "publisher": "p", "offer": "o", "sku": "s", "version": "latest"},
            "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
            **props,
        },
    }


def test_json_schema_rejects_what_the_service_rejects():
    v = _validator("2025-10-01")
    assert v.is_valid(_body())
    assert not v.is_valid(_body(buildTimeoutInMinutes=961))
    assert v.is_valid(_body(buildTimeoutInMinutes="[parameters('timeout')]"))
    assert not v.is_valid(_body(buildTimeoutInMinutes="[[literal"))
    assert not v.is_valid(_body(unknownThing=1))
    assert not v.is_valid(_body(customize=[{"type": "Shell", "inline": "echo"}]))
    assert not v.is_valid(_body(customize=[{"type": "Shell", "sourceUri": "x"}]))
    assert v.is_valid(_body(customize=[{"type": "File", "sourceUri": "x", "destination": "/tmp/x"}]))
    assert not v.is_valid(_body(customize=[{"type": "Shel"}]))
    assert not v.is_valid(_body(errorHandling={"onCustomizerError": "Cleanup"}))
    assert not v.is_valid(_body(stagingResourceGroup="rg-name-only"))
    assert v.is_valid(_body(stagingResourceGroup="/SUBSCRIPTIONS/s/resourcegroups/my-rg"))
    body = _body()
    body["identity"]["userAssignedIdentities"] = {"not-an-id": {}}
    assert not v.is_valid(body)
    body["dependsOn"] = []
    assert not v.is_valid(body)
    arm = _validator("2025-10-01", arm=True)
    body = dict(_body(), dependsOn=["x"], type="Microsoft.VirtualMachineImages/imageTemplates",
                apiVersion="2025-10-01", name="t")
    assert arm.is_valid(body)
    del body["name"]
    assert not arm.is_valid(body)


def test_json_schema_closedness_by_version():
    assert not _validator("2024-02-01").is_valid(_body(unknownThing=1))
    assert _validator("2023-07-01").is_valid(_body(unknownThing=1))
    assert not _validator("2023-07-01", closed=True).is_valid(_body(unknownThing=1))
    assert not _validator("2023-07-01").is_valid(_body(customize=[{"type": "WindowsUpdate", "updateLimit": -1}]))


# -- documentation ------------------------------------------------------------

from aiblint.catalog import docs  # noqa: E402


def _under_read_only(cat, loc):
    for i in range(1, len(loc)):
        res = lookup.at_location(cat.version(cat.versions_having(loc)[-1]), loc[:i])
        if res is not None and res.prop is not None and res.prop.read_only and res.location == loc[:i]:
            return True
    return False


def documented_locations(cat):
    """Every property and type value of every version, and the enum values users write."""
    for key in cat.locations():
        loc = lookup.parse_loc(key)
        if not loc or loc[-1] in (lookup.ITEMS, lookup.VALUES):
            continue
        if loc[-1].startswith("=") and (_under_read_only(cat, loc) or loc[:-1] in (("type",), ("apiVersion",))):
            continue
        yield loc


def test_every_property_and_type_value_is_documented():
    cat = load()
    locs = list(documented_locations(cat))
    assert len(locs) > 200
    missing = [lookup.loc_str(loc) for loc in locs if not docs.has_doc(loc)]
    assert missing == []
    for loc in locs:
        doc = cat.doc_for(loc)
        assert doc is not None and doc.text and doc.url.startswith("https://learn.microsoft.com/"), loc
        assert len(doc.text) < 500, loc


def test_docs_entries_all_name_real_locations():
    cat = load()
    known = {k.lower() for k in cat.locations()}
    stale = [k for k in docs.entries() if k.lower() not in known]
    assert stale == []


def test_doc_for_property():
    cat = load()
    doc = cat.doc_for(("properties", "buildTimeoutInMinutes"), "2022-07-01")
    assert doc.kind == "property" and doc.type == "integer" and not doc.required
    assert (doc.minimum, doc.maximum, doc.default) == (0, 960, 0)
    assert doc.url.endswith("image-builder-json#properties-buildtimeoutinminutes")
    assert doc.versions == V[2:] and doc.versions_text == "2019-05-01-preview and later"
    md = doc.markdown()
    assert md.startswith("**buildTimeoutInMinutes** · integer · optional")
    assert "API versions: 2019-05-01-preview and later" in md and "Range: 0…960" in md
    regions = cat.doc_for("properties/distribute/[]/SharedImage/replicationRegions", "2022-02-14")
    assert regions.required and not regions.deprecated
    regions = cat.doc_for("properties/distribute/[]/SharedImage/replicationRegions")
    assert regions.version == "2025-10-01" and regions.deprecated and not regions.required
    assert "deprecated" in regions.markdown()
    inline = cat.doc_for(("properties", "customize", "[]", "Shell", "inline"))
    assert inline.type == "array of string" and "secrets" in inline.text
    assert inline.url.endswith("#properties-customize")
    name = cat.doc_for(("properties", "customize", "[]", "Shell", "name"))
    assert name.text == cat.doc_for(("properties", "customize", "[]", "*", "name")).text
    ident = cat.doc_for(("identity",), "2020-02-14")
    assert ident.required and ident.url.endswith("#identity")
    assert cat.doc_for(("identity",), "2019-05-01-preview").required is False
    ids = cat.doc_for(("identity", "userAssignedIdentities"))
    assert ids.type == "object of object"
    assert cat.doc_for(("dependsOn",)).url.startswith("https://learn.microsoft.com/azure/azure-resource-manager/")
    assert cat.doc_for(("properties", "nope")) is None


def test_doc_for_type_values():
    cat = load()
    shell = cat.doc_for(("properties", "customize", "[]", "Shell"))
    assert shell.kind == "type" and shell.title == "Shell customizer"
    assert "scriptUri" in shell.properties and "type" not in shell.properties
    old = cat.doc_for(("properties", "customize", "[]", "shell"))
    assert old.versions == ("2018-02-01-preview",) and old.text == shell.text
    assert old.properties == ("name", "script")
    iso = cat.doc_for("properties/source/ISO")
    assert iso.versions_text == "up to 2019-05-01-preview" and iso.title == "ISO source"
    scheme = cat.doc_for("properties/distribute/[]/SharedImage/versioning/Latest")
    assert scheme.title == "Latest versioning scheme" and scheme.properties == ("major",)
    value = cat.doc_for("identity/type/=UserAssigned")
    assert value.kind == "value" and value.title == "UserAssigned"
    types = cat.doc_for("properties/customize/[]/*/type", "2019-05-01-preview")
    assert types.allowed == ("Shell", "WindowsRestart", "PowerShell", "File", "WindowsUpdate")


def test_docs_are_not_loaded_by_the_check_path():
    code = ("import sys\nimport aiblint.catalog as c\nc.load().version('2025-10-01')\n"
            "print('aiblint.catalog.docs' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"
