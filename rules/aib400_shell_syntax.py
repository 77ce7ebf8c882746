"""AIB400 shell-syntax: the inline commands of a Shell step do not parse as a shell script.

## What it does
Joins the `inline` commands of each `Shell` customizer and validator with
newlines, as the service's Packer-based shell provisioner does (the commands
become one script file), and parses the result with tree-sitter-bash. The first
syntax error is reported on the exact characters inside the JSON or YAML
string (escapes such as `\\"` and `\\n` are taken into account).

A script that a `scriptUri` names is checked too when its file can be read
(see AIB406 for where files are found): the finding is on the `scriptUri`,
with related information at the line of the script.

Inline lists that hold an ARM expression (`[parameters('...')]`) are known
only in part and are not parsed.

## Why is this bad
The build runs for many minutes before it reaches the customizer; then the
shell stops at the syntax error and the whole build fails. A missing `fi` or
an unclosed quote is easy to overlook when each line of a script is a separate
JSON string.

## Example
```json
{ "type": "Shell", "name": "setup",
  "inline": ["if [ -f /etc/os-release ]; then", "  . /etc/os-release"] }
```

Use instead:
```json
{ "type": "Shell", "name": "setup",
  "inline": ["if [ -f /etc/os-release ]; then", "  . /etc/os-release", "fi"] }
```

## Fix
Correct the script. There is no automatic fix.

## API versions
All (inline commands of Shell customizers since `2019-02-01-preview`, Shell
validators since `2022-02-14`).

## Source
https://developer.hashicorp.com/packer/docs/provisioners/shell (inline
commands are joined by newlines into one file);
https://learn.microsoft.com/dotnet/api/azure.resourcemanager.imagebuilder.models.imagetemplateshellcustomizer
(the Shell customizer corresponds to Packer's shell provisioner)
"""

from __future__ import annotations

from ._scripts import report, scripts, syntax_error
from ._strings import unique

CODE = "AIB400"
NAME = "shell-syntax"
SEVERITY = "error"
SUMMARY = "The inline commands of a Shell step do not parse as a shell script"

KIND = "shell"
LANGUAGE = "a shell script"


def check(ctx):
    yield from unique(syntax_findings(ctx, KIND, LANGUAGE))


def syntax_findings(ctx, kind: str, language: str):
    for script in scripts(ctx):
        if script.kind != kind or not script.complete or not script.text.strip():
            continue
        error = syntax_error(kind, script.text)
        if error is not None:
            start, end, message = error
            yield report(ctx, script, start, end, f"does not parse as {language}: {message}")
