"""Completion (filled in below)."""

from lsprotocol import types


def setup(server) -> None:
    pass
