"""Bicep calls of the verified image-template module: checked like the template the module creates,
with findings and fixes on the user's params."""

from __future__ import annotations

from aiblint.fixes import apply_text, choose
from cliutil import run as cli
from lintutil import Found, lint, run
from rulefix import at

from aiblint.diagnostics import Span

REFERENCE = "br/public:avm/res/virtual-machine-images/image-template:0.6.1"
SHA = "8d469f6864a38e1cf957cd080603026bba325793edfb4fe2e8b8e7368eb15b92"


def call(name: str, *, checksum: bool, scripts: bool = True, reference: str = REFERENCE) -> str:
    """One module call of PSRule's Image Builder case, written in Bicep."""
    sha = f"\n        sha256Checksum: '{SHA}'" if checksum else ""
    steps = f"""
    customizationSteps: [
      {{
        type: 'Shell'
        name: 'Install tools'
        scriptUri: 'https://example.com/scripts/install-tools.sh'{sha}
      }}
    ]
    validationProcess: {{
      inVMValidations: [
        {{
          type: 'Shell'
          name: 'Validate tools'
          scriptUri: 'https://example.com/scripts/install-tools.sh'{sha.replace(chr(10) + '  ', chr(10) + '      ')}
        }}
      ]
    }}""" if scripts else ""
    return f"""
module {name.replace('-', '')} '{reference}' = {{
  name: '{name}'
  params: {{
    name: '{name}'
    location: location
    managedIdentities: {{
      userAssignedResourceIds: [
        identityId
      ]
    }}
    imageSource: {{
      type: 'PlatformImage'
      publisher: 'canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: 'latest'
    }}
    distributions: [
      {{
        type: 'ManagedImage'
        imageName: '{name}'
      }}
    ]
    buildTimeoutInMinutes: 60
    vmSize: 'Standard_D2s_v3'{steps}
  }}
}}
"""


HEAD = "param location string = resourceGroup().location\nparam identityId string\n"


def missing(kind: str, name: str) -> str:
    return f'Shell {kind} "{name}" downloads scriptUri without sha256Checksum; the file is not verified'


def test_psrule_case_missing_checksums_found_once_on_the_params():
    text = HEAD + call("image-001", checksum=False) + call("image-002", checksum=True) \
        + call("image-003", checksum=False, scripts=False)
    assert lint(text, "main.bicep") == [
        Found("AIB301", at(text, "scriptUri"), missing("customizer", "Install tools")),
        Found("AIB301", at(text, "scriptUri", 2), missing("validator", "Validate tools")),
    ]
    found = run(text, "main.bicep").templates
    assert [(t.form, t.api_version, t.module_version.label) for t in found] == [("bicep", "2024-02-01", "0.6")] * 3


def test_a_call_with_checksums_has_no_finding():
    assert lint(HEAD + call("image-002", checksum=True), "main.bicep") == []


def test_the_module_parts_sit_where_the_module_puts_them():
    text = HEAD + call("image-002", checksum=True)
    (t,) = run(text, "main.bicep").templates
    props = t.properties
    assert text.encode()[props.get("customize").span.start:].startswith(b"[\n      {\n        type: 'Shell'")
    assert props.get("vmProfile").get("vmSize").value == "Standard_D2s_v3"
    assert props.get("source").get("offer").value == "ubuntu-24_04-lts"
    assert props.get("validate").get("inVMValidations") is not None
    assert props.get("buildTimeoutInMinutes").value == 60


def test_fixes_edit_the_params():
    text = HEAD + call("image-002", checksum=True).replace("type: 'Shell'", "type: 'shell'", 1).replace(
        "buildTimeoutInMinutes: 60", "buildTimeoutInMinutes: '60'")
    assert [f.code for f in lint(text, "main.bicep")] == ["AIB202", "AIB204"]
    result = run(text, "main.bicep")
    new, _ = apply_text(result.document.text, choose(result.diagnostics))
    assert "type: 'Shell'\n        name: 'Install tools'" in new and "buildTimeoutInMinutes: 60\n" in new
    assert lint(new, "main.bicep") == []


def test_an_unknown_module_version_uses_the_nearest_known_one_and_says_so():
    reference = "br/public:avm/res/virtual-machine-images/image-template:0.9.0"
    text = HEAD + call("image-001", checksum=False, scripts=True, reference=reference)
    found = lint(text, "main.bicep")
    assert found[0] == Found("AIB002", at(text, f"'{reference}'"),
                             "Version 0.9.0 of the verified image-template module is not known to aiblint; "
                             "its params are checked as version 0.6 places them")
    assert [f.code for f in found[1:]] == ["AIB301", "AIB301"]


def test_an_alias_and_a_local_path_to_the_module():
    for reference, codes in (
            ("br/avm:avm/res/virtual-machine-images/image-template:0.6.0", ["AIB301", "AIB301"]),
            ("br:mcr.microsoft.com/bicep/avm/res/virtual-machine-images/image-template:0.5.2", ["AIB301", "AIB301"]),
            ("../avm/res/virtual-machine-images/image-template/main.bicep", ["AIB002", "AIB301", "AIB301"])):
        text = HEAD + call("image-001", checksum=False, reference=reference)
        assert [f.code for f in lint(text, "main.bicep")] == codes, reference
    (t,) = run(HEAD + call("image-001", checksum=False, reference=reference), "main.bicep").templates
    assert t.module_version.label == "0.6"  # a local path: the newest known mapping


def test_another_module_is_ignored():
    text = HEAD + call("image-001", checksum=False, reference="br/public:avm/res/compute/virtual-machine:0.6.1")
    result = run(text, "main.bicep")
    assert result.templates == [] and result.diagnostics == []


def test_params_from_vars_are_evaluated_and_bicep_expressions_stay_opaque():
    steps = "var steps = [\n  {\n    type: 'Shell'\n    name: 'Install tools'\n    scriptUri: 'https://e.com/a.sh'\n  }\n]\n"
    text = HEAD + steps + call("image-001", checksum=True, scripts=False).replace(
        "vmSize: 'Standard_D2s_v3'", "vmSize: 'Standard_D2s_v3'\n    customizationSteps: steps\n"
        "    validationProcess: union({}, {inVMValidations: []})")
    assert lint(text, "main.bicep") == [Found("AIB301", at(text, "scriptUri"), missing("customizer", "Install tools"))]


def test_verbose_names_the_module_version(tmp_path):
    path = tmp_path / "main.bicep"
    path.write_text(HEAD + call("image-002", checksum=True))
    r = cli("--check", "--verbose", str(path))
    assert r.code == 0, r
    assert ("image template (Bicep, made by the verified image-template module 0.6.1, mapped as 0.6, API version "
            "2024-02-01): checked properties, source, customize, distribute") in r.out + r.err


def test_params_written_as_an_expression_are_not_checked_and_said_so():
    text = "var base = {}\n" + HEAD + call("image-001", checksum=False).split("  params: {")[0] \
        + "  params: union(base, {})\n}\n"
    assert lint(text, "main.bicep") == [Found(
        "AIB001", at(text, "union(base, {})"),
        "The template's properties are not checked: the module's params are not an object written in this file, "
        "and aiblint does not evaluate other Bicep expressions")]


def test_a_missing_image_source_is_reported_on_the_params():
    text = HEAD + call("image-002", checksum=True)
    start = text.index("    imageSource: {")
    text = text[:start] + text[text.index("    distributions:"):]
    params = text.index("{", text.index("params:"))
    line = text.count("\n", 0, params)
    found = lint(text, "main.bicep")
    # On the params object (the module requires imageSource); no fix: the body around the params is not text.
    assert [(f.code, f.range[:2], f.message) for f in found] == [
        ("AIB203", (line, params - text.rfind("\n", 0, params) - 1),
         "Missing required property 'source' in 'properties'; add 'imageSource' to the module's params")]
    result = run(text, "main.bicep")
    assert apply_text(result.document.text, choose(result.diagnostics, unsafe=True))[0] == result.document.text


# --------------------------------------------------------------------------
# Params the module transforms: each distribution target, the identities, the network


def module(reference: str = REFERENCE, head: str = HEAD, **params: str) -> str:
    """A module call whose params are the base ones (name, source, identity, one VHD target), with
    ``params`` (Bicep text by name, at the params' indentation) replacing or adding members; "-" leaves
    a base member out."""
    base = {
        "name": "'image'",
        "managedIdentities": "{\n      userAssignedResourceIds: [\n        identityId\n      ]\n    }",
        "imageSource": "{\n      type: 'PlatformImage'\n      publisher: 'canonical'\n      offer: 'ubuntu-24_04-lts'\n"
                       "      sku: 'server'\n      version: 'latest'\n    }",
        "distributions": "[\n      {\n        type: 'VHD'\n        imageName: 'image'\n      }\n    ]",
    }
    members = {**base, **params}
    body = "".join(f"\n    {k}: {v}" for k, v in members.items() if v != "-")
    return f"{head}\nmodule image '{reference}' = {{\n  name: 'image'\n  params: {{{body}\n  }}\n}}\n"


GALLERY = ("/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/gallery/images/def")
GALLERY_FORM = ("expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/"
                "galleries/{gallery}/images/{imageDefinition}[/versions/{x.y.z}]")


def test_each_distribution_target_is_checked_on_the_users_item():
    text = module(distributions=f"""[
      {{
        type: 'SharedImage'
        sharedImageGalleryImageDefinitionResourceId: '{GALLERY}'
        runOutputName: 'linux'
      }}
      {{
        type: 'VHD'
        imageName: 'disk'
        runOutputName: 'linux'
      }}
      {{
        type: 'SharedImage'
        sharedImageGalleryImageDefinitionResourceId: 'myImageDefinition'
      }}
      {{
        type: 'ManagedImage'
        imageName: 'managed'
        imageResourceId: 'myImage'
      }}
    ]""")
    assert lint(text, "main.bicep") == [
        Found("AIB303", at(text, "'linux'", 2),
              'runOutputName "linux" is already used by distribute[0]; each distribute target needs its own run '
              "output name"),
        Found("AIB208", at(text, "'myImageDefinition'"),
              "'galleryImageId' is not the resource ID of an Azure Compute Gallery image definition or image "
              f"version; {GALLERY_FORM} (the module's 'distributions[].sharedImageGalleryImageDefinitionResourceId')"),
        Found("AIB208", at(text, "'myImage'"),
              "'imageId' is not the resource ID of a managed image; expected /subscriptions/{subscriptionId}/"
              "resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName} (the module's "
              "'distributions[].imageResourceId')"),
    ]


# Two distribution targets with one run output name (AIB303), as module params.
SAME_RUN_OUTPUT = """[
      {
        type: 'VHD'
        imageName: 'a'
        runOutputName: 'out'
      }
      {
        type: 'VHD'
        imageName: 'b'
        runOutputName: 'out'
      }
    ]"""


def test_the_duplicate_run_output_name_is_fixed_in_the_users_item():
    text = module(distributions=SAME_RUN_OUTPUT)
    result = run(text, "main.bicep")
    new, _ = apply_text(result.document.text, choose(result.diagnostics))
    assert "runOutputName: 'out'\n" in new and "runOutputName: 'out-2'\n" in new
    assert lint(new, "main.bicep") == []


def test_what_the_module_computes_is_never_a_finding():
    # No runOutputName, location, imageId, replication regions or storage type given: the module
    # computes them (some from values known only at deployment); a target version makes the module
    # build galleryImageId, so the definition ID alone is not checked as the gallery image ID.
    text = module(distributions=f"""[
      {{
        type: 'SharedImage'
        sharedImageGalleryImageDefinitionResourceId: '{GALLERY}'
      }}
      {{
        type: 'SharedImage'
        sharedImageGalleryImageDefinitionResourceId: 'notAnId'
        sharedImageGalleryImageDefinitionTargetVersion: '1.0.0'
      }}
      {{
        type: 'ManagedImage'
        imageName: 'managed'
      }}
      {{
        type: kind
        imageName: 'unknown kind'
      }}
    ]""", head=HEAD + "param kind string\n")
    assert lint(text, "main.bicep") == []
    (t,) = run(text, "main.bicep").templates
    first = t.properties.get("distribute").items[0]
    assert [m.name for m in first.members] == ["type", "galleryImageId", "artifactTags", "excludeFromLatest",
                                               "replicationRegions", "runOutputName", "storageAccountType"]
    assert first.get("galleryImageId").value == GALLERY and first.member("galleryImageId").key_span == \
        Span(text.index("sharedImageGalleryImageDefinitionResourceId"),
             text.index("sharedImageGalleryImageDefinitionResourceId") + 43)


def test_a_gallery_definition_of_another_generation_in_the_same_file():
    definition = """
resource gallery 'Microsoft.Compute/galleries@2022-03-03' = {
  name: 'gallery'
  location: location
}

resource imageDef 'Microsoft.Compute/galleries/images@2022-03-03' = {
  parent: gallery
  name: 'def'
  location: location
  properties: {
    osType: 'Linux'
    osState: 'Generalized'
    hyperVGeneration: 'V2'
    identifier: {
      publisher: 'p'
      offer: 'o'
      sku: 's'
    }
  }
}
"""
    text = module(imageSource="""{
      type: 'PlatformImage'
      publisher: 'canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server-gen1'
      version: 'latest'
    }""", distributions="""[
      {
        type: 'SharedImage'
        sharedImageGalleryImageDefinitionResourceId: imageDef.id
      }
    ]""", head=HEAD + definition)
    assert lint(text, "main.bicep") == [Found(
        "AIB323", at(text, "imageDef.id"),
        "The source is a Generation 1 image but gallery image definition 'def' is V2 (Generation 2): publishing "
        "the image will fail")]


IDENTITY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib"


def test_the_identities_are_the_keys_of_the_template_identity():
    text = module(managedIdentities=f"""{{
      userAssignedResourceIds: [
        'aib'
        '{IDENTITY}'
      ]
    }}""")
    assert lint(text, "main.bicep") == [
        Found("AIB208", at(text, "'aib'"),
              "The key 'aib' of 'userAssignedIdentities' is not the resource ID of a user-assigned managed identity; "
              "expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
              "Microsoft.ManagedIdentity/userAssignedIdentities/{identityName} (the module's "
              "'managedIdentities.userAssignedResourceIds')"),
        Found("AIB311", at(text, f"'{IDENTITY}'"),
              "2 user-assigned identities are listed; the template supports only one"),
    ]
    (t,) = run(module(), "main.bicep").templates
    identity = t.node.get("identity")
    assert identity.get("type").value == "UserAssigned"
    assert [m.name for m in identity.get("userAssignedIdentities").members] == ["[parameters('identityId')]"]


def test_no_identity_listed():
    text = module(managedIdentities="{\n      userAssignedResourceIds: []\n    }")
    assert lint(text, "main.bicep") == [Found(
        "AIB311", at(text, "userAssignedResourceIds"),
        'Identity type "UserAssigned" lists no identity; add the resource ID of one user-assigned identity to '
        "userAssignedIdentities")]


SUBNET = "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/{}/subnets/{}"


def test_the_network_settings_land_in_vnet_config():
    text = module(vnetConfig=f"""{{
      subnetResourceId: '{SUBNET.format('vnet1', 'build')}'
      containerInstanceSubnetResourceId: '{SUBNET.format('vnet2', 'aci')}'
    }}""")
    assert lint(text, "main.bicep") == [Found(
        "AIB325", at(text, f"'{SUBNET.format('vnet2', 'aci')}'"),
        "containerInstanceSubnetId is in virtual network 'vnet2', subnetId in 'vnet1': both must be in the same "
        "virtual network (the module's 'vnetConfig.containerInstanceSubnetResourceId')")]
    text = module(vnetConfig=f"""{{
      subnetResourceId: 'build'
      containerInstanceSubnetResourceId: '{SUBNET.format('vnet1', 'aci')}'
      proxyVmSize: 'Standard_A1_v2'
    }}""")
    assert [(f.code, f.range) for f in lint(text, "main.bicep")] == [
        ("AIB208", at(text, "'build'")), ("AIB316", at(text, "proxyVmSize"))]


def test_before_0_6_the_subnet_is_its_own_param():
    reference = "br/public:avm/res/virtual-machine-images/image-template:0.5.2"
    text = module(subnetResourceId="'build'", reference=reference)
    assert [(f.code, f.range) for f in lint(text, "main.bicep")] == [("AIB208", at(text, "'build'"))]
    # 0.5 has no vnetConfig param: it is not placed.
    text = module(vnetConfig="{\n      subnetResourceId: 'build'\n    }", reference=reference)
    assert lint(text, "main.bicep") == []
    # 0.3 calls the staging group 'stagingResourceGroupResourceId', 0.2 'stagingResourceGroup'.
    for version, param in (("0.3.1", "stagingResourceGroupResourceId"), ("0.2.1", "stagingResourceGroup")):
        reference = f"br/public:avm/res/virtual-machine-images/image-template:{version}"
        text = module(reference=reference, **{param: "'staging'"})
        assert [(f.code, f.range) for f in lint(text, "main.bicep", codes="AIB208")] == [
            ("AIB208", at(text, "'staging'"))], version


# --------------------------------------------------------------------------
# Params given as a var


def test_params_given_as_a_var_are_the_vars_nodes():
    text = HEAD + """
var imageParams = {
  name: 'image'
  managedIdentities: {
    userAssignedResourceIds: [
      identityId
    ]
  }
  imageSource: {
    type: 'PlatformImage'
    publisher: 'canonical'
    offer: 'ubuntu-24_04-lts'
    sku: 'server'
    version: 'latest'
  }
  distributions: targets
  buildTimeoutInMinutes: 2000
}

var targets = [
  {
    type: 'VHD'
    imageName: 'a'
    runOutputName: 'vhd'
  }
  {
    type: 'VHD'
    imageName: 'b'
    runOutputName: 'VHD'
  }
]

module image 'br/public:avm/res/virtual-machine-images/image-template:0.6.1' = {
  name: 'image'
  params: imageParams
}
"""
    assert lint(text, "main.bicep") == [
        Found("AIB305", at(text, "2000"), "buildTimeoutInMinutes must be between 0 and 960 (16 hours), not 2000"),
        Found("AIB303", at(text, "'VHD'", 3),
              'runOutputName "VHD" differs only in case from "vhd" in distribute[0]; run output names are compared '
              "ignoring case"),
    ]


# --------------------------------------------------------------------------
# Required module params left out


def test_missing_required_params_are_named_on_the_params_object():
    text = module(managedIdentities="-", distributions="-")
    params = text.index("{", text.index("params:"))
    line = text.count("\n", 0, params)
    col = params - text.rfind("\n", 0, params) - 1
    assert lint(text, "main.bicep") == [
        Found("AIB203", (line, col, line, col + 1), "Missing required property 'distribute' in 'properties'; add "
                                                    "'distributions' to the module's params"),
        Found("AIB203", (line, col, line, col + 1), "Missing required property 'identity' in the image template; "
                                                    "add 'managedIdentities' to the module's params"),
    ]


# --------------------------------------------------------------------------
# A module call from a local path

# The head of the module's source as 0.5 declares it (metadata and param names only; no body needed).
PARAMS_0_5 = ("autoRunState", "baseTime", "buildTimeoutInMinutes", "customizationSteps", "distributions",
              "enableTelemetry", "errorHandlingOnCustomizerError", "errorHandlingOnValidationError", "imageSource",
              "location", "lock", "managedIdentities", "managedResourceTags", "name", "optimizeVmBoot", "osDiskSizeGB",
              "roleAssignments", "stagingResourceGroupResourceId", "subnetResourceId", "tags", "validationProcess",
              "vmSize", "vmUserAssignedIdentities")


def local_module(folder, name: str = "Virtual Machine Image Templates", params=PARAMS_0_5):
    folder.mkdir(parents=True)
    lines = [f"metadata name = '{name}'"] + [f"param {p} string" for p in params]
    (folder / "main.bicep").write_text("\n".join(lines) + "\n")


def lint_file(path, text):
    path.write_text(text)
    return lint(text, str(path))


def test_a_local_module_is_recognised_by_its_file_and_mapped_by_its_params(tmp_path):
    local_module(tmp_path / "bicep" / "aib")
    text = module(reference="./bicep/aib/main.bicep", subnetResourceId="'build'")
    assert lint_file(tmp_path / "main.bicep", text) == [
        Found("AIB002", at(text, "'./bicep/aib/main.bicep'"),
              "The verified image-template module at './bicep/aib/main.bicep' names no version (no version.json "
              "beside it); its params are checked as version 0.5 places them"),
        Found("AIB208", at(text, "'build'"),
              "'subnetId' is not the resource ID of a virtual network subnet; expected /subscriptions/{subscriptionId}/"
              "resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/{vnetName}/subnets/"
              "{subnetName} (the module's 'subnetResourceId')"),
    ]


def test_a_local_module_with_its_version_json(tmp_path):
    local_module(tmp_path / "modules" / "image-template")
    (tmp_path / "modules" / "image-template" / "version.json").write_text('{"version": "0.6"}')
    text = module(reference="./modules/image-template/main.bicep",
                  vnetConfig="{\n      subnetResourceId: 'build'\n    }")
    assert [(f.code, f.range) for f in lint_file(tmp_path / "main.bicep", text)] == [("AIB208", at(text, "'build'"))]
    (tmp_path / "modules" / "image-template" / "version.json").write_text('{"version": "0.9"}')
    assert lint_file(tmp_path / "main.bicep", text)[0] == Found(
        "AIB002", at(text, "'./modules/image-template/main.bicep'"),
        "The verified image-template module at './modules/image-template/main.bicep' is version 0.9 (its "
        "version.json), which aiblint does not know; its params are checked as version 0.6 places them")


def test_a_compiled_local_module_is_known_by_its_build_hash(tmp_path, corpus_dir):
    source = corpus_dir / "real/Azure__avdaccelerator/avm/1.0.0/res/virtual-machine-images/image-template/main.json"
    (tmp_path / "it").mkdir()
    (tmp_path / "it" / "main.json").write_bytes(source.read_bytes())
    text = module(reference="it/main.json", stagingResourceGroup="'staging'")
    path = tmp_path / "main.bicep"
    assert [(f.code, f.range) for f in lint_file(path, text)] == [("AIB208", at(text, "'staging'"))]
    (t,) = run(text, str(path)).templates
    assert (t.module_version.label, t.module_version.exact, t.api_version) == ("0.1", True, "2023-07-01")


def test_another_local_module_is_not_the_verified_one(tmp_path):
    local_module(tmp_path / "modules" / "image-template", name="Something else")
    # The early module of the same name (and its predecessor) took other params: not a known shape.
    local_module(tmp_path / "carml" / "image-template", params=("name", "userMsiName", "imageSource",
                                                                 "customizationSteps", "sigImageDefinitionId"))
    (tmp_path / "modules" / "other").mkdir()
    (tmp_path / "modules" / "other" / "main.bicep").write_text("param x string\n")
    for reference in ("./modules/image-template/main.bicep", "./carml/image-template/main.bicep",
                      "./modules/other/main.bicep", "./missing/main.bicep"):
        path = tmp_path / "main.bicep"
        path.write_text(module(reference=reference))
        result = run(path.read_text(), str(path))
        assert result.templates == [] and result.diagnostics == [], reference


def test_a_local_module_not_at_hand_is_known_by_its_path(tmp_path):
    text = module(reference="../shared/image-template/main.bicep")
    assert lint_file(tmp_path / "main.bicep", text) == [Found(
        "AIB002", at(text, "'../shared/image-template/main.bicep'"),
        "The verified image-template module at '../shared/image-template/main.bicep' names no version; its params "
        "are checked as version 0.6 places them")]
    # Only its path says it is the module: params it does not have are not asked for.
    text = module(reference="../shared/image-template/main.bicep", distributions="-", managedIdentities="-")
    assert [f.code for f in lint_file(tmp_path / "main.bicep", text)] == ["AIB002"]


def test_a_folder_walk_checks_a_local_module_call(tmp_path):
    local_module(tmp_path / "modules" / "aib")
    (tmp_path / "modules" / "aib" / "version.json").write_text('{"version": "0.5"}')
    (tmp_path / "main.bicep").write_text(module(reference="./modules/aib/main.bicep", subnetResourceId="'build'"))
    r = cli("--check", str(tmp_path))
    assert r.code == 1 and "main.bicep:" in r.out and "AIB208" in r.out, r


def test_distribution_targets_written_as_an_expression_are_not_checked_and_said_so():
    text = module(distributions="[for name in names: {\n      type: 'VHD'\n      imageName: name\n    }]",
                  head=HEAD + "param names array\n")
    assert lint(text, "main.bicep") == [Found(
        "AIB001", at(text, "[for name in names: {\n      type: 'VHD'\n      imageName: name\n    }]"),
        "The distribution targets ('distribute') are not checked: 'distributions' is a Bicep expression that "
        "aiblint does not evaluate")]


def test_identities_and_network_written_as_expressions_are_no_finding():
    head = HEAD + "param ids object\nparam idList array\nparam network object\n"
    for identities in ("ids", "{\n      userAssignedResourceIds: idList\n    }"):
        text = module(head=head, managedIdentities=identities, vnetConfig="network")
        assert lint(text, "main.bicep") == [], identities
        (t,) = run(text, "main.bicep").templates
        assert t.node.get("identity").get("type").value == "UserAssigned"


def test_a_module_path_naming_a_fifo_or_a_deep_json_file_is_not_read_to_a_hang(tmp_path):
    """Hostile files where the module should be: a FIFO (reading it would block), a FIFO for version.json,
    and a compiled module nested past the JSON reader's limit: never a hang or a crash. The FIFO's call is taken
    by its path (AIB002 says it names no version); an unreadable main.json is not known to be the module."""
    import os

    folder = tmp_path / "modules" / "image-template"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "main.bicep")
    os.mkfifo(folder / "version.json")
    (folder / "main.json").write_text("[" * 100_000 + "]" * 100_000)
    for reference, expected in (("./modules/image-template/main.bicep", ["AIB002"]),
                                ("./modules/image-template/main.json", [])):
        text = module(reference=reference)
        assert [f.code for f in lint_file(tmp_path / "main.bicep", text)] == expected, reference
