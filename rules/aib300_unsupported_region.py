"""AIB300 unsupported-region: the template's `location` is not a region where Image Builder runs.

## What it does
Checks the `location` of an image template against the regions where the Image
Builder service runs, for the template's API version:

* API versions up to `2019-02-01-preview`: the five regions of the 2019 preview
  documentation (East US, East US 2, West Central US, West US, West US 2);
* `2019-05-01-preview`: those five plus North Europe and West Europe, which the
  February 2020 documentation (still written for that version) lists;
* later API versions: the 39 regions of the current documentation (including
  the US Government regions and China North 3, which need a preview feature
  registration).

A region may be written by name or display name, in any case and with any
spacing: `"eastus2"`, `"East US 2"` and `"EASTUS2"` are the same region. The
documentation's own spellings `"South East Asia"` and `"USGov Virginia"` are
accepted too. Regions that Image Builder added after this list was made can be
allowed in the configuration (`extra-regions`).

In ARM templates, the default value and every allowed value of a `location`
parameter are checked; expressions such as `[resourceGroup().location]` are not.

## Why is this bad
The template resource itself must live in a region where the service runs; in
any other region the deployment is rejected. (The image can still be
distributed to other regions through `distribute`.)

## Example
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "japanwest"
}
```

Use instead:
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "japaneast"
}
```

## Fix
The fixes offer the nearest supported regions (by distance between the regions'
cities, within the same cloud), or for a misspelt name the region it most
resembles. Moving a build to another region is your decision, so these fixes
are unsafe, except when the value only differs from a supported region's name in
separators (`"east-us-2"` → `"eastus2"`).

## API versions
The 2019 preview documentation lists five regions; a February 2020 revision of
the same page added North Europe and West Europe while still describing
`2019-05-01-preview`, and the service has since grown to the current list. Where
the definition of a version and its own documentation disagree, the
documentation wins (the service accepted what it shows), so those seven apply to
`2019-05-01-preview` and the five to the earlier previews. A region outside the
list is an error, but only a **warning** when the
service runs there today (the documentation of the preview does not list it,
yet such deployments have worked since). Add regions with `extra-regions` to
silence it. For `2020-02-14` and later the current list applies.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#location
"""

from __future__ import annotations

from aiblint.catalog import regions as R
from aiblint.diagnostics import Fix, Severity

from ._strings import has_placeholder, unique
from ._util import related_use, replace_value

CODE = "AIB300"
NAME = "unsupported-region"
SEVERITY = "error"
SUMMARY = "The template's location is not a region where Image Builder runs"
SEVERITY_NOTE = (
    "error; warning for a region that preview API versions did not document but where Image Builder runs "
    "with newer versions"
)


def region_fixes(ctx, node, text: str, choices: list) -> list[Fix]:
    """Fixes replacing ``node`` by each region of ``choices``, written like ``text``."""
    fixes = []
    safe = len(choices) == 1 and R.same_but_separators(text, choices[0])
    for i, region in enumerate(choices):
        new = region.display_name if " " in text.strip() else region.name
        edit = replace_value(ctx, node, new)
        if edit is not None:
            fixes.append(Fix(f'Replace with "{new}"', (edit,), safe=safe, preferred=i == 0))
    return fixes


def check(ctx):
    location = ctx.template.node.get("location")
    version = ctx.api_version
    extra = ctx.settings.extra_regions
    supported = R.aib_regions(version, extra)
    out = []
    for value, ref in ctx.values(location):
        if getattr(value, "kind", None) != "string" or value.is_expression:
            continue
        text = value.value
        if has_placeholder(text) or R.is_aib_region(text, version, extra):
            continue
        known = R.find_known(text, extra)
        severity = None
        if not text.strip():
            message = "location is empty; Image Builder needs a region where it runs"
        elif known is None:
            message = f'"{text}" is not an Azure region'
        elif R.is_preview_era(version) and R.is_aib_region(text, None):
            severity = Severity.WARNING
            message = (f'"{text}" is not among the regions documented for API version {version} '
                       f"({', '.join(R.preview_regions(version))}); Image Builder runs there with newer API versions")
        elif R.is_preview_era(version):
            message = (f'Image Builder does not run in "{text}" for API version {version} '
                       f"(the preview ran in {', '.join(R.preview_regions(version))})")
        else:
            message = f'Image Builder does not run in "{text}"'
        choices = R.suggestions(text, supported) if text.strip() else []
        if choices:
            names = ", ".join(f'"{r.name}"' for r in choices)
            message += f"; did you mean {names}?" if known is None else f"; nearest supported: {names}"
        out.append(ctx.diagnostic(value, message, severity=severity, related=related_use(ref, "location used here"),
                                  fixes=region_fixes(ctx, value, text, choices)))
    yield from unique(out)
