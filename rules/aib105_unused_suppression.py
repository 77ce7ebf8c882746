"""AIB105 unused-suppression: a suppression comment that silences nothing.

## What it does
Reports a `aiblint-disable-next-line` or `aiblint-disable` comment, or one code
in it, that did not silence any diagnostic in this run, and a code in such a
comment that names no rule at all. Codes of rules that are turned off by the
settings are not reported, since the comment may serve another configuration.
A code of a rule whose findings come from slower work (ShellCheck's AIB401,
downloaded scripts, detect-secrets' AIB313) is judged once that work is done:
in the editor its finding follows the first diagnostics, like ShellCheck's.

## Why is this bad
A suppression outlives the problem it was written for. Left in place, it will
silently hide the next, unrelated problem of that kind on that line or in that
file.

## Example
```jsonc
{
  // aiblint-disable-next-line AIB200
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01"
}
```
Nothing on the line after the comment is reported as AIB200.

## Fix
Remove the comment, or the unused code from it. `aiblint --check --fix` does
this (a safe fix).

## API versions
All.

## Source
aiblint's own check of its suppression comments.
"""

CODE = "AIB105"
NAME = "unused-suppression"
SEVERITY = "info"
SUMMARY = "A suppression comment that silences no diagnostic"
SCOPE = "document"
ENGINE = True
