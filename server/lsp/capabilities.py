"""The ``initialize`` result, as plain JSON data, without the language-server framework.

It is what pygls computes from the features :func:`aiblint.lsp.server.build_server`
registers; :mod:`aiblint.lsp.front` sends it before pygls and lsprotocol are loaded.
``tests/test_lsp_front.py`` compares the two for several clients, so a feature added
to the server without being added here fails a test.
"""

from __future__ import annotations

from .. import __version__

ENCODINGS = ("utf-8", "utf-16", "utf-32")

CAPABILITIES = {
    "textDocumentSync": {"openClose": True, "change": 2, "save": True},
    "completionProvider": {"triggerCharacters": ['"', ":", "{", ","], "resolveProvider": False},
    "hoverProvider": True,
    "definitionProvider": True,
    "referencesProvider": True,
    "documentSymbolProvider": True,
    "codeActionProvider": {"codeActionKinds": ["quickfix", "source.fixAll.aiblint"]},
    "executeCommandProvider": {"commands": []},
    "diagnosticProvider": {"interFileDependencies": False, "workspaceDiagnostics": True, "identifier": "aiblint"},
    "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}, "fileOperations": {}},
}


def position_encoding(client_capabilities: dict) -> str:
    """The client's first offered encoding that the server supports (UTF-16 when it offers none)."""
    general = client_capabilities.get("general") or {}
    for encoding in general.get("positionEncodings") or ():
        if encoding in ENCODINGS:
            return encoding
    return "utf-16"


def initialize_result(params: dict) -> dict:
    """The result of the ``initialize`` request with these parameters."""
    client = params.get("capabilities") or {}
    capabilities = {"positionEncoding": position_encoding(client), **CAPABILITIES}
    sync = dict(CAPABILITIES["textDocumentSync"])
    client_sync = (client.get("textDocument") or {}).get("synchronization") or {}
    # The server has no willSave handlers: pygls says so (false) when the client mentions them.
    for key in ("willSave", "willSaveWaitUntil"):
        if client_sync.get(key) is not None:
            sync[key] = False
    capabilities["textDocumentSync"] = sync
    return {"capabilities": capabilities, "serverInfo": {"name": "aiblint", "version": __version__}}
