"""AIB402 powershell-syntax: the inline commands of a PowerShell step do not parse.

## What it does
Joins the `inline` commands of each `PowerShell` customizer and validator with
newlines (they run as one script) and parses the result with
tree-sitter-powershell. The first syntax error is reported on the exact
characters inside the JSON or YAML string (escapes such as `\\"`, `\\\\` and
`\\n` are taken into account).

A script that a `scriptUri` names is checked too when its file can be read
(see AIB406): the finding is on the `scriptUri`, with related information at
the line of the script. Inline lists that hold an ARM expression are not parsed.

The grammar is not PowerShell's own parser and rejects some valid forms (a
list of bare words as an argument, `-Name a,b`; a `switch` with its clauses on
one line). So only the errors that are certain are reported: a brace,
parenthesis or bracket that is never closed, a closing one too many, and an
unterminated string.

## Why is this bad
The build fails at this customizer, after the build VM has been created and
every earlier step has run. A missing brace or quote is easy to overlook when
each line is a separate JSON string with its own escapes.

## Example
```json
{ "type": "PowerShell", "name": "features",
  "inline": ["if ($env:ROLE -eq 'web') {", "  Install-WindowsFeature Web-Server"] }
```

Use instead:
```json
{ "type": "PowerShell", "name": "features",
  "inline": ["if ($env:ROLE -eq 'web') {", "  Install-WindowsFeature Web-Server", "}"] }
```

## Fix
Correct the script. There is no automatic fix.

## API versions
All (PowerShell customizers since `2019-02-01-preview`, validators since `2022-02-14`).

## Source
https://developer.hashicorp.com/packer/docs/provisioners/powershell (inline
commands run as one script);
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#powershell-customizer
"""

from __future__ import annotations

from ._strings import unique
from .aib400_shell_syntax import syntax_findings

CODE = "AIB402"
NAME = "powershell-syntax"
SEVERITY = "error"
SUMMARY = "The inline commands of a PowerShell step do not parse"


def check(ctx):
    yield from unique(syntax_findings(ctx, "powershell", "PowerShell"))
