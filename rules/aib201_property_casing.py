"""AIB201 property-casing: a property name that differs from the API's only in upper/lower case.

## What it does
Reports a key that matches a property of its object when case is ignored, but
not exactly: `sourceURI` for `sourceUri`, `imageVersionID` for `imageVersionId`,
`vnetconfig` for `vnetConfig`, `Type` for `type`. The value is then checked as
that property's value, and the property counts as present.

## Why is this bad
On 21 May 2024 the service started to compare names exactly for API version
2024-02-01 and later: a wrongly cased name is rejected as an unknown field.
Older API versions still accept it, but the spelling breaks as soon as the
template moves to a current version, and some tools that read templates compare
names exactly.

## Example
```json
"source": {
  "type": "SharedImageVersion",
  "imageVersionID": "/subscriptions/.../galleries/gal/images/def/versions/1.0.0"
}
```
Use instead:
```json
"source": {
  "type": "SharedImageVersion",
  "imageVersionId": "/subscriptions/.../galleries/gal/images/def/versions/1.0.0"
}
```

## Fix
Write the name exactly as the message shows. `--fix` does this (a safe fix).

## API versions
Error for `2024-02-01` and later (the service rejects the request); warning for
older versions, which accept any case. Several wrong spellings come from older
documentation (`sourceURI`, `imageVersionID`); the API has always used the
camel-case forms (except `sourceURI` of the ISO source before
`2019-05-01-preview`, which is correct there).

## Source
https://learn.microsoft.com/azure/virtual-machines/image-builder-api-update-release-notes
"""

CODE = "AIB201"
NAME = "property-casing"
SEVERITY = "error"
SUMMARY = "Property name differs from the API's only in case"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)
SEVERITY_NOTE = "error from API version 2024-02-01, where names are case-sensitive; warning before"
ENGINE = True
