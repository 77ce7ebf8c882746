r"""AIB100 invalid-json: the document is not valid JSON (or YAML).

## What it does
Reports each syntax error with a message that names the mistake and points at
the place where it is: a missing comma between two properties or items, a `{`
or `[` that is never closed (with the place where the document ends), a missing
`:` or value, an unterminated string, an invalid escape such as `\q`, strings
or property names in single quotes or without quotes, invalid numbers (`01`,
`+1`, `NaN`), literals in the wrong case (`True`), a line break or a raw
control character (tab) inside a string, spaces JSON does not allow (a
non-breaking space), text after the end of the top-level value, an empty
document, and values nested deeper than 128 levels (the values inside are not
checked).
For YAML files, the YAML parser's error is reported.

The rest of the document is still read and checked: a member whose value is
missing is kept without a value, and an unclosed object ends where the text
ends.

## Why is this bad
Azure CLI, ARM and the Image Builder service reject a template that does not
parse, usually with a message that gives only a character offset. Finding the
mistake in the editor is faster.

## Example
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "tags": { "team": "images" }
  "location": "westeurope"
}
```
`Expected ',' between properties` at the end of line 3.

Use instead:
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "tags": { "team": "images" },
  "location": "westeurope"
}
```

## Fix
Safe fixes remove a stray comma, put single-quoted strings in double quotes,
quote a plain property name, lower-case a literal, escape a tab and replace an
odd space. A missing comma or colon gets an unsafe fix that inserts it, since
the intended text may differ.

## API versions
All.

## Source
https://www.rfc-editor.org/rfc/rfc8259 (the JSON grammar)
"""

CODE = "AIB100"
NAME = "invalid-json"
SEVERITY = "error"
SUMMARY = "Syntax error: the document is not valid JSON or YAML"
SCOPE = "document"
ENGINE = True
