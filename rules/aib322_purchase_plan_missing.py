"""A marketplace image sold under a purchase plan, used without ``planInfo``.

## What it does
Reports a ``PlatformImage`` source from a publisher whose images carry a
purchase plan (a table of such publishers: the Center for Internet Security,
Bitnami, Cognosys, ProComputers, Ntegral, Fortinet, Palo Alto Networks, Check
Point, Kali Linux), or of an offer that carries one where the publisher's other
images do not (Red Hat's ``rhel-byos``), when the source has no ``planInfo``.

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
The template reference's ``planInfo`` example (a Red Hat ``rhel-byos`` image):
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#platformimage-source ;
the service's error, "Purchase Plan was not provided for image … Update the
Azure Image Builder Template to include Plan Information details for the source
platform image" (as reported in https://github.com/MicrosoftDocs/azure-docs/issues/99954);
https://learn.microsoft.com/azure/virtual-machines/marketplace-images for plans in
general. The publishers of the table come from their marketplace listings (the
``plan`` that ``az vm image show`` prints for their images), not from the Image
Builder documentation.
"""

from __future__ import annotations

from aiblint.catalog.vmsizes import PLAN_OFFERS, PLAN_PUBLISHERS

from ._util import api_at_least, platform_publishers, related_use, source, string_values

CODE = "AIB322"
NAME = "purchase-plan-missing"
SEVERITY = "warning"
SUMMARY = "A marketplace image that needs a purchase plan, without planInfo"


def check(ctx):
    src = source(ctx)
    if src is None or src.member("planInfo") is not None:
        return
    offers = list(string_values(ctx, src.get("offer")))
    for value, ref in platform_publishers(ctx):
        publisher = value.value.strip().lower()
        if publisher in PLAN_PUBLISHERS:
            yield ctx.diagnostic(value, _message(ctx, f"Images of '{value.value}'"), related=related_use(ref))
            continue
        for offer, offer_ref in offers:
            if (publisher, offer.value.strip().lower()) in PLAN_OFFERS:
                yield ctx.diagnostic(offer, _message(ctx, f"Images of offer '{offer.value}' of '{value.value}'"),
                                     related=related_use(offer_ref))


def _message(ctx, images: str) -> str:
    if api_at_least(ctx, "2020-02-14"):
        return (f"{images} are sold under a purchase plan: add planInfo (planName, planProduct, planPublisher), "
                "or the build VM cannot be created (PurchasePlanNotProvided)")
    return (f"{images} are sold under a purchase plan, which API version {ctx.api_version} cannot pass "
            "(planInfo exists from 2020-02-14)")
