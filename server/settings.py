"""The effective settings of one run (CLI, config file and editor settings merged).

This is a plain dataclass so that ``--check`` starts fast; configuration files
are validated into it by :mod:`aiblint.config`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NEWEST_STABLE = "2025-10-01"


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
    # Folder that per-file-ignores and exclude globs are relative to.
    root: str | None = None
    verbose: bool = False
