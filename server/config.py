"""Configuration files: ``[tool.aiblint]`` in ``pyproject.toml`` or ``.aiblint.yaml``.

:func:`aiblint.discover.find_config` finds the nearest file; only then is
this module imported (it needs pydantic, and ruamel.yaml for YAML), so a run
without configuration stays fast.

Keys (``kebab-case`` or ``snake_case``)::

    select = ["ALL"]                 # codes, prefixes (AIB2) or rule names
    ignore = ["AIB317"]
    fail-level = "error"             # error | warning | info
    default-api-version = "2024-02-01"
    online = false
    extra-regions = ["newregion"]
    script-size-limit = 5242880      # bytes: the largest script read or downloaded (AIB406)
    [tool.aiblint.script-urls]       # URL prefix -> folder (relative to the config file's folder)
    "https://raw.githubusercontent.com/org/repo/main/" = "scripts/"
    exclude = ["generated/**"]       # globs relative to the config file's folder
    [tool.aiblint.severity]          # per rule: error | warning | info | off
    AIB209 = "off"
    [tool.aiblint.per-file-ignores]  # glob -> codes
    "legacy/*.json" = ["AIB201"]

A wrong file raises :class:`ConfigError` with the file, the line and what is wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .discover import YAML_CONFIG_NAMES as YAML_NAMES
from .settings import SCRIPT_SIZE_LIMIT, Settings


class ConfigError(Exception):
    """A configuration file that cannot be used; ``str()`` is the message to show."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass
class Config:
    """A loaded configuration: its file, the settings, the fail level (a CLI-only setting), and
    the settings the file sets (kebab-case name → line, when known)."""

    path: str
    settings: Settings
    fail_level: str | None = None
    lines: dict[str, int | None] = field(default_factory=dict)


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class ConfigModel(BaseModel):
    """The settings a configuration file may hold."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, strict=True)

    select: list[str] | None = None
    ignore: list[str] = []
    severity: dict[str, Literal["error", "warning", "info", "off"]] = {}
    per_file_ignores: dict[str, list[str]] = {}
    exclude: list[str] = []
    default_api_version: str | None = None
    online: bool = False
    extra_regions: list[str] = []
    script_urls: dict[str, str] = {}
    script_size_limit: int = SCRIPT_SIZE_LIMIT
    fail_level: Literal["error", "warning", "info"] | None = None

    @field_validator("script_size_limit")
    @classmethod
    def _positive(cls, value):
        if value <= 0:
            raise ValueError("must be a positive number of bytes")
        return value

    @field_validator("severity", mode="before")
    @classmethod
    def _lower_levels(cls, value):
        if isinstance(value, dict):
            return {k: v.lower() if isinstance(v, str) else v for k, v in value.items()}
        return value

    @classmethod
    def setting_names(cls) -> list[str]:
        return [_kebab(n) for n in cls.model_fields]


def load(path: str, registry=None, versions=None) -> Config:
    """Read and validate one configuration file into :class:`Settings`."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not UTF-8 text") from None
    if os.path.basename(path) in YAML_NAMES:
        data, locate = _read_yaml(path, text)
    else:
        data, locate = _read_toml(path, text)
    return _validate(path, data, locate, registry, versions)


def _read_toml(path: str, text: str):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        import re

        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = int(m.group(1)) if m else (len(text.splitlines()) or 1) if "end of document" in msg else None
        raise ConfigError(path, line, f"invalid TOML: {msg}") from None
    tool = doc.get("tool")
    data = tool.get("aiblint", {}) if isinstance(tool, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError(path, _toml_line(text, ()), "[tool.aiblint] must be a table")
    return data, lambda loc: _toml_line(text, loc)


def _toml_line(text: str, loc: tuple) -> int | None:
    """Best line for a key path under ``[tool.aiblint]`` (TOML parsers keep no positions)."""
    import re

    want = [_norm(str(k)) for k in loc if not isinstance(k, int)]
    table: list[str] = []
    best, best_score = None, -1
    for no, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]$", s)
        if header:
            table = _toml_keys(header.group(1))
            path = table
        else:
            m = re.match(r"""^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""", s)
            if not m:
                continue
            path = table + _toml_keys(m.group(1))
        if path[:2] != ["tool", "aiblint"]:
            continue
        score = 0
        for got, w in zip(path[2:], want):
            if got != w:
                break
            score += 1
        if len(path) - 2 > score:
            continue  # a different key
        if score > best_score:
            best, best_score = no, score
    return best


def _toml_keys(dotted: str) -> list[str]:
    import re

    return [_norm(p.strip().strip("\"'")) for p in re.findall(r"""("[^"]*"|'[^']*'|[^.]+)""", dotted)]


def _norm(key: str) -> str:
    return key.replace("-", "_")


def _read_yaml(path: str, text: str):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise ConfigError(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    except YAMLError as exc:
        raise ConfigError(path, None, f"invalid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(path, 1, "the file must hold a mapping of settings")

    def locate(loc: tuple) -> int | None:
        node, line = data, None
        for key in loc:
            try:
                if isinstance(node, dict):
                    match = next((k for k in node if _norm(str(k)) == _norm(str(key))), None)
                    if match is None:
                        break
                    line = node.lc.key(match)[0] + 1
                    node = node[match]
                elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                    line = node.lc.item(key)[0] + 1
                    node = node[key]
                else:
                    break
            except (AttributeError, KeyError, TypeError):
                break
        return line

    return data, locate


def _validate(path: str, data: dict, locate, registry, versions) -> Config:
    try:
        model = ConfigModel.model_validate(_plain(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        key = _dotted(loc) or "[tool.aiblint]"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown setting '{loc[-1]}'; expected one of {', '.join(ConfigModel.setting_names())}"
            key = _dotted(loc[:-1]) or "[tool.aiblint]"
        extra = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise ConfigError(path, locate(loc), f"{key}: {msg}{extra}") from None

    def check_selector(sel: str, loc: tuple) -> None:
        if registry is not None and sel.strip().upper() != "ALL" and not registry.resolve(sel):
            raise ConfigError(path, locate(loc), f"{_dotted(loc)}: no rule matches '{sel}'")

    for field in ("select", "ignore"):
        for i, sel in enumerate(getattr(model, field) or []):
            check_selector(sel, (field, i))
    for sel in model.severity:
        check_selector(sel, ("severity", sel))
    for glob, sels in model.per_file_ignores.items():
        for i, sel in enumerate(sels):
            check_selector(sel, ("per-file-ignores", glob, i))
    if versions is not None and model.default_api_version and model.default_api_version not in versions:
        raise ConfigError(path, locate(("default-api-version",)),
                          f"default-api-version: '{model.default_api_version}' is not an Image Builder API "
                          f"version; expected one of {', '.join(versions)}")
    settings = Settings(
        select=model.select if model.select is not None else ["ALL"],
        ignore=list(model.ignore),
        severity=dict(model.severity),
        per_file_ignores={k: list(v) for k, v in model.per_file_ignores.items()},
        exclude=list(model.exclude),
        online=model.online,
        extra_regions=list(model.extra_regions),
        script_urls=dict(model.script_urls),
        script_size_limit=model.script_size_limit,
        root=os.path.dirname(os.path.abspath(path)),
    )
    if model.default_api_version:
        settings.default_api_version = model.default_api_version
    lines = {_kebab(name): locate((name,)) for name in model.model_fields_set}
    return Config(path, settings, model.fail_level, lines)


def _dotted(loc: tuple) -> str:
    """A key path as written in a config file: ``severity.AIB200``, ``per-file-ignores["*.json"][0]``."""
    import re

    out = ""
    for k in loc:
        if isinstance(k, int):
            out += f"[{k}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", str(k)):
            out += ("." if out else "") + str(k)
        else:
            out += f'["{k}"]'
    return out


def _plain(value):
    """ruamel's round-trip containers as plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
