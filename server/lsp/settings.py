"""Settings: the editor's (section ``aiblint``) over the project's configuration file.

Editor settings come from ``initializationOptions``, ``workspace/didChangeConfiguration``
and, when the client offers it, ``workspace/configuration``. Keys: ``select``,
``ignore``, ``severity``, ``defaultApiVersion``, ``online``, ``extraRegions``,
``scriptUrls`` (URL prefix -> folder; relative folders are relative to the
configuration file's folder, else to the server's working directory) and
``scriptSizeLimit`` (bytes).
The nearest ``.aiblint.yaml``/``pyproject.toml`` of a document (:mod:`aiblint.config`)
is the base; editor values that are set win. Config files are re-read when the
client reports them changed (``workspace/didChangeWatchedFiles``); a broken one is
shown (``window/showMessage`` and a diagnostic on the file) and defaults apply.
"""

from __future__ import annotations

import dataclasses
import logging
import os

from ..settings import Settings

log = logging.getLogger(__name__)

CONFIG_NAMES = ("pyproject.toml", ".aiblint.yaml", ".aiblint.yml")

# Editor key -> Settings field.
KEYS = {
    "select": "select",
    "ignore": "ignore",
    "severity": "severity",
    "defaultApiVersion": "default_api_version",
    "default-api-version": "default_api_version",
    "default_api_version": "default_api_version",
    "online": "online",
    "extraRegions": "extra_regions",
    "extra-regions": "extra_regions",
    "extra_regions": "extra_regions",
    "scriptUrls": "script_urls",
    "script-urls": "script_urls",
    "script_urls": "script_urls",
    "scriptSizeLimit": "script_size_limit",
    "script-size-limit": "script_size_limit",
    "script_size_limit": "script_size_limit",
}
TYPES = {"select": list, "ignore": list, "severity": dict, "default_api_version": str, "online": bool,
         "extra_regions": list, "script_urls": dict, "script_size_limit": int}


def editor_values(raw) -> dict:
    """The recognised, well-typed editor settings in ``raw`` (``{"aiblint": {...}}`` or the section)."""
    if isinstance(raw, dict) and isinstance(raw.get("aiblint"), dict):
        raw = raw["aiblint"]
    if not isinstance(raw, dict):
        return {}
    out = {}
    for key, value in raw.items():
        field = KEYS.get(key)
        if field is None or value is None:
            continue
        if not isinstance(value, TYPES[field]):
            log.warning("setting aiblint.%s ignored: expected %s", key, TYPES[field].__name__)
            continue
        if field in ("select", "ignore", "extra_regions"):
            value = [str(v) for v in value]
        elif field == "severity":
            value = {str(k): str(v).lower() for k, v in value.items()}
        elif field == "script_urls":
            value = {str(k): str(v) for k, v in value.items()}
        elif field == "script_size_limit" and (isinstance(value, bool) or value <= 0):
            log.warning("setting aiblint.%s ignored: expected a positive number of bytes", key)
            continue
        out[field] = value
    return out


class SettingsManager:
    """Effective settings per document, cached per configuration file."""

    def __init__(self, server):
        self.server = server
        self.editor: dict = {}
        self.generation = 0
        self._configs: dict[str | None, tuple[Settings, object]] = {}
        self._found: dict[str, str | None] = {}
        self.broken: dict[str, object] = {}  # config path -> ConfigError

    def set_editor(self, raw) -> bool:
        values = editor_values(raw)
        if values == self.editor:
            return False
        self.editor = values
        self.invalidate()
        return True

    def invalidate(self) -> None:
        self._configs.clear()
        self._found.clear()
        self.generation += 1

    def config_path(self, path: str) -> str | None:
        if not os.path.isabs(path):
            return None
        folder = os.path.dirname(path)
        if folder not in self._found:
            from ..discover import find_config

            try:
                self._found[folder] = find_config(folder)
            except OSError:
                self._found[folder] = None
        return self._found[folder]

    def for_path(self, path: str):
        """(Settings, Selection, slow-pass Settings, first-check Settings) for a document at ``path``.

        The engine runs without the slow work (ShellCheck, downloads: it must never wait
        for them); the third item is the settings to run that work with, apart. The fourth
        also leaves detect-secrets' findings to that pass, for checks made before detect-secrets
        is loaded (importing it takes longer than checking most documents).
        """
        config = self.config_path(path)
        cached = self._configs.get(config)
        if cached is None:
            cached = self._build(config)
            self._configs[config] = cached
        return cached

    def _build(self, config: str | None):
        from ..engine import Selection
        from ..rule import registry

        settings = Settings()
        if config is not None:
            settings = self._load(config) or settings
        if self.editor:
            settings = dataclasses.replace(settings, **self.editor)
        reg = registry()
        try:
            selection = Selection(settings, reg)
        except ValueError as exc:
            from lsprotocol import types

            self.server.show_message(f"aiblint: invalid severity setting: {exc}", types.MessageType.Error)
            settings = dataclasses.replace(settings, severity={})
            selection = Selection(settings, reg)
        slow = settings
        settings = dataclasses.replace(settings, online=False, defer=frozenset({"shellcheck", "download"}))
        first = dataclasses.replace(settings, defer=settings.defer | {"secrets"})
        return settings, selection, slow, first

    def _load(self, path: str) -> Settings | None:
        from .. import catalog
        from ..config import ConfigError, load
        from ..rule import registry

        try:
            config = load(path, registry=registry(), versions=catalog.load().versions)
        except ConfigError as exc:
            self.broken[path] = exc
            self.server.config_broken(path, exc)
            return None
        except Exception as exc:  # noqa: BLE001 - a config problem must never stop the server
            log.exception("reading %s failed", path)
            self.server.config_broken(path, exc)
            return None
        if path in self.broken:
            del self.broken[path]
            self.server.config_fixed(path)
        return config.settings


def is_config_file(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in CONFIG_NAMES


def setup(server) -> None:
    from lsprotocol import types

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls, params: types.DidChangeConfigurationParams):
        raw = params.settings
        if isinstance(raw, dict) and ("aiblint" in raw or any(k in KEYS for k in raw)):
            if ls.settings.set_editor(raw):
                ls.recheck_all()
        elif ls.supports("workspace.configuration"):
            ls.fetch_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls, params: types.DidChangeWatchedFilesParams):
        if any(is_config_file(change.uri) for change in params.changes):
            log.info("configuration file changed; reloading")
            ls.settings.invalidate()
            ls.recheck_all()
