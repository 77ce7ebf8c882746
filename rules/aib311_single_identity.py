"""The template's ``identity`` is not one user-assigned identity.

## What it does
Checks the resource's ``identity`` object:

* ``type`` must be ``UserAssigned`` (or ``None``, which only removes identities
  in an update); ``SystemAssigned`` and ``SystemAssigned, UserAssigned`` are
  reported;
* ``userAssignedIdentities`` must hold exactly one identity: each further one
  is reported, with related information pointing at the first, and so is a
  ``UserAssigned`` type whose map is empty or missing.

From API version 2024-02-01 on, a ``type`` that differs only in case
(``userAssigned``) is reported too, because the service compares values
exactly from then on.

## Why is this bad
Image Builder runs the build with the template's identity and supports one
user-assigned identity, no system-assigned one. Identities for the build VM
itself go in ``properties.vmProfile.userAssignedIdentities`` (2021-10-01 and
later), which may list several.

## Example
```json
"identity": {
  "type": "SystemAssigned, UserAssigned",
  "userAssignedIdentities": {
    "/subscriptions/.../userAssignedIdentities/aib-build": {},
    "/subscriptions/.../userAssignedIdentities/aib-storage": {}
  }
}
```
Use instead:
```json
"identity": {
  "type": "UserAssigned",
  "userAssignedIdentities": {
    "/subscriptions/.../userAssignedIdentities/aib-build": {}
  }
}
```

## Fix
* A ``type`` that differs only in case is corrected. Safe.
* Another ``type`` is replaced by ``UserAssigned`` when a user-assigned
  identity is listed. Unsafe: check that this identity has the permissions the
  build needs.
* Each extra identity can be removed. Unsafe: you choose which one stays.

## API versions
2019-05-01-preview and later (earlier versions have no ``identity``). The
one-identity limit is stated in the documentation from 2019-05-01-preview to
now.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#identity
"""

from __future__ import annotations

from aiblint.diagnostics import Fix, Related
from aiblint.document.nodes import ObjectNode

from ._util import api_at_least, related_use, remove_member, replace_value, string_values

CODE = "AIB311"
NAME = "single-identity"
SEVERITY = "error"
SUMMARY = "Not exactly one user-assigned identity, or an identity type other than UserAssigned"

_ALLOWED = ("UserAssigned", "None")


def check(ctx):
    if not api_at_least(ctx, "2019-05-01"):
        return
    for identity, ref in ctx.values(ctx.template.node.get("identity")):
        if isinstance(identity, ObjectNode):
            yield from _check_identity(ctx, identity, ref)


def _check_identity(ctx, identity: ObjectNode, ref):
    uais = None
    for value, _ in ctx.values(identity.get("userAssignedIdentities")):
        if isinstance(value, ObjectNode):
            uais = value
            break
    for value, type_ref in string_values(ctx, identity.get("type")):
        text = value.value
        if text in _ALLOWED:
            continue
        use = related_use(type_ref or ref)
        same = next((a for a in _ALLOWED if a.lower() == text.replace(" ", "").lower()), None)
        if same is not None:
            if not api_at_least(ctx, "2024-02-01"):
                continue
            edit = replace_value(ctx, value, same)
            yield ctx.diagnostic(
                value, f'Identity type "{text}" must be written "{same}" in API version {ctx.api_version}',
                related=use, fixes=(Fix(f'Write "{same}"', (edit,)),) if edit else (),
            )
            continue
        fixes = ()
        if uais is not None and uais.members and (edit := replace_value(ctx, value, "UserAssigned")):
            fixes = (Fix('Use "UserAssigned"', (edit,), safe=False),)
        yield ctx.diagnostic(
            value,
            f'Identity type "{text}" is not supported: Image Builder uses one user-assigned identity '
            '(type "UserAssigned")',
            related=use, fixes=fixes,
        )
    listed = identity.get_ci("userAssignedIdentities")  # a wrongly cased name is AIB201's
    if listed is None or uais is not None and not uais.members and listed.name == "userAssignedIdentities":
        yield from _no_identity(ctx, identity, uais)
    if uais is None or len(uais.members) < 2:
        return
    first = uais.members[0]
    for extra in uais.members[1:]:
        edit = remove_member(ctx, uais, extra)
        yield ctx.diagnostic(
            extra.key_span,
            f"{len(uais.members)} user-assigned identities are listed; the template supports only one",
            related=(Related(first.key_span, "first identity"),) + related_use(ref),
            fixes=(Fix("Remove this identity", (edit,), safe=False, preferred=False),) if edit else (),
        )


def _no_identity(ctx, identity: ObjectNode, uais: ObjectNode | None):
    """``"type": "UserAssigned"`` with no identity listed (an empty or missing map)."""
    kind = identity.get("type")
    if kind is None or kind.kind != "string" or kind.is_expression or kind.value != "UserAssigned":
        return
    where = identity.member("userAssignedIdentities").key_span if uais is not None else kind.span
    yield ctx.diagnostic(
        where, 'Identity type "UserAssigned" lists no identity; add the resource ID of one user-assigned '
        "identity to userAssignedIdentities",
    )
