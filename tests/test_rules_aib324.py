"""AIB324 trigger-requirements."""

from lintutil import lint
from rulefix import at, fix_titles, fixed
from servicerules import GALLERY, MANAGED, arm_file, platform, template_resource

UBUNTU = platform("22_04-lts-gen2", "Canonical", "0001-com-ubuntu-server-jammy")


def trigger(name="t/trig", kind="SourceImage", api="2022-07-01", location=None) -> dict:
    res = {"type": "Microsoft.VirtualMachineImages/imageTemplates/triggers", "apiVersion": api, "name": name}
    if location:
        res["location"] = location
    res["properties"] = {"kind": kind} if kind else {}
    return res


def test_valid_trigger():
    sig = {"type": "SharedImage", "galleryImageId": GALLERY.format("img"), "runOutputName": "sig"}
    text = arm_file(template_resource("t", UBUNTU, distribute=[sig]), trigger(location="westeurope"))
    assert lint(text, codes="AIB324") == []
    # A child resource of the template.
    child = template_resource("t", UBUNTU)
    child["resources"] = [{**trigger(name="trig"), "type": "triggers"}]
    assert lint(arm_file(child), codes="AIB324") == []
    # No trigger: nothing to check.
    assert lint(arm_file(template_resource("t", {**UBUNTU, "version": "22.04.202401010"})), codes="AIB324") == []


def test_source_version_must_be_latest():
    text = arm_file(template_resource("t", {**UBUNTU, "version": "22.04.202401010"}), trigger())
    found = lint(text, codes="AIB324")
    assert [(f.range, f.message) for f in found] == [
        (at(text, '"22.04.202401010"'), "A triggered template needs source version 'latest', not '22.04.202401010'")]
    assert fix_titles(text, "AIB324") == [[("Use version latest", False)]]
    assert '"version": "latest"' in fixed(text, "AIB324", unsafe=True)


def test_trigger_and_template_problems():
    version = GALLERY.format("img") + "/versions/1.0.0"
    source = {"type": "SharedImageVersion", "imageVersionId": GALLERY.format("img") + "/versions/latest"}
    text = arm_file(
        template_resource("t", source, distribute=[
            {"type": "SharedImage", "galleryImageId": version, "runOutputName": "a"},
            {"type": "SharedImage", "galleryImageId": GALLERY.format("img"), "runOutputName": "b"}]),
        trigger(location="eastus", api="2022-02-14"), trigger(name="t/second"), trigger(name="t/odd", kind="Schedule"),
    )
    assert [f.message for f in lint(text, codes="AIB324")] == [
        "A triggered template cannot distribute to a fixed gallery image version; name the image definition and "
        "the version is chosen automatically",
        "A triggered template cannot distribute to the image definition its gallery source comes from",
        "A triggered template cannot distribute to the image definition its gallery source comes from",
        "Image template triggers exist from API version 2022-07-01, not 2022-02-14",
        "The trigger's location 'eastus' must be the template's location 'westeurope'",
        "Only one SourceImage trigger per image template is supported",
        "'Schedule' is not a trigger kind; the only kind is 'SourceImage'",
    ]


def test_managed_image_source():
    text = arm_file(template_resource("t", {"type": "ManagedImage", "imageId": MANAGED["imageId"]}), trigger())
    assert [f.message for f in lint(text, codes="AIB324")] == [
        "A triggered template needs a PlatformImage or SharedImageVersion source, not ManagedImage"]
