"""AIB405 deprovision-tampering: a script removes what Image Builder needs to finish the image.

## What it does
Reports, in `Shell` and `PowerShell` steps (inline, and scripts that
`scriptUri` names when their file can be read, see AIB406):

* removing the Azure Linux agent: `apt-get remove|purge walinuxagent`,
  `yum|dnf|zypper remove WALinuxAgent`, `rm` of `/usr/sbin/waagent`, and
  `systemctl disable|mask` of the agent's service;
* deleting Image Builder's deprovisioning script, `/tmp/DeprovisioningScript.sh`
  (Linux) or `C:\\DeprovisioningScript.ps1` (Windows), with `rm`, `Remove-Item`,
  `del` and the like, including a wildcard or a folder that holds it
  (`rm -rf /tmp/*`).

## Why is this bad
After the customizers, Image Builder generalizes the VM with its
deprovisioning script, which runs `waagent -deprovision` on Linux and Sysprep
on Windows. The troubleshooting guide lists both as causes of failed builds:
without the agent the VM cannot be deprovisioned and the image cannot be
provisioned later; without the script the build fails at the end, after every
customizer has run.

## Example
```json
{ "type": "Shell", "name": "cleanup", "inline": ["sudo rm -rf /tmp/*"] }
```

Use instead:
```json
{ "type": "Shell", "name": "cleanup", "inline": ["sudo find /tmp -mindepth 1 ! -name DeprovisioningScript.sh -delete"] }
```

## Fix
Leave the agent installed and the deprovisioning script in place. There is no
automatic fix.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot
(deprovisioning fails when the agent or the deprovisioning script was removed)
"""

from __future__ import annotations

import fnmatch

from functools import lru_cache

from ._scripts import check_with, command_span, commands_of

CODE = "AIB405"
NAME = "deprovision-tampering"
SEVERITY = "warning"
SUMMARY = "A script removes the Azure Linux agent or Image Builder's deprovisioning script"

LINUX_SCRIPT = "/tmp/DeprovisioningScript.sh"
WINDOWS_SCRIPT = "c:\\deprovisioningscript.ps1"
_AGENT = {"walinuxagent", "waagent", "walinuxagent*", "waagent*"}
_REMOVE = {"remove", "purge", "erase", "autoremove", "rm", "uninstall"}
_PACKAGERS = {"apt-get", "apt", "yum", "dnf", "tdnf", "zypper", "rpm", "dpkg"}
_SHELL_DELETE = {"rm", "unlink", "shred"}
_PS_DELETE = {"remove-item", "rm", "del", "erase", "rmdir", "rd", "ri"}


def _strip(name: str) -> str:
    return name.rsplit("/", 1)[-1].lower()


def _deletes_linux_script(path: str) -> bool:
    if not path.startswith("/"):
        return False
    path = path.rstrip("/") or "/"
    return (fnmatch.fnmatchcase(LINUX_SCRIPT, path) or LINUX_SCRIPT.startswith(path + "/")
            or path == "/" or fnmatch.fnmatchcase(LINUX_SCRIPT, path + "/*") and "*" in path)


def _deletes_windows_script(path: str) -> bool:
    low = path.strip("'\"").replace("/", "\\").lower()
    if low.startswith("$env:systemdrive"):
        low = "c:" + low[len("$env:systemdrive"):]
    if not low.startswith("c:\\"):
        return False
    return fnmatch.fnmatchcase(WINDOWS_SCRIPT, low) or low.rstrip("\\") == "c:"


def _finding(kind: str, cmd) -> str | None:
    name = _strip(cmd.name.text)
    args = [w.text for w in cmd.args]
    low = [a.lower() for a in args]
    if kind == "shell":
        if name in _PACKAGERS and any(a in _REMOVE or a in ("-e", "-r", "--purge", "-p", "-P") for a in low) \
                and any(a in _AGENT for a in low):
            return "removes the Azure Linux agent, which Image Builder needs to deprovision the VM"
        if name == "systemctl" and any(a in ("disable", "mask") for a in low) \
                and any(a.split(".")[0] in ("walinuxagent", "waagent") for a in low):
            return "disables the Azure Linux agent, which Image Builder needs to deprovision the VM"
        if name in _SHELL_DELETE:
            paths = [a for a in args if not a.startswith("-")]
            if any(p.rstrip("*") in ("/usr/sbin/waagent", "/usr/sbin/") and "waagent" in p for p in paths):
                return "removes the Azure Linux agent, which Image Builder needs to deprovision the VM"
            if any(_deletes_linux_script(p) for p in paths):
                return f"deletes {LINUX_SCRIPT}, which Image Builder runs after the customizers"
        return None
    if name.lower() in _PS_DELETE:
        paths = [a for a in args if not a.startswith("-") or a.lower().startswith("-path")]
        if any(_deletes_windows_script(p) for p in paths):
            return "deletes C:\\DeprovisioningScript.ps1, which Image Builder runs after the customizers"
    return None


@lru_cache(maxsize=512)
def findings(kind: str, text: str) -> tuple:
    """(start, end, message) of each command of a script that tampers with deprovisioning."""
    out = []
    for cmd in commands_of(kind, text):
        message = _finding(kind, cmd)
        if message is None:
            continue
        out.append((*command_span(text, cmd), f"this command {message}"))
    return tuple(out)


def check(ctx):
    return check_with(ctx, findings)
