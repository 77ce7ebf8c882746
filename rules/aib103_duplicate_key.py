"""AIB103 duplicate-key: the same key twice in one object.

## What it does
Reports every repeated key of an object (JSON or YAML) on the later
occurrence, with the first occurrence as related information. Keys are
compared exactly; keys that differ only in case are left to AIB201.

Inside the declaration of an ARM template parameter (`"parameters": {"p":
{"defaultValue": ..., "defaultValue": ...}}`) it is a **warning**: Azure Resource
Manager takes the last value and deploys, so the template works; it only may not
do what the first value suggests.

## Why is this bad
Most parsers, Azure CLI and ARM included, silently keep the last value and
drop the earlier one. A template with two `customize` arrays or two `source`
objects builds something other than what the first one reads like.

## Example
```json
{
  "vmProfile": { "vmSize": "Standard_D2s_v3" },
  "vmProfile": { "osDiskSizeGB": 64 }
}
```
The size setting is lost.

Use instead:
```json
{
  "vmProfile": { "vmSize": "Standard_D2s_v3", "osDiskSizeGB": 64 }
}
```

## Fix
Merge the two values, or delete the one that is not wanted; there is no
automatic fix, since only you know which one is right.

## API versions
All.

## Source
https://www.rfc-editor.org/rfc/rfc8259#section-4 (names within an object should be unique);
Azure Resource Manager reads templates with Json.NET, which keeps the last of duplicate keys
"""

CODE = "AIB103"
NAME = "duplicate-key"
SEVERITY = "error"
SUMMARY = "The same key twice in one object"
SEVERITY_NOTE = "error; warning for a key repeated inside an ARM parameter declaration (ARM takes the last)"
SCOPE = "document"
ENGINE = True
