"""A ``WindowsUpdate`` step followed by other steps without a ``WindowsRestart`` in between.

## What it does
Looks at the order of ``properties.customize``: after a ``WindowsUpdate`` step,
the next step should be a ``WindowsRestart`` (or another ``WindowsUpdate``).
A ``WindowsUpdate`` that is the last step is not reported, nor one on a Linux
source (AIB307 reports the step itself).

## Why is this bad
Updates are often only finished by a restart. Steps that run while updates
are still pending can fail or hang (installers refuse to run, files are
locked), and generalizing an image with pending updates is a common cause of
failed builds. The documentation's examples always put a restart after the
update step.

## Example
```json
"customize": [
  {"type": "WindowsUpdate", "searchCriteria": "IsInstalled=0", "updateLimit": 20},
  {"type": "PowerShell", "name": "apps", "scriptUri": "https://example.com/apps.ps1"}
]
```
Use instead:
```json
"customize": [
  {"type": "WindowsUpdate", "searchCriteria": "IsInstalled=0", "updateLimit": 20},
  {"type": "WindowsRestart", "restartTimeout": "10m"},
  {"type": "PowerShell", "name": "apps", "scriptUri": "https://example.com/apps.ps1"}
]
```

## Fix
Inserts ``{"type": "WindowsRestart", "restartTimeout": "10m"}`` after the
update step. Unsafe: it adds a step to the build.

## API versions
2020-02-14 and later (the versions with the WindowsUpdate customizer).

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#windows-update-customizer
"""

from __future__ import annotations

from aiblint.diagnostics import Fix, Related

from ._util import api_at_least, customizers, insert_item, source_os

CODE = "AIB317"
NAME = "customizer-order"
SEVERITY = "info"
SUMMARY = "WindowsUpdate not followed by a WindowsRestart before further customizers"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)

_RESTART = {"type": "WindowsRestart", "restartTimeout": "10m"}


def check(ctx):
    if not api_at_least(ctx, "2020-02-14"):
        return  # no WindowsUpdate step before this version (the schema check reports one)
    if source_os(ctx) == "linux":
        return  # a WindowsUpdate step is wrong there in itself (AIB307)
    steps = list(customizers(ctx))
    for el, nxt in zip(steps, steps[1:]):
        if el.array is not nxt.array or nxt.index != el.index + 1:
            continue
        if (el.type or "").lower() != "windowsupdate" or nxt.type is None:
            continue
        if nxt.type.lower() in ("windowsrestart", "windowsupdate"):
            continue
        literal = el.array.items[el.index] is el.node
        edit = insert_item(ctx, el.node, _RESTART) if literal else None
        yield ctx.diagnostic(
            el.node.get("type") or el.node,
            f"customize[{el.index}] (WindowsUpdate) is followed by a {nxt.type} step without a "
            "WindowsRestart in between",
            related=(Related((nxt.node.get("type") or nxt.node).span, "next step"),),
            fixes=(Fix("Insert a WindowsRestart step", (edit,), safe=False),) if edit else (),
        )
