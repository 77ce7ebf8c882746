"""Command line: ``aiblint --check PATHS``, ``--stdio`` (language server) and friends."""

import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--stdio" in argv or (argv and argv[0] == "serve"):
        from .lsp.server import main as serve

        return serve(argv)
    print("aiblint: not implemented yet", file=sys.stderr)
    return 2
