"""A CIS-hardened marketplace image as the source.

## What it does
Reports a ``PlatformImage`` source whose publisher is
``center-for-internet-security-inc`` (the Center for Internet Security's hardened
Windows and Linux images).

## Why is this bad
The troubleshooting guide warns that these images' configuration breaks Image
Builder: the Windows images can block the WinRM connection the service needs,
and the Linux images fail when the service makes its scripts executable
(``chmod +x``). The build fails after the build VM has been created.

## Example
```json
"source": {"type": "PlatformImage", "publisher": "center-for-internet-security-inc",
           "offer": "cis-windows-server-2022-l1", "sku": "cis-windows-server-2022-l1-gen2", "version": "latest"}
```
Use instead: build from the plain marketplace image and apply the hardening in
your own customizers (for example with the CIS benchmark scripts), after the
steps that need WinRM or SSH.

## Fix
None.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot#prerequisites
"""

from __future__ import annotations

from aiblint.catalog.vmsizes import CIS_PUBLISHERS

from ._util import platform_publishers, related_use

CODE = "AIB321"
NAME = "cis-hardened-source"
SEVERITY = "warning"
SUMMARY = "A CIS-hardened marketplace image as source: builds fail on these images"


def check(ctx):
    for value, ref in platform_publishers(ctx):
        if value.value.strip().lower() in CIS_PUBLISHERS:
            yield ctx.diagnostic(
                value,
                "CIS-hardened images can break Image Builder builds (WinRM blocked on Windows, 'chmod +x' refused "
                "on Linux); build from the plain image and apply the hardening in a customizer",
                related=related_use(ref),
            )
