"""Where a script or file that a template downloads can be read: a local checkout, or the network.

A URL maps to a local file in two ways:

* the ``script-urls`` setting: URL prefix -> folder (relative to the
  configuration file's folder); the longest matching prefix wins;
* by itself, when the template lives in a git checkout: a raw-file URL of that
  repository (GitHub ``raw.githubusercontent.com/OWNER/REPO/REF/PATH`` and
  ``github.com/OWNER/REPO/raw|blob/REF/PATH``, GitLab ``HOST/GROUP/PROJECT/-/raw/REF/PATH``,
  Azure DevOps ``dev.azure.com/ORG/PROJECT/_apis/git/repositories/REPO/items?path=PATH``)
  maps to ``PATH`` in the working tree. The remotes come from ``.git/config``.

The working tree's file is used whatever branch or commit the URL names. Only
with online checks on is a URL downloaded (:func:`aiblint.online.download`).
Everything is cached per process; local files by (path, modification time, size).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Source:
    """The content of a downloaded file as found locally or online."""

    url: str
    data: bytes
    # A local path, or the URL itself for a download.
    where: str
    local: bool

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def text(self) -> str | None:
        """The content as text (None for a binary file)."""
        if b"\0" in self.data[:8192]:
            return None
        try:
            text = self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        return text


_lock = threading.Lock()
_files: dict[tuple, Source | None] = {}
_repos: dict[str, tuple[str, list[tuple]] | None] = {}


def local_path(url: str, settings, document_path: str | None) -> str | None:
    """The local file ``url`` maps to (by ``script-urls`` or the document's git checkout), or None."""
    url = url.strip()
    base = url.split("?", 1)[0].split("#", 1)[0]
    best = None
    for prefix, folder in (settings.script_urls or {}).items():
        if base.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, folder)
    if best is not None:
        folder = best[1]
        if not os.path.isabs(folder):
            folder = os.path.join(settings.root or os.getcwd(), folder)
        rest = unquote(base[len(best[0]):]).lstrip("/")
        return _inside(folder, rest)
    if not document_path or not os.path.isabs(document_path):
        return None
    repo = _repo_of(os.path.dirname(document_path))
    if repo is None:
        return None
    root, remotes = repo
    rel = _path_in_repo(url, remotes)
    if rel is None or ".." in rel.split("/"):
        return None
    # A branch name may hold slashes (release/1.0): the first existing file wins.
    parts = rel.split("/")
    candidates = [p for p in (_inside(root, "/".join(parts[i:])) for i in range(len(parts))) if p]
    return next((p for p in candidates if os.path.isfile(p)), candidates[0] if candidates else None)


def _inside(folder: str, rel: str) -> str | None:
    """``folder/rel`` if it stays inside ``folder`` (no ``..`` escape)."""
    if not rel:
        return None
    path = os.path.normpath(os.path.join(folder, rel))
    if os.path.commonpath([os.path.normpath(folder), path]) != os.path.normpath(folder):
        return None
    return path


def read_local(url: str, path: str, limit: int) -> Source | None:
    """The file at ``path`` (cached by modification time and size), None if missing or over ``limit``."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path) or st.st_size > limit:
        return None
    key = (url, path, st.st_mtime_ns, st.st_size)
    with _lock:
        if key in _files:
            return _files[key]
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    source = Source(url, data, path, True) if len(data) <= limit else None
    with _lock:
        _files[key] = source
    return source


def may_find(settings, document_path: str | None, *, download: bool) -> bool:
    """False when no URL can be found for this document: no ``script-urls``, no git checkout,
    no download allowed and none cached (a quick test before looking at each URL)."""
    from . import online

    if settings.script_urls or (download and settings.online) or online.has_downloads():
        return True
    if not document_path or not os.path.isabs(document_path):
        return False
    return _repo_of(os.path.dirname(document_path)) is not None


def find(url: str, settings, document_path: str | None, *, download: bool) -> Source | None:
    """The file at ``url``: from the local checkout if it maps there, else downloaded when ``download``
    (and online checks are on); from the download cache otherwise. None when not available."""
    from . import online

    path = local_path(url, settings, document_path)
    if path is not None:
        found = read_local(url, path, settings.script_size_limit)
        if found is not None:
            return found
    if not online.is_http_url(url):
        return None
    got = online.download(url.strip(), settings.script_size_limit) if download and settings.online \
        else online.cached_download(url.strip())
    if got is None or got.data is None:
        return None
    return Source(url, got.data, url.strip(), False)


def download_error(url: str) -> str | None:
    """Why a download of ``url`` gave nothing (None if not tried or it worked)."""
    from . import online

    got = online.cached_download(url.strip())
    return got.error if got is not None else None


# --------------------------------------------------------------------------
# git checkouts and their remotes


def _repo_of(folder: str):
    """(working tree root, remotes) of the git checkout holding ``folder``, cached per folder."""
    with _lock:
        if folder in _repos:
            return _repos[folder]
    found = None
    current = folder
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.exists(dot_git):
            config = _git_config(dot_git)
            if config is not None:
                found = (current, _remotes(config))
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    with _lock:
        _repos[folder] = found
    return found


def _git_config(dot_git: str) -> str | None:
    """The text of the repository's config (``.git`` may be a file pointing at the git folder)."""
    git_dir = dot_git
    if os.path.isfile(dot_git):
        try:
            with open(dot_git, encoding="utf-8") as fh:
                line = fh.read(4096).strip()
        except OSError:
            return None
        if not line.startswith("gitdir:"):
            return None
        git_dir = os.path.join(os.path.dirname(dot_git), line[7:].strip())
        common = os.path.join(git_dir, "commondir")
        if os.path.isfile(common):
            try:
                with open(common, encoding="utf-8") as fh:
                    git_dir = os.path.join(git_dir, fh.read().strip())
            except OSError:
                return None
    try:
        with open(os.path.join(git_dir, "config"), encoding="utf-8", errors="replace") as fh:
            return fh.read(1 << 20)
    except OSError:
        return None


_URL_LINE = re.compile(r"^\s*url\s*=\s*(\S+)\s*$", re.M)


def _remotes(config: str) -> list[tuple]:
    """The repositories the checkout's remotes name: ("github", owner, repo), ("gitlab", host, path),
    ("azure", org, project, repo)."""
    out = []
    for url in _URL_LINE.findall(config):
        repo = _parse_remote(url)
        if repo is not None:
            out.append(repo)
    return out


def _parse_remote(url: str):
    url = url.strip()
    if url.endswith(".git"):
        url = url[:-4]
    m = re.match(r"^(?:git@|ssh://git@)ssh\.dev\.azure\.com:?/?v3/([^/]+)/([^/]+)/([^/]+)$", url)
    if m:
        return ("azure", *(unquote(g).lower() for g in m.groups()))
    m = re.match(r"^(?:git@|ssh://git@)([^:/]+)[:/](.+)$", url)
    if m:
        host, path = m.group(1).lower(), m.group(2).strip("/")
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ssh", "git") or not parts.hostname:
            return None
        host, path = parts.hostname.lower(), parts.path.strip("/")
    if host == "github.com" and path.count("/") == 1:
        owner, repo = path.split("/")
        return ("github", owner.lower(), repo.lower())
    if host == "dev.azure.com" or host.endswith(".visualstudio.com"):
        segments = [unquote(s) for s in path.split("/")]
        if "_git" in segments:
            i = segments.index("_git")
            org = segments[0] if host == "dev.azure.com" else host.split(".")[0]
            project = segments[i - 1] if i >= 1 else None
            if project and i + 1 < len(segments):
                return ("azure", org.lower(), project.lower(), segments[i + 1].lower())
        return None
    if "gitlab" in host:
        return ("gitlab", host, path.lower())
    return None


def _path_in_repo(url: str, remotes: list[tuple]) -> str | None:
    """The path inside the repository that a raw-file URL of one of ``remotes`` names, or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    low = [s.lower() for s in segments]
    for remote in remotes:
        kind = remote[0]
        if kind == "github":
            _, owner, repo = remote
            if host == "raw.githubusercontent.com" and low[:2] == [owner, repo] and len(segments) > 3:
                rest = segments[3:]
                if low[2] == "refs" and len(segments) > 5:  # refs/heads/BRANCH/...
                    rest = segments[5:]
                return "/".join(rest)
            if host in ("github.com", "www.github.com") and low[:2] == [owner, repo] and len(segments) > 4 \
                    and low[2] in ("raw", "blob"):
                rest = segments[4:]
                if low[3] == "refs" and len(segments) > 6:
                    rest = segments[6:]
                return "/".join(rest)
        elif kind == "gitlab":
            _, rhost, rpath = remote
            if host == rhost and "-" in segments:
                i = segments.index("-")
                if "/".join(low[:i]) == rpath and len(segments) > i + 3 and low[i + 1] in ("raw", "blob"):
                    return "/".join(segments[i + 3:])
        elif kind == "azure":
            _, org, project, repo = remote
            if host == "dev.azure.com" and low[:2] == [org, project] and "repositories" in low:
                i = low.index("repositories")
                if i + 2 < len(low) + 1 and len(low) > i + 2 and low[i + 1] == repo and low[i + 2] == "items":
                    query = parse_qs(parts.query)
                    path = (query.get("path") or query.get("scopePath") or [None])[0]
                    if path:
                        return path.lstrip("/")
    return None
