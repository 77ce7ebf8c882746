"""AIB209 resource-type: a raw template body whose `type` names another resource.

## What it does
Reports a template body (a JSON file that is the resource itself, not an ARM
deployment template) whose root `type` names a different resource type
(`Microsoft.Compute/images`) while its `properties` hold an image template
(`source` plus `customize` or `distribute`). aiblint checks such a file in full
as a template.

Not reported: a missing `type`, the provider alone
(`Microsoft.VirtualMachineImages`) and the full type in another case. `type` is
read-only in the API: the request bodies of the API's own examples and the JSON
given to `az image builder` carry none, the quickstarts that used `az resource
create --resource-type` wrote just the provider, and Azure Resource Manager
compares types ignoring case.

Resources inside ARM deployment templates are not reported: Azure Resource
Manager compares resource types ignoring case, and a resource without the right
type is not an Image Builder template at all.

## Why is this bad
A body that says it is another resource is confusing at best: tools that go by
the type (editors, policy checks, `az resource create --is-full-object`) treat
it as that resource.

## Example
```json
{
  "type": "Microsoft.Compute/images",
  "apiVersion": "2022-07-01",
  "location": "westeurope",
  "properties": { "source": { "type": "PlatformImage" }, "distribute": [] }
}
```
Use instead:
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westeurope",
  "properties": { "source": { "type": "PlatformImage" }, "distribute": [] }
}
```

## Fix
Write `"type": "Microsoft.VirtualMachineImages/imageTemplates"` (offered as a safe
fix), or remove the `type`.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json; the
`Resource` definition of the API (`type` is `readOnly`) and its `Create*` examples
in Azure/azure-rest-api-specs
"""

CODE = "AIB209"
NAME = "resource-type"
SEVERITY = "warning"
SUMMARY = "Raw template body whose type is missing or not exactly Microsoft.VirtualMachineImages/imageTemplates"
ENGINE = True
