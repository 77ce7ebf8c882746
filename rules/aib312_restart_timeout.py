"""A ``restartTimeout`` that is not a number followed by a time unit.

## What it does
Checks ``restartTimeout`` of every ``WindowsRestart`` customizer. The value is
read as a Go duration: one or more numbers, each followed by a unit ``h``,
``m``, ``s``, ``ms``, ``us``/``µs`` or ``ns`` (``5m``, ``2h``, ``90s``,
``1h30m``, ``1.5h``). Units are case-sensitive. An empty string (the default
applies) is not reported.

## Why is this bad
The value is handed to the build tool, which fails on anything it cannot parse
as a duration: ``"10"``, ``"5 min"``, ``"5M"`` or ``"PT5M"`` stop the build at the
restart step, after the steps before it have already run.

## Example
```json
{"type": "WindowsRestart", "restartTimeout": "10 minutes"}
```
Use instead:
```json
{"type": "WindowsRestart", "restartTimeout": "10m"}
```

## Fix
A value whose unit is clear (``5 min``, ``2 hours``, ``5M``, ``PT1H30M``) is
rewritten in duration form. Safe. A number without a unit gets ``m``
(minutes, the unit of the documented default ``5m``). Unsafe: check the
intended unit.

## API versions
All versions with the WindowsRestart customizer (2019-02-01-preview and
later); the format is described the same way in all of them.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#windows-restart-customizer
"""

from __future__ import annotations

import re

from aiblint.diagnostics import Fix

from ._util import api_at_least, customizers, related_use, replace_value, string_values

CODE = "AIB312"
NAME = "restart-timeout"
SEVERITY = "error"
SUMMARY = "restartTimeout is not a number plus unit (5m, 2h, 90s)"

_DURATION = re.compile(r"^((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")
_NUMBER = r"(\d+(?:\.\d+)?)"
_UNITS = {
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "ms": "ms", "millisecond": "ms", "milliseconds": "ms",
}
_WORDY = re.compile(rf"^{_NUMBER}\s*([a-z]+)\.?$", re.I)
_ISO = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$", re.I)


def _normalise(text: str) -> str | None:
    """The Go duration a recognisable value means, e.g. ``"5 min"`` -> ``"5m"``; else None."""
    m = _WORDY.match(text)
    if m and m.group(2).lower() in _UNITS:
        return m.group(1) + _UNITS[m.group(2).lower()]
    m = _ISO.match(text)
    if m and any(m.groups()):
        return "".join(f"{int(n)}{u}" for n, u in zip(m.groups(), "hms") if n is not None)
    return None


def check(ctx):
    if not api_at_least(ctx, "2019-02-01"):
        return  # no WindowsRestart step before this version (the schema check reports one)
    for el in customizers(ctx):
        if (el.type or "").lower() != "windowsrestart":
            continue
        for value, ref in string_values(ctx, el.node.get("restartTimeout")):
            text = value.value
            if text == "" or text == "0" or _DURATION.match(text):
                continue
            stripped = text.strip()
            fixes = ()
            if re.fullmatch(_NUMBER, stripped):
                message = f'restartTimeout "{text}" has no time unit; write a number and a unit, e.g. "{stripped}m"'
                edit = replace_value(ctx, value, stripped + "m")
                if edit:
                    fixes = (Fix(f'Use "{stripped}m" (minutes)', (edit,), safe=False),)
            else:
                message = f'restartTimeout "{text}" is not a number followed by a unit such as "5m", "2h" or "90s"'
                good = _normalise(stripped)
                edit = replace_value(ctx, value, good) if good else None
                if edit:
                    fixes = (Fix(f'Use "{good}"', (edit,)),)
            yield ctx.diagnostic(value, message, related=related_use(ref), fixes=fixes)
