"""The effective settings of one run (CLI, config file and editor settings merged).

This is a plain dataclass so that ``--check`` starts fast; configuration files
are validated into it by :mod:`aiblint.config`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NEWEST_STABLE = "2025-10-01"
SCRIPT_SIZE_LIMIT = 5 * 1024 * 1024


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    # Severity per rule code or name: "error", "warning", "info" or "off".
    severity: dict[str, str] = field(default_factory=dict)
    # Glob (relative to the config file's folder) -> codes/prefixes/names to ignore there.
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    default_api_version: str = NEWEST_STABLE
    online: bool = False
    extra_regions: list[str] = field(default_factory=list)
    # URL prefix -> local folder holding the files under it (scripts, File sources), for AIB406 and script checks.
    script_urls: dict[str, str] = field(default_factory=dict)
    # The largest script or file read or downloaded for AIB406 and the script checks, in bytes.
    script_size_limit: int = SCRIPT_SIZE_LIMIT
    # Folder that per-file-ignores and exclude globs are relative to.
    root: str | None = None
    verbose: bool = False
    # Slow work ("shellcheck", "download", "secrets": detect-secrets' detectors) left for a later pass of the same text (set by the CLI and the
    # language server, not by configuration), and in that later pass, the only work whose findings are wanted.
    defer: frozenset = frozenset()
    only: frozenset | None = None

    def produces(self, *needs: str) -> bool:
        """Whether this pass reports findings that need the slow work ``needs`` (none: fast findings)."""
        if any(n in self.defer for n in needs):
            return False
        return self.only is None or any(n in self.only for n in needs)
