"""AIB203 missing-required: a required property is absent.

## What it does
Reports an object that lacks a property the API version requires there, naming
the property: `location`, `properties`, `identity` (from `2020-02-14`),
`source` and `distribute` in `properties`, `type` of every source, customizer,
distributor and validator, `runOutputName` of every distributor, `imageId` of a
ManagedImage source or distributor, `galleryImageId` of a SharedImage
distributor, and so on. The finding is placed on the key of the incomplete
object (or on its opening brace when it has no key, as in an array).

A raw body sent with `az resource create` needs no `name`: the command line gives
it. An ARM template resource does need `name`.

When part of the document does not parse, an object that holds the broken part
is not reported: the property may be in the part that could not be read.

When the object has an unknown property that looks like a misspelling of the
missing one (`"runOutputNme"`, `"distributes"`), only that is reported (AIB200,
with "did you mean"): one mistake, one finding.

## Why is this bad
The service rejects a template that lacks a required property when it is
created.

## Example
```json
"distribute": [
  { "type": "ManagedImage", "location": "westeurope", "runOutputName": "img" }
]
```
Use instead:
```json
"distribute": [
  {
    "type": "ManagedImage",
    "imageId": "/subscriptions/<sub>/resourceGroups/images/providers/Microsoft.Compute/images/web",
    "location": "westeurope",
    "runOutputName": "img"
  }
]
```

## Fix
Add the named property.

## API versions
What is required differs by version: `identity` is required from `2020-02-14`;
a SharedImage distributor needs `replicationRegions` up to `2022-02-14` and not
after; the ISO source (up to `2019-05-01-preview`) needs `sourceUri` and
`sha256Checksum` (a missing `sha256Checksum` there is reported once, by AIB301
missing-sha256, which also offers a fix).

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB203"
NAME = "missing-required"
SEVERITY = "error"
SUMMARY = "A required property is absent"
ENGINE = True
