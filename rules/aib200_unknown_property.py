"""AIB200 unknown-property: a property that the template's API version does not have at that place.

## What it does
Reports a key that is not a property of the object it sits in, for the API
version the template declares: a misspelt name (`pubisher`), a property put at
the wrong level (`vmSize` directly in `properties` instead of in `vmProfile`),
or a name taken from an outdated article (`tags` on a distributor, which the
API calls `artifactTags`). When a known name is close, or the property exists one
level further down, the message says so.

Not reported here, because a more precise code applies:

* a name that differs from a known one only in case → AIB201;
* a property of another `source`/customizer/distributor/validator type → AIB205;
* a property that exists in other API versions → AIB206.

Accepted without a report:

* ARM's resource-level keys (`dependsOn`, `condition`, `copy`, `comments`,
  `scope`, `metadata`, child `resources`) on the resource object; raw bodies
  saved from ARM-style quickstarts keep `dependsOn`, and Azure Resource Manager
  ignores it there;
* read-only properties that the service returns (`id`, `systemData`,
  `provisioningState`, `provisioningError`, `lastRunStatus`, `exactVersion`,
  `exactStagingResourceGroup`): templates are often saved from a GET response,
  and the service ignores these on create. Their values are not checked.

Keys of a deployment template itself (`contentVersion`, `parameters`,
`variables`, `outputs`) at the top of a raw body are reported as such; `$schema`
is accepted, since it only tells editors which JSON schema to use.

An ARM expression cannot stand for a property name, so a key such as
`"[parameters('p')]"` in a fixed-shape object is reported as well (in free-form
maps such as `userAssignedIdentities` or `tags` it is fine).

A key with stray punctuation (`"type:"`, `"galleryImageId:"`) gets a "did you
mean"; for the `type` of a source, customizer, distributor or validator that is
the one finding (not also "missing 'type'"), and its value is used to check the
rest of the object.

## Why is this bad
From API version 2024-02-01 the service rejects a request with an unknown field:
an **error** there. Older versions silently drop it, so the template deploys, and
the setting you meant to make (a tag, a VM size, a source image publisher) is
never applied: a **warning** there, since the service accepts the template. An
unknown name that stands for a required property that is missing (a misspelt
`runOutputName`) is an error in every version: the service rejects the template
for the missing property.

## Example
```json
"source": {
  "type": "PlatformImage",
  "pubisher": "Canonical",
  "offer": "ubuntu-24_04-lts",
  "sku": "server",
  "version": "latest"
}
```
Use instead:
```json
"source": {
  "type": "PlatformImage",
  "publisher": "Canonical",
  "offer": "ubuntu-24_04-lts",
  "sku": "server",
  "version": "latest"
}
```

## Fix
Correct the name as suggested, move the property to the object it belongs to,
or remove it. When the message suggests a name, the rename is offered as a fix;
it is a guess, so `--fix` applies it only with `--unsafe-fixes`.

## API versions
The set of properties is that of the template's API version (its literal
`apiVersion`, or the default of the ARM parameter or variable it names).
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

Severity: see above (warning before 2024-02-01, error from then on). Source:
the release notes of May 2024 ("case-sensitive ... unknown fields rejected").

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB200"
NAME = "unknown-property"
SEVERITY = "error"
SUMMARY = "Property not in the schema for this place and API version"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)
SEVERITY_NOTE = (
    "error from API version 2024-02-01, where the service rejects unknown properties, and for a misspelt "
    "required property; warning before"
)
ENGINE = True
