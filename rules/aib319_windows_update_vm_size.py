"""A WindowsUpdate customizer on a one-vCPU build VM.

## What it does
Reports a ``WindowsUpdate`` customizer when the build VM has a single vCPU:
``vmProfile.vmSize`` is a one-vCPU size (``Standard_D1_v2``, ``Standard_B1s``,
``Standard_A1_v2``, …), or no size is given and the source is a Generation 1
image, so that the service picks its default for those, ``Standard_D1_v2``. The
source counts as Generation 1 when it is a marketplace image whose SKU has no
Generation 2 mark (``2019-Datacenter``, ``win10-22h2-avd``) or a gallery image
whose definition in the same file is ``V1``; when the SKU cannot be known, the
default size cannot be either, and nothing is reported.

## Why is this bad
The troubleshooting guide names this case: Windows Update on the default build
VM size exhausts its resources; the VM stops answering, the service loses its
connection and the build fails ("Build 'azure-arm' errored: unexpected EOF"),
often after an hour or more.

## Example
```json
"customize": [{"type": "WindowsUpdate", "searchCriteria": "IsInstalled=0"}]
```
(with no ``vmProfile.vmSize``)

Use instead:
```json
"vmProfile": {"vmSize": "Standard_D2ds_v4"}
```

## Fix
Unsafe fix: set ``vmProfile.vmSize`` to ``Standard_D2ds_v4`` (two vCPUs; it runs
Generation 1 and Generation 2 images and is the service's own default for
Generation 2 images), replacing a one-vCPU size or adding the member.

## API versions
``WindowsUpdate`` exists from 2019-05-01-preview (its definition gained it
in 2020-02-14, but that preview's own official example and its 2020
documentation use it; see AIB206), where the default build VM is
Standard_D1_v2 as well.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot#information-events-show-low-windows-resources
and the template reference for the default size:
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#vmprofile
"""

from __future__ import annotations

from aiblint.catalog.vmsizes import DEFAULT_GEN1_SIZE, DEFAULT_GEN2_SIZE, has_one_vcpu
from aiblint.diagnostics import Fix, Related
from aiblint.document.nodes import ObjectNode

from ._util import (api_at_least, build_vm_size, customizers, insert_member, is_gen2_sku, platform_skus, properties,
                    related_use, replace_value, source_generation)

CODE = "AIB319"
NAME = "windows-update-vm-size"
SEVERITY = "warning"
SUMMARY = "A WindowsUpdate customizer on a one-vCPU build VM (the default size)"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ("microsoft.compute/galleries/images",)

SUGGESTED = DEFAULT_GEN2_SIZE


def check(ctx):
    if not api_at_least(ctx, "2019-05-01"):
        return
    updates = [el for el in customizers(ctx) if (el.type or "").lower() == "windowsupdate"]
    if not updates:
        return
    member, sizes = build_vm_size(ctx)
    first = updates[0].node
    where = first.member("type").value if first.member("type") else first
    if member is not None:
        small = [(v, ref) for v, ref in sizes if has_one_vcpu(v.value)]
        for value, ref in small:
            fixes = ()
            if ref is None:
                fixes = (Fix(f"Use {SUGGESTED}", (replace_value(ctx, value, SUGGESTED),), safe=False),)
            yield ctx.diagnostic(
                value,
                f"Build VM size '{value.value}' has one vCPU: Windows Update often exhausts it and the build "
                f"fails; use a size with 2 or more vCPUs, such as {SUGGESTED}",
                related=related_use(ref) + (Related(where.span, "WindowsUpdate customizer here"),),
                fixes=fixes,
            )
        return
    generation, _ = source_generation(ctx)
    if generation == "V2":
        return  # the default for Generation 2 sources has two vCPUs
    if generation is None:
        skus = platform_skus(ctx)
        if not skus or any(is_gen2_sku(s) for s in skus):
            return  # which default applies is not known
    yield ctx.diagnostic(
        where,
        f"WindowsUpdate runs on the default build VM ({DEFAULT_GEN1_SIZE}, one vCPU), which Windows Update often "
        f"exhausts; set vmProfile.vmSize to a size with 2 or more vCPUs, such as {SUGGESTED}",
        fixes=_insert_size(ctx),
    )


def _insert_size(ctx) -> tuple[Fix, ...]:
    props = properties(ctx)
    if props is None or ctx.template.node.get("properties") is not props:
        return ()  # properties come from a parameter or variable: edit it there
    profile = props.get("vmProfile")
    if isinstance(profile, ObjectNode):
        existing = profile.member("vmSize")
        edit = replace_value(ctx, existing.value, SUGGESTED) if existing and existing.value is not None \
            else insert_member(ctx, profile, "vmSize", SUGGESTED)
    elif profile is None:
        edit = insert_member(ctx, props, "vmProfile", {"vmSize": SUGGESTED})
    else:
        edit = None
    return (Fix(f"Set vmProfile.vmSize to {SUGGESTED}", (edit,), safe=False),) if edit else ()
