"""AIB202 wrong-type: a value of the wrong JSON type.

## What it does
Reports a value whose JSON type is not the one the API expects at that place,
and says what is expected: a number written as a string
(`"buildTimeoutInMinutes": "80"`), a boolean written as a string
(`"runElevated": "true"`), a single string where an array of strings is required
(`"inline": "apt-get update"`), or an object given as a string.

ARM template expressions (`"[parameters('timeout')]"`, any string that starts
with `[` but not `[[`) are values computed at deployment time and are never
reported. But where an object or array (`customize`, `vmProfile`, ...) is given
as `[parameters('p')]` or `[variables('v')]`, the parameter's default (unless
empty) or the variable's value is checked by all the schema rules (AIB200 to
AIB208) as if written in place, and findings point there.

## Why is this bad
The service rejects a request whose values have the wrong type, after the
template has been uploaded and a deployment started. A single command in
`inline` written as a string is the most common case.

## Example
```json
"customize": [
  { "type": "Shell", "name": "update", "inline": "sudo apt-get update" }
],
"buildTimeoutInMinutes": "80"
```
Use instead:
```json
"customize": [
  { "type": "Shell", "name": "update", "inline": ["sudo apt-get update"] }
],
"buildTimeoutInMinutes": 80
```

## Fix
Remove the quotes around numbers and booleans (`--fix` does this: a safe fix);
wrap a single command in `[ ]`; give objects as objects.

## API versions
All. Integer properties (`buildTimeoutInMinutes`, `osDiskSizeGB`, `updateLimit`,
`validExitCodes` items, `replicaCount`, `major`, `sizeGB`) accept whole numbers
only.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB202"
NAME = "wrong-type"
SEVERITY = "error"
SUMMARY = "Value of the wrong JSON type"
ENGINE = True
