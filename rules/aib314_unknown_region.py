"""AIB314 unknown-region: a distribution region is not an Azure region at all.

## What it does
Checks the region fields of the `distribute` targets, other than the
template's own `location` (see AIB300):

* `location` of a ManagedImage target;
* each entry of a SharedImage target's `replicationRegions`;
* each `targetRegions[].name` of a SharedImage target.

A value is accepted when it names any Azure region, public or sovereign, by
name or display name, in any case and spacing, or one of the configured
`extra-regions`. Image Builder may distribute to regions where it does not run
itself, so only names that are no region at all are reported. In ARM templates
the default and allowed values of parameters (and the values of variables) are
checked as if written in place.

## Why is this bad
A misspelt region (`"westeurop"`, `"eastus3"`) passes every JSON schema, and the
build fails only at its very end, when the image is distributed.

## Example
```json
"distribute": [{
  "type": "SharedImage",
  "galleryImageId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/galleries/gallery/images/ubuntu",
  "runOutputName": "ubuntu",
  "targetRegions": [{ "name": "westeurop" }]
}]
```

Use instead:
```json
  "targetRegions": [{ "name": "westeurope" }]
```

## Fix
The fix replaces the value with the region it most resembles. It is unsafe
(a guess) unless the value only differs from a region name in separators, such
as `"west-europe"`.

## API versions
All; `targetRegions` exists from `2022-07-01`.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#distribute-sharedimage
and the list of Azure regions: https://learn.microsoft.com/azure/reliability/regions-list
"""

from __future__ import annotations

from aiblint.catalog import regions as R
from aiblint.document.nodes import ArrayNode, ObjectNode

from ._strings import has_placeholder, unique
from ._util import distributors, related_use
from .aib300_unsupported_region import region_fixes

CODE = "AIB314"
NAME = "unknown-region"
SEVERITY = "error"
SUMMARY = "A distribution region is not an Azure region"


def _region_nodes(ctx, target: ObjectNode):
    """(value node, referring expression, field label) of every region field of a distribute target."""
    for value, ref in ctx.values(target.get("location")):
        yield value, ref, "location"
    for array, ref in ctx.values(target.get("replicationRegions")):
        if isinstance(array, ArrayNode):
            for item in array.items:
                for value, item_ref in ctx.values(item):
                    yield value, item_ref or ref, "replicationRegions"
    for array, ref in ctx.values(target.get("targetRegions")):
        if isinstance(array, ArrayNode):
            for item in array.items:
                for obj, obj_ref in ctx.values(item):
                    if isinstance(obj, ObjectNode):
                        for value, name_ref in ctx.values(obj.get("name")):
                            yield value, name_ref or obj_ref or ref, "targetRegions name"


def check(ctx):
    extra = ctx.settings.extra_regions
    known = list(R.REGIONS) + [r for r in (R.find_known(t, extra) for t in extra) if r is not None]
    out = []
    for element in distributors(ctx):
        for value, ref, label in _region_nodes(ctx, element.node):
            ref = ref or element.via
            if getattr(value, "kind", None) != "string" or value.is_expression:
                continue
            text = value.value
            if not text.strip() or has_placeholder(text) or R.find_known(text, extra) is not None:
                continue
            choices = R.similar(text, known, limit=3)
            message = f'"{text}" is not an Azure region'
            if choices:
                message += "; did you mean " + ", ".join(f'"{r.name}"' for r in choices) + "?"
            out.append(ctx.diagnostic(value, message, related=related_use(ref, f"{label} used here"),
                                      fixes=region_fixes(ctx, value, text, choices)))
    yield from unique(out)
