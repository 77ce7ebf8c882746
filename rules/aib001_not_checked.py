"""AIB001 not-checked: a part of the template is an ARM expression whose value is known only at deployment.

## What it does
Reports, as information, an image template whose `properties` (or their
`source`, `customize` or `distribute`) is an ARM expression that aiblint cannot
evaluate (or, in Bicep, an expression other than a reference to a `param` or
`var`), and says why: a function whose result exists only at deployment
(`reference()`, `resourceGroup()`, `utcNow()`, ...), a parameter that has no
default and that no enclosing deployment passes, a parameter read from a key
vault or a linked parameter file, or a function aiblint does not evaluate.

aiblint evaluates the template-function language as far as its values are
knowable without Azure: `parameters()` (with the values that nested
deployments pass), `variables()` (also `copy` variables), `createObject`,
`createArray`, `union`, `shallowMerge`, `if`, `coalesce`, `format`, `concat`,
`json`, `filter`/`map`/`reduce` and the other string, array, object, logical
and numeric functions. A part built that way is checked like a literal, and
findings point at the literals it was built from. `aiblint --check --verbose`
lists every template found and which of its parts were checked.

## Why is this bad
It is not a problem in the template. It tells you that the rules did not see
that part, so that a template passes only when it was really checked.

## Example
```json
"properties": {
  "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest" },
  "customize": "[reference('scripts').outputs.steps.value]",
  "distribute": [ { "type": "VHD", "runOutputName": "vhd" } ]
}
```

## Fix
Nothing to fix. To have the part checked, give it (or the parameter it comes
from) a literal value or default, or turn this notice off with `--ignore AIB001`.

## API versions
All.

## Source
aiblint's own notice. The expression language is described in the ARM template
functions reference: https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions
"""

from __future__ import annotations

from aiblint.arm import PARTS, coverage
from aiblint.modules import Built
from aiblint.schema_check import near_broken

CODE = "AIB001"
NAME = "not-checked"
SEVERITY = "info"
SUMMARY = "A part of the template is an ARM expression known only at deployment, so it was not checked"


def check(ctx):
    broken = ctx.document.broken_spans
    for part in coverage(ctx.template):
        # Next to syntax the parser could not read, the value is a guess: the syntax error says enough.
        if part.checked or isinstance(part.where, Built):  # what a module builds: no param of the user's writes it
            continue
        if not (broken and near_broken(ctx.template.node, broken, part.where.span)):
            yield ctx.diagnostic(part.where, f"{PARTS[part.name]} not checked: {part.reason}")
