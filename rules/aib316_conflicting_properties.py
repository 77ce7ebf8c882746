"""Properties that the API allows only one at a time, or only together.

## What it does
Reports five documented either/or combinations:

* a ``SharedImage`` distribute target with both ``replicationRegions`` and
  ``targetRegions`` (both non-empty);
* a ``SharedImage`` distribute target with a target-level
  ``storageAccountType`` next to ``targetRegions`` (without
  ``replicationRegions``): the account type then belongs in each target
  region;
* a ``PowerShell`` customizer or validator with ``runAsSystem: true`` whose
  ``runElevated`` is not ``true``.
* ``vmProfile.vnetConfig`` with ``containerInstanceSubnetId`` and
  ``proxyVmSize`` (the container-instance network replaces the proxy VM);
* ``containerInstanceSubnetId`` without ``subnetId`` (it only adds to the build
  VM's subnet).

## Why is this bad
The API accepts ``replicationRegions`` (deprecated) or its replacement
``targetRegions``, never both; the target-level ``storageAccountType`` belongs
to the deprecated form only. Running as the Local System account is a kind of
elevated run, so ``runAsSystem`` can only be true when ``runElevated`` is. The
service rejects such templates.

## Example
```json
{
  "type": "SharedImage",
  "galleryImageId": "/subscriptions/.../galleries/g/images/win11",
  "runOutputName": "win11",
  "replicationRegions": ["westeurope"],
  "storageAccountType": "Standard_ZRS",
  "targetRegions": [{"name": "westeurope"}]
}
```
Use instead:
```json
{
  "type": "SharedImage",
  "galleryImageId": "/subscriptions/.../galleries/g/images/win11",
  "runOutputName": "win11",
  "targetRegions": [{"name": "westeurope", "storageAccountType": "Standard_ZRS"}]
}
```

## Fix
* ``replicationRegions`` is removed. Safe when every region it lists is also a
  target region, unsafe otherwise.
* ``storageAccountType`` is moved into each target region that has none (safe
  when all have their own and it is only removed; unsafe when it is moved).
* ``runElevated`` is set to ``true`` (replaced or inserted). Safe.
* ``proxyVmSize`` is removed. Unsafe: you may rather keep the proxy VM and drop
  ``containerInstanceSubnetId``.

## API versions
``targetRegions`` exists from 2022-07-01, ``runAsSystem`` from 2020-02-14 and
``containerInstanceSubnetId`` from 2024-02-01; before those versions these
checks do not apply. The rules are in the API's
own property descriptions.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#distribute-sharedimage
and https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#powershell-customizer
and https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#vnetconfig-optional
"""

from __future__ import annotations

from aiblint.diagnostics import Fix, Related
from aiblint.document.nodes import ArrayNode, ObjectNode, ScalarNode

from ._util import (api_at_least, customizers, distributors, insert_member, properties, related_use,
                    remove_member, replace_value, string_value, validators)

CODE = "AIB316"
NAME = "conflicting-properties"
SEVERITY = "error"
SUMMARY = "Either/or properties given together, or runAsSystem without runElevated"


def check(ctx):
    if api_at_least(ctx, "2022-07-01"):
        for el in distributors(ctx):
            if (el.type or "").lower() == "sharedimage":
                yield from _regions(ctx, el)
    if api_at_least(ctx, "2024-02-01"):
        yield from _vnet(ctx)
    if api_at_least(ctx, "2020-02-14"):
        for array, elements in (("customize", customizers(ctx)), ("inVMValidations", validators(ctx))):
            for el in elements:
                if (el.type or "").lower() == "powershell":
                    yield from _run_as_system(ctx, el, f"{array}[{el.index}]")


def _given(ctx, obj: ObjectNode, name: str):
    """Member ``name`` when it holds a value: not missing, null, "" or [] (followed through parameters).

    An expression that cannot be followed counts as not given, so nothing is
    reported on a guess.
    """
    member = obj.member(name)
    if member is None or member.value is None:
        return None
    for value, _ref in ctx.values(member.value):
        if not (isinstance(value, ScalarNode) and value.value in (None, "")) and \
                not (isinstance(value, ArrayNode) and not value.items):
            return member
    return None


def _norm(region: str) -> str:
    return region.replace(" ", "").lower()


def _regions(ctx, el):
    obj = el.node
    replication, targets = _given(ctx, obj, "replicationRegions"), _given(ctx, obj, "targetRegions")
    if targets is None:
        return
    target_objects = [t for t in targets.value.items if isinstance(t, ObjectNode)] \
        if isinstance(targets.value, ArrayNode) else []
    if replication is not None:
        names = {_norm(n) for t in target_objects if (n := string_value(ctx, t.get("name")))}
        listed = replication.value.items if isinstance(replication.value, ArrayNode) else [None]
        covered = all(
            isinstance(r, ScalarNode) and r.kind == "string" and _norm(r.value) in names for r in listed
        )
        edit = remove_member(ctx, obj, replication)
        yield ctx.diagnostic(
            replication.key_span,
            "replicationRegions and targetRegions cannot be used together; "
            "targetRegions replaces the deprecated replicationRegions",
            related=(Related(targets.key_span, "targetRegions given here"),),
            fixes=(Fix("Remove replicationRegions", (edit,), safe=covered),) if edit else (),
        )
        return
    account = _given(ctx, obj, "storageAccountType")
    if account is None:
        return
    edits = [remove_member(ctx, obj, account)]
    lacking = [t for t in target_objects if "storageAccountType" not in t]
    value = account.value.to_python()
    if lacking and isinstance(value, str):
        edits += [insert_member(ctx, t, "storageAccountType", value) for t in lacking]
    fixes = ()
    if all(edits) and (not lacking or isinstance(value, str)):
        title = "Move storageAccountType into the target regions" if lacking else "Remove storageAccountType"
        fixes = (Fix(title, tuple(edits), safe=not lacking),)
    yield ctx.diagnostic(
        account.key_span,
        "storageAccountType on the distribute target goes only with replicationRegions; "
        "with targetRegions, set storageAccountType in each target region",
        related=(Related(targets.key_span, "targetRegions given here"),),
        fixes=fixes,
    )


def _vnet(ctx):
    props = properties(ctx)
    profile = props.get("vmProfile") if props is not None else None
    vnet = profile.get("vnetConfig") if isinstance(profile, ObjectNode) else None
    if not isinstance(vnet, ObjectNode):
        return
    aci = _given(ctx, vnet, "containerInstanceSubnetId")
    if aci is None:
        return
    proxy = _given(ctx, vnet, "proxyVmSize")
    if proxy is not None:
        edit = remove_member(ctx, vnet, proxy)
        yield ctx.diagnostic(
            proxy.key_span,
            "proxyVmSize cannot be used with containerInstanceSubnetId: the build then needs no proxy VM",
            related=(Related(aci.key_span, "containerInstanceSubnetId given here"),),
            fixes=(Fix("Remove proxyVmSize", (edit,), safe=False),) if edit else (),
        )
    if vnet.member("subnetId") is None:
        yield ctx.diagnostic(
            aci.key_span,
            "containerInstanceSubnetId needs subnetId: give the build VM's subnet in the same virtual network",
        )


def _run_as_system(ctx, el, where: str):
    obj = el.node
    system = obj.member("runAsSystem")
    if system is None or system.value is None:
        return
    elevated_node = obj.get("runElevated")
    if elevated_node is not None:
        resolved = [v for v, _ in ctx.values(elevated_node)]
        if not resolved:
            return  # an expression we cannot follow
        first = resolved[0]
        if not isinstance(first, ScalarNode) or first.kind not in ("boolean", "null") or first.value is True:
            return  # true, or a wrong type that AIB202 reports
    for value, ref in ctx.values(system.value):
        if not (isinstance(value, ScalarNode) and value.value is True):
            continue
        fixes = ()
        if ref is None:
            if elevated_node is None:
                edit = insert_member(ctx, obj, "runElevated", True, after=system)
            elif isinstance(elevated_node, ScalarNode) and not elevated_node.is_expression:
                edit = replace_value(ctx, elevated_node, True)
            else:
                edit = None
            if edit:
                fixes = (Fix("Set runElevated to true", (edit,)),)
        related = related_use(ref)
        if elevated_node is not None:
            related += (Related(elevated_node.span, "runElevated is not true here"),)
        yield ctx.diagnostic(
            value, f"{where}: runAsSystem can be true only when runElevated is true",
            related=related, fixes=fixes,
        )
