"""Two customizers, or two in-VM validators, share a ``name``.

## What it does
Compares the ``name`` of every entry of ``properties.customize`` with the names
before it, and does the same for ``properties.validate.inVMValidations``. The
later entry of each pair is reported, with related information pointing at the
first one.

In an ARM template, a property copy loop that makes the `customize` array with
more than one item is reported when its `input` has a fixed `name`.

## Why is this bad
The template documentation of the preview API versions and of 2020-02-14
requires customizer names to be unique. Even where that sentence is gone, the
customization log and error messages name the step, and two steps with one
name cannot be told apart when one of them fails.

## Example
```json
"customize": [
  {"type": "Shell", "name": "setup", "inline": ["apt-get update"]},
  {"type": "Shell", "name": "setup", "scriptUri": "https://example.com/install.sh"}
]
```
Use instead:
```json
"customize": [
  {"type": "Shell", "name": "setup", "inline": ["apt-get update"]},
  {"type": "Shell", "name": "setup-2", "scriptUri": "https://example.com/install.sh"}
]
```

## Fix
Renames the later entry by appending ``-2`` (or the first free ``-N``). Safe:
the name only labels the step. Names that come from an ARM parameter are not
renamed (the parameter may be used elsewhere).

## API versions
All versions, as a **warning**. The uniqueness requirement is written in the
template documentation up to the 2020-02-14 era, but the service did not
enforce it: the API's own official example of 2020-02-14
(`CreateImageTemplateWindows`) names two of its PowerShell customizers alike.
The current documentation (2021-10-01 and later) no longer states it, and
validators (2022-02-14 and later) were never covered by it.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-customize;
the 2020-02-14 example `specification/imagebuilder/.../2020-02-14/examples/CreateImageTemplateWindows.json`
in Azure/azure-rest-api-specs
"""

from __future__ import annotations

from aiblint.diagnostics import Fix
from aiblint.document.nodes import ScalarNode

from ._util import copy_inputs, customizers, duplicates, properties, replace_value, validators

CODE = "AIB302"
NAME = "duplicate-customizer-name"
SEVERITY = "warning"
SUMMARY = "Two customizers (or two validators) with the same name"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)


def check(ctx):
    groups = (("Customizer", "customize", customizers(ctx)), ("Validator", "inVMValidations", validators(ctx)))
    for kind, array, elements in groups:
        for dup in duplicates(ctx, elements, "name", case_sensitive=True):
            fixes = ()
            edit = replace_value(ctx, dup.where, dup.new_name) if dup.new_name else None
            if edit:
                fixes = (Fix(f'Rename to "{dup.new_name}"', (edit,)),)
            yield ctx.diagnostic(
                dup.where,
                f'{kind} name "{dup.name}" is already used by {array}[{dup.first_index}]; '
                f"names must be unique",
                related=dup.related(f'first {kind.lower()} named "{dup.name}"'),
                fixes=fixes,
            )
    for item in copy_inputs(ctx, properties(ctx), "customize"):
        name = item.get("name")
        if isinstance(name, ScalarNode) and name.kind == "string" and not name.is_expression:
            yield ctx.diagnostic(
                name, f'Customizer name "{name.value}" is the same for every customizer that the copy loop '
                "makes; build it from copyIndex('customize')",
            )
