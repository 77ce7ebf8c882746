"""Finding and reading the files a ``--check`` run looks at.

* Folders are walked recursively (symlinked folders are followed once: a folder
  already visited, by device and inode, is not entered again, so symlink loops
  end). Only ``.json``, ``.jsonc``, ``.yaml``, ``.yml`` and ``.bicep`` files are
  considered,
  and the folders in :data:`SKIPPED_DIRS` are not entered.
* ``exclude`` globs (relative to the configuration's folder) drop walked files
  and folders, and named files too, so that a pre-commit hook honours them.
* Only regular files are opened (a FIFO or device named ``x.json`` is reported,
  never read, so it cannot block the run).
* Whether a file may hold a template is decided from its bytes before any size
  limit (:func:`may_hold_template`, :func:`mentions_image_builder`): a 15 MB
  ``package-lock.json`` is skipped, not refused.
* :func:`decode` turns bytes into text: UTF-8 (with or without BOM) and
  UTF-16 with a BOM are accepted; binary data and invalid UTF-8 are reported.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache

SUFFIXES = (".json", ".jsonc", ".yaml", ".yml", ".bicep")
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                          ".mypy_cache", ".pytest_cache"})
# Larger files are not parsed: templates are kilobytes, compiled Bicep output up to ~1.5 MB,
# and a 10 MB document takes several seconds.
MAX_BYTES = 10 * 1024 * 1024
# Every Image Builder template names its resource provider (raw bodies without a type excepted, which
# are kilobytes): an over-large file that does not mention it within this many bytes is not a template.
SNIFF_BYTES = 64 * 1024 * 1024
MARKER = b"virtualmachineimages"
BICEP_MARKER = b"microsoft.virtualmachineimages/imagetemplates@"


@dataclass
class Candidate:
    """A file to check: ``path`` as shown to the user; ``named`` when given on the command line."""

    path: str
    named: bool


@dataclass
class Source:
    """A file's text, or why it has none.

    ``encoding`` and ``bom`` say how to write the text back; ``problem`` is a
    one-line description of content that is not a text file (binary, invalid
    UTF-8, too large) with the byte offset (into ``text`` as UTF-8) it refers to.
    """

    text: str | None
    encoding: str = "utf-8"
    bom: bool = False
    problem: str | None = None
    problem_offset: int = 0
    # The text was decoded with replacement characters: never write it back.
    lossy: bool = False


YAML_CONFIG_NAMES = (".aiblint.yaml", ".aiblint.yml")


class ReadError(Exception):
    """A file that cannot be read at all (missing, not a regular file, permission, I/O)."""


class TooLarge(ReadError):
    """A file over :data:`MAX_BYTES`: not read. ``template``: whether it mentions Image Builder at all."""

    def __init__(self, size: int, template: bool):
        super().__init__(f"file too large to check ({size / 1048576:.1f} MB; the limit is "
                         f"{MAX_BYTES // 1048576} MB)")
        self.template = template


def may_hold_template(data: bytes, path: str = "") -> bool:
    """Cheap sniff of a file's bytes: could it hold an Image Builder template at all?

    A Bicep file must declare the resource type (``...imageTemplates@version``)
    or call the verified image-template module (or a module from a local file, which may be it);
    another file must name the resource provider, or (a raw body without
    ``type``) have a ``source`` next to ``customize`` or ``distribute``.
    """
    if path.lower().endswith(".bicep"):
        from .document.bicep import declares_templates

        return declares_templates(data)
    low = data.lower()
    return MARKER in low or (b"source" in low and (b"customize" in low or b"distribute" in low))


def mentions_image_builder(path: str, limit: int = SNIFF_BYTES) -> bool:
    """Whether the first ``limit`` bytes of a file name the Image Builder resource provider (read in chunks)."""
    chunk, tail, seen = 1 << 20, b"", 0
    try:
        with open(path, "rb") as fh:
            while seen < limit:
                block = fh.read(chunk)
                if not block:
                    return False
                seen += len(block)
                if MARKER in (tail + block).lower():
                    return True
                tail = block[-len(MARKER):]
    except OSError:
        return True  # unreadable: let the read report it
    return False


def sniff_language(text: str) -> str:
    """The language of a text without a file name (standard input).

    JSON when it starts like JSON; Bicep when it declares an image template
    resource (``'Microsoft.VirtualMachineImages/imageTemplates@...'``); else YAML.
    """
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start in ("{", "[", '"', ""):
        return "json"
    if BICEP_MARKER.decode() in text.lower():
        return "bicep"
    return "json" if start == "/" else "yaml"


def is_candidate(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern:
    """``**`` spans folders, ``*`` and ``?`` do not, ``[..]`` is a character class."""
    pat = pattern.strip().replace("\\", "/")
    anchored = "/" in pat.rstrip("/")
    pat = pat.lstrip("/").rstrip("/")
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pat.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pat[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    # Without a slash a pattern matches a name at any depth (like .gitignore);
    # a match on a folder covers everything below it.
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def match_glob(pattern: str, relpath: str) -> bool:
    """Whether the ``/``-separated relative path matches a glob (see :func:`_glob_regex`)."""
    rel = relpath.replace(os.sep, "/")
    while rel.startswith("./"):
        rel = rel[2:]
    return bool(_glob_regex(pattern).match(rel))


def relative_to(path: str, root: str | None) -> str | None:
    """``path`` relative to ``root`` with ``/`` separators; None when it lies outside."""
    if not root:
        return None
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:
        return None
    if rel == ".." or rel.startswith(".." + os.sep):
        return None
    return rel.replace(os.sep, "/")


def is_excluded(path: str, exclude: list[str], root: str | None) -> bool:
    if not exclude:
        return False
    rel = relative_to(path, root or os.getcwd())
    if rel is None:
        return False
    return any(match_glob(g, rel) for g in exclude)


def walk(paths: list[str], exclude: list[str] | None = None, root: str | None = None,
         errors: list[tuple[str, str]] | None = None) -> list[Candidate]:
    """The files to check for the command-line ``paths`` (folders walked, sorted).

    Paths that do not exist go to ``errors`` as (path, message).
    """
    exclude = exclude or []
    errors = errors if errors is not None else []
    found: list[Candidate] = []
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()

    def add(path: str, named: bool) -> None:
        key = os.path.normpath(path)
        if key not in seen_files:
            seen_files.add(key)
            found.append(Candidate(path, named))

    for given in paths:
        try:
            st = os.stat(given)
        except OSError as exc:
            if os.path.islink(given):
                errors.append((given, "dangling symbolic link"))
            else:
                errors.append((given, _os_reason(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk_dir(given, exclude, root, seen_dirs, add, errors)
        elif not is_excluded(given, exclude, root):
            add(given, True)
    return found


def _walk_dir(top: str, exclude, root, seen_dirs, add, errors) -> None:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            errors.append((folder, _os_reason(exc)))
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            continue  # a symlink back into a folder already walked
        seen_dirs.add(ident)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append((folder, _os_reason(exc)))
            continue
        subdirs = []
        for entry in entries:
            path = os.path.join(folder, entry.name) if folder != "." else entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in SKIPPED_DIRS or is_excluded(path, exclude, root):
                    continue
                subdirs.append(path)
            elif is_candidate(entry.name) and not is_excluded(path, exclude, root):
                add(path, False)
        stack.extend(reversed(subdirs))


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def find_config(start: str) -> str | None:
    """The nearest configuration file in ``start`` (a folder or file) or a parent folder."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in YAML_CONFIG_NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate) and _has_tool_table(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    return b"tool.aiblint" in data


def read_bytes(path: str) -> bytes:
    """The bytes of a regular file; :class:`ReadError` with a short reason otherwise."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ReadError("dangling symbolic link") from None
        raise ReadError("no such file") from None
    except OSError as exc:
        raise ReadError(_os_reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError("is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("not a regular file (FIFO, socket or device); not read")
    if st.st_size > MAX_BYTES:
        raise TooLarge(st.st_size, mentions_image_builder(path))
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since stat, do not block.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReadError(_os_reason(exc)) from None


def decode(data: bytes) -> Source:
    """Text of a file's bytes (see :class:`Source`)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return Source(data[2:].decode(enc), encoding=enc, bom=True)
        except UnicodeDecodeError as exc:
            return Source(None, problem=f"invalid UTF-16 text at byte {exc.start + 2}")
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    nul = body.find(b"\x00", 0, 8192)
    if nul >= 0:
        return Source(None, problem="binary file (it contains NUL bytes); not a JSON or YAML text")
    try:
        return Source(body.decode("utf-8"), bom=bom)
    except UnicodeDecodeError as exc:
        text = body.decode("utf-8", "replace")
        prefix = body[: exc.start].decode("utf-8", "replace")
        bad = body[exc.start : exc.start + 1].hex()
        return Source(text, bom=bom, lossy=True, problem_offset=len(prefix.encode("utf-8")),
                      problem=f"invalid UTF-8 (byte 0x{bad}); the file must be saved as UTF-8")


def encode(text: str, source: Source) -> bytes:
    """Bytes to write back for ``text`` in the file's original encoding and BOM."""
    if source.encoding.startswith("utf-16"):
        bom = b"\xff\xfe" if source.encoding == "utf-16-le" else b"\xfe\xff"
        return bom + text.encode(source.encoding)
    return (b"\xef\xbb\xbf" if source.bom else b"") + text.encode("utf-8")


def write_atomic(path: str, data: bytes) -> None:
    """Replace a file's content atomically (temp file in the same folder + rename), keeping its mode.

    A symbolic link is kept: its target is rewritten.
    """
    import tempfile

    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
