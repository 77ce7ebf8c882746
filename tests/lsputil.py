"""Helpers for the language-server tests: a pytest-lsp client that records versioned pushes,
and waiting for the diagnostics of a document version (push or pull, whichever the session uses)."""

from __future__ import annotations

import asyncio
import sys

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, LanguageClient, register_lsp_features

PRESETS = ["visual-studio-code", "neovim"]


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish(c: LanguageClient, params: types.PublishDiagnosticsParams):
        c.diagnostics[params.uri] = params.diagnostics
        c.published.append(params)

    def register(c: LanguageClient, params: types.RegistrationParams):
        c.registrations.extend(params.registrations)

    client.registrations = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


def config(*extra: str, env=None) -> ClientServerConfig:
    return ClientServerConfig(server_command=[sys.executable, "-m", "aiblint", "--stdio", *extra],
                              client_factory=make_client, server_env=env)


async def start(client: LanguageClient, preset: str, init_options=None, root_uri=None, encodings=None):
    caps = client_capabilities(preset)
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=encodings)
    client.preset = preset
    client.pull = caps.text_document is not None and caps.text_document.diagnostic is not None
    result = await client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options=init_options, root_uri=root_uri))
    client.init_result = result
    return result


def open_doc(client, uri: str, text: str, version: int = 1, language: str = "json") -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))


def change(client, uri: str, version: int, *changes) -> None:
    """``changes``: (start_line, start_char, end_line, end_char, text) tuples, or a str for the whole text."""
    items = []
    for c in changes:
        if isinstance(c, str):
            items.append(types.TextDocumentContentChangeWholeDocument(text=c))
        else:
            l1, c1, l2, c2, text = c
            items.append(types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(l1, c1), types.Position(l2, c2)), text=text))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=items))


async def pushed(client, uri: str, version: int | None = None, timeout: float = 10.0, after: int = 0):
    """The diagnostics pushed for ``uri`` (at ``version`` when given; among pushes number ``after`` on)."""
    async def wait():
        while True:
            for p in reversed(client.published[after:]):
                if p.uri == uri and (version is None or p.version == version):
                    return list(p.diagnostics)
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return await asyncio.wait_for(wait(), timeout)


async def diagnostics(client, uri: str, version: int | None = None):
    """The document's diagnostics for ``version``: pulled when the client pulls, else pushed."""
    if client.pull:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        return list(report.items)
    return await pushed(client, uri, version)


def brief(items) -> list[tuple]:
    """(code, start line, start char, end line, end char) of LSP diagnostics, sorted."""
    return sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                  for d in items)


def pos(text: str, needle: str, nth: int = 0, after: int = 0) -> tuple[int, int]:
    """(line, UTF-16 character) of the ``nth`` occurrence of ``needle`` in ``text``, plus ``after`` characters."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += after
    line = text.count("\n", 0, i)
    col = i - (text.rfind("\n", 0, i) + 1)
    prefix = text[text.rfind("\n", 0, i) + 1 : i]
    return line, len(prefix.encode("utf-16-le")) // 2


class session:
    """``async with session(preset, ...) as client``: a server process of its own, shut down at the end."""

    def __init__(self, preset: str = "neovim", init_options=None, encodings=None, env=None, args=()):
        self.preset, self.init_options, self.encodings, self.env, self.args = preset, init_options, encodings, env, args

    async def __aenter__(self):
        self.client = make_client()
        await self.client.start_io(sys.executable, "-m", "aiblint", "--stdio", *self.args, env=self.env)
        await start(self.client, self.preset, self.init_options, encodings=self.encodings)
        return self.client

    async def __aexit__(self, *exc):
        try:
            await asyncio.wait_for(self.client.shutdown_session(), 20)
        finally:
            await self.client.stop()
