"""A build timeout clearly shorter than what the template asks the build to do.

## What it does
Adds up a conservative lower bound for the build's length and reports a literal
``buildTimeoutInMinutes`` below it:

* 20 minutes for every build (creating the build VM, generalizing and capturing it);
* 20 minutes for each ``WindowsUpdate`` customizer;
* 5 minutes for each ``WindowsRestart`` customizer (``restartTimeout`` is how long
  the service may wait, not how long a restart takes, so it is not used);
* 10 minutes when ``optimize.vmBoot`` is ``Enabled``;
* 10 minutes for each distribute target, and 5 more for each further region a
  ``SharedImage`` target replicates to.

The message shows the sum. A timeout of 0 (the 4-hour default), an unset
timeout, an expression, and values that AIB305 already reports (under 6 minutes,
or under 60 minutes for Windows) are not reported.

## Why is this bad
When the timeout runs out, the service cancels the build ("context deadline
exceeded") and discards everything built so far; gallery replication that has
not finished counts against the same timeout.

## Example
```json
"buildTimeoutInMinutes": 60,
"customize": [{"type": "WindowsUpdate"}, {"type": "WindowsRestart"}, {"type": "WindowsUpdate"}]
```
(20 + 2 × 20 + 5 + 10 for one target = 75 minutes at least.) Use instead
``"buildTimeoutInMinutes": 180``.

## Fix
Unsafe fix: set the timeout to the estimate rounded up to a multiple of 30
minutes, at most 960.

## API versions
``buildTimeoutInMinutes`` exists from 2019-05-01-preview.

## Source
Troubleshooting guide, "Deployment fails due to timeout" and "Error occurs with
waiting for Azure Compute Gallery":
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot
"""

from __future__ import annotations

from aiblint.diagnostics import Fix
from aiblint.document.nodes import ArrayNode, ObjectNode, ScalarNode

from ._util import customizers, distributors, properties, replace_value, source_os, string_value

CODE = "AIB327"
NAME = "build-timeout-estimate"
SEVERITY = "warning"
SUMMARY = "buildTimeoutInMinutes shorter than a lower bound for what the template asks"

BASE, WINDOWS_UPDATE, BOOT_OPTIMIZATION, PER_TARGET, PER_EXTRA_REGION = 20, 20, 10, 10, 5
RESTART = 5


def check(ctx):
    props = properties(ctx)
    member = props.member("buildTimeoutInMinutes") if props else None
    value = member.value if member else None
    if not isinstance(value, ScalarNode) or value.kind != "number" or isinstance(value.value, str):
        return
    minutes = value.value
    if minutes < 6 or minutes > 960 or (minutes < 60 and source_os(ctx) == "windows"):
        return  # 0 is the default; the rest is AIB305's
    parts = _estimate(ctx, props)
    if parts is None:
        return
    total = sum(n for n, _ in parts)
    if minutes >= total:
        return
    arithmetic = " + ".join(f"{n:g} {what}" for n, what in parts)
    suggested = min(960, -(-total // 30) * 30)
    yield ctx.diagnostic(
        value,
        f"buildTimeoutInMinutes {value.raw} is shorter than the build can take: at least {total:g} minutes "
        f"({arithmetic})",
        fixes=(Fix(f"Set buildTimeoutInMinutes to {suggested:g}", (replace_value(ctx, value, int(suggested)),),
                   safe=False),),
    )


def _estimate(ctx, props) -> list[tuple[float, str]] | None:
    """The lower bound's terms, or None when a customizer or target cannot be read."""
    parts: list[tuple[float, str]] = [(BASE, "for the build VM")]
    for el in customizers(ctx):
        kind = (el.type or "").lower()
        if el.type is None:
            return None
        if kind == "windowsupdate":
            parts.append((WINDOWS_UPDATE, "for Windows Update"))
        elif kind == "windowsrestart":
            parts.append((RESTART, "for restarts"))
    optimize = props.get("optimize")
    boot = optimize.get("vmBoot") if isinstance(optimize, ObjectNode) else None
    if isinstance(boot, ObjectNode) and string_value(ctx, boot.get("state")) == "Enabled":
        parts.append((BOOT_OPTIMIZATION, "for boot optimization"))
    for el in distributors(ctx):
        parts.append((PER_TARGET, "per distribute target"))
        if (el.type or "").lower() == "sharedimage":
            regions = el.node.get("targetRegions") or el.node.get("replicationRegions")
            if isinstance(regions, ArrayNode) and len(regions.items) > 1:
                parts.append((PER_EXTRA_REGION * (len(regions.items) - 1), "for replication"))
    # Several terms of one kind read better as one.
    merged: dict[str, float] = {}
    for n, what in parts:
        merged[what] = merged.get(what, 0) + n
    return [(n, what.replace("per distribute target", "for distribution")) for what, n in merged.items()]
