"""AIB002 module-version: a call of the verified image-template module whose version aiblint does not know.

## What it does
A Bicep `module` call of the Azure Verified Modules image-template module
(`br/public:avm/res/virtual-machine-images/image-template:<version>`, the same
module through a `br/<alias>:` or `br:<registry>/` reference, or a local path
to its source) is checked like the image template the module creates: its
`params` are placed where the module puts them (`customizationSteps` becomes
`customize`, `imageSource` becomes `source`, each item of `distributions`
becomes a `distribute` target, ...), and findings point at the params. Where
each param ends up is kept per module version.

A local path (`'./modules/image-template/main.bicep'`, or any relative path) is
taken for the module when the file it names, relative to the Bicep file's
folder, is that module (its `metadata name`, or the build hash of a compiled
`main.json`), or, when the file is not at hand, when the path ends in
`virtual-machine-images/image-template` or `image-template/main.bicep`. Its
version comes from a `version.json` beside the file, else from a known build
hash.

This notice says, as information, that the version written in the call (or in
the local module's `version.json`) is not one of those known, or that a local
module names no version, and which known version's mapping was used instead:
the nearest one before it, else the oldest; for a local module without a
version, the known version whose parameters it declares, else the newest.

## Why is this bad
It is not a problem in the template. A module version that renames or
reshapes a parameter would make aiblint check that parameter in the wrong
place, or not at all.

## Example
```bicep
module image 'br/public:avm/res/virtual-machine-images/image-template:0.9.0' = {
  params: { ... }
}
```

## Fix
Nothing to fix; turn the notice off with `--ignore AIB002`.

## API versions
All.

## Source
The module's published source and its compiled form, per version:
https://github.com/Azure/bicep-registry-modules/tree/main/avm/res/virtual-machine-images/image-template
"""

from __future__ import annotations

CODE = "AIB002"
NAME = "module-version"
SEVERITY = "info"
SUMMARY = "A verified image-template module version aiblint does not know: the nearest known one is used"


def check(ctx):
    t = ctx.template
    call, used = t.module_call, t.module_version
    if call is None or used.exact:
        return
    if call.local is not None and call.note and call.note.startswith("is version"):
        message = (f"The verified image-template module at '{call.local}' {call.note}, which aiblint does not "
                   f"know; its params are checked as version {used.label} places them")
    elif call.local is not None:
        message = (f"The verified image-template module at '{call.local}' {call.note or 'names no version'}; "
                   f"its params are checked as version {used.label} places them")
    else:
        message = (f"Version {call.version} of the verified image-template module is not known to aiblint; its "
                   f"params are checked as version {used.label} places them")
    yield ctx.diagnostic(call.reference, message)
