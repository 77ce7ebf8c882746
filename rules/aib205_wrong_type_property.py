"""AIB205 wrong-type-property: a property that belongs to another source, customizer, distributor or validator type.

## What it does
Reports a property that the object's own `type` does not have but a sibling type
does, and names that type: `imageId` in a PlatformImage source (it belongs to a
ManagedImage source), `galleryImageId` in a ManagedImage distributor (SharedImage),
`runElevated` in a File customizer (PowerShell).

When every such property belongs to one other type and the object lacks what
its own type requires (a `ManagedImage` distributor with `galleryImageId` and
`replicationRegions` but no `imageId`), the `type` is what is wrong: that is
reported once, on the `type`, naming the type the properties belong to (with the
change offered as a fix), instead of each property and each missing one.

When the `type` itself is an ARM expression, unknown or missing, the object's
other properties are not judged: which type applies is not known (before
deployment, or until the `type` is fixed), and a guess would only add noise.

## Why is this bad
The property has no effect on this type. Usually the `type` is wrong, or the
object was copied from another one and kept a property that no longer applies;
from API version 2024-02-01 the service rejects it as an unknown field.

## Example
```json
"source": {
  "type": "PlatformImage",
  "imageId": "/subscriptions/<sub>/resourceGroups/images/providers/Microsoft.Compute/images/base"
}
```
Use instead:
```json
"source": {
  "type": "ManagedImage",
  "imageId": "/subscriptions/<sub>/resourceGroups/images/providers/Microsoft.Compute/images/base"
}
```

## Fix
Change the `type` to the one the message names, or remove the property.

## API versions
All; the types and their properties follow the template's API version. A
property of another type is an **error** from `2024-02-01` (the service rejects
unknown fields) and a **warning** before (the service ignored it); the one
finding on a wrong `type` is an error in every version (the properties its type
requires are missing).

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB205"
NAME = "wrong-type-property"
SEVERITY = "error"
SUMMARY = "Property that belongs to another source, customizer, distributor or validator type"
SEVERITY_NOTE = (
    "error when the properties belong to another type than the one written; a single property of another "
    "type is an error from API version 2024-02-01 and a warning before"
)
ENGINE = True
