"""A File step whose ``destination`` the build cannot write to.

## What it does
Checks the ``destination`` of every ``File`` entry of ``properties.customize``
and ``properties.validate.inVMValidations``:

* on a Linux source (see AIB307 for how the OS is inferred) the path must be
  absolute and inside ``/tmp``;
* on any source it must be an absolute path (``/…``, ``C:\\…``, ``\\\\server\\…``);
  paths that start with an environment variable (``%TEMP%``, ``$env:TEMP``) are
  left alone.

## Why is this bad
The File step uploads one file to the path given, which must include the file
name, in a folder that already exists. On Linux the build uploads as an
unprivileged user that can write only to ``/tmp``; any other folder makes the
step, and so the build, fail. A relative path depends on the working folder
of the upload tool and seldom ends up where intended.

## Example
```json
{"type": "File", "name": "app", "sourceUri": "https://example.com/server.js", "destination": "/var/www/app/server.js"}
```
Use instead:
```json
{"type": "File", "name": "app", "sourceUri": "https://example.com/server.js", "destination": "/tmp/server.js"},
{"type": "Shell", "name": "place-app", "inline": ["sudo mkdir -p /var/www/app", "sudo mv /tmp/server.js /var/www/app/"]}
```

## Fix
For a Linux path outside ``/tmp``: uploads to ``/tmp/<file name>`` instead.
Unsafe: a following step must move the file to where it belongs.

## API versions
All versions with the File customizer (2019-05-01-preview and later) and the
File validator (2022-07-01 and later). The ``/tmp`` restriction is stated in
the documentation from the 2019 preview to the current one.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#file-customizer
"""

from __future__ import annotations

import posixpath
import re

from aiblint.diagnostics import Fix

from ._util import api_at_least, customizers, related_use, replace_value, source_os, string_values, validators

CODE = "AIB309"
NAME = "file-destination"
SEVERITY = "warning"
SUMMARY = "File destination outside /tmp on Linux, or not an absolute path"

_WINDOWS_ABSOLUTE = re.compile(r"^([A-Za-z]:[\\/]|\\\\)")
_VARIABLE = re.compile(r"^(%|\$)")


def check(ctx):
    if not api_at_least(ctx, "2019-05-01"):
        return  # no File step before this version (the schema check reports one)
    os_name = source_os(ctx)
    for array, elements in (("customize", customizers(ctx)), ("inVMValidations", validators(ctx))):
        for el in elements:
            if (el.type or "").lower() != "file":
                continue
            for value, ref in string_values(ctx, el.node.get("destination")):
                path = value.value.strip()
                if not path or _VARIABLE.match(path):
                    continue
                where = f"{array}[{el.index}]"
                fixes = ()
                if os_name == "linux" and not path.startswith("/"):
                    message = (f'File destination "{path}" in {where} is not an absolute Linux path; '
                               "give the full path under /tmp, including the file name")
                elif os_name == "linux":
                    normal = posixpath.normpath(path)
                    if normal == "/tmp" or normal.startswith("/tmp/"):
                        continue
                    message = (f'File destination "{path}" in {where} is outside /tmp; on Linux the build '
                               "can write files only to /tmp (move the file with a later Shell step)")
                    name = posixpath.basename(path)
                    edit = replace_value(ctx, value, f"/tmp/{name}") if name and ref is None else None
                    if edit:
                        fixes = (Fix(f'Upload to "/tmp/{name}"', (edit,), safe=False),)
                elif path.startswith("/") or _WINDOWS_ABSOLUTE.match(path):
                    continue
                else:
                    message = (f'File destination "{path}" in {where} is not an absolute path; '
                               "give the full path including the file name")
                yield ctx.diagnostic(value, message, related=related_use(ref), fixes=fixes)
