"""AIB315 storage-access: a script or file in Azure Storage that the build cannot read.

## What it does
Reports a `scriptUri` or `sourceUri` (customizers, validators,
`optimize.workload`) pointing at Azure Blob Storage (`*.blob.core.windows.net`,
and the Government and China clouds' blob endpoints) when the URL carries no SAS
token (`sig=`) and the template has no user-assigned identity.

The rule stays silent when the identity is an ARM expression (it may well hold
one), and for API versions before `2019-05-01-preview`, which have no
`identity`.

## Why is this bad
Image Builder downloads these files with the template's user-assigned identity.
Without one, and without a SAS token, a blob can only be read if its container
allows anonymous access, which storage accounts forbid by default; the build
then fails at the customization step. The current documentation goes further:
the identity needs read access (for example *Storage Blob Data Reader*) to
Azure Storage even when the blob is public.

## Example
```json
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "westeurope",
  "properties": {
    "customize": [
      { "type": "Shell", "name": "setup",
        "scriptUri": "https://mystorage.blob.core.windows.net/scripts/setup.sh" }
    ]
  }
}
```

Use instead (and grant the identity *Storage Blob Data Reader* on the account):
```json
  "identity": {
    "type": "UserAssigned",
    "userAssignedIdentities": {
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}
    }
  },
```

## Fix
Add a user-assigned identity with read access to the storage account (preferred),
or use a SAS URL (but see AIB313: a SAS in a template is a secret). There is no
automatic fix.

## API versions
`2019-05-01-preview` and later (the versions with `identity`). In the 2019
preview the identity was optional and a public or SAS URL was the usual way; the
current documentation asks for an identity with read access to Azure Storage in
every case.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#identity
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from aiblint.document.nodes import ObjectNode, ScalarNode

from ._strings import has_placeholder, unique
from ._util import api_at_least, customizers, properties, related_use, validators

CODE = "AIB315"
NAME = "storage-access"
SEVERITY = "warning"
SUMMARY = "A blob-storage script or file URL without identity or SAS"

BLOB_SUFFIXES = (".blob.core.windows.net", ".blob.core.usgovcloudapi.net", ".blob.core.chinacloudapi.cn")
_URL_MEMBERS = ("scriptUri", "sourceUri")


def blob_host(url: str) -> str | None:
    """The host of an Azure Blob Storage http(s) URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() in ("http", "https") and host.endswith(BLOB_SUFFIXES):
        return host
    return None


def has_sas(url: str) -> bool:
    try:
        query = parse_qs(urlsplit(url.strip()).query)
    except ValueError:
        return False
    return any(k.lower() == "sig" for k in query)


def has_identity(ctx) -> bool | None:
    """True/False when the template does/does not have a user-assigned identity; None when unknown."""
    identity = ctx.template.node.get("identity")
    if identity is None:
        return False
    if isinstance(identity, ScalarNode) and identity.is_expression:
        return None
    if not isinstance(identity, ObjectNode):
        return False
    itype = identity.get("type")
    if isinstance(itype, ScalarNode) and itype.is_expression:
        return None
    if isinstance(itype, ScalarNode) and isinstance(itype.value, str) and itype.value.strip().lower() == "none":
        return False
    uai = identity.get("userAssignedIdentities")
    if isinstance(uai, ScalarNode) and uai.is_expression:
        return None
    return isinstance(uai, ObjectNode) and bool(uai.members)


def _url_nodes(ctx):
    for element in (*customizers(ctx), *validators(ctx)):
        for name in _URL_MEMBERS:
            member = element.node.get_ci(name)
            if member is not None and member.value is not None:
                yield member.value, element.via
    props = properties(ctx)
    optimize = props.get("optimize") if props else None
    workload = optimize.get("workload") if isinstance(optimize, ObjectNode) else None
    if isinstance(workload, ObjectNode) and workload.get("scriptUri") is not None:
        yield workload.get("scriptUri"), None


def check(ctx):
    if not api_at_least(ctx, "2019-05-01"):
        return
    identity = None
    out = []
    for node, via in _url_nodes(ctx):
        for value, ref in ctx.values(node):
            if not isinstance(value, ScalarNode) or not isinstance(value.value, str) or value.is_expression:
                continue
            url = value.value
            host = blob_host(url)
            if host is None or has_sas(url) or has_placeholder(url):
                continue
            if identity is None:
                identity = has_identity(ctx)
                if identity is None:
                    return
            if identity:
                return
            out.append(ctx.diagnostic(
                value, f"the build can read this blob on {host} only if it is public: the template has no "
                "user-assigned identity and the URL no SAS token",
                related=related_use(ref or via, "URL used here")))
    yield from unique(out)
