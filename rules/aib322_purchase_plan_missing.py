"""A marketplace image sold under a purchase plan, used without ``planInfo``.

## What it does
Reports a ``PlatformImage`` source from a publisher whose images carry a
purchase plan (a table of such publishers: the Center for Internet Security,
Bitnami, Cognosys, ProComputers, Ntegral, Fortinet, Palo Alto Networks, Check
Point, Kali Linux) when the source has no ``planInfo``.

## Why is this bad
A VM made from a plan image must name the plan; without it Azure refuses to
create the build VM (``PurchasePlanNotProvided``), and the build fails.

## Example
```json
"source": {"type": "PlatformImage", "publisher": "procomputers", "offer": "rocky-linux-9",
           "sku": "rocky-linux-9", "version": "latest"}
```
Use instead:
```json
"source": {"type": "PlatformImage", "publisher": "procomputers", "offer": "rocky-linux-9",
           "sku": "rocky-linux-9", "version": "latest",
           "planInfo": {"planName": "rocky-linux-9", "planProduct": "rocky-linux-9", "planPublisher": "procomputers"}}
```
(``az vm image show --urn publisher:offer:sku:version`` shows the plan; accept
its terms once with ``az vm image terms accept``.)

## Fix
None: the plan's names come from the marketplace.

## API versions
``planInfo`` exists from 2020-02-14; with an older API version such an image
cannot be used at all, and the message says so.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#platformimage-source
and https://learn.microsoft.com/azure/virtual-machines/marketplace-images
"""

from __future__ import annotations

from aiblint.catalog.vmsizes import PLAN_PUBLISHERS

from ._util import api_at_least, platform_publishers, related_use, source

CODE = "AIB322"
NAME = "purchase-plan-missing"
SEVERITY = "warning"
SUMMARY = "A marketplace image that needs a purchase plan, without planInfo"


def check(ctx):
    src = source(ctx)
    if src is None or src.member("planInfo") is not None:
        return
    for value, ref in platform_publishers(ctx):
        publisher = value.value.strip().lower()
        if publisher not in PLAN_PUBLISHERS:
            continue
        if api_at_least(ctx, "2020-02-14"):
            message = (f"Images of '{value.value}' are sold under a purchase plan: add planInfo (planName, "
                       "planProduct, planPublisher), or the build VM cannot be created (PurchasePlanNotProvided)")
        else:
            message = (f"Images of '{value.value}' are sold under a purchase plan, which API version "
                       f"{ctx.api_version} cannot pass (planInfo exists from 2020-02-14)")
        yield ctx.diagnostic(value, message, related=related_use(ref))
