"""Syntax diagnostics (AIB100-AIB104)."""


def check(document, templates):
    return []
