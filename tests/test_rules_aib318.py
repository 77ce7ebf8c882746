"""AIB318 gen2-build-vm-size."""

from lintutil import Found, lint
from rulefix import at, fix_titles, fixed
from servicerules import GALLERY, arm_file, gallery_image, platform, raw, template_resource

GEN2 = platform("2022-datacenter-g2")


def test_gen1_only_size_with_a_gen2_marketplace_image():
    text = raw(GEN2, vmProfile={"vmSize": "Standard_D2_v2"})
    assert lint(text, codes="AIB318") == [Found(
        "AIB318", at(text, '"Standard_D2_v2"'),
        "Build VM size 'Standard_D2_v2' (Dv2 family) cannot boot the Generation 2 source image; use Standard_DS2_v2")]
    assert fix_titles(text, "AIB318") == [[("Use Standard_DS2_v2", False)]]
    assert '"vmSize": "Standard_DS2_v2"' in fixed(text, "AIB318", unsafe=True)


def test_family_without_a_gen2_sibling_has_no_fix():
    text = raw(platform("win11-23h2-avd", "MicrosoftWindowsDesktop", "windows-11"), vmProfile={"vmSize": "Standard_A2_v2"})
    assert lint(text, codes="AIB318") == [Found(
        "AIB318", at(text, '"Standard_A2_v2"'),
        "Build VM size 'Standard_A2_v2' (Av2 family) cannot boot the Generation 2 source image; "
        "choose a size that supports Generation 2")]
    assert fix_titles(text, "AIB318") == [[]]


def test_gen2_by_gallery_definition_in_the_same_file():
    template = template_resource("t", {"type": "SharedImageVersion",
                                       "imageVersionId": GALLERY.format("base") + "/versions/latest"},
                                 vmProfile={"vmSize": "Standard_D4_v3"})
    text = arm_file(gallery_image("gal/base", "V2"), template)
    found = lint(text, codes="AIB318")
    assert [f.message for f in found] == [
        "Build VM size 'Standard_D4_v3' (Dv3 family) cannot boot the Generation 2 source image; use Standard_D4s_v3"]


def test_valid():
    # A Gen2-capable size, a Gen1 image, an unknown size, the default size, an unknown generation.
    for text in (
        raw(GEN2, vmProfile={"vmSize": "Standard_D2s_v3"}),
        raw(platform("2019-Datacenter"), vmProfile={"vmSize": "Standard_D2_v2"}),
        raw(GEN2, vmProfile={"vmSize": "Standard_Future9_v9"}),
        raw(GEN2),
        raw(GEN2, vmProfile={"vmSize": ""}),
        arm_file(gallery_image("gal/base", "V1"), template_resource(
            "t", {"type": "SharedImageVersion", "imageVersionId": GALLERY.format("base") + "/versions/1.0.0"},
            vmProfile={"vmSize": "Standard_D2_v2"})),
    ):
        assert lint(text, codes="AIB318") == []
