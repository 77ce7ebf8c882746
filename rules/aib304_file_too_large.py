"""AIB304 file-too-large: a File customizer downloads a file over 20 MB.

## What it does
When online checks are enabled, asks the server of each `sourceUri` of a `File`
customizer (and `File` validator) for the file's size and reports files larger
than **20,971,520 bytes** (20 MiB, 20 × 1024 × 1024).

The documentation only says "20 MB". Since this rule reports an error, it uses
the larger reading of that limit (MiB rather than 20,000,000 bytes), so that a
file it reports is over the limit under either reading.

The size is asked with an HTTP `HEAD` request, or when the server refuses that,
with a `GET` for the first byte only (`Range: bytes=0-0`, the total size coming
from `Content-Range`); the file itself is never downloaded. Each request has a
5-second deadline, at most 5 redirects are followed, only `http` and `https`
URLs are asked, and each URL is asked once per run (or language server
session). A URL that cannot be reached, or whose size the server does not tell,
is not reported, except as information with `--verbose`.

Online checks are off by default: turn them on with `--online`,
`online = true` in the configuration, or the editor setting.

## Why is this bad
The File customizer is meant for small files. Larger downloads are slow and
unreliable, and the build fails or times out after the build VM has been
created.

## Example
```json
{ "type": "File", "name": "installer",
  "sourceUri": "https://example.com/downloads/big-installer.zip",
  "destination": "/tmp/big-installer.zip" }
```

Use instead (download inside the build VM):
```json
{ "type": "Shell", "name": "installer",
  "inline": ["curl -fsSL -o /tmp/big-installer.zip https://example.com/downloads/big-installer.zip"] }
```

## Fix
Download large files with a Shell (`curl`, `wget`) or PowerShell
(`Invoke-WebRequest`) customizer instead. There is no automatic fix.

## API versions
`2019-05-01-preview` and later (the versions with the File customizer); File
validators from `2022-07-01`.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#file-customizer
"""

from __future__ import annotations

from aiblint import online
from aiblint.diagnostics import Severity
from aiblint.document.nodes import ScalarNode

from ._strings import has_placeholder, unique
from ._util import customizers, related_use, validators

CODE = "AIB304"
NAME = "file-too-large"
SEVERITY = "error"
SUMMARY = "A File customizer downloads a file over 20 MB (online check)"
SEVERITY_NOTE = "error; info (with --verbose) when the size could not be checked"

LIMIT = 20 * 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB ({size:,} bytes)"


def file_sources(ctx):
    """(value node, referring expression, label) of each File customizer/validator ``sourceUri`` URL."""
    for role, elements in (("customizer", customizers(ctx)), ("validator", validators(ctx))):
        for element in elements:
            if (element.type or "").lower() != "file":
                continue
            member = element.node.get_ci("sourceUri")
            if member is None or member.value is None:
                continue
            name = element.node.get("name")
            label = f"File {role}"
            if isinstance(name, ScalarNode) and isinstance(name.value, str) and not name.is_expression:
                label += f' "{name.value}"'
            for value, ref in ctx.values(member.value):
                if (isinstance(value, ScalarNode) and isinstance(value.value, str) and not value.is_expression
                        and online.is_http_url(value.value) and not has_placeholder(value.value)):
                    yield value, ref or element.via, label


def check(ctx):
    if not ctx.settings.online or not ctx.settings.produces("download"):
        return
    out = []
    for value, ref, label in file_sources(ctx):
        probe = online.remote_size(value.value.strip())
        related = related_use(ref, "URL used here")
        if probe.size is not None and probe.size > LIMIT:
            out.append(ctx.diagnostic(value, f"{label} downloads {_mb(probe.size)}; the File customizer is for "
                                      f"files up to 20 MiB ({LIMIT:,} bytes)", related=related))
        elif probe.size is None and ctx.settings.verbose:
            out.append(ctx.diagnostic(value, f"could not check the size of this file: {probe.error}",
                                      severity=Severity.INFO, related=related))
    yield from unique(out)
