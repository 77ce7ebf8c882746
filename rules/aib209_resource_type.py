"""AIB209 resource-type: a raw template body whose `type` is missing or not exactly `Microsoft.VirtualMachineImages/imageTemplates`.

## What it does
Reports a template body (a JSON file that is the resource itself, not an ARM
deployment template) whose root `type` is absent, incomplete
(`Microsoft.VirtualMachineImages`, as in many quickstarts) or written in another
case. aiblint still recognises such a file as a template when its `properties`
hold `source` plus `customize` or `distribute`, and checks it in full.

Resources inside ARM deployment templates are not reported: Azure Resource
Manager compares resource types ignoring case, and a resource without the right
type is not an Image Builder template at all.

## Why is this bad
The file only works with `az resource create --resource-type
Microsoft.VirtualMachineImages/imageTemplates --properties @file`, where the
command line supplies the type. `az resource create --is-full-object`, REST
calls, and tools that recognise templates by their type (editors, policy
checks) need the full type.

## Example
```json
{
  "type": "Microsoft.VirtualMachineImages",
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
Write `"type": "Microsoft.VirtualMachineImages/imageTemplates"`. When a `type` is
present, `--fix` writes the full one (a safe fix).

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB209"
NAME = "resource-type"
SEVERITY = "warning"
SUMMARY = "Raw template body whose type is missing or not exactly Microsoft.VirtualMachineImages/imageTemplates"
ENGINE = True
