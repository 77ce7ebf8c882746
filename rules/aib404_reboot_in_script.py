"""AIB404 reboot-in-script: a script restarts the build VM itself.

## What it does
Reports `reboot`, `shutdown -r`, `systemctl reboot`, `init 6` and
`telinit 6` in Shell steps, and `Restart-Computer` and `shutdown /r` (or
`shutdown -r`, `shutdown.exe /r`) in PowerShell steps: inline commands, and
scripts that `scriptUri` names when their file can be read (see AIB406).

## Why is this bad
Image Builder runs each customizer over a connection to the build VM. A reboot
from inside a script drops that connection; the provisioner reports the step
as failed, or the next step starts while the VM is going down. Image Builder's
troubleshooting guide names this as a cause of failed builds: restart Windows
with a `WindowsRestart` customizer, which waits for the VM to come back.
Linux has no restart customizer: leave the reboot out (the image is
generalized and restarted when it is deployed).

## Example
```json
{ "type": "PowerShell", "name": "features",
  "inline": ["Install-WindowsFeature Web-Server", "Restart-Computer -Force"] }
```

Use instead:
```json
{ "type": "PowerShell", "name": "features", "inline": ["Install-WindowsFeature Web-Server"] },
{ "type": "WindowsRestart", "restartTimeout": "10m" }
```

## Fix
Remove the reboot; on Windows, add a `WindowsRestart` customizer after the
step. There is no automatic fix.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot
(a reboot inside a script; use the Windows restart customizer);
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#windows-restart-customizer
"""

from __future__ import annotations

from functools import lru_cache

from ._scripts import check_with, command_span, commands_of

CODE = "AIB404"
NAME = "reboot-in-script"
SEVERITY = "error"
SUMMARY = "A script restarts the build VM instead of a WindowsRestart customizer"


def _is_reboot(kind: str, name: str, args: list[str]) -> bool:
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    if name.endswith(".exe"):
        name = name[:-4]
    low = [a.lower() for a in args]
    if kind == "shell":
        if name == "reboot":
            return "--help" not in low
        if name == "shutdown":
            return any(a == "-r" or a == "--reboot" or (a.startswith("-") and not a.startswith("--") and "r" in a)
                       for a in low)
        if name == "systemctl":
            return "reboot" in low or "kexec" in low
        if name in ("init", "telinit"):
            return low[:1] == ["6"]
        return False
    if name == "restart-computer":
        return True
    if name == "shutdown":
        return any(a in ("/r", "-r", "/g", "-g") for a in low)
    return False


@lru_cache(maxsize=512)
def findings(kind: str, text: str) -> tuple:
    """(start, end, message) of each reboot in a script."""
    out = []
    for cmd in commands_of(kind, text):
        if not _is_reboot(kind, cmd.name.text, [w.text for w in cmd.args]):
            continue
        if kind == "powershell":
            advice = "use a WindowsRestart customizer after this step instead"
        else:
            advice = "Image Builder has no restart step for Linux: leave the reboot out"
        out.append((*command_span(text, cmd),
                    f"'{text[cmd.name.start:cmd.name.end]}' restarts the build VM and breaks the build's connection "
                    f"to it; {advice}"))
    return tuple(out)


def check(ctx):
    return check_with(ctx, findings)
