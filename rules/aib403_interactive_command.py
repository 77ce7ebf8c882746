"""AIB403 interactive-command: a command waits for an answer that never comes, or fails without one.

## What it does
Looks at the commands of `Shell` and `PowerShell` steps (inline, and scripts
that `scriptUri` names when their file can be read, see AIB406) for:

* `apt-get`, `apt`, `yum`, `dnf` install/upgrade/remove (and the like) without
  `-y` / `--yes` / `--assume-yes` / `--assumeyes` (or `-qq`, which implies `-y`
  for apt-get), unless `yes |` feeds them;
* `zypper` install/update/remove without `--non-interactive` / `-n`;
* `choco install/upgrade/uninstall` without `-y` / `--yes` / `--confirm`;
* `Install-Module`, `Install-PackageProvider`, `Install-Script` without `-Force`;
* `read` (Shell), `Read-Host` and `pause` (PowerShell), which wait for input.

## Why is this bad
Customizers run without a terminal. A package manager that asks "Do you want
to continue? [Y/n]" reads end of input and aborts, or waits until the build
times out; `Install-Module` asks to trust the repository and fails in a
non-interactive host. The build fails after it has spent its time.

## Example
```json
{ "type": "Shell", "name": "tools", "inline": ["sudo apt-get install nginx"] }
```

Use instead:
```json
{ "type": "Shell", "name": "tools", "inline": ["sudo apt-get install -y nginx"] }
```

## Fix
For inline commands, a safe fix adds the flag (`-y`, `--non-interactive`,
`-Force`) right after the command or its subcommand. `read`, `Read-Host` and
`pause` have no automatic fix: remove them.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot
(customizer failures); `apt-get(8)` (`-y`, `-qq`); https://learn.microsoft.com/powershell/module/powershellget/install-module
"""

from __future__ import annotations

from functools import lru_cache

from aiblint.diagnostics import Fix

from ._scripts import commands_of, report, scripts
from ._strings import unique

CODE = "AIB403"
NAME = "interactive-command"
SEVERITY = "warning"
SUMMARY = "A command in a script waits for input or fails without it"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)

_SUBCOMMANDS = {
    "apt-get": {"install", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge", "autoremove", "build-dep"},
    "apt": {"install", "upgrade", "full-upgrade", "dist-upgrade", "remove", "purge", "autoremove", "reinstall"},
    "yum": {"install", "update", "upgrade", "remove", "erase", "groupinstall", "groupupdate", "reinstall",
            "downgrade", "localinstall", "autoremove"},
    "dnf": {"install", "update", "upgrade", "remove", "erase", "groupinstall", "reinstall", "downgrade",
            "autoremove", "distro-sync"},
    "tdnf": {"install", "update", "upgrade", "remove", "erase", "reinstall", "downgrade", "autoremove",
             "distro-sync"},
    "zypper": {"install", "in", "update", "up", "remove", "rm", "patch", "dist-upgrade", "dup", "source-install",
               "si"},
    "choco": {"install", "upgrade", "uninstall"},
}
_YES = {
    "apt-get": ("-y", "--yes", "--assume-yes", "-qq", "--force-yes"),
    "apt": ("-y", "--yes", "--assume-yes"),
    "yum": ("-y", "--assumeyes"),
    "dnf": ("-y", "--assumeyes"),
    "tdnf": ("-y", "--assumeyes"),
    "zypper": ("-n", "--non-interactive", "--no-confirm", "-y"),
    "choco": ("-y", "--yes", "--confirm", "--accept-license"),
}
_FLAG = {"apt-get": "-y", "apt": "-y", "yum": "-y", "dnf": "-y", "tdnf": "-y", "zypper": "--non-interactive",
         "choco": "-y"}
_FORCE = {"install-module", "install-packageprovider", "install-script"}
_WAITS = {"shell": {"read"}, "powershell": {"read-host", "pause"}}


def _has_yes(tool: str, args) -> bool:
    for word in args:
        w = word.text
        if w in _YES[tool] or "assume-yes=true" in w.lower() or "assumeyes=1" in w.lower():
            return True
        if w.startswith("-") and not w.startswith("--") and len(w) > 2 and "y" in w[1:] and tool != "zypper":
            return True  # combined short options: -qy, -yq
        if tool == "apt-get" and w.startswith("-") and not w.startswith("--") and w[1:].count("q") >= 2:
            return True
    return False


def _package_manager(cmd):
    """(start, end, message, (insert at, flag)) for a package manager that will ask, else None."""
    name = cmd.name.text.rsplit("/", 1)[-1].lower()
    if name.endswith(".exe"):
        name = name[:-4]
    if name not in _SUBCOMMANDS or cmd.piped_from in ("yes", "echo"):
        return None
    sub = next((w for w in cmd.args if not w.text.startswith("-")), None)
    if sub is None or sub.text.lower() not in _SUBCOMMANDS[name] or _has_yes(name, cmd.args):
        return None
    flag = _FLAG[name]
    # zypper takes --non-interactive before its subcommand; the others after it.
    at = cmd.name.end if name == "zypper" else sub.end
    return (cmd.name.start, sub.end, f"'{name} {sub.text}' without {flag} asks for confirmation and fails without "
            f"a terminal; add {flag}", (at, flag))


def _module_install(cmd):
    name = cmd.name.text.lower()
    if name not in _FORCE or any(w.text.lower().startswith("-force") for w in cmd.args):
        return None
    return (cmd.name.start, cmd.name.end, f"{cmd.name.text} without -Force asks for confirmation and fails in a "
            "non-interactive host; add -Force", (cmd.name.end, "-Force"))


@lru_cache(maxsize=512)
def findings(kind: str, text: str) -> tuple:
    """(start, end, message, fix as (offset, flag) or None) of each interactive command of a script."""
    out = []
    for cmd in commands_of(kind, text):
        name = cmd.name.text.lower()
        if name in _WAITS[kind]:
            if kind == "shell" and any(w.text.startswith("-t") for w in cmd.args):
                continue  # read -t N gives up by itself
            out.append((cmd.name.start, cmd.name.end, f"'{cmd.name.text}' waits for input that never comes during "
                        "a build", None))
            continue
        found = _package_manager(cmd) if kind == "shell" or name.startswith("choco") else None
        if found is None and kind == "powershell":
            found = _module_install(cmd)
        if found is not None:
            out.append(found)
    return tuple(out)


def check(ctx):
    out = []
    for script in scripts(ctx):
        for start, end, message, fix in findings(script.kind, script.text):
            fixes = ()
            if fix is not None:
                edit = script.insert(fix[0], " " + fix[1])
                fixes = (Fix(f"Add {fix[1]}", (edit,)),) if edit else ()
            out.append(report(ctx, script, start, end, message, fixes=fixes))
    yield from unique(out)
