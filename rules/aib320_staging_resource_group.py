"""A staging resource group that cannot be one: the template's own group, or one shared by two templates.

## What it does
Reports ``stagingResourceGroup`` when

* it names the resource group the template itself is deployed to
  (``[resourceGroup().id]`` in ARM, ``resourceGroup().id`` in Bicep, or the same
  ID built with ``concat``, ``format`` or interpolation from ``subscription()``
  and ``resourceGroup().name`` alone), or
* two image templates in the same file give the same staging group.

## Why is this bad
Image Builder uses the staging group for the build VM, its disks, network and
storage, and deletes what it created there when the template is deleted. A
group given here must be empty when it exists and must not serve another image
template (the service tags it with the template's name and checks that tag). The
template's own group is never empty, since it holds the template; a group shared
by two templates is refused for the second one. Both fail at submission with
``BadStagingResourceGroup``.

## Example
```json
"stagingResourceGroup": "[resourceGroup().id]"
```
Use instead:
```json
"stagingResourceGroup": "[format('{0}/resourceGroups/{1}-staging', subscription().id, parameters('imageTemplateName'))]"
```

## Fix
None: choose a group name of its own for each template (or leave
``stagingResourceGroup`` out, and the service creates a random ``IT_…`` group).

## API versions
``stagingResourceGroup`` exists from 2022-02-14.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-stagingresourcegroup
and the troubleshooting guide ("ensure that the staging resource group name is
uniquely specified for each image template"):
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot
"""

from __future__ import annotations

import re

from aiblint.diagnostics import Related

from ._util import api_at_least, string_values

CODE = "AIB320"
NAME = "staging-resource-group"
SEVERITY = "error"
SUMMARY = "stagingResourceGroup is the template's own resource group, or shared by two templates"
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ("stagingresourcegroup",)

_SPACE_AND_QUOTES = re.compile(r"[\s'\"\[\]]")
# The template's own group, as ARM and Bicep write it (spaces, quotes and brackets removed, lower case).
_OWN_GROUP = re.compile(
    r"^(?:resourcegroup\(\)\.id"
    r"|concat\((?:subscription\(\)\.id|/subscriptions/,subscription\(\)\.subscriptionid),/resourcegroups/,"
    r"resourcegroup\(\)\.name\)"
    r"|format\((?:\{0\}/resourcegroups/\{1\},subscription\(\)\.id"
    r"|/subscriptions/\{0\}/resourcegroups/\{1\},subscription\(\)\.subscriptionid),resourcegroup\(\)\.name\)"
    r"|(?:\$\{subscription\(\)\.id\}|/subscriptions/\$\{subscription\(\)\.subscriptionid\})"
    r"/resourcegroups/\$\{resourcegroup\(\)\.name\})$"
)


def check(ctx):
    if not api_at_least(ctx, "2022-02-14"):
        return
    member = _staging(ctx.template)
    if member is None or member.value is None:
        return
    text = _SPACE_AND_QUOTES.sub("", ctx.text(member.value.span)).lower()
    if _OWN_GROUP.match(text):
        yield ctx.diagnostic(
            member.value,
            "stagingResourceGroup is the template's own resource group; the staging group must be empty and "
            "used by this template alone: give a group of its own, or leave it out",
        )
        return
    mine = _keys(ctx, member.value)
    if not mine:
        return
    for other in ctx.templates:
        if other is ctx.template:
            return  # only templates before this one: the first use is not reported
        theirs = _staging(other)
        if theirs is None or theirs.value is None:
            continue
        if mine & _keys(ctx, theirs.value):
            yield ctx.diagnostic(
                member.value,
                "stagingResourceGroup is also the staging group of another image template in this file; "
                "each template needs a staging group of its own",
                related=(Related(theirs.value.span, "the other template's staging group"),),
            )
            return


def _staging(template):
    props = template.properties
    return props.member("stagingResourceGroup") if props is not None else None


def _keys(ctx, node) -> set[str]:
    """What a staging group value stands for: its literal IDs, else the expression as written."""
    literals = {v.value.strip().rstrip("/").lower() for v, _ in string_values(ctx, node) if v.value.strip()}
    if literals:
        return literals
    text = _SPACE_AND_QUOTES.sub("", ctx.text(node.span)).lower()
    return {text} if text else set()
