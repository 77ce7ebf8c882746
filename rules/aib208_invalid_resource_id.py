"""AIB208 invalid-resource-id: a resource ID that does not have the documented form.

## What it does
Checks literal resource IDs against the form the API documents for them:

| property | form |
|---|---|
| ManagedImage source and distributor `imageId` | `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/images/{image}` |
| SharedImageVersion source `imageVersionId` | `…/providers/Microsoft.Compute/galleries/{gallery}/images/{definition}/versions/{x.y.z}` (`latest`, and direct shared gallery IDs, from `2022-07-01`) |
| SharedImage distributor `galleryImageId` | `…/galleries/{gallery}/images/{definition}`; from `2022-07-01` (explicit versioning) optionally with `/versions/{x.y.z}` |
| keys of `identity.userAssignedIdentities`, items of `vmProfile.userAssignedIdentities` | `…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}` |
| `vnetConfig.subnetId`, `containerInstanceSubnetId` | `…/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}` |
| `stagingResourceGroup` | `/subscriptions/{sub}/resourceGroups/{name}` |

Fixed segments (`resourceGroups`, `providers`, `Microsoft.Compute`) are compared
ignoring case, as Azure Resource Manager does. ARM expressions (for example
`[resourceId(...)]`) are not checked, except `[parameters('p')]` and
`[variables('v')]`: the parameter's default and allowed values, or the
variable's value, are checked where they are literal and not empty. An empty
`stagingResourceGroup` is accepted (the service then creates the staging
group). A value that still holds a quickstart placeholder is reported as AIB310
instead.

The message says what is wrong when the value is a resource ID of another kind
(a gallery image definition where a managed image is needed, an image version
where only a definition belongs, `latest` before `2022-07-01`) or has spaces
around it, and always shows the expected form. Every ID-valued property of every
API version is checked (2018-02-01-preview has only the distributors' IDs; the
managed image source came with 2019-02-01-preview, the identities and the image
version source with 2019-05-01-preview, the subnet with 2020-02-14, the build
VM identities with 2021-10-01, the staging group with 2022-02-14).

## Why is this bad
The service cannot find the resource and rejects the template, or the build fails
after it has started, when the distributor tries to write the image.

## Example
```json
"source": { "type": "ManagedImage", "imageId": "myBaseImage" }
```
Use instead:
```json
"source": {
  "type": "ManagedImage",
  "imageId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/myBaseImage"
}
```
In an ARM template, `"[resourceId('Microsoft.Compute/images', 'myBaseImage')]"`
builds the full ID.

## Fix
Give the full resource ID in the form shown in the message.

## API versions
All; forms follow the template's API version. The documentation before explicit
versioning (2019, 2020) gives only the image definition for `galleryImageId`.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB208"
NAME = "invalid-resource-id"
SEVERITY = "error"
SUMMARY = "Resource ID not of the documented form"
ENGINE = True
