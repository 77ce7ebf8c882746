"""AIB207 unknown-api-version: an `apiVersion` that is not an Image Builder API version.

## What it does
Reports an `apiVersion` (a literal, or the default of the ARM parameter or
variable that it names) that is not one of the ten Image Builder API versions,
`2018-02-01-preview` to `2025-10-01`, and suggests the closest one. The rest of
the template is then checked against the configured default version, which the
message names.

## Why is this bad
Azure Resource Manager rejects the deployment: the resource provider does not
offer that version. Typical causes are swapped digits (`2022-14-02`), a version
of another resource type (`2023-03-01` from a compute resource), or a
placeholder that was never filled in.

## Example
```json
{ "type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-14-02" }
```
Use instead:
```json
{ "type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2022-02-14" }
```

## Fix
The suggested version is offered as a fix, applied only with `--unsafe-fixes`
(it is a guess). Use one of the API versions: 2018-02-01-preview, 2019-02-01-preview,
2019-05-01-preview, 2020-02-14, 2021-10-01, 2022-02-14, 2022-07-01, 2023-07-01,
2024-02-01, 2025-10-01.

## API versions
All.

## Source
https://learn.microsoft.com/azure/templates/microsoft.virtualmachineimages/imagetemplates
"""

CODE = "AIB207"
NAME = "unknown-api-version"
SEVERITY = "error"
SUMMARY = "apiVersion is not an Image Builder API version"
ENGINE = True
