"""An image template deployed under a fixed name: a second deployment with changes is refused.

## What it does
Reports, as information, an image template resource in an ARM or Bicep file
whose ``name`` is a literal string (or a parameter with a literal default and no
other values), so that every deployment of the file creates the same template.

## Why is this bad
Image Builder does not update an existing template's build definition: deploying
the file again with any change to it fails with ``Conflict`` ("Update/Upgrade of
image templates is currently not supported"), and a template whose creation
failed stays behind under its name. Pipelines that redeploy on every change hit
this on the second run.

## Example
```json
{"type": "Microsoft.VirtualMachineImages/imageTemplates", "name": "win11-golden", ...}
```
Use instead a name that changes with the deployment, for example
``"[format('win11-golden-{0}', parameters('buildId'))]"``, or delete the template
before each deployment.

## Fix
None: where the suffix comes from is your choice.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot#update-or-upgrade-of-image-templates-is-currently-not-supported
"""

from __future__ import annotations

from ._util import related_use

CODE = "AIB326"
NAME = "fixed-template-name"
SEVERITY = "info"
SUMMARY = "Image template name fixed in a deployment file: redeploying with changes fails (Conflict)"


def check(ctx):
    if ctx.template.form == "raw":
        return
    name = ctx.template.node.get("name")
    if name is None or name.kind != "string":
        return
    values = list(ctx.values(name))
    if len(values) != 1 or values[0][0].kind != "string" or values[0][0].is_expression:
        return  # a computed name, or a parameter with several allowed values
    value, ref = values[0]
    yield ctx.diagnostic(
        value,
        f"The image template is always deployed as '{value.value}': a later deployment that changes it fails "
        "with Conflict (templates cannot be updated); add a unique suffix or delete it before redeploying",
        related=related_use(ref),
    )
