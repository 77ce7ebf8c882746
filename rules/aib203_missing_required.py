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

For the template a Bicep call of the verified image-template module creates,
the finding sits on the call's `params` and names the module param that gives
the property (`source`: add `imageSource`; `distribute`: `distributions`;
`identity`: `managedIdentities`). What the module fills in itself (a run output
name, an image ID) is never reported missing.

When the object has an unknown property that looks like a misspelling of the
missing one (`"runOutputNme"`, `"distributes"`), only that is reported (AIB200,
with "did you mean"): one mistake, one finding. Likewise when a source,
customizer or distributor carries the properties of another type instead of its
own (a `ManagedImage` distributor with `galleryImageId`), only its type is
reported (AIB205).

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
When the template does not give its version (`apiVersion` missing, or a
parameter without a default), it is checked under every *plausible* version: the
one a parameter file next to it sets (`<name>.parameters*.json`,
`azuredeploy.parameters.json`, any `*.parameters*.json` whose parameters the
template declares), else the parameter's `allowedValues`, else the versions whose
schema fits the template's content best (lower-case types and `script` belong to
the early previews, an ISO source to `2019-05-01-preview` and before,
`stagingResourceGroup` to `2022-02-14` and later, ...). A finding that holds
under every plausible version keeps its severity; one that holds under some of
them is one step milder (an error becomes a warning) and names those versions.
The message says how the versions were found. A configured
`default-api-version` applies as given instead.

Decision for a missing `identity` when the version is not known (reviewed
findings marked unsure): `identity` is required from `2020-02-14` only (the
definitions of `2019-05-01-preview` and before do not require it, and the
quickstarts of that time deployed without one), so unless the content rules the
previews out the finding is a **warning** that names `2020-02-14 and later`.
Source: the API definitions (`ImageTemplate.required`) of `2019-05-01-preview`
and `2020-02-14`.

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
