"""Schema diagnostics (AIB200-AIB209)."""


def check(ctx):
    return []
