"""Text synchronisation: open, change (incremental), save, close."""

from __future__ import annotations

import logging

from lsprotocol import types

from .store import OpenDocument, language_of

log = logging.getLogger(__name__)


def setup(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: types.DidOpenTextDocumentParams):
        item = params.text_document
        language = language_of(item.uri, item.language_id)
        if language is None:
            log.debug("not a JSON/YAML/Bicep document: %s", item.uri)
            return
        ls.documents[item.uri] = OpenDocument(item.uri, item.text, item.version, language)
        ls.schedule(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: types.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        od = ls.documents.get(uri)
        if od is None:
            log.warning("change for a document that is not open: %s", uri)
            return
        version = params.text_document.version
        if od.version is not None and version is not None and version < od.version:
            log.warning("%s: change for version %s after version %s ignored", uri, version, od.version)
            return
        od.apply(params.content_changes, ls.encoding)
        od.version = version
        od.doc.version = version
        ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls, params: types.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        if uri in ls.documents:
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: types.DidCloseTextDocumentParams):
        od = ls.documents.pop(params.text_document.uri, None)
        if od is not None and not ls.pull and od.published is not None:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=od.uri, diagnostics=[]))
