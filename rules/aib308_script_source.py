"""A Shell or PowerShell step with both ``scriptUri`` and ``inline``, or with neither.

## What it does
Checks every ``Shell`` and ``PowerShell`` entry of ``properties.customize`` and
``properties.validate.inVMValidations``: it must name its commands in exactly
one way, a script to download (``scriptUri``) or a list of commands
(``inline``). An empty ``inline`` list or empty ``scriptUri`` counts as absent.

When neither is there but the property name of another API version is
(``script`` instead of ``scriptUri`` or the reverse), the message says so;
when the template's API version could not be determined (an unresolved
parameter), that other name is accepted.

## Why is this bad
The service rejects such a template (error ``NoCustomizerScript`` /
``NoValidatorScript`` when neither is given); with both given, it is not
obvious which of the two runs.

## Example
```json
{"type": "Shell", "name": "setup", "scriptUri": "https://example.com/setup.sh", "inline": ["apt-get update"]}
```
Use instead:
```json
{"type": "Shell", "name": "setup", "scriptUri": "https://example.com/setup.sh"},
{"type": "Shell", "name": "update", "inline": ["apt-get update"]}
```

## Fix
* ``script`` written where the API version expects ``scriptUri`` (or the
  reverse): renames the property. Safe.
* Both given: two alternative fixes, remove ``inline`` or remove the script
  URI. Unsafe: you choose which commands run.
* Neither given: inserts ``"inline": ["<command>"]``, a placeholder to
  replace. Unsafe. (An empty value that is present gets no fix.)

## API versions
The script URI property is ``script`` in 2018-02-01-preview and
2019-02-01-preview and ``scriptUri`` from 2019-05-01-preview on. Validators
exist from 2022-02-14 on. The "exactly one of" rule is in the API description
of every version that has ``inline`` (2019-02-01-preview and later); the `shell`
customizer of 2018-02-01-preview has only ``script``, so there the message asks
for a script, without mentioning ``inline`` or offering to add it.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#shell-customizer
"""

from __future__ import annotations

from aiblint.diagnostics import Fix

from ._util import api_at_least, built, customizers, insert_member, remove_member, rename_key, validators

CODE = "AIB308"
NAME = "script-source"
SEVERITY = "error"
SUMMARY = "Shell/PowerShell step with both scriptUri and inline, or neither"


def _given(obj, name):
    """The member ``name`` unless it is missing or an empty literal ("" or [])."""
    member = obj.member(name)
    if member is None or member.value is None:
        return None
    value = member.value.to_python()
    return None if value in ("", []) else member


def check(ctx):
    uri_name, old_name = ("scriptUri", "script") if api_at_least(ctx, "2019-05-01") else ("script", "scriptUri")
    # 2018-02-01-preview has no inline commands: a script is the only way.
    has_inline = api_at_least(ctx, "2019-02-01")
    one_of = f"exactly one of {uri_name} or inline" if has_inline else f"the URL of a script in '{uri_name}'"
    for array, elements in (("customize", customizers(ctx)), ("inVMValidations", validators(ctx))):
        for el in elements:
            kind = (el.type or "").lower()
            if kind not in ("shell", "powershell"):
                continue
            obj = el.node
            uri, inline = _given(obj, uri_name), _given(obj, "inline")
            where = f"{array}[{el.index}] ({el.type})"
            if uri and inline:
                fixes = [
                    Fix(f"Remove {what.name}", (edit,), safe=False, preferred=False)
                    for what in (inline, uri)
                    if (edit := remove_member(ctx, obj, what))
                ]
                yield ctx.diagnostic(
                    inline.key_span, f"{where} has both {uri_name} and inline; give exactly one of them",
                    fixes=fixes,
                )
            elif not uri and not inline:
                old = _given(obj, old_name)
                type_node = obj.get("type") or obj
                if old is not None and ctx.template.version_assumed:
                    continue  # valid in the versions that use that name; the real version is unknown
                if old is not None:
                    fix = Fix(f'Rename "{old_name}" to "{uri_name}"', (rename_key(ctx, old, uri_name),))
                    yield ctx.diagnostic(
                        old.key_span,
                        f'{where} has no {uri_name} or inline: "{old_name}" is called "{uri_name}" '
                        f"in API version {ctx.api_version}",
                        fixes=() if built(obj) else (fix,),
                    )
                    continue
                empty = [m for m in (obj.member(uri_name), obj.member("inline")) if m is not None]
                if empty:
                    names = " and ".join(m.name for m in empty)
                    message = f"{where} has an empty {names}; give {one_of}"
                    yield ctx.diagnostic(empty[0].value or empty[0].key_span, message)
                    continue
                if not has_inline:
                    yield ctx.diagnostic(type_node, f"{where} has no {uri_name}; give {one_of}")
                    continue
                edit = insert_member(ctx, obj, "inline", ["<command>"])
                yield ctx.diagnostic(
                    type_node, f"{where} has neither {uri_name} nor inline; give exactly one of them",
                    fixes=(Fix("Add an inline command list", (edit,), safe=False),) if edit else (),
                )
