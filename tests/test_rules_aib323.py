"""AIB323 hyperv-generation-mismatch."""

from lintutil import Found, lint
from rulefix import at, diagnostics
from servicerules import GALLERY, arm_file, gallery_image, platform, template_resource


def target(image: str) -> dict:
    return {"type": "SharedImage", "galleryImageId": GALLERY.format(image), "runOutputName": "sig",
            "targetRegions": [{"name": "westeurope"}]}


def test_gen2_source_into_a_v1_definition():
    # A definition without hyperVGeneration is V1.
    text = arm_file(gallery_image("gal/win11", None),
                    template_resource("t", platform("win11-23h2-avd", "MicrosoftWindowsDesktop", "windows-11"),
                                      distribute=[target("win11")]))
    assert lint(text, codes="AIB323") == [Found(
        "AIB323", at(text, f'"{GALLERY.format("win11")}"'),
        "The source is a Generation 2 image but gallery image definition 'win11' is V1 (Generation 1): "
        "publishing the image will fail")]
    assert [r.message for r in diagnostics(text, "AIB323")[0].related] == [
        "image definition 'win11' is V1", "the source is a Generation 2 image"]


def test_gen1_source_into_a_v2_definition():
    text = arm_file(gallery_image("gal/ubuntu", "V2"),
                    template_resource("t", platform("20_04-lts-gen1", "Canonical", "0001-com-ubuntu-server-focal"),
                                      distribute=[target("ubuntu")]))
    assert [f.message for f in lint(text, codes="AIB323")] == [
        "The source is a Generation 1 image but gallery image definition 'ubuntu' is V2 (Generation 2): "
        "publishing the image will fail"]


def test_valid():
    for text in (
        arm_file(gallery_image("gal/win11", "V2"), template_resource(
            "t", platform("win11-23h2-avd", "MicrosoftWindowsDesktop", "windows-11"), distribute=[target("win11")])),
        # Generation unknown from the SKU.
        arm_file(gallery_image("gal/ws", "V2"), template_resource("t", platform("2019-Datacenter"),
                                                                  distribute=[target("ws")])),
        # Definition not in this file.
        arm_file(template_resource("t", platform("2022-datacenter-g2"), distribute=[target("elsewhere")])),
    ):
        assert lint(text, codes="AIB323") == []
