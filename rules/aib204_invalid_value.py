"""AIB204 invalid-value: a value outside what the API allows.

## What it does
Reports a literal value that the API version does not allow at that place:

* a `type` of a source, customizer, distributor or validator that the version
  does not know (`"Shel"`), listing the types it does know;
* any other value outside its list of allowed values (`storageAccountType`,
  `versioning.scheme`, `errorHandling.onCustomizerError`, `autoRun.state`, …),
  listing the allowed values;
* a number below the minimum or above the maximum (`osDiskSizeGB`,
  `updateLimit`, `replicaCount`, `versioning.major`);
* a string that does not match the required pattern (`runOutputName`, and the
  template `name`: letters, digits, `-`, `_` and, from `2019-05-01-preview`,
  `.`; 1–64 characters).

A value that differs from an allowed one only in case (`sharedImage` for
`SharedImage`) is reported with the correct spelling.

ARM expressions are not checked. The range of `buildTimeoutInMinutes` is
reported by AIB305 and the identity `type` by AIB311, which explain those cases
better.

## Why is this bad
The service rejects the template when it is created, or fails the build later
with an error such as `BadCustomizerType`.

## Example
```json
"customize": [ { "type": "Shel", "inline": ["echo hello"] } ]
```
Use instead:
```json
"customize": [ { "type": "Shell", "inline": ["echo hello"] } ]
```

## Fix
Use one of the values the message lists. A value that differs only in case is
corrected by `--fix` (a safe fix). A misspelt value close to one allowed value
(`"Shel"`, `"Enbled"`) gets that value as an unsafe fix (`--unsafe-fixes`, or a
quick fix in the editor).

## API versions
Allowed values follow the template's API version. A case-only difference is an
error from `2024-02-01` (the service compares exactly since May 2024) and a
warning before. A value that only other versions allow is AIB206.
`2018-02-01-preview` spells its types in lower camel case (`shell`,
`managedImage`, `sharedImage`); later versions use `Shell`, `ManagedImage`,
`SharedImage`.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB204"
NAME = "invalid-value"
SEVERITY = "error"
SUMMARY = "Value not among the allowed values, out of range, or not matching the pattern"
SEVERITY_NOTE = (
    "a value in the wrong case is an error from API version 2024-02-01 and a warning before; other "
    "findings are errors"
)
ENGINE = True
