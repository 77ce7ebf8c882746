"""AIB301 missing-sha256: a downloaded file has no SHA-256 checksum, or a checksum is malformed.

## What it does
* **Error**: an `ISO` source without `sha256Checksum` (the service requires it).
* **Error**: any `sha256Checksum` that is not 64 hexadecimal characters (in the
  source, customizers, validators and `optimize.workload`). An empty value is
  an error on an ISO source; elsewhere it means "no checksum" and counts as
  missing.
* **Warning**: a checksum in upper case. The documentation asks for the
  lower-case form (PowerShell's `Get-FileHash` prints upper case).
* **Warning**: a `Shell` or `PowerShell` customizer or validator with a
  `scriptUri`, a `File` customizer or validator with a `sourceUri`, or an
  `optimize.workload` with a `scriptUri`, that has no `sha256Checksum`, in API
  versions that have the property. Not when the URL is still a placeholder
  (`"<scriptUrl>"`): AIB310 reports that, and there is no file to hash yet.

## Why is this bad
Without a checksum Image Builder runs whatever the URL serves at build time: a
changed or tampered script ends up in your image unnoticed. A malformed checksum
fails the build after the build VM has been created.

## Example
```json
{
  "type": "Shell",
  "name": "setup",
  "scriptUri": "https://example.com/setup.sh"
}
```

Use instead:
```json
{
  "type": "Shell",
  "name": "setup",
  "scriptUri": "https://example.com/setup.sh",
  "sha256Checksum": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
}
```

## Fix
For a missing checksum, the fix inserts `"sha256Checksum"` next to the URL.
When the file can be read (the local checkout, found as AIB406 describes) it
inserts the file's real SHA-256 and is safe; when the file was downloaded
(`--online`) it inserts that file's SHA-256 but is unsafe (check the file
first). Otherwise it inserts the placeholder `"<sha256 of the file>"` and is
unsafe, since you must put the real checksum in its place (`sha256sum file`,
or `(Get-FileHash file).Hash.ToLower()`); until you do, the placeholder is
reported by AIB310. An upper-case checksum is lowered by a safe
fix.

## API versions
`ISO` sources exist up to `2019-05-01-preview`, where `sha256Checksum` is
required. Customizers have `sha256Checksum` from `2019-05-01-preview` (it was
added to that version's specification during 2019, so templates written early
in 2019 lack it); earlier versions are not checked for it. Validators
(`2022-02-14`+) and `optimize.workload` (`2025-10-01`) always have it.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-customize
"""

from __future__ import annotations

import re

from aiblint.diagnostics import Fix, Severity
from aiblint.document.nodes import ObjectNode, ScalarNode

from ._strings import has_placeholder, unique
from ._util import api_at_least, customizers, insert_member, properties, related_use, replace_value, source, validators

CODE = "AIB301"
NAME = "missing-sha256"
SEVERITY = "error"
SUMMARY = "A downloaded file has no SHA-256 checksum, or the checksum is malformed"
CERTAIN_FIXES = True  # each fix removes its own finding (see RuleInfo.certain_fixes)
SEVERITY_NOTE = (
    "error for an ISO source without checksum and a malformed checksum; warning for a downloaded script "
    "or file without checksum and for an upper-case checksum"
)

_HEX64 = re.compile(r"^[0-9A-Fa-f]{64}$")
PLACEHOLDER = "<sha256 of the file>"
# Element type (lower case) -> the member holding the URL of the file it downloads.
_URL_MEMBER = {"shell": "scriptUri", "powershell": "scriptUri", "file": "sourceUri"}


def _checksum_values(ctx, member, what: str, iso: bool):
    """Diagnostics for the literal values of a present ``sha256Checksum`` member."""
    for value, ref in ctx.values(member.value):
        if not isinstance(value, ScalarNode) or value.kind != "string" or value.is_expression:
            continue
        text = value.value
        related = related_use(ref, "checksum used here")
        if has_placeholder(text) or (text == "" and not iso):
            continue
        if text == "":
            yield ctx.diagnostic(value, f"{what}: sha256Checksum is empty; it must be the 64 hex digits of the SHA-256 hash",
                                 related=related)
        elif not _HEX64.match(text.strip()):
            yield ctx.diagnostic(value, f"{what}: sha256Checksum is not a SHA-256 hash (64 hex digits, got {len(text)} characters)",
                                 related=related)
        elif text != text.lower() or text != text.strip():
            edit = replace_value(ctx, value, text.strip().lower())
            fixes = (Fix("Write the checksum in lower case", (edit,)),) if edit else ()
            yield ctx.diagnostic(value, f"{what}: write sha256Checksum in lower case", severity=Severity.WARNING,
                                 related=related, fixes=fixes)


def _missing_fix(ctx, obj: ObjectNode, after, member, lookup: bool = True) -> tuple[Fix, ...]:
    """Insert the file's checksum after member ``after`` (or fill an empty ``member``).

    With the file at hand (local checkout: safe; downloaded: unsafe) the real
    SHA-256 goes in; otherwise a placeholder (unsafe).
    """
    source = _file(ctx, after) if lookup else None
    value = source.sha256 if source is not None else PLACEHOLDER
    if member is not None and member.value is not None:
        edit = replace_value(ctx, member.value, value)
    else:
        edit = insert_member(ctx, obj, "sha256Checksum", value, after=after)
    if not edit:
        return ()
    if source is None:
        return (Fix('Add "sha256Checksum" (fill in the hash)', (edit,), safe=False),)
    origin = "the local file" if source.local else "the downloaded file"
    return (Fix(f'Add "sha256Checksum" of {origin}', (edit,), safe=source.local),)


def _file(ctx, url_member):
    """The file a URL member names, if it is at hand (local checkout, or a download this run may make)."""
    from aiblint import scriptsrc

    download = "download" not in ctx.settings.defer and url_member is not None \
        and url_member.name.lower() == "scripturi"
    if url_member is None or url_member.value is None \
            or not scriptsrc.may_find(ctx.settings, ctx.document.path, download=download):
        return None
    for value, _ref in ctx.values(url_member.value):
        if isinstance(value, ScalarNode) and isinstance(value.value, str) and not value.is_expression \
                and not has_placeholder(value.value):
            # Scripts are downloaded by the script checks anyway (online); other files only when cached.
            return scriptsrc.find(value.value, ctx.settings, ctx.document.path, download=download)
    return None


def _is_empty(ctx, member) -> bool:
    """True when a ``sha256Checksum`` member is absent or every literal value of it is ``""``."""
    if member is None or member.value is None:
        return True
    values = [v for v, _ in ctx.values(member.value)]
    return bool(values) and all(isinstance(v, ScalarNode) and v.value == "" for v in values)


def _downloader(ctx, obj: ObjectNode, kind: str, what: str, via):
    """Checks for a customizer, validator or workload that downloads a file."""
    url_member = obj.get_ci(_URL_MEMBER.get(kind, "scriptUri"))
    checksum = obj.get_ci("sha256Checksum")
    if checksum is not None and checksum.value is not None:
        yield from _checksum_values(ctx, checksum, what, iso=False)
    if url_member is None or url_member.value is None or not _is_empty(ctx, checksum):
        return
    urls = [v.value for v, _ in ctx.values(url_member.value) if isinstance(v, ScalarNode) and isinstance(v.value, str)]
    if urls and all(has_placeholder(url) for url in urls):
        return  # a placeholder URL: AIB310 reports it, and there is no file to hash yet
    yield ctx.diagnostic(url_member.key_span,
                         f"{what} downloads {url_member.name} without sha256Checksum; the file is not verified",
                         severity=Severity.WARNING, related=related_use(via, "element used here"),
                         fixes=_missing_fix(ctx, obj, url_member, checksum))


def _label(element, role: str) -> str:
    name = None
    node = element.node.get("name")
    if isinstance(node, ScalarNode) and node.kind == "string" and not node.is_expression:
        name = node.value
    label = f"{element.type} {role}"
    return f'{label} "{name}"' if name else f"{label} #{element.index + 1}"


def check(ctx):
    out = []
    src = source(ctx)
    if src is not None:
        stype = src.get_ci("type")
        kinds = {v.value.lower() for v, _ in ctx.values(stype.value) if isinstance(v, ScalarNode)
                 and isinstance(v.value, str)} if stype and stype.value else set()
        if kinds == {"iso"}:
            checksum = src.get_ci("sha256Checksum")
            if checksum is None or checksum.value is None:
                uri = src.get_ci("sourceUri") or src.get_ci("sourceURI")
                where = uri.key_span if uri else stype.key_span
                out.append(ctx.diagnostic(where, "ISO source has no sha256Checksum; Image Builder requires the ISO's SHA-256 hash",
                                          fixes=_missing_fix(ctx, src, uri, checksum, lookup=False)))
            else:
                out.extend(_checksum_values(ctx, checksum, "ISO source", iso=True))
    if api_at_least(ctx, "2019-05-01"):
        for element in customizers(ctx):
            kind = (element.type or "").lower()
            if kind in _URL_MEMBER:
                out.extend(_downloader(ctx, element.node, kind, _label(element, "customizer"), element.via))
    for element in validators(ctx):
        kind = (element.type or "").lower()
        if kind in _URL_MEMBER:
            out.extend(_downloader(ctx, element.node, kind, _label(element, "validator"), element.via))
    props = properties(ctx)
    optimize = props.get("optimize") if props else None
    workload = optimize.get("workload") if isinstance(optimize, ObjectNode) else None
    if isinstance(workload, ObjectNode):
        out.extend(_downloader(ctx, workload, "workload", "optimize.workload", None))
    yield from unique(out)
