"""Build VM and container-instance subnets that cannot work together, or a network in another region.

## What it does
With ``vmProfile.vnetConfig``, reports:

* ``containerInstanceSubnetId`` equal to ``subnetId``: the container instance
  needs a subnet of its own;
* ``containerInstanceSubnetId`` in a different virtual network than
  ``subnetId``;
* a virtual network declared in the same file (a
  ``Microsoft.Network/virtualNetworks`` resource with a literal name and
  location) that ``subnetId`` points into, in another region than the template.

Only literal resource IDs (or parameters and variables with literal values) are
compared. ``proxyVmSize`` next to ``containerInstanceSubnetId``, and
``containerInstanceSubnetId`` without ``subnetId``, are reported by AIB316.

## Why is this bad
The template reference requires the container-instance subnet to be a
different subnet of the build VM's virtual network (it is delegated to Azure
Container Instances, and the build VM's subnet cannot be), and the build VM to
be in a network of the template's region. The service rejects the template, or
the build fails when the build VM is created.

## Example
```json
"vnetConfig": {
  "subnetId": "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/build",
  "containerInstanceSubnetId": "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet2/subnets/aci"
}
```
Use instead a ``containerInstanceSubnetId`` in ``vnet1``.

## Fix
None.

## API versions
``vnetConfig.subnetId`` exists from 2020-02-14, ``containerInstanceSubnetId`` from 2024-02-01.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#vnetconfig-optional
and https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-networking
"""

from __future__ import annotations

import re

from aiblint.diagnostics import Related
from aiblint.document.nodes import ObjectNode

from ._util import api_at_least, arm_resources, properties, related_use, string_value, string_values

CODE = "AIB325"
NAME = "network-layout"
SEVERITY = "error"
SUMMARY = "Container-instance subnet not a different subnet of the build VM's network, or a network in another region"
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ('microsoft.network/virtualnetworks"', "microsoft.network/virtualnetworks@")

_SUBNET = re.compile(r"^/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\.network/"
                     r"virtualnetworks/([^/]+)/subnets/([^/]+)/?$", re.I)


def check(ctx):
    if not api_at_least(ctx, "2020-02-14"):
        return
    props = properties(ctx)
    profile = props.get("vmProfile") if props else None
    vnet = profile.get("vnetConfig") if isinstance(profile, ObjectNode) else None
    if not isinstance(vnet, ObjectNode):
        return
    builds = [(v, ref, _SUBNET.match(v.value.strip())) for v, ref in string_values(ctx, vnet.get("subnetId"))]
    builds = [(v, ref, m) for v, ref, m in builds if m]
    if api_at_least(ctx, "2024-02-01"):
        for aci, aci_ref in string_values(ctx, vnet.get("containerInstanceSubnetId")):
            m = _SUBNET.match(aci.value.strip())
            if m is None:
                continue
            for build, _, bm in builds:
                if _parts(m) == _parts(bm):
                    yield ctx.diagnostic(aci, "containerInstanceSubnetId must be a different subnet from subnetId "
                                         "(the container instance needs a subnet delegated to it)",
                                         related=related_use(aci_ref) + (Related(build.span, "subnetId"),))
                elif _parts(m)[:3] != _parts(bm)[:3]:
                    yield ctx.diagnostic(aci, f"containerInstanceSubnetId is in virtual network '{m.group(3)}', "
                                         f"subnetId in '{bm.group(3)}': both must be in the same virtual network",
                                         related=related_use(aci_ref) + (Related(build.span, "subnetId"),))
    yield from _region(ctx, builds)


def _parts(m) -> tuple[str, ...]:
    return tuple(g.lower() for g in m.groups())


def _region(ctx, builds):
    location = string_value(ctx, ctx.template.node.get("location"))
    if not location or not builds:
        return
    networks = {}
    for res, full_type, _parent in arm_resources(ctx):
        if full_type == "microsoft.network/virtualnetworks":
            name, where = string_value(ctx, res.get("name")), res.get("location")
            region = string_value(ctx, where)
            if name and region:
                networks[name.lower()] = (region, where)
    for build, ref, m in builds:
        found = networks.get(m.group(3).lower())
        if found and _norm(found[0]) != _norm(location):
            yield ctx.diagnostic(build, f"Virtual network '{m.group(3)}' is in '{found[0]}', the template in "
                                 f"'{location}': the build VM's network must be in the template's region",
                                 related=related_use(ref) + (Related(found[1].span, "the network's location"),))


def _norm(region: str) -> str:
    return region.replace(" ", "").lower()
