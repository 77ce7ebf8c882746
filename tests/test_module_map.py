"""The verified image-template module as data: derived from the compiled modules, kept current, looked up by version."""

from __future__ import annotations

import json
import subprocess
import sys

from aiblint.modules import data, nearest
from cliutil import ROOT, run
from test_verified_module import compiled, module_call


def test_the_mapping_is_what_the_compiled_modules_do(corpus_dir):
    # Regenerating from the corpus's compiled modules gives the committed data.
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_module_map.py"), "--check"],
                          capture_output=True, text=True, env={"AIBLINT_SHARED": str(corpus_dir.parent)}, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_where_the_parameters_go():
    newest = data()["versions"]["0.6"]["map"]
    assert newest["customizationSteps"] == [{"to": "properties.customize", "how": "same"}]
    assert newest["imageSource"][0] == {"to": "properties.source", "how": "same"}
    assert newest["validationProcess"] == [{"to": "properties.validate", "how": "same"}]
    assert newest["vnetConfig"] == [{"to": "properties.vmProfile.vnetConfig.subnetId", "how": "built"}]
    assert newest["managedIdentities"] == [{"to": "identity.userAssignedIdentities{}", "how": "key"}]
    assert "subnetResourceId" in data()["versions"]["0.5"]["map"] and "subnetResourceId" not in newest


def test_each_distribution_target_and_object_param_is_mapped_property_by_property():
    v06 = data()["versions"]["0.6"]
    shared = v06["elements"]["distributions"]["variants"]["SharedImage"]
    assert v06["elements"]["distributions"]["by"] == "type"
    # The definition is the gallery image ID unless a target version is given (then the module builds it).
    assert {"to": "properties.distribute[].galleryImageId", "how": "same",
            "unless": ["sharedImageGalleryImageDefinitionTargetVersion"]} in \
        shared["map"]["sharedImageGalleryImageDefinitionResourceId"]
    assert shared["map"]["runOutputName"] == [{"to": "properties.distribute[].runOutputName", "how": "same"}]
    assert "runOutputName" in shared["computed"] and "replicationRegions" in shared["computed"]
    managed = v06["elements"]["distributions"]["variants"]["ManagedImage"]
    assert managed["map"]["imageResourceId"] == [{"to": "properties.distribute[].imageId", "how": "same"}]
    assert managed["required"] == ["imageName"]
    assert v06["members"]["vnetConfig"] == {
        "subnetResourceId": [{"to": "properties.vmProfile.vnetConfig.subnetId", "how": "same"}],
        "containerInstanceSubnetResourceId": [{"to": "properties.vmProfile.vnetConfig.containerInstanceSubnetId",
                                               "how": "same"}],
        "proxyVmSize": [{"to": "properties.vmProfile.vnetConfig.proxyVmSize", "how": "same"}]}
    assert v06["members"]["managedIdentities"] == {
        "userAssignedResourceIds": [{"to": "identity.userAssignedIdentities{}", "how": "key"}]}
    assert v06["fixed"] == {"identity.type": "UserAssigned"}
    assert v06["required"] == ["distributions", "imageSource", "managedIdentities", "name"]
    # Where the versions differ, as their sources show.
    assert "customizationSteps" in data()["versions"]["0.1"]["required"]
    assert "stagingResourceGroup" in data()["versions"]["0.1"]["map"]
    v03 = data()["versions"]["0.3"]
    assert "stagingResourceGroupResourceId" in v03["map"] and "stagingResourceGroup" not in v03["map"]
    assert "customizationSteps" not in v03["required"] and v03["templateHash"] is None
    assert all(entry["note"] for entry in data()["versions"].values())


def test_unknown_versions_use_the_nearest_known_mapping():
    assert nearest("0.6.1")[:2] == ("0.6", True)
    assert nearest("0.9.0")[:2] == ("0.6", False)
    assert nearest("0.5.0")[:2] == ("0.5", True)
    assert nearest("0.3.2")[:2] == ("0.3", True)
    assert nearest("0.4.0")[:2] == ("0.3", False)
    assert nearest("0.2.1")[:2] == ("0.1", False)


def test_verbose_names_the_module_version_of_a_compiled_call(corpus_dir, tmp_path):
    path = corpus_dir / "real/Azure__bicep-registry-modules/avm/res/virtual-machine-images/image-template/main.json"
    module = json.loads(path.read_text(encoding="utf-8-sig"))
    target = tmp_path / "main.json"
    target.write_text(compiled(module_call("image-002", checksum=True, module=module)))
    r = run("--check", "--verbose", str(target))
    assert r.code == 0, r
    assert "image template (ARM, made by the verified image-template module 0.6, API version " \
           "2024-02-01): checked properties, source, customize, distribute" in r.err
