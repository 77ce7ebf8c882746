"""AIB206 not-in-api-version: a property or type value that only other API versions have.

## What it does
Reports a property, a `type` value or an allowed value that the template's API
version does not have but other versions do, and names those versions:

* the ISO source, which exists up to `2019-05-01-preview` only;
* the WindowsUpdate customizer, from `2019-05-01-preview` (see below);
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
An unknown `type` value is an error. A property is an error from `2024-02-01`
(the service rejects unknown fields) and a warning for older versions, which
ignore it.

Where a version's definition and its own official examples and documentation
disagree, what the examples and the documentation show is accepted, since the
service took it: `2019-05-01-preview` (whose definition changed during 2019)
accepts `osDiskSizeGB`, `vnetConfig` in its old form `{name, subnetName,
resourceGroupName}` and the `WindowsUpdate` customizer (the version's
`CreateImageTemplateLinux`/`CreateImageTemplateWindows` examples, the February
2020 template documentation, and Microsoft's quickstarts of March 2020 use them);
`2018-02-01-preview` and `2019-02-01-preview` accept `tags` on a distributor (the
`CreateImageTemplate` examples of both versions use it; later versions call it
`artifactTags`, and the message says so).

When the template does not give its version, see AIB203 for how the plausible
versions are found and what that does to the severity.

## Source
https://learn.microsoft.com/azure/virtual-machines/image-builder-api-update-release-notes;
the `examples` folders of each API version in Azure/azure-rest-api-specs
(`specification/imagebuilder/resource-manager/Microsoft.VirtualMachineImages`)
"""

CODE = "AIB206"
NAME = "not-in-api-version"
SEVERITY = "error"
SUMMARY = "Property or type value that exists only in other API versions"
SEVERITY_NOTE = (
    "error from API version 2024-02-01; warning before (the older service ignored properties it did not "
    "know), except an error where the property replaces a required one"
)
ENGINE = True
