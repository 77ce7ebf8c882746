"""AIB310 placeholder: a value still holds a placeholder from a quickstart or documentation sample.

## What it does
Reports string values (and object keys) of an image template that still hold
the placeholders of the samples they were copied from: `<region>`,
`<subscriptionID>`, `<rgName>`, `<imgBuilderId>`, `<SIG resourcegroup>`,
`{subscription-id}`, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` and the like, and
shell variables that a quickstart script was meant to substitute
(`"$location"`, `"/subscriptions/$subscriptionID/..."`) in regions, names and
resource IDs. In ARM templates, the default value and the
allowed values of a parameter (and the value of a variable) used by the template
are checked as if written in place.

The placeholder is reported *instead of* the other problems it causes: a
`"<region>"` location is not also reported as an unsupported region, and a
`/subscriptions/<subscriptionID>/...` ID not also as a malformed resource ID.

Inline commands (`inline` of Shell and PowerShell customizers and validators)
are not checked, and neither is markup such as XML held in a value: there,
`<name>` is ordinary text.

A placeholder in free text that the service accepts as it is (tag names and
values, the `name` of a customizer or validator) is only a **warning**: the
build works, it just carries the sample's text.

## Why is this bad
The samples are meant to be filled in before use (often by `sed` in the
quickstart scripts). A template still holding a placeholder fails when it is
submitted, or worse, builds with a value nobody chose.

## Example
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "<region>",
  "identity": {
    "type": "UserAssigned",
    "userAssignedIdentities": { "<imgBuilderId>": {} }
  }
}
```

Use instead:
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "westeurope",
  "identity": {
    "type": "UserAssigned",
    "userAssignedIdentities": {
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}
    }
  }
}
```

## Fix
Replace the placeholder with the real value. There is no automatic fix: only
you know the value.

## API versions
All.

## Source
The placeholders are those of the Image Builder samples and documentation, for
example https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#location
"""

from __future__ import annotations

from aiblint.document.nodes import ArrayNode, Node, ObjectNode, ScalarNode, is_expression_text

from ._strings import cached_placeholders, shell_variables, unique
from ._util import related_use

CODE = "AIB310"
NAME = "placeholder"
SEVERITY = "error"
SUMMARY = "A value still holds a quickstart placeholder such as <region>"
SEVERITY_NOTE = "error; warning for a placeholder in free text the service takes as it is (tag values, step names)"

# Members whose text is a command, where "<x>" may be ordinary shell syntax.
_COMMAND_KEYS = {"inline"}
# Members holding a region, a name or a resource ID: a shell variable there ("$location",
# "/subscriptions/$subscriptionID/...") was meant to be substituted by the quickstart's script.
_LITERAL_KEYS = {"location", "imageId", "imageVersionId", "galleryImageId", "subnetId", "containerInstanceSubnetId",
                 "stagingResourceGroup", "runOutputName", "replicationRegions", "userAssignedIdentities"}


def _message(found: list[str]) -> str:
    shown = ", ".join(f'"{p}"' for p in dict.fromkeys(found[:3]))
    if len(dict.fromkeys(found)) == 1:
        return f"placeholder {shown} still needs a real value"
    return f"placeholders {shown} still need real values"


# Maps of free text: tags on the template, on its artifacts, on the resources it creates.
_TAG_MAPS = {"tags", "artifactTags", "managedResourceTags"}
# Arrays whose items' "name" is free text.
_NAMED_STEPS = {"customize", "inVMValidations"}


def _free_text(node: Node, key: str | None) -> bool:
    """Whether a value (or, with ``key`` None, the keys) of ``node``'s place is text the service takes as it is."""
    holder = node if key is None else node.parent
    if isinstance(holder, ObjectNode) and holder.key in _TAG_MAPS:
        return True
    if key == "name" and isinstance(holder, ObjectNode):
        array = holder.parent
        return isinstance(array, ArrayNode) and array.key in _NAMED_STEPS
    return False


def check(ctx):
    out = []

    def report(span, found, ref, free_text=False):
        d = ctx.diagnostic(span, _message(found), related=related_use(ref, "placeholder used here"),
                           severity="warning" if free_text else None)
        d.data["supersedes"] = True
        out.append(d)

    def find(text: str, literal: bool):
        found = cached_placeholders(text)
        return found + tuple(shell_variables(text)) if literal else found

    # A walk with an explicit stack: (node, the reference it came through, depth, its key).
    stack: list = [(ctx.template.node, None, 0, None)]
    pop, push = stack.pop, stack.append
    while stack:
        node, ref, depth, key = pop()
        if depth > 64:
            continue
        # The most frequent kind first; a string with no "[" is no expression (checked before the property).
        if isinstance(node, ScalarNode):
            if node.kind != "string":
                continue
            value = node.value
            if "[" in value and node.is_expression:
                if ref is None:
                    for value, use in reversed(list(ctx.values(node))):
                        push((value, use, depth + 1, key))
                continue
            found = find(value, key in _LITERAL_KEYS)
            if found:
                report(node.span, found, ref, _free_text(node, key))
        elif isinstance(node, ObjectNode):
            literal = key in _LITERAL_KEYS
            members = node.members
            for m in members:
                found = find(m.name, literal)
                if found and not is_expression_text(m.name):
                    report(m.key_span, found, ref, _free_text(node, None))
            for m in reversed(members):
                if m.value is not None and m.name not in _COMMAND_KEYS:
                    push((m.value, ref, depth + 1, m.name))
        elif isinstance(node, ArrayNode):
            for item in reversed(node.items):
                push((item, ref, depth + 1, key))

    yield from unique(out)
