"""A customizer or validator that cannot run on the source image's operating system.

## What it does
Infers the operating system of a ``PlatformImage`` source from its publisher
and offer (``MicrosoftWindowsServer``, ``MicrosoftWindowsDesktop`` … are
Windows; ``Canonical``, ``RedHat``, ``OpenLogic``, ``SUSE``, ``Debian``,
``almalinux`` … are Linux; publishers with both kinds of image are told apart by
the offer). Then it reports:

* a ``Shell`` step on a Windows source;
* a ``WindowsRestart`` or ``WindowsUpdate`` step on a Linux source;
* a ``PowerShell`` step on a Linux source (API 2020-02-14 and later, warning).

Both ``properties.customize`` and ``properties.validate.inVMValidations`` are
checked. Managed-image and gallery sources, unknown publishers, and ARM
parameters whose allowed values mix both systems are not reported.

## Why is this bad
Each customizer type is run by a tool for one kind of guest: Shell steps need a
Linux shell over SSH, Windows steps need a Windows guest. A mismatch fails
the build only after the build VM was created and booted, many minutes in.

## Example
```json
"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"},
"customize": [
  {"type": "WindowsRestart", "restartTimeout": "5m"}
]
```
Use instead:
```json
"customize": [
  {"type": "Shell", "inline": ["sudo reboot"]}
]
```

## Fix
None: the replacement step has to be written for the other system.

## API versions
``Shell`` is documented as Linux-only and ``WindowsRestart``/``WindowsUpdate``
as Windows-only in every version. For ``PowerShell`` the sources disagree: the
documentation of the 2019 previews lists it for Windows and Linux, while the
API description from 2020-02-14 on and the current documentation list only
Windows. So a PowerShell step on a Linux source is not reported for
2019-05-01-preview and earlier, and is a warning from 2020-02-14 on.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-customize
"""

from __future__ import annotations

from aiblint.diagnostics import Related

from ._util import api_at_least, customizers, source, source_os, validators

CODE = "AIB307"
NAME = "customizer-os-mismatch"
SEVERITY = "error"
SUMMARY = "Shell step on a Windows source, or a Windows step on a Linux source"
SEVERITY_NOTE = (
    "error; warning for a PowerShell step on Linux, which API version 2020-02-14 and later document for "
    "Windows only"
)

_WINDOWS_ONLY = {"windowsrestart": "WindowsRestart", "windowsupdate": "WindowsUpdate"}


def check(ctx):
    os_name = source_os(ctx)
    if os_name is None:
        return
    src = source(ctx)
    why = src.get("publisher") or src
    label = "Windows" if os_name == "windows" else "Linux"
    note = f"source image inferred to be {label} from its publisher and offer"
    for array, elements in (("customize", customizers(ctx)), ("inVMValidations", validators(ctx))):
        for el in elements:
            kind = (el.type or "").lower()
            severity = None
            if os_name == "windows" and kind == "shell":
                message = f"{array}[{el.index}] is a Shell step, but the source image is Windows; use PowerShell"
            elif os_name == "linux" and kind in _WINDOWS_ONLY:
                message = (f"{array}[{el.index}] is a {_WINDOWS_ONLY[kind]} step, which runs only on Windows, "
                           "but the source image is Linux")
            elif os_name == "linux" and kind == "powershell" and api_at_least(ctx, "2020-02-14"):
                message = (f"{array}[{el.index}] is a PowerShell step, which this API version documents "
                           "for Windows only, but the source image is Linux; use Shell")
                severity = "warning"
            else:
                continue
            yield ctx.diagnostic(el.node.get("type") or el.node, message, severity=severity,
                                 related=(Related(why.span, note),))
