"""Online checks: the size of a remote file, without downloading it.

Only used when online checks are enabled (``--online``, ``online = true`` in the
configuration, or the language server setting); a linter makes no network
request unasked.

:func:`remote_size` asks with ``HEAD``; when the server refuses ``HEAD`` or gives
no length, it asks again with ``GET`` and ``Range: bytes=0-0`` and reads the total
from ``Content-Range``. The response body is never read. Redirects are followed
(at most :data:`MAX_REDIRECTS`), only ``http`` and ``https`` URLs are fetched, and
the whole probe of one URL has a deadline of :data:`TIMEOUT` seconds.

Results are cached per process, keyed by URL, so that a run (or a language
server session) asks about each URL once. The cache is thread-safe, and two
threads asking about the same URL at once cause one request: the language
server calls this from a worker thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

TIMEOUT = 5.0
DOWNLOAD_TIMEOUT = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "aiblint (size check)"
_REDIRECTS = {301, 302, 303, 307, 308}
# Slow work a check may need, done apart from the rest (see Settings.defer) ...
SLOW_WORK = ("shellcheck", "download")
# ... and the rules whose findings may need it.
SLOW_CODES = ("AIB304", "AIB313", "AIB400", "AIB401", "AIB402", "AIB403", "AIB404", "AIB405", "AIB406")


def deferred_codes(defer: frozenset) -> frozenset:
    """The rules whose findings the slow work ``defer`` (see Settings.defer) may still add."""
    if "download" in defer:  # a downloaded script feeds every script rule
        return frozenset(SLOW_CODES)
    return frozenset(code for work, code in (("shellcheck", "AIB401"), ("secrets", "AIB313")) if work in defer)

# Statuses after which asking again with GET cannot help.
_FINAL = {404, 410}


@dataclass(frozen=True)
class Probe:
    """What is known about a remote file: its size, or why it is unknown."""

    url: str
    size: int | None = None
    error: str | None = None


_opener = None


def _get_opener():
    """A urllib opener that hands 3xx responses back instead of following them (imported on first use:
    ``urllib.request`` is slow to import and ``--check`` rarely needs it)."""
    global _opener
    if _opener is None:
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                return None

        _opener = urllib.request.build_opener(NoRedirect)
    return _opener


_cache: dict[str, Probe] = {}
_inflight: dict[str, threading.Lock] = {}
_lock = threading.Lock()


def remote_size(url: str, timeout: float = TIMEOUT) -> Probe:
    """The size of the file at ``url`` (cached; safe to call from several threads)."""
    with _lock:
        if url in _cache:
            return _cache[url]
        url_lock = _inflight.setdefault(url, threading.Lock())
    with url_lock:
        with _lock:
            if url in _cache:
                return _cache[url]
        probe = _probe(url, timeout)
        with _lock:
            _cache[url] = probe
            _inflight.pop(url, None)
        return probe


def cached(url: str) -> Probe | None:
    """The cached result for ``url``, without asking the network."""
    with _lock:
        return _cache.get(url)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _downloads.clear()


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _probe(url: str, timeout: float) -> Probe:
    if not is_http_url(url):
        return Probe(url, error="not an http(s) URL")
    deadline = time.monotonic() + timeout
    head = _request(url, "HEAD", deadline)
    if head.size is not None or not _worth_asking_again(head.error):
        return head
    return _request(url, "GET", deadline)


def _worth_asking_again(error: str | None) -> bool:
    """After a failed HEAD: would a ranged GET tell more (HEAD refused, or no length)?"""
    if error == "no length given":
        return True
    return bool(error) and error.startswith("HTTP ") and int(error[5:]) not in _FINAL


def _request(url: str, method: str, deadline: float) -> Probe:
    """One HEAD or ranged GET, following redirects; never reads the body."""
    resp, error = _open(url, method, deadline)
    if resp is None:
        return Probe(url, error=error)
    try:
        size = _size(resp, method)
    finally:
        resp.close()
    return Probe(url, size=size) if size is not None else Probe(url, error="no length given")


def _open(url: str, method: str, deadline: float):
    """(response, None) for ``url`` after following redirects (a GET asks for its first byte only when
    ``method`` is ``"GET"``; a download passes ``"DOWNLOAD"``), or (None, why not)."""
    import urllib.error
    import urllib.request

    opener = _get_opener()
    for _ in range(MAX_REDIRECTS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, "timed out"
        if not is_http_url(url):
            return None, "redirected to a non-http(s) URL"
        req = urllib.request.Request(url, method="HEAD" if method == "HEAD" else "GET",
                                     headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        if method == "GET":
            req.add_header("Range", "bytes=0-0")
        try:
            return opener.open(req, timeout=remaining), None
        except urllib.error.HTTPError as err:
            location = err.headers.get("Location") if err.headers else None
            err.close()
            if err.code in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            return None, f"HTTP {err.code}"
        except (urllib.error.URLError, OSError, ValueError) as err:
            reason = getattr(err, "reason", err)
            return None, "timed out" if "timed out" in str(reason) else "unreachable"
    return None, "too many redirects"


def _size(resp, method: str) -> int | None:
    if method == "GET" and resp.status == 206:
        total = (resp.headers.get("Content-Range") or "").rpartition("/")[2].strip()
        return int(total) if total.isdigit() else None
    length = (resp.headers.get("Content-Length") or "").strip()
    return int(length) if length.isdigit() else None


@dataclass(frozen=True)
class Download:
    """A downloaded file: its bytes (kept in memory only), or why there are none."""

    url: str
    data: bytes | None = None
    error: str | None = None


_downloads: dict[str, Download] = {}


def download(url: str, limit: int, timeout: float = DOWNLOAD_TIMEOUT) -> Download:
    """The content of ``url`` if it is at most ``limit`` bytes (cached per URL; thread-safe).

    The body is streamed into memory and never written to disk; a file larger than
    ``limit`` is not kept (its download stops at the limit). Redirects are followed
    (at most :data:`MAX_REDIRECTS`), only http(s) URLs are fetched, and the whole
    download has a deadline of ``timeout`` seconds.
    """
    with _lock:
        if url in _downloads:
            return _downloads[url]
        url_lock = _inflight.setdefault("GET " + url, threading.Lock())
    with url_lock:
        with _lock:
            if url in _downloads:
                return _downloads[url]
        result = _download(url, limit, timeout)
        with _lock:
            _downloads[url] = result
            _inflight.pop("GET " + url, None)
        return result


def has_downloads() -> bool:
    """Whether anything was downloaded (or tried) in this process."""
    return bool(_downloads)


def cached_download(url: str) -> Download | None:
    """The cached download of ``url``, without asking the network."""
    with _lock:
        return _downloads.get(url)


def _download(url: str, limit: int, timeout: float) -> Download:
    if not is_http_url(url):
        return Download(url, error="not an http(s) URL")
    deadline = time.monotonic() + timeout
    resp, error = _open(url, "DOWNLOAD", deadline)
    if resp is None:
        return Download(url, error=error)
    try:
        return _read_body(url, resp, limit, deadline)
    finally:
        resp.close()


def _read_body(url: str, resp, limit: int, deadline: float) -> Download:
    length = (resp.headers.get("Content-Length") or "").strip()
    if length.isdigit() and int(length) > limit:
        return Download(url, error=f"larger than the limit of {limit:,} bytes")
    chunks = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                return Download(url, error="timed out")
            chunk = resp.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                return Download(url, error=f"larger than the limit of {limit:,} bytes")
            chunks.append(chunk)
    except (OSError, ValueError) as err:
        return Download(url, error="timed out" if "timed out" in str(err) else "unreachable")
    return Download(url, data=b"".join(chunks))


def check_document(document, templates, settings, slow=SLOW_WORK, online: bool = True, held=()):
    """The findings of a document that need slow work (``slow``: ShellCheck, downloads), for a caller
    that runs them apart from the rest.

    The language server lints without that work, publishes, and calls this on a
    worker thread; ``aiblint --check`` calls it after ShellCheck has checked every
    script of the run at once. Rule selection, severity overrides, per-file ignores
    and suppression comments apply as in :func:`aiblint.engine.lint`. ``online``
    allows network requests (AIB304's size probe, downloads). ``held``: the AIB105 findings the
    check without the slow work held back (``LintResult.held``); those whose suppression silences none
    of these findings either are returned too.
    """
    import dataclasses

    from . import catalog, suppress
    from .engine import Selection
    from .rule import Context, registry

    reg = registry()
    selection = Selection(settings, reg)
    slow_settings = dataclasses.replace(settings, defer=frozenset(), only=frozenset(slow), online=online)
    found = []
    for code in SLOW_CODES:
        rule = reg.get(code)
        if rule is None or rule.check is None or not selection.is_on(code):
            continue
        for template in templates:
            for d in rule.check(Context(document, template, catalog.load(), slow_settings, rule)):
                d.name = rule.name
                d.severity = selection.severity.get(d.code, d.severity)
                found.append(d)
    codes = {d.code for d in found}
    used: set = set()
    kept = [d for d in suppress.apply(document, found, selection, settings, used=used) if d.code in codes]
    return kept + [d for d in held if d.span not in used]
