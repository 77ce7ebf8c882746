"""The source image and the gallery image definition it is distributed to differ in Hyper-V generation.

## What it does
Reports a ``SharedImage`` distribute target whose ``galleryImageId`` names an
image definition declared in the same file (by its ID, or in Bicep as
``definition.id``) whose ``hyperVGeneration`` differs
from the source image's generation. A definition without ``hyperVGeneration``
is ``V1`` (the Compute API's default). The source's generation is known from its
marketplace SKU (``…-gen2``, ``…-g2``, ``…gensecond``, ``win11-…``,
``…azure-edition`` are Generation 2; ``…gen1`` is Generation 1) or from the
definition of a gallery source declared in the same file; otherwise nothing is
reported.

## Why is this bad
A gallery image version must have its definition's generation. The build runs
for its whole length, and the distribution step then fails when the captured
image is published to the gallery.

## Example
```json
"source": {"type": "PlatformImage", "publisher": "MicrosoftWindowsDesktop", "offer": "windows-11",
           "sku": "win11-23h2-avd", "version": "latest"}
```
distributed to a definition declared as
```json
{"type": "Microsoft.Compute/galleries/images", "name": "gallery/win11", "properties": {"osType": "Windows", ...}}
```
(no ``hyperVGeneration``: V1). Use instead ``"hyperVGeneration": "V2"`` in the
definition, or a source of the definition's generation.

## Fix
None: which side is wrong depends on what you meant.

## API versions
All versions with ``SharedImage`` distribution.

## Source
https://learn.microsoft.com/azure/virtual-machines/generation-2 and the gallery
image definition reference (``hyperVGeneration``, default ``V1``):
https://learn.microsoft.com/azure/templates/microsoft.compute/galleries/images
"""

from __future__ import annotations

from aiblint.diagnostics import Related

from ._util import distributors, gallery_images_named, related_use, source_generation

CODE = "AIB323"
NAME = "hyperv-generation-mismatch"
SEVERITY = "error"
SUMMARY = "Source image and target gallery image definition differ in Hyper-V generation"
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ("microsoft.compute/galleries/images",)

_NAMES = {"V1": "Generation 1", "V2": "Generation 2"}


def check(ctx):
    generation, evidence = source_generation(ctx)
    if generation not in _NAMES:
        return
    for el in distributors(ctx):
        if (el.type or "").lower() != "sharedimage":
            continue
        for definition, value, ref in gallery_images_named(ctx, el.node.get("galleryImageId")):
            if definition.generation not in _NAMES or definition.generation == generation:
                continue
            related = related_use(ref) + (
                Related(definition.node.span, f"image definition '{definition.image}' is {definition.generation}"),
            )
            if evidence is not None:
                related += (Related(evidence.span, f"the source is a {_NAMES[generation]} image"),)
            yield ctx.diagnostic(
                value,
                f"The source is a {_NAMES[generation]} image but gallery image definition '{definition.image}' "
                f"is {definition.generation} ({_NAMES[definition.generation]}): publishing the image will fail",
                related=related,
            )
