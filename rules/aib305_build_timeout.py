"""AIB305 build-timeout: `buildTimeoutInMinutes` is out of range, or too short for a Windows build.

## What it does
* **Error**: `buildTimeoutInMinutes` below 0 or above 960 (16 hours).
* **Warning**: a value from 1 to 5, below the documented minimum of 6 minutes
  (API versions `2020-02-14` and later).
* **Warning**: a Windows source (a PlatformImage whose publisher or offer is a
  Windows one) with a non-zero value under 60 minutes.

0, or leaving the property out, means the default of 240 minutes (4 hours). In
ARM templates, the default and allowed values of a parameter are checked.

## Why is this bad
Out-of-range values are rejected when the template is created. A timeout that is
too short ends the build while it is still customizing: Windows builds spend a
good part of an hour on updates and restarts alone, and the build fails after
all that time has been paid for.

## Example
```json
"properties": {
  "source": { "type": "PlatformImage", "publisher": "MicrosoftWindowsServer",
              "offer": "WindowsServer", "sku": "2022-datacenter", "version": "latest" },
  "buildTimeoutInMinutes": 30
}
```

Use instead:
```json
  "buildTimeoutInMinutes": 120
```

## Fix
Choose a timeout within 0–960 minutes; for Windows at least 60. There is no
automatic fix: the right value depends on your customizations.

## API versions
`buildTimeoutInMinutes` exists from `2019-05-01-preview`. The specification of
every version allows 0–960. The current documentation also states a minimum of 6
for non-zero values; the specification does not, so values 1–5 are only a
warning, and only for `2020-02-14` and later (the 2019 documentation does not
mention it). The Windows advice (at least 60) is in the 2019 and the current
documentation alike.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-buildtimeoutinminutes
"""

from __future__ import annotations

from aiblint.diagnostics import Severity
from aiblint.document.nodes import ScalarNode

from ._strings import unique
from ._util import api_at_least, properties, related_use, source_os

CODE = "AIB305"
NAME = "build-timeout"
SEVERITY = "error"
SUMMARY = "buildTimeoutInMinutes is outside 0-960, or under 60 for a Windows build"
SEVERITY_NOTE = (
    "error; warning below the documented minimum (API version 2020-02-14 and later) and for a short "
    "Windows build"
)

MAXIMUM = 960
WINDOWS_MINIMUM = 60
DOCUMENTED_MINIMUM = 6


def check(ctx):
    props = properties(ctx)
    member = props.get_ci("buildTimeoutInMinutes") if props else None
    if member is None or member.value is None:
        return
    windows = None
    out = []
    for value, ref in ctx.values(member.value):
        if not isinstance(value, ScalarNode) or value.kind != "number" or isinstance(value.value, str):
            continue
        minutes = value.value
        related = related_use(ref, "timeout used here")
        if minutes < 0 or minutes > MAXIMUM:
            out.append(ctx.diagnostic(value, f"buildTimeoutInMinutes must be between 0 and {MAXIMUM} (16 hours), not {value.raw}",
                                      related=related))
            continue
        if minutes == 0:
            continue
        if minutes < DOCUMENTED_MINIMUM and api_at_least(ctx, "2020-02-14"):
            out.append(ctx.diagnostic(value, f"buildTimeoutInMinutes {value.raw} is below the documented minimum of "
                                      f"{DOCUMENTED_MINIMUM} minutes (0 means the default of 4 hours)",
                                      severity=Severity.WARNING, related=related))
            continue
        if windows is None:
            windows = source_os(ctx) == "windows"
        if windows and minutes < WINDOWS_MINIMUM:
            out.append(ctx.diagnostic(value, f"buildTimeoutInMinutes {value.raw} is short for a Windows build; "
                                      f"use at least {WINDOWS_MINIMUM} minutes", severity=Severity.WARNING,
                                      related=related))
    yield from unique(out)
