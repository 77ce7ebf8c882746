"""AIB306 platform-image-latest: a PlatformImage `version` of `latest` in an early preview API version.

## What it does
Reports `"version": "latest"` in a `PlatformImage` source for API versions up to
and including `2019-02-01-preview`. In ARM templates, the default and allowed
values of a parameter are checked.

## Why is this bad
The Image Builder documentation of the early previews (April 2019) says that the
version must not be `latest`: you had to look up a concrete version number
(`az vm image list`) and put it in the template.

## Example
```json
"apiVersion": "2019-02-01-preview",
"properties": {
  "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer",
              "sku": "18.04-LTS", "version": "latest" }
}
```

Use instead:
```json
  "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer",
              "sku": "18.04-LTS", "version": "18.04.201903060" }
```

## Fix
Use a concrete image version (`az vm image list -p Canonical -f UbuntuServer
--all -o table`), or move the template to API version `2019-05-01-preview` or
later, which accept `latest`. There is no automatic fix.

## API versions
Forbidden according to the documentation of `2019-02-01-preview` (April 2019)
and of the first weeks of `2019-05-01-preview` (May 2019). The documentation of
February 2020, still written for `2019-05-01-preview`, allows `latest`, and so
did Microsoft's own quickstarts for that version (March 2020), so
`2019-05-01-preview` is not reported: the service accepted it. Allowed by the
specification of `2020-02-14` and later. So this rule reports only for
`2019-02-01-preview` and earlier.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#platformimage-source
(revisions of April 2019 and February 2020 of the page)
"""

from __future__ import annotations

from aiblint.document.nodes import ScalarNode

from ._strings import unique
from ._util import api_at_least, member_string, related_use, source

CODE = "AIB306"
NAME = "platform-image-latest"
SEVERITY = "warning"
SUMMARY = "PlatformImage version 'latest' in an API version whose documentation forbids it"


def check(ctx):
    if api_at_least(ctx, "2019-05-01"):
        return
    src = source(ctx)
    if src is None or (member_string(ctx, src, "type") or "").lower() != "platformimage":
        return
    member = src.get_ci("version")
    if member is None:
        return
    out = []
    for value, ref in ctx.values(member.value):
        if isinstance(value, ScalarNode) and isinstance(value.value, str) and value.value.strip().lower() == "latest":
            out.append(ctx.diagnostic(value, f'PlatformImage version "latest" is not allowed with API version '
                                      f"{ctx.api_version}; use a concrete image version",
                                      related=related_use(ref, "version used here")))
    yield from unique(out)
