"""A source-image trigger on a template that cannot have one.

## What it does
For each ``Microsoft.VirtualMachineImages/imageTemplates/triggers`` resource of
an image template in the same ARM or Bicep file (``"name": "template/trigger"``,
a child resource of the template, or in Bicep ``parent: template``), reports:

* a trigger with an API version before 2022-07-01, or a ``kind`` other than
  ``SourceImage`` (the only kind);
* a second ``SourceImage`` trigger on the same template;
* a trigger ``location`` different from the template's;
* a template source that is not a platform image at version ``latest`` or a
  gallery image version ending in ``/versions/latest``;
* a ``SharedImage`` distribute target that names a version
  (``…/images/x/versions/1.0.0``): the version is chosen automatically;
* a gallery source and a gallery distribute target with the same image definition.

## Why is this bad
These are the documented requirements of automatic image creation; the service
refuses to create such a trigger, so the deployment fails after the template
itself was created.

## Example
```json
"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts",
           "sku": "server", "version": "24.04.202501010"}
```
with a trigger. Use instead ``"version": "latest"``.

## Fix
For a platform image with a fixed version, the version is set to ``latest``
(unsafe: the build then follows new releases, which is what a trigger is for).

## API versions
Triggers exist from 2022-07-01.

## Source
https://learn.microsoft.com/azure/virtual-machines/image-builder-triggers-how-to
"""

from __future__ import annotations

import re

from aiblint.diagnostics import Fix, Related
from aiblint.document.nodes import ScalarNode

from ._util import (arm_resources, distributors, member_string, related_use, replace_value, source,
                    string_value, string_values)

CODE = "AIB324"
NAME = "trigger-requirements"
SEVERITY = "error"
SUMMARY = "A SourceImage trigger on a template whose source, targets or location do not allow one"
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ("imagetemplates/triggers", '"triggers"')

TRIGGERS = "microsoft.virtualmachineimages/imagetemplates/triggers"
_VERSION = re.compile(r"/versions/([^/]+)$", re.I)
_DEFINITION = re.compile(r"/galleries/[^/]+/images/[^/]+", re.I)


def check(ctx):
    triggers = list(_triggers(ctx))
    if not triggers:
        return
    first = triggers[0]
    yield from _per_trigger(ctx, triggers)
    note = (Related(first.get("name").span if first.get("name") else first.span, "trigger declared here"),)
    yield from _source(ctx, note)
    yield from _targets(ctx, note)


def _triggers(ctx):
    """The trigger resources of this template: named ``template/x``, or nested in the template resource."""
    template = ctx.template.node
    own_name = (string_value(ctx, template.get("name")) or "").lower()
    # A Bicep trigger names its template as its parent: ``parent: <symbolic name>``.
    own_symbol = f"[{template.key}]" if ctx.template.form == "bicep" else None
    for res, full_type, parent_name in arm_resources(ctx):
        if full_type != TRIGGERS:
            continue
        name = string_value(ctx, res.get("name")) or ""
        parts = name.split("/")
        parent = res.get("parent")
        if len(parts) == 2 and own_name and parts[0].lower() == own_name:
            yield res
        elif len(parts) == 1 and (_is_child_of(res, template) or (
                own_symbol and isinstance(parent, ScalarNode) and parent.value == own_symbol)):
            yield res


def _is_child_of(res, template) -> bool:
    node = res.parent
    while node is not None:
        if node is template:
            return True
        node = node.parent
    return False


def _per_trigger(ctx, triggers):
    template_location = string_value(ctx, ctx.template.node.get("location"))
    seen = None
    for trig in triggers:
        version = string_value(ctx, trig.get("apiVersion"))
        if version and version[:10] < "2022-07-01":
            yield ctx.diagnostic(trig.get("apiVersion"), f"Image template triggers exist from API version "
                                 f"2022-07-01, not {version}")
        props = trig.get("properties")
        kind_node = props.get("kind") if props is not None and props.kind == "object" else None
        kind = string_value(ctx, kind_node)
        if kind_node is None:
            yield ctx.diagnostic(trig.get("properties") or trig, "A trigger needs properties.kind: \"SourceImage\"")
        elif kind is not None and kind != "SourceImage":
            yield ctx.diagnostic(kind_node, f"'{kind}' is not a trigger kind; the only kind is 'SourceImage'")
        if kind in (None, "SourceImage") and kind_node is not None:
            if seen is not None:
                yield ctx.diagnostic(kind_node, "Only one SourceImage trigger per image template is supported",
                                     related=(Related(seen.span, "first SourceImage trigger"),))
            else:
                seen = kind_node
        location_node = trig.get("location")
        location = string_value(ctx, location_node)
        if location and template_location and \
                location.replace(" ", "").lower() != template_location.replace(" ", "").lower():
            yield ctx.diagnostic(location_node, f"The trigger's location '{location}' must be the template's "
                                 f"location '{template_location}'")


def _source(ctx, note):
    src = source(ctx)
    if src is None:
        return
    stype = (member_string(ctx, src, "type") or "").lower()
    if stype == "platformimage":
        for value, ref in string_values(ctx, src.get("version")):
            if value.value.lower() != "latest":
                fixes = () if ref else (Fix("Use version latest", (replace_value(ctx, value, "latest"),),
                                            safe=False),)
                yield ctx.diagnostic(value, f"A triggered template needs source version 'latest', not "
                                     f"'{value.value}'", related=related_use(ref) + note, fixes=fixes)
    elif stype == "sharedimageversion":
        for value, ref in string_values(ctx, src.get("imageVersionId")):
            m = _VERSION.search(value.value)
            if m and m.group(1).lower() != "latest":
                yield ctx.diagnostic(value, "A triggered template needs a gallery source ending in "
                                     f"'/versions/latest', not '/versions/{m.group(1)}'",
                                     related=related_use(ref) + note)
    elif stype:
        where = src.get("type")
        yield ctx.diagnostic(where, "A triggered template needs a PlatformImage or SharedImageVersion source, "
                             f"not {member_string(ctx, src, 'type')}", related=note)


def _targets(ctx, note):
    src = source(ctx)
    source_definitions = set()
    if src is not None and (member_string(ctx, src, "type") or "").lower() == "sharedimageversion":
        for value, _ in string_values(ctx, src.get("imageVersionId")):
            m = _DEFINITION.search(value.value)
            if m:
                source_definitions.add(m.group(0).lower())
    for el in distributors(ctx):
        if (el.type or "").lower() != "sharedimage":
            continue
        for value, ref in string_values(ctx, el.node.get("galleryImageId")):
            if _VERSION.search(value.value):
                yield ctx.diagnostic(value, "A triggered template cannot distribute to a fixed gallery image "
                                     "version; name the image definition and the version is chosen automatically",
                                     related=related_use(ref) + note)
            m = _DEFINITION.search(value.value)
            if m and m.group(0).lower() in source_definitions:
                yield ctx.diagnostic(value, "A triggered template cannot distribute to the image definition "
                                     "its gallery source comes from", related=related_use(ref) + note)
