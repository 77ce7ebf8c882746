"""Schema findings on real templates: known real problems are found, known legitimate forms are not flagged."""

from __future__ import annotations

from aiblint.document import Document
from aiblint.engine import lint


def _schema(path):
    result = lint(Document(path.read_bytes().decode("utf-8", "replace"), str(path)))
    lines = result.document.lines
    return [(d.code, lines.range(d.span).start.line + 1, d.message) for d in result.diagnostics if d.code.startswith("AIB2")]


def test_official_quickstart_raw_bodies(corpus_dir):
    # Raw bodies with "dependsOn": [] (used with az resource create): clean, also with the provider as type.
    quick = corpus_dir / "real/Azure__azvmimagebuilder/quickquickstarts"
    assert _schema(quick / "0_Creating_a_Custom_Linux_Managed_Image/helloImageTemplateLinux.json") == []
    assert _schema(quick / "1_Creating_a_Custom_Linux_Shared_Image_Gallery_Image/helloImageTemplateforSIG.json") == []


def test_arm_child_resources_and_expressions_are_not_flagged(corpus_dir):
    # Compiled module: expressions everywhere, a child lock resource in "resources", comments in JSON.
    path = corpus_dir / "real/Azure__ResourceModules/arm/Microsoft.VirtualMachineImages/imageTemplates/deploy.json"
    assert _schema(path) == []


def test_real_problems_are_found(corpus_dir):
    real = corpus_dir / "real"
    choco = _schema(real / "lenvolk__images-using-azure-image-builder/LenVolk/AIB-Choco.json")
    assert ("AIB202", 40, "Each item of 'validExitCodes' must be an integer, not a string; write 0 without quotes") in choco
    ids = _schema(real / "shaunjacob__AzureImageBuilder/AzureImageBuilder-ManagedImage.json")
    assert [c for c, _, m in ids if "userAssignedIdentities" in m] == ["AIB208"]
    casing = _schema(real / "cnomadl__LngAzureImageBuilder/Templates/armTemplateWinSIG.json")
    assert any(c == "AIB201" and "'vnetconfig' should be written 'vnetConfig'" in m for c, _, m in casing)


def test_broken_json_does_not_cascade(corpus_dir):
    # A missing comma between customizers makes the recovered tree put keys into arrays.
    path = corpus_dir / "real/tchristman-lutron__AzureImageBuilder/win2004evd-template-01.json"
    assert [f for f in _schema(path) if f[0] == "AIB202"] == []
