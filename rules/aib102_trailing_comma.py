"""AIB102 trailing-comma: a comma after the last property of an object or the last item of an array.

## What it does
Reports a `,` directly followed by the `}` or `]` that closes the object or
array.

## Why is this bad
Strict JSON does not allow it: Azure CLI's parser rejects the file, and other
tools disagree about what it means. It typically appears after deleting or
moving the last customizer or property.

## Example
```json
"customize": [
  { "type": "Shell", "name": "update", "inline": ["sudo apt-get update"] },
]
```

Use instead:
```json
"customize": [
  { "type": "Shell", "name": "update", "inline": ["sudo apt-get update"] }
]
```

## Fix
A safe fix removes the comma.

## API versions
All.

## Source
https://www.rfc-editor.org/rfc/rfc8259#section-4
"""

CODE = "AIB102"
NAME = "trailing-comma"
SEVERITY = "error"
SUMMARY = "Trailing comma in an object or array"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)
SCOPE = "document"
ENGINE = True
