"""Command line: ``aiblint --check PATHS``, the language server, and the reference commands.

``aiblint --check [PATH|-]...`` checks files and folders (the current folder
when no path is given) and prints one line per problem; ``--fix``/``--diff``
apply or show the fixes. ``aiblint --stdio`` (or ``serve``, ``--tcp``) starts
the language server; ``--list-rules``, ``--explain``, ``--schema`` and
``--version`` print reference information.

Exit status: 0 when no problem is at or above ``--fail-level``, 1 when there
is one (or ``--diff`` has changes to show), 2 for a usage, configuration or
I/O error (always with a message, never a traceback).

This module keeps ``--check`` fast: it imports the engine, and pydantic,
ruamel.yaml or jsonschema only when a configuration file or YAML document
needs them; it never imports the language server's packages.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from . import __version__

FAIL_LEVELS = ("error", "warning", "info")
MAX_FIX_PASSES = 5
EXAMPLES = """\
examples:
  aiblint --check                          check every template below the current folder
  aiblint --check templates/ build.json    check a folder and a file
  cat t.json | aiblint --check - --stdin-filename t.json
  aiblint --check --fix templates/         apply the safe fixes, then report what remains
  aiblint --check --format sarif . > aiblint.sarif
  aiblint --explain AIB304                 show a rule's documentation
  aiblint --stdio                          run the language server

configuration: [tool.aiblint] in pyproject.toml or .aiblint.yaml (nearest folder upwards).
exit status: 0 no problem at or above --fail-level; 1 problems (or --diff has changes);
             2 usage, configuration or file error.
"""


class UsageError(Exception):
    """A mistake on the command line; the message is shown with exit status 2."""


class SetupError(Exception):
    """A run that cannot start (e.g. a bad configuration file); exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print and exit; we return 2 from main()
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aiblint", description="Linter and language server for Azure VM Image Builder templates.",
                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders to check ('-' reads standard input); default: the current folder")
    act = p.add_argument_group("actions")
    act.add_argument("--check", action="store_true", help="check templates (the default action when paths are given)")
    act.add_argument("--list-rules", action="store_true", help="list every rule: code, name, default severity")
    act.add_argument("--explain", metavar="CODE", help="print a rule's documentation (code or name)")
    act.add_argument("--schema", metavar="VERSION", help="print the JSON Schema of an API version")
    act.add_argument("--version", action="store_true", help="print the version")
    act.add_argument("--stdio", action="store_true",
                     help="run the language server on stdin/stdout ('--tcp --host H --port P' for TCP)")
    chk = p.add_argument_group("checking")
    chk.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                     help="output format (default: text)")
    chk.add_argument("--select", action="append", metavar="RULES",
                     help="only these rules: codes, prefixes (AIB2) or names, comma-separated; replaces the configured selection")
    chk.add_argument("--ignore", action="append", metavar="RULES", help="leave out these rules (adds to the configuration)")
    chk.add_argument("--fail-level", choices=FAIL_LEVELS,
                     help="lowest severity that makes the exit status 1 (default: error)")
    chk.add_argument("--default-api-version", metavar="VERSION",
                     help="API version assumed when a template's apiVersion is missing or an expression")
    chk.add_argument("--stdin-filename", metavar="PATH", help="the file name to use for '-' (language, config matching)")
    chk.add_argument("--config", metavar="FILE", help="use this pyproject.toml or .aiblint.yaml for every file (default: each file's nearest)")
    chk.add_argument("--no-config", action="store_true", help="ignore configuration files")
    chk.add_argument("--online", action="store_true", help="allow checks that make network requests (AIB304)")
    chk.add_argument("--verbose", action="store_true", help="report skipped files, unreachable URLs and internal errors in full")
    chk.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colored text output (auto: on a terminal unless NO_COLOR is set)")
    fix = p.add_argument_group("fixing")
    fix.add_argument("--fix", action="store_true", help="apply the safe fixes and write the files")
    fix.add_argument("--unsafe-fixes", action="store_true", help="with --fix/--diff: also apply fixes that insert placeholders")
    fix.add_argument("--diff", action="store_true", help="print the fixes as unified diffs; write nothing")
    return p


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--stdio" in argv or "--tcp" in argv or (argv and argv[0] == "serve"):
        from .lsp.front import main as serve

        return serve(argv)
    try:
        return _main(argv)
    except UsageError as exc:
        print(f"aiblint: error: {exc}", file=sys.stderr)
        print("Try 'aiblint --help'.", file=sys.stderr)
        return 2
    except SetupError as exc:
        print(f"aiblint: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        try:  # as the Python docs advise: point stdout at devnull so the exit flush stays quiet
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: one line, the traceback only on request
        print(f"aiblint: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if "--verbose" in argv:
            import traceback

            traceback.print_exc()
        else:
            print("aiblint: run with --verbose for details", file=sys.stderr)
        return 2


def _main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if args.version:
        print(f"aiblint {__version__}")
        return 0
    if args.list_rules:
        return _list_rules()
    if args.explain:
        return _explain(args.explain)
    if args.schema:
        return _schema(args.schema)
    if not args.check and not args.paths:
        parser.print_help(sys.stderr)
        return 2
    from .check import Run

    return Run(args).execute()


def _list_rules() -> int:
    from .rule import registry

    rules = list(registry())
    width = max((len(r.name) for r in rules), default=10)
    for r in rules:
        print(f"{r.code}  {r.name:<{width}}  {r.severity.label:<7}  {r.summary}")
    return 0


def _explain(key: str) -> int:
    from .docs import explain
    from .rule import registry

    info = registry().get(key)
    if info is None:
        raise UsageError(f"no rule '{key}'; see 'aiblint --list-rules'")
    sys.stdout.write(explain(info))
    return 0


def _schema(version: str) -> int:
    import json

    from . import catalog

    versions = catalog.load().versions
    if version not in versions:
        raise UsageError(f"'{version}' is not an Image Builder API version; expected one of {', '.join(versions)}")
    from .catalog.jsonschema_export import json_schema

    json.dump(json_schema(version), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


class OneLineFormatter(logging.Formatter):
    """Log records as ``aiblint: message``; tracebacks only with ``--verbose``."""

    def __init__(self, verbose: bool):
        super().__init__("aiblint: %(message)s")
        self.verbose = verbose

    def format(self, record):
        if not self.verbose and record.exc_info:
            exc = record.exc_info[1]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
            record.msg = f"{record.getMessage()}: {type(exc).__name__}: {exc}"
            record.args = ()
        return super().format(record)


def setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(verbose))
    root = logging.getLogger("aiblint")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel(logging.INFO if verbose else logging.WARNING)
