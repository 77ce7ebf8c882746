"""AIB313 secret-in-template: an inline command or URL holds what looks like a secret.

## What it does
Looks at the commands (`inline` of Shell and PowerShell customizers and
validators, `restartCommand` and `restartCheckCommand` of WindowsRestart) and
the URLs (`scriptUri`, `sourceUri`, `optimize.workload.scriptUri`, a VHD
target's `uri`) of a template for:

* passwords written on a command line (`--password x`, `-Password 'x'`,
  `password=x`, `ConvertTo-SecureString 'x' -AsPlainText`,
  `echo 'user:x' | chpasswd`, `net user name x`, `sshpass -p x`,
  `az login ... -p x`, `docker login -p x`, `mysql -px`);
* SAS signatures (`sig=` in a URL);
* storage account keys (`AccountKey=...`, or any 88-character key);
* private keys (`-----BEGIN ... PRIVATE KEY-----`);
* bearer tokens and JSON web tokens; GitHub tokens.

* a user's password in `-u user:password` (curl and the like), in
  `net user NAME PASSWORD /add`, and in `$env:NAME = '...'` when NAME holds
  PASSWORD, PWD, SECRET, TOKEN or APIKEY; shared access keys of connection strings;
* and what [detect-secrets](https://github.com/Yelp/detect-secrets)' detectors
  find: secrets assigned to keywords (`password`, `api_key`, `secret`, ...),
  credentials in URLs (`https://user:password@host`), private keys, JSON web
  tokens, Azure storage keys, AWS, GitHub, GitLab, Slack, Stripe, SendGrid, npm,
  Twilio, OpenAI, Artifactory, Discord and PyPI tokens.

Scripts that `scriptUri` names are checked too when their file can be read
(see AIB406): the finding is on the `scriptUri`, with related information at
the line of the script.

Values that are variables (`$password`, `${PASS}`, `%PASS%`, `$env:PASS`,
`$(...)`), placeholders, SHA-256 checksums, GUIDs, resource IDs and ARM
expressions are not secrets and are not reported. The message names the kind
of secret and never repeats it.

## Why is this bad
A template is stored in source control, in the image template resource (anyone
who can read the resource can read its properties) and in the build logs.
Anything secret in it is as good as published.

## Example
```json
{ "type": "Shell", "name": "db",
  "inline": ["mysql --user=admin --password=S3cretPassw0rd < /tmp/init.sql"] }
```

Use instead (the build VM reads the secret with its own identity):
```json
{ "type": "Shell", "name": "db",
  "inline": ["PASS=$(az keyvault secret show --vault-name kv --name db --query value -o tsv)",
             "mysql --user=admin --password=\"$PASS\" < /tmp/init.sql"] }
```

## Fix
Remove the secret, and rotate it: it has been exposed. Give the template (for
downloads) or the build VM (`vmProfile.userAssignedIdentities`, for scripts) an
identity with access to the storage account or Key Vault instead. There is no
automatic fix.

## API versions
All.

## Source
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-customize
(the documentation advises against putting sensitive data in inline commands)
"""

from __future__ import annotations

import re
from functools import lru_cache

from aiblint.document.nodes import ArrayNode, ObjectNode, ScalarNode

from aiblint.strmap import char_span, string_offsets

from ._scripts import report, scripts
from ._strings import has_placeholder, unique
from ._util import customizers, distributors, properties, related_use, source, validators

CODE = "AIB313"
NAME = "secret-in-template"
SEVERITY = "warning"
SUMMARY = "An inline command or URL holds a likely secret"

_I = re.IGNORECASE
# (label, pattern); the group named "s" is the secret (the whole match when absent).
_PATTERNS = [
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("a SAS signature (sig=)", re.compile(r"[?&]sig=(?P<s>[A-Za-z0-9%+/=_-]{16,})")),
    ("a storage account key", re.compile(r"AccountKey=(?P<s>[A-Za-z0-9+/]{40,}={0,2})")),
    ("a storage account key", re.compile(r"(?<![A-Za-z0-9+/])(?P<s>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])")),
    ("a bearer token", re.compile(r"\bBearer\s+(?P<s>[A-Za-z0-9._~+/-]{20,}=*)")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})\b")),
    ("a password on the command line ({opt})", re.compile(
        r"(?:^|[\s\"'])(?P<opt>(?:--?|/)(?:password|passwd|pwd|adminpassword|admin-password|plainpassword))"
        r"(?:[=:]|\s+)(?P<q>[\"']?)(?P<s>[^\s\"']+)(?P=q)", _I)),
    ("a password ({opt}=)", re.compile(
        r"(?<![$\w-])(?P<opt>password|passwd|pwd)\s*=\s*(?:\"(?P<s>[^\"]+)\"|'(?P<s2>[^']+)'|(?P<s3>[^\s\"';&()]+))", _I)),
    ("a password (${opt} = ...)", re.compile(
        r"\$(?P<opt>\w*pass(?:word|wd)?\w*)\s*=\s*(?:\"(?P<s>[^\"$]+)\"|'(?P<s2>[^']+)')", _I)),
    ("a plain-text password (ConvertTo-SecureString)", re.compile(
        r"ConvertTo-SecureString\s+(?:-String\s+)?(?P<q>[\"'])(?P<s>[^\"']+)(?P=q)\s+-AsPlainText", _I)),
    ("a password (chpasswd)", re.compile(r"echo\s+(?P<q>[\"']?)[\w.-]+:(?P<s>[^\s\"'|]+)(?P=q)\s*\|\s*(?:sudo\s+)?chpasswd", _I)),
    ("a password (net user)", re.compile(r"\bnet\s+user\s+(?:\"[^\"]+\"|[^\s/\"]+)\s+(?P<s>[^\s/*\"]+)", _I)),
    ("a password (sshpass -p)", re.compile(r"\bsshpass\s+-p\s*(?P<q>[\"']?)(?P<s>[^\s\"']+)(?P=q)", _I)),
    ("a password (login -p)", re.compile(
        # not a certificate file (az login --service-principal -p cert.pem)
        r"\blogin\b[^|;&\n]*?\s-p(?:\s+|=)(?P<q>[\"']?)(?P<s>(?![/~.])[^\s\"']+)(?![^\s\"'])(?<!\.pem)(?P=q)", _I)),
    ("a password (mysql -p)", re.compile(
        r"\bmysql(?:admin|dump)?\b[^|;&\n]*?\s-p(?P<q>[\"']?)(?P<s>[^\s\"']+)(?P=q)")),
    ("a password (-u user:password)", re.compile(
        r"(?:^|\s)(?:-u|--user)\s+(?P<q>[\"']?)[^\s:\"'$]+:(?P<s>[^\s\"']+)(?P=q)")),
    ("a secret ($env:{opt} = ...)", re.compile(
        r"\$env:(?P<opt>\w*(?:pass|pwd|secret|token|apikey|api_key)\w*)\s*=\s*(?:\"(?P<s>[^\"$]+)\"|'(?P<s2>[^']+)')",
        _I)),
    ("a shared access key (connection string)", re.compile(r"SharedAccessKey=(?P<s>[A-Za-z0-9+/]{20,}={0,2})")),
]
# What detect-secrets' detectors are asked about, and a quick test for lines worth asking about.
_DETECTORS = ("KeywordDetector", "BasicAuthDetector", "PrivateKeyDetector", "JwtTokenDetector",
              "AzureStorageKeyDetector", "AWSKeyDetector", "GitHubTokenDetector", "GitLabTokenDetector",
              "SlackDetector", "StripeDetector", "SendGridDetector", "NpmDetector", "TwilioKeyDetector",
              "OpenAIDetector", "ArtifactoryDetector", "DiscordBotTokenDetector", "PypiTokenDetector")
_WORTH_ASKING_WORDS = ("pass", "pwd", "secret", "key", "token", "auth", "cred", "AKIA", "BEGIN", "eyJ", "xox", "sk_",
                       "SG.", "npm_", "glpat", "pypi-")  # any case
_URL_CREDENTIALS = r"://[^/\s:@]+:[^/\s@]+@"
_WORTH_ASKING = re.compile("|".join([*map(re.escape, _WORTH_ASKING_WORDS), _URL_CREDENTIALS]), _I)
# Values that are never secrets: a SHA-256 checksum, a GUID, a resource ID, an ARM expression.
_NEVER = re.compile(r"^(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|/subscriptions/.*"
                    r"|\[.*\])$", re.S)
# Variables of the shells (``$x``, ``${X}``, ``$(cmd)``, ``%X%``; not URL escapes such as ``%2B``).
_REFERENCE = re.compile(r"^[$<({\[@]|\$\(|\$\{|%[A-Za-z_]\w*%")
_NOT_SECRETS = {"true", "false", "null", "none", "yes", "no", "*", "-", "prompt"}


def _is_secret(text: str) -> bool:
    text = text.strip()
    return (len(text) >= 4 and not _REFERENCE.search(text) and text.lower() not in _NOT_SECRETS
            and not has_placeholder(text) and not _NEVER.match(text))


def find_secrets(text: str):
    """``(label, start, end)`` of each likely secret in ``text`` (character offsets), one per place."""
    return iter(_find_secrets(text))


def own_secrets(text: str) -> tuple:
    """What :func:`find_secrets` finds with this rule's own patterns (no detect-secrets: always fast)."""
    return _own_secrets(text)


def detected_secrets(text: str) -> tuple:
    """What :func:`find_secrets` finds with detect-secrets' detectors, beyond :func:`own_secrets`."""
    return _find_secrets(text)[len(_own_secrets(text)):]


@lru_cache(maxsize=8192)
def _find_secrets(text: str) -> tuple:
    # Cached: the language server asks again for every string on every keystroke.
    own = _own_secrets(text)
    if not _WORTH_ASKING.search(text):
        return own
    return own + tuple(_detect_secrets(text, [(start, end) for _label, start, end in own]))


# Words one of _PATTERNS needs (lower case): an ASCII text without any of them holds none of the secrets
# the patterns find, and most strings are ruled out by this one search instead of all of the patterns.
_NEEDED = re.compile(r"private key|sig=|accountkey=|==|bearer|eyj|gh[pousr]_|github_pat_|pass|pwd"
                     r"|convertto-securestring|user|login|mysql|-u|\$env:|sharedaccesskey=")


@lru_cache(maxsize=8192)
def _own_secrets(text: str) -> tuple:
    if text.isascii() and not _NEEDED.search(text.lower()):
        return ()
    taken: list[tuple[int, int]] = []
    out = []
    for label, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            group = next((g for g in ("s", "s2", "s3") if g in pattern.groupindex and m.group(g) is not None), None)
            start, end = (m.start(group), m.end(group)) if group else (m.start(), m.end())
            if group and not _is_secret(m.group(group)):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            opt = m.group("opt") if "opt" in pattern.groupindex else ""
            out.append((label.format(opt=opt), start, end))
    return tuple(out)


def worth_asking(data: bytes) -> bool:
    """Whether detect-secrets could find anything in a document's text ``data`` (:data:`_WORTH_ASKING`).

    The words are looked for in the lower-case text one by one: the pattern, whose alternatives are
    tried at every position, takes 0.4 ms for a 7 KB document, and the language server asks on every
    keystroke until detect-secrets is loaded.
    """
    low = data.lower()
    return any(word in low for word in _WORDS_BYTES) or _URL_CREDENTIALS_BYTES.search(data) is not None


_WORDS_BYTES = tuple(word.lower().encode() for word in _WORTH_ASKING_WORDS)
_URL_CREDENTIALS_BYTES = re.compile(_URL_CREDENTIALS.encode())
_plugins_made: list | None = None


def detectors_ready() -> bool:
    """Whether detect-secrets is loaded (until then the language server leaves its findings to a later pass)."""
    return _plugins_made is not None


def detectors() -> list:
    """detect-secrets' detector objects (made once; importing detect-secrets takes ~0.1 s)."""
    global _plugins_made
    if _plugins_made is None:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

        _plugins_made = [cls() for cls in get_mapping_from_secret_type_to_class().values()
                         if cls.__name__ in _DETECTORS]
    return _plugins_made


def _detect_secrets(text: str, taken: list[tuple[int, int]]):
    """detect-secrets' findings in ``text`` that our own patterns did not make, line by line."""
    plugins = detectors()
    at = 0
    for line in text.split("\n"):
        if _WORTH_ASKING.search(line) and len(line) < 5000:
            for plugin in plugins:
                for found in plugin.analyze_line(filename="inline", line=line, line_number=1):
                    value = found.secret_value or ""
                    pos = line.find(value) if value else -1
                    if pos < 0 or not _is_secret(value):
                        continue
                    start, end = at + pos, at + pos + len(value)
                    if any(start < e and s < end for s, e in taken):
                        continue
                    taken.append((start, end))
                    yield f"a likely secret ({found.type.lower()})", start, end
        at += len(line) + 1


def _commands(element):
    node = element.node
    inline = node.get_ci("inline")
    if inline is not None and inline.value is not None:
        yield inline.value, "inline command"
    for name in ("restartCommand", "restartCheckCommand", "scriptUri", "sourceUri"):
        member = node.get_ci(name)
        if member is not None and member.value is not None:
            yield member.value, member.name


def _places(ctx):
    """(node, what it is, label of the element, referring expression) of every command and URL."""
    for role, elements in (("customizer", customizers(ctx)), ("validator", validators(ctx))):
        for element in elements:
            name = element.node.get("name")
            label = f'{element.type or "?"} {role}'
            if isinstance(name, ScalarNode) and isinstance(name.value, str) and not name.is_expression:
                label += f' "{name.value}"'
            for node, what in _commands(element):
                yield node, what, label, element.via
    src = source(ctx)
    if src is not None:
        for name in ("sourceUri", "sourceURI"):
            if src.get(name) is not None:
                yield src.get(name), name, "source", None
    props = properties(ctx)
    optimize = props.get("optimize") if props else None
    workload = optimize.get("workload") if isinstance(optimize, ObjectNode) else None
    if isinstance(workload, ObjectNode) and workload.get("scriptUri") is not None:
        yield workload.get("scriptUri"), "scriptUri", "optimize.workload", None
    for element in distributors(ctx):
        if element.node.get("uri") is not None:
            yield element.node.get("uri"), "uri", f"{element.type or '?'} distribute target", element.via


def _strings(ctx, node):
    """Literal strings of ``node`` (items of an array too), with the expression that referred to them."""
    for value, ref in ctx.values(node):
        items = value.items if isinstance(value, ArrayNode) else [value]
        for item in items:
            for leaf, leaf_ref in ctx.values(item):
                if isinstance(leaf, ScalarNode) and isinstance(leaf.value, str) and not leaf.is_expression:
                    yield leaf, leaf_ref or ref


def check(ctx):
    # This rule's own patterns are fast work; detect-secrets' detectors are slow work ("secrets") only
    # until detect-secrets is loaded: the language server then reports their findings in a later pass.
    finders = [f for f, needs in ((own_secrets, ()), (detected_secrets, ("secrets",)))
               if ctx.settings.produces(*needs)]
    out = []
    for node, what, label, via in _places(ctx):
        for leaf, ref in _strings(ctx, node) if finders else ():
            offsets = None
            for finder in finders:
                for kind, start, end in finder(leaf.value):
                    if offsets is None:
                        offsets = string_offsets(ctx.document, leaf)
                    out.append(ctx.diagnostic(
                        char_span(offsets, leaf, start, end),
                        f"{what} of {label} holds {kind}; keep secrets out of templates",
                        related=related_use(ref or via, "value used here")))
    for finder, needs in ((own_secrets, ()), (detected_secrets, ("secrets",))):
        for script in scripts(ctx, *needs, inline=False):  # inline strings were looked at above
            for kind, start, end in finder(script.text):
                out.append(report(ctx, script, start, end, f"holds {kind}; keep secrets out of scripts",
                                  related_message=f"{kind} here"))
    yield from unique(out)
