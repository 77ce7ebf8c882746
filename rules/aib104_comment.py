"""AIB104 comment: a `//` or `/* */` comment in a raw template.

## What it does
Reports comments in a `.json` file whose template is a raw imageTemplate body
(the file you pass to `az image builder create --image-template` or
`az resource create --properties @file`). Comments are accepted without a
report in ARM deployment templates (ARM allows them), in `.jsonc` files and in
YAML files.

## Why is this bad
Azure CLI reads raw template files with a strict JSON parser and fails on the
first comment, with a parse error that does not mention comments.

## Example
```json
{
  // Ubuntu build image
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01"
}
```

Use instead: remove the comment, put the note in `tags`, or keep the file as
`.jsonc` and strip comments before calling the CLI.

## Fix
An unsafe fix removes the comment (and its line, when the comment is alone on
it).

## API versions
All.

## Source
https://learn.microsoft.com/cli/azure/image/builder#az-image-builder-create
"""

CODE = "AIB104"
NAME = "comment"
SEVERITY = "warning"
SUMMARY = "Comment in a raw template, which Azure CLI's JSON parser rejects"
SCOPE = "document"
ENGINE = True
