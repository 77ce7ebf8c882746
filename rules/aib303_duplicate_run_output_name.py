"""Two distribute targets share a ``runOutputName``.

## What it does
Compares the ``runOutputName`` of every entry of ``properties.distribute`` with
the ones before it, ignoring case, and reports the later entry with related
information pointing at the first.

In an ARM template, a property copy loop that makes the `distribute` array
(`"copy": [{"name": "distribute", "count": ..., "input": {...}}]`) with more
than one item is reported when its `input` has a fixed `runOutputName`: every
target it makes gets that name.

## Why is this bad
Each distribute target's result is stored as a run output, a child resource
named after ``runOutputName`` (``…/imageTemplates/{name}/runOutputs/{runOutputName}``).
Two targets with the same name would need the same resource, so the
documentation requires the name to be unique per target. Azure resource names
are compared without regard to case, so ``Win11`` and ``win11`` collide too.

## Example
```json
"distribute": [
  {"type": "ManagedImage", "runOutputName": "win11", "imageId": "...", "location": "westeurope"},
  {"type": "VHD", "runOutputName": "win11"}
]
```
Use instead:
```json
"distribute": [
  {"type": "ManagedImage", "runOutputName": "win11", "imageId": "...", "location": "westeurope"},
  {"type": "VHD", "runOutputName": "win11-2"}
]
```

## Fix
Renames the later target by appending ``-2`` (or the first free ``-N``),
shortening the name when needed to stay within the 64-character limit. Safe
unless something outside the template reads the run output by that name.
Names that come from an ARM parameter are not renamed.

## API versions
All versions: every version of the API and of the documentation requires
unique run output names.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-distribute
"""

from __future__ import annotations

from aiblint.diagnostics import Fix
from aiblint.document.nodes import ScalarNode

from ._util import copy_inputs, distributors, duplicates, properties, replace_value

CODE = "AIB303"
NAME = "duplicate-run-output-name"
SEVERITY = "error"
SUMMARY = "Two distribute targets with the same runOutputName"


def check(ctx):
    for dup in duplicates(ctx, distributors(ctx), "runOutputName", case_sensitive=False, max_len=64):
        fixes = ()
        edit = replace_value(ctx, dup.where, dup.new_name) if dup.new_name else None
        if edit:
            fixes = (Fix(f'Rename to "{dup.new_name}"', (edit,), safe=True),)
        if dup.name == dup.first_name:
            message = (f'runOutputName "{dup.name}" is already used by distribute[{dup.first_index}]; '
                       "each distribute target needs its own run output name")
        else:
            message = (f'runOutputName "{dup.name}" differs only in case from "{dup.first_name}" in '
                       f"distribute[{dup.first_index}]; run output names are compared ignoring case")
        yield ctx.diagnostic(
            dup.where,
            message,
            related=dup.related("first target with this run output name"),
            fixes=fixes,
        )
    for item in copy_inputs(ctx, properties(ctx), "distribute"):
        name = item.get("runOutputName")
        if isinstance(name, ScalarNode) and name.kind == "string" and not name.is_expression:
            yield ctx.diagnostic(
                name, f'runOutputName "{name.value}" is the same for every distribute target that the copy loop '
                "makes; build it from copyIndex('distribute')",
            )
