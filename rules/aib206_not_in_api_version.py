"""AIB206 not-in-api-version: a property or type value that only other API versions have.

## What it does
Reports a property, a `type` value or an allowed value that the template's API
version does not have but other versions do, and names those versions:

* the ISO source, which exists up to `2019-05-01-preview` only;
* the WindowsUpdate customizer, from `2020-02-14`;
* `errorHandling` (from `2023-07-01`), `autoRun` and `managedResourceTags`
  (from `2024-02-01`), `optimize` (from `2022-07-01`), `validate` and
  `stagingResourceGroup` (from `2022-02-14`), `replicationMode` and
  `additionalDataDisks` (from `2025-10-01`);
* `script` of a Shell or PowerShell customizer, which became `scriptUri` in
  `2019-05-01-preview` (in a step that has neither `scriptUri` nor `inline`,
  AIB308 reports it instead, with a rename fix).

## Why is this bad
A `type` value the version does not know makes the service reject the template.
A property the version does not know is rejected from `2024-02-01`, and ignored
by older versions: the template deploys, but the feature is not used.
`targetRegions` (from `2022-07-01`) in an older version is an error in any
version when the distributor lacks the `replicationRegions` that version
requires: the message says to use it, and its absence is not reported again
as AIB203.

## Example
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "properties": {
    "errorHandling": { "onCustomizerError": "abort" }
  }
}
```
Use instead:
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2023-07-01",
  "properties": {
    "errorHandling": { "onCustomizerError": "abort" }
  }
}
```

## Fix
Move the template to an API version that has the feature (check the other
properties against that version too), or remove the property.

## API versions
An unknown `type` value is an error, with one exception: `WindowsUpdate`
under `2019-05-01-preview` is a warning. That preview's definition changed
during 2019, and the service's own `2019-05-01-preview` example request uses
`WindowsUpdate`, so the service evidently accepted it. A property is an error from
`2024-02-01` (the service rejects unknown fields) and a warning for older
versions, which ignore it. The 2019 documentation showed `vnetConfig` and
`osDiskSizeGB` with `2019-05-01-preview`, but the API defines them only from
`2020-02-14`; they are reported (as warnings) there.

## Source
https://learn.microsoft.com/azure/virtual-machines/image-builder-api-update-release-notes
"""

CODE = "AIB206"
NAME = "not-in-api-version"
SEVERITY = "error"
SUMMARY = "Property or type value that exists only in other API versions"
ENGINE = True
