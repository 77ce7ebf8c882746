"""AIB406 checksum-mismatch: a `sha256Checksum` differs from the SHA-256 of the file it guards.

## What it does
For each `sha256Checksum` (64 hex digits) next to a `scriptUri` (Shell and
PowerShell customizers and validators, `optimize.workload`) or a `sourceUri`
(File customizers and validators), finds the file and compares its SHA-256:

* **local checkout** (always, offline): the `script-urls` setting maps URL
  prefixes to folders, e.g. in `pyproject.toml`

  ```toml
  [tool.aiblint.script-urls]
  "https://raw.githubusercontent.com/contoso/images/main/" = "scripts/"
  ```

  (folders relative to the configuration file; `.aiblint.yaml` and the
  editor setting `scriptUrls` take the same mapping). Without a matching
  prefix, a raw-file URL of the git repository the template lives in (GitHub
  `raw.githubusercontent.com/OWNER/REPO/REF/PATH` or `github.com/OWNER/REPO/raw/REF/PATH`,
  GitLab `.../-/raw/REF/PATH`, Azure DevOps `.../_apis/git/repositories/REPO/items?path=PATH`)
  is mapped to `PATH` in the working tree by itself, using the checkout's remotes.
  The working tree's file is used whatever branch the URL names.
* **online** (only with `--online`, `online = true` or the editor setting):
  other http(s) URLs are downloaded, streamed into memory and hashed, never
  written to disk; at most `script-size-limit` bytes (default 5 MiB,
  5,242,880 bytes), a 15-second deadline, at most 5 redirects, each URL once
  per run or language server session.

A file that cannot be found is not reported.

## Why is this bad
Image Builder downloads the file and compares its hash before running it: a
checksum that was not updated after the script was edited fails the build
after the build VM has been created.

## Example
```json
{ "type": "Shell", "name": "setup",
  "scriptUri": "https://raw.githubusercontent.com/contoso/images/main/scripts/setup.sh",
  "sha256Checksum": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae" }
```

## Fix
Sets `sha256Checksum` to the file's real SHA-256. The fix is safe when the
file came from the local checkout (the file you are about to publish) and
unsafe when it was downloaded (trusting what a server returns now defeats the
point of a checksum: check the file first). Line endings count: a checkout
that converts them (`core.autocrlf`) hashes differently from the published file.

## API versions
Versions that have `sha256Checksum` (`2019-05-01-preview` and later).

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-customize
(`sha256Checksum`: the SHA-256 checksum of the file)
"""

from __future__ import annotations

import re

from aiblint import scriptsrc
from aiblint.diagnostics import Fix, Related
from aiblint.document.nodes import ObjectNode, ScalarNode

from ._strings import unique
from ._util import customizers, properties, related_use, replace_value, validators

CODE = "AIB406"
NAME = "checksum-mismatch"
SEVERITY = "error"
SUMMARY = "A sha256Checksum differs from the SHA-256 of the file it guards"

_HEX64 = re.compile(r"^[0-9A-Fa-f]{64}$")
_URL_MEMBER = {"shell": "scriptUri", "powershell": "scriptUri", "file": "sourceUri"}


def guarded_files(ctx):
    """(object, URL member, checksum member or None, label) of every element that downloads a file."""
    for role, elements in (("customizer", customizers(ctx)), ("validator", validators(ctx))):
        for element in elements:
            url = _URL_MEMBER.get((element.type or "").lower())
            if url is None:
                continue
            member = element.node.get_ci(url)
            if member is not None and member.value is not None:
                yield element.node, member, element.node.get_ci("sha256Checksum"), f"{element.type} {role}"
    props = properties(ctx)
    optimize = props.get("optimize") if props else None
    workload = optimize.get("workload") if isinstance(optimize, ObjectNode) else None
    if isinstance(workload, ObjectNode):
        member = workload.get_ci("scriptUri")
        if member is not None and member.value is not None:
            yield workload, member, workload.get_ci("sha256Checksum"), "optimize.workload"


def file_for(ctx, url_node):
    """(Source, URL value node, referring expression) of the file a URL member names, when this pass
    may report it: a local file in the fast pass, a download where downloads are reported."""
    settings = ctx.settings
    if not scriptsrc.may_find(settings, ctx.document.path, download="download" not in settings.defer):
        return None
    for value, ref in ctx.values(url_node):
        if not isinstance(value, ScalarNode) or value.kind != "string" or value.is_expression:
            continue
        source = scriptsrc.find(value.value, settings, ctx.document.path, download="download" not in settings.defer)
        if source is None:
            continue
        if settings.produces(*(() if source.local else ("download",))):
            return source, value, ref
    return None


def check(ctx):
    settings = ctx.settings
    if not scriptsrc.may_find(settings, ctx.document.path, download="download" not in settings.defer):
        return
    out = []
    for _obj, url_member, checksum, label in guarded_files(ctx):
        if checksum is None or checksum.value is None:
            continue
        found = file_for(ctx, url_member.value)
        if found is None:
            continue
        source, url_value, url_ref = found
        for value, ref in ctx.values(checksum.value):
            if not isinstance(value, ScalarNode) or not isinstance(value.value, str) or value.is_expression:
                continue
            text = value.value.strip()
            if not _HEX64.match(text) or text.lower() == source.sha256:
                continue
            where = f"the local file {source.where}" if source.local else "the file downloaded from the URL"
            edit = replace_value(ctx, value, source.sha256)
            fixes = (Fix("Set sha256Checksum to the file's SHA-256", (edit,), safe=source.local),) if edit else ()
            related = (Related(url_value.span, "file named here"),) + related_use(ref or url_ref, "checksum used here")
            out.append(ctx.diagnostic(
                value, f"{label}: sha256Checksum does not match {where} (its SHA-256 is {source.sha256[:12]}…); "
                       "the build fails when it verifies the file", related=related, fixes=fixes))
    yield from unique(out)
