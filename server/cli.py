"""Command line: ``aiblint --check PATHS``, the language server, and the reference commands.

``aiblint --check [PATH|-]...`` checks files and folders (the current folder
when no path is given) and prints one line per problem; ``--fix``/``--diff``
apply or show the fixes. ``aiblint --stdio`` (or ``serve``, ``--tcp``) starts
the language server; ``--list-rules``, ``--explain``, ``--schema``,
``--show-settings`` and ``--version`` print reference information.

Exit status: 0 when no problem is at or above ``--fail-level`` (or with
``--exit-zero``), 1 when there is one (or ``--diff`` has changes to show), 2
for a usage, configuration or file error (always with a message, never a
traceback). Options of different actions (``--stdio --check``,
``--list-rules --explain X``) are a usage error.

This module keeps ``--check`` fast: it imports the engine, and pydantic,
ruamel.yaml or jsonschema only when a configuration file or YAML document
needs them; it never imports the language server's packages.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .formats import FORMATS
from .runerrors import SetupError, UsageError

FAIL_LEVELS = ("error", "warning", "info")
EXAMPLES = """\
examples:
  aiblint --check                          check every template below the current folder
  aiblint --check templates/ build.json    check a folder and a file
  cat t.yaml | aiblint --check -           standard input (JSON or YAML, by its content)
  aiblint --check --fix templates/         apply the safe fixes, then report what remains
  aiblint --check --format sarif -o aiblint.sarif .
  aiblint --check --format azure .         Azure Pipelines (also: github, gitlab, junit, pylint)
  aiblint --check --statistics .           problems counted per rule
  aiblint --show-settings templates/t.json the settings that apply to a file, and where they come from
  aiblint --explain AIB304                 show a rule's documentation
  aiblint --stdio                          run the language server

text output: path:line:column: CODE [severity] message; [*] marks a problem that --fix fixes.
configuration: [tool.aiblint] in pyproject.toml or .aiblint.yaml (nearest folder upwards).
exit status: 0 no problem at or above --fail-level (or --exit-zero); 1 problems (or --diff has
             changes); 2 usage, configuration or file error (a file that cannot be read, a
             template over 10 MB).
"""
# Options of the language server (aiblint --stdio/--tcp/serve).
SERVER_OPTIONS = ("--stdio", "--tcp", "--host", "--port", "--log-file", "--log-level", "--verbose", "-v", "--help",
                  "-h")


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
    act.add_argument("--list-rules", action="store_true", help="list every rule: code, name, default severity (* and a note when it depends on the "
                          "API version)")
    act.add_argument("--explain", metavar="CODE", help="print a rule's documentation (code or name)")
    act.add_argument("--schema", metavar="VERSION", help="print the JSON Schema of an API version")
    act.add_argument("--show-settings", nargs="?", const=".", metavar="PATH",
                     help="print the settings that apply to PATH (default: the current folder) and where each comes from")
    act.add_argument("--version", action="store_true", help="print the version")
    act.add_argument("--stdio", action="store_true",
                     help="run the language server on stdin/stdout ('--tcp --host H --port P' for TCP)")
    chk = p.add_argument_group("checking")
    chk.add_argument("--format", "--output-format", choices=FORMATS, default="text", metavar="FORMAT",
                     help="output format (default: text): text, json, sarif, github (Actions annotations), azure "
                          "(Pipelines logging commands), gitlab (code quality), junit, pylint")
    chk.add_argument("-o", "--output-file", metavar="FILE", help="write the output to FILE instead of standard output")
    chk.add_argument("-q", "--quiet", action="store_true", help="print the problems only: no summary")
    chk.add_argument("-e", "--exit-zero", action="store_true",
                     help="exit status 0 even when there are problems (2 for usage and file errors stays)")
    chk.add_argument("--statistics", action="store_true",
                     help="print the number of problems per rule instead of the problems (text or json)")
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
    chk.add_argument("-v", "--verbose", action="store_true", help="report skipped files, unreachable URLs and internal errors in full")
    chk.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colored text output (auto: on a terminal unless NO_COLOR is set)")
    fix = p.add_argument_group("fixing")
    fix.add_argument("--fix", action="store_true", help="apply the safe fixes and write the files")
    fix.add_argument("--unsafe-fixes", action="store_true", help="with --fix/--diff: also apply the unsafe fixes (placeholders to fill in, a missing comma "
                          "or colon)")
    fix.add_argument("--diff", action="store_true", help="print the fixes as unified diffs; write nothing")
    return p


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if "--stdio" in argv or "--tcp" in argv or (argv and argv[0] == "serve"):
            _check_server_arguments(argv)
            from .lsp.front import main as serve

            return serve(argv)
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
        if "--verbose" in argv or "-v" in argv:
            import traceback

            traceback.print_exc()
        else:
            print("aiblint: run with --verbose for details", file=sys.stderr)
        return 2


def _check_server_arguments(argv: list[str]) -> None:
    """Options of the other actions (``--stdio --check x``) are a usage error with the language server.

    Options aiblint does not know are left to the server, which ignores them (clients add some of their own).
    """
    known = {opt for action in build_parser()._actions for opt in action.option_strings}
    for arg in argv:
        name = arg.split("=", 1)[0]
        if name in known and name not in SERVER_OPTIONS:
            raise UsageError(f"'{name}' cannot be used with the language server (--stdio, --tcp or serve); "
                             "its options are " + ", ".join(o for o in SERVER_OPTIONS if o.startswith("--")))


# Options that only a check run uses, and those that choose its settings (also used by --show-settings).
CHECK_OPTIONS = ("format", "output_file", "quiet", "exit_zero", "statistics", "stdin_filename", "color", "fix",
                 "unsafe_fixes", "diff")
SETTING_OPTIONS = ("select", "ignore", "fail_level", "default_api_version", "config", "no_config", "online")


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _check_combination(parser: argparse.ArgumentParser, args) -> None:
    """Usage errors for options that do not go together."""
    given = {dest for dest in CHECK_OPTIONS + SETTING_OPTIONS if getattr(args, dest) != parser.get_default(dest)}
    actions = [name for name, on in (("--list-rules", args.list_rules), ("--explain", args.explain),
                                     ("--schema", args.schema), ("--version", args.version),
                                     ("--show-settings", args.show_settings is not None),
                                     ("--check", args.check or bool(args.paths))) if on]
    if len(actions) > 1:
        raise UsageError(f"{' and '.join(actions)} cannot be used together" if len(actions) == 2 else
                         f"choose one of {', '.join(actions)}")
    action = actions[0] if actions else "--check"
    allowed = {"--check": CHECK_OPTIONS + SETTING_OPTIONS, "--show-settings": SETTING_OPTIONS + ("output_file",)}
    stray = sorted(given - set(allowed.get(action, ())))
    if stray:
        raise UsageError(f"{_flag(stray[0])} cannot be used with {action}")
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes needs --fix or --diff")
    if args.fix and args.diff:
        raise UsageError("--fix and --diff exclude each other (--diff writes nothing)")
    if args.statistics and (args.diff or args.format not in ("text", "json")):
        raise UsageError("--statistics works with --format text or json, and not with --diff")
    if args.config is not None and args.no_config:
        raise UsageError("--config and --no-config exclude each other")


def _main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        _check_combination(parser, args)
    except UsageError as exc:
        from .check import Run

        Run(args).report_usage_error(str(exc))
        raise
    if args.version:
        print(f"aiblint {__version__}")
        return 0
    if args.list_rules:
        return _list_rules()
    if args.explain:
        return _explain(args.explain)
    if args.schema:
        return _schema(args.schema)
    if args.show_settings is not None:
        from .check import Run

        return Run(args).show_settings(args.show_settings)
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
        severity = r.severity.label + ("*" if r.severity_note else "")
        print(f"{r.code}  {r.name:<{width}}  {severity:<8}  {r.summary}")
        if r.severity_note:
            print(f"{'':6}  {'':<{width}}  * {r.severity_note}")
    from .docs import PLAUSIBLE_VERSIONS

    print(f"\n{PLAUSIBLE_VERSIONS}")
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
