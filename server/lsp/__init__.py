"""The aiblint language server (pygls): a thin adapter over the engine and the catalog.

:mod:`.server` holds the :class:`~aiblint.lsp.server.AibLanguageServer` and the
entry point; each feature lives in its own small module (:mod:`.sync`,
:mod:`.diagnostics`, :mod:`.completion`, :mod:`.hover`, :mod:`.actions`,
:mod:`.symbols`, :mod:`.definition`, :mod:`.settings`).
"""
