"""Hover (filled in below)."""


def setup(server) -> None:
    pass
