"""A Generation 2 source image with a build VM size that cannot boot it.

## What it does
Reports ``vmProfile.vmSize`` when the source image is a Generation 2 image and
the size belongs to a family that runs Generation 1 images only (the A, Av2,
D v1, Dv2, Dv3 and Ev3 families, the first NC and NV series).

The source is known to be Generation 2 when its marketplace SKU says so
(``…-gen2``, ``…-g2``, ``…-gensecond``, Windows 11's ``win11-…``), or when it is
a gallery image version whose image definition, declared in the same file, has
``hyperVGeneration: "V2"``. Sizes that are not in the table are never reported.

## Why is this bad
Azure refuses to start the build VM ("The selected VM size 'Standard_D2_v2' cannot
boot Hypervisor Generation '2'"), and the build fails after the service has
set up its staging resources.

## Example
```json
"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
           "sku": "22_04-lts-gen2", "version": "latest"},
"vmProfile": {"vmSize": "Standard_D2_v2"}
```
Use instead:
```json
"vmProfile": {"vmSize": "Standard_DS2_v2"}
```

## Fix
Where the family has a Generation 2 sibling of the same shape, the size is
replaced by it (``Standard_D2_v2`` → ``Standard_DS2_v2``, ``Standard_D4_v3`` →
``Standard_D4s_v3``, ``Standard_E8_v3`` → ``Standard_E8s_v3``). Unsafe: the
sibling may need its own quota in your region.

## API versions
``vmProfile.vmSize`` exists from 2019-05-01-preview; the check applies to every
version that has it.

## Source
https://learn.microsoft.com/azure/virtual-machines/generation-2#generation-2-vm-sizes
and the "VM Generation Support" line of each size series' page (Av2, Dv2, Dv3, Ev3).
"""

from __future__ import annotations

from aiblint.catalog.vmsizes import gen1_only_family, gen2_alternative
from aiblint.diagnostics import Fix, Related

from ._util import build_vm_size, related_use, replace_value, source_generation

CODE = "AIB318"
NAME = "gen2-build-vm-size"
SEVERITY = "error"
SUMMARY = "A Generation 2 source image with a build VM size that runs Generation 1 only"
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ("microsoft.compute/galleries/images",)


def check(ctx):
    member, sizes = build_vm_size(ctx)
    if not sizes:
        return
    generation, evidence = source_generation(ctx)
    if generation != "V2":
        return
    for value, ref in sizes:
        family = gen1_only_family(value.value)
        if family is None:
            continue
        alternative = gen2_alternative(value.value)
        fixes = ()
        if alternative and ref is None:
            fixes = (Fix(f"Use {alternative}", (replace_value(ctx, value, alternative),), safe=False),)
        hint = f"; use {alternative}" if alternative else "; choose a size that supports Generation 2"
        yield ctx.diagnostic(
            value,
            f"Build VM size '{value.value}' ({family.name} family) cannot boot the Generation 2 source image{hint}",
            related=related_use(ref) + ((Related(evidence.span, "the source is a Generation 2 image"),)
                                         if evidence is not None else ()),
            fixes=fixes,
        )
