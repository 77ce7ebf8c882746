"""One ``aiblint --check`` run: settings, files, linting, fixing, output and exit status.

Each file is checked under its nearest configuration file (as in the language
server), with the command line's options on top; ``--config FILE`` or
``--no-config`` give every file the same one. Folders are walked with the
exclusions of the configuration nearest to the paths given, and each file's own
configuration can exclude it too.

Which files are reported:

* a file named on the command line (or ``-``) is always reported: its problems,
  or AIB000 (info) when it holds no Image Builder template;
* a file found by walking a folder is reported only when it holds a template.
  A walked file that does not parse is reported when its text mentions
  ``Microsoft.VirtualMachineImages`` (most likely a broken template) and skipped
  otherwise, like any other JSON or YAML file;
* binary content and invalid UTF-8 are one AIB100 diagnostic each (a file with
  invalid UTF-8 is still checked, and never rewritten by ``--fix``); a file
  that cannot be read at all (missing, a FIFO or device, a dangling link, over
  10 MB) is one error line on stderr and makes the exit status 2, except that
  over-large files met while walking are skipped. A folder named ``x.json`` is
  walked like any folder. Each file has a time limit, so a bug cannot hang
  the run. The run always goes on with the next file.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, replace

from . import discover
from .cli import MAX_FIX_PASSES, SetupError, UsageError, setup_logging
from .diagnostics import Diagnostic, Severity, Span
from .discover import Candidate, ReadError, Source
from .formats import FileReport
from .settings import Settings

MARKER = b"virtualmachineimages"
BICEP_MARKER = b"microsoft.virtualmachineimages/imagetemplates@"
# A file whose checking takes longer than this is given up (a bug, never expected: 10 MB take ~6 s).
FILE_TIME_LIMIT = 60


class _TimeLimit(BaseException):
    """Raised in the main thread when one file takes too long (a BaseException: checks' guards let it pass)."""


class _watchdog:
    """Interrupt the checking of one file after ``seconds`` (main thread on POSIX only; else a no-op)."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        import signal
        import threading

        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self

    @staticmethod
    def _fire(signum, frame):
        raise _TimeLimit()

    def __exit__(self, *exc):
        if self.armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False
NOT_A_TEMPLATE = "AIB000"
INVALID_JSON = "AIB100"


@dataclass
class Checked:
    """A file's final state in a run: its report, and the new text when fixes changed it."""

    report: FileReport
    source: Source | None
    path: str = ""  # the file system path (report.path is the path as shown)
    original: str | None = None
    fixed: str | None = None
    fixes_applied: int = 0
    threshold: Severity = Severity.ERROR


# Objects kept out of the garbage collector's scans before the next collection frees released trees.
UNFREEZE_AT = 100_000


def _release(checked: "Checked | None", keep_text: bool) -> "Checked | None":
    """Let the text, syntax and value trees of a checked file go: its report keeps only the ranges it shows."""
    from .pool import Shown

    if checked is None:
        return None
    report = checked.report
    if report.document is not None and not isinstance(report.document, Shown):
        report.document = Shown(report.document, report.diagnostics)
    if checked.source is not None and checked.source.text is not None:
        checked.source = replace(checked.source, text=None)
    if not keep_text:
        checked.original = checked.fixed = None
    return checked


@dataclass
class Profile:
    """What applies to a file: settings and rule selection from its configuration and the command line."""

    settings: Settings
    selection: object  # aiblint.engine.Selection
    threshold: Severity


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _display(path: str) -> str:
    """A path as valid text: bytes of a file name that are not UTF-8 become U+FFFD."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _may_hold_template(data: bytes, path: str = "") -> bool:
    """Cheap pre-filter for walked files: could this text be a template at all?"""
    low = data.lower()
    if path.lower().endswith(".bicep"):
        return BICEP_MARKER in low
    return MARKER in low or (b"source" in low and (b"customize" in low or b"distribute" in low))


class Run:
    def __init__(self, args):
        self.args = args
        self.errors = 0
        # A terminal whose encoding cannot show a character must not end the run.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError):
                pass
        self.out = sys.stdout
        self.stdin_fixed = b""
        setup_logging(args.verbose)

    # -- setup ------------------------------------------------------------

    def _config_start(self) -> str:
        paths = [p for p in self.args.paths if p != "-"]
        if "-" in self.args.paths and self.args.stdin_filename:
            paths.append(self.args.stdin_filename)
        if not paths:
            return os.getcwd()
        folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
        try:
            return os.path.commonpath(folders)
        except ValueError:
            return os.getcwd()

    def _load_profile(self, path: str | None) -> Profile:
        """Settings from the configuration file ``path`` (None: defaults), with the command line on top."""
        from .engine import Selection

        args, registry, versions = self.args, self.registry, tuple(self.catalog.versions)
        settings, fail_level = Settings(), None
        if path is not None:
            if not os.path.isfile(path):
                raise SetupError(f"configuration file {path!r} not found")
            from .config import ConfigError, load

            try:
                config = load(path, registry, versions)
            except ConfigError as exc:
                raise SetupError(f"invalid configuration: {exc}") from None
            settings, fail_level = config.settings, config.fail_level
            if args.verbose:
                print(f"aiblint: using configuration {path}", file=sys.stderr)
        select, ignore = _split(args.select), _split(args.ignore)
        for sel in select + ignore:
            if sel.upper() != "ALL" and not registry.resolve(sel):
                raise UsageError(f"no rule matches '{sel}'; see 'aiblint --list-rules'")
        if select:
            settings.select = select
        settings.ignore = list(settings.ignore) + ignore
        if args.default_api_version:
            if versions and args.default_api_version not in versions:
                raise UsageError(f"--default-api-version: '{args.default_api_version}' is not an Image Builder API "
                                 f"version; expected one of {', '.join(versions)}")
            settings.default_api_version = args.default_api_version
        settings.online = settings.online or args.online
        settings.verbose = args.verbose
        threshold = Severity.parse(args.fail_level or fail_level or "error")
        return Profile(settings, Selection(settings, registry), threshold)

    def profile_for(self, path: str | None) -> Profile:
        """The profile of the nearest configuration of ``path`` (``--config``/``--no-config``: the run's own)."""
        if path is None or self.args.config is not None or self.args.no_config:
            return self.base
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._found:
            self._found[folder] = discover.find_config(folder)
        config = self._found[folder]
        if config not in self._profiles:
            self._profiles[config] = self._load_profile(config)
        return self._profiles[config]

    def _color(self) -> bool:
        mode = self.args.color
        if mode != "auto":
            return mode == "always"
        if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
            return False
        try:
            return self.out.isatty()
        except (AttributeError, ValueError):
            return False

    def error(self, path: str, message: str) -> None:
        self.errors += 1
        print(f"{_display(path)}: error: {message}", file=sys.stderr)

    # -- the run ----------------------------------------------------------

    def execute(self) -> int:
        from . import catalog as catalog_mod
        from .rule import registry as get_registry

        args = self.args
        if (args.unsafe_fixes and not (args.fix or args.diff)):
            raise UsageError("--unsafe-fixes needs --fix or --diff")
        if args.fix and args.diff:
            raise UsageError("--fix and --diff exclude each other (--diff writes nothing)")
        if args.stdin_filename and "-" not in args.paths and args.paths:
            raise UsageError("--stdin-filename needs '-' among the paths")
        self.registry = get_registry()
        self.catalog = catalog_mod.load()
        base_config = args.config
        if base_config is None and not args.no_config:
            base_config = discover.find_config(self._config_start())
        self.base = self._load_profile(base_config)
        self._found: dict[str, str | None] = {}
        self._profiles: dict[str | None, Profile] = {base_config: self.base}
        paths = args.paths or ["."]
        if paths.count("-") > 1:
            raise UsageError("'-' (standard input) can be given once")

        walk_errors: list[tuple[str, str]] = []
        base = self.base.settings
        files = discover.walk([p for p in paths if p != "-"], base.exclude, base.root, walk_errors)
        for path, message in walk_errors:
            self.error(path, message)
        checked: list[Checked] = []
        if "-" in paths:
            checked.append(self._check_item(self._stdin_item()))
        from .pool import check_files, worker_count

        workers = worker_count(len(files))
        results = check_files(self, files, workers) if workers else map(self.check_candidate, files)
        checked.extend(results)
        checked = [c for c in checked if c is not None]

        stdin_fix = args.fix and "-" in paths
        if stdin_fix:  # the (fixed) text goes to stdout, the report to stderr
            sys.stdout.buffer.write(self.stdin_fixed)
            sys.stdout.flush()
        report_out = sys.stderr if stdin_fix else self.out
        if args.diff:
            return self._print_diffs(checked)
        reports = [c.report for c in checked]
        from .formats import render

        color = args.format == "text" and self._color()
        render(args.format, reports, self.registry, report_out, color=color)
        if args.format in ("text", "github"):
            report_out.write(self._summary(checked) + "\n")
        failed = any(d.severity >= c.threshold for c in checked for d in c.report.diagnostics)
        if self.errors:
            return 2
        return 1 if failed else 0

    def _stdin_item(self):
        """(display path, bytes, named, is stdin) for standard input; None when it cannot be read."""
        name = self.args.stdin_filename or "<stdin>"
        try:
            data = sys.stdin.buffer.read()
        except (OSError, ValueError) as exc:
            self.error("<stdin>", f"cannot read standard input: {exc}")
            return None
        self.stdin_fixed = data  # what --fix writes back: the input, unless fixes change it
        return name, data, True, True

    def check_candidate(self, f: Candidate) -> Checked | None:
        """Read and check one file found on the command line or by walking."""
        try:
            data = discover.read_bytes(f.path)
        except ReadError as exc:
            if f.named or not isinstance(exc, discover.TooLarge):
                self.error(f.path, str(exc))
            elif self.args.verbose:
                print(f"{_display(f.path)}: skipped: {exc}", file=sys.stderr)
            return None
        return self._check_item((f.path, data, f.named, False))

    def _check_item(self, item) -> Checked | None:
        if item is None:
            return None
        # What a checked file leaves lives to the end of the run: kept out of the cyclic garbage
        # collector's scans, which otherwise cost a third of a many-file run. The value trees of the files
        # checked so far are garbage (only their reports' ranges are kept, see _release); now and then they
        # are collected, so that memory does not grow with the number of files.
        if gc.get_freeze_count() > UNFREEZE_AT:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        try:
            with _watchdog(FILE_TIME_LIMIT):
                return _release(self._check(*item), keep_text=bool(self.args.diff))
        except _TimeLimit:
            self.error(item[0], f"gave up after {FILE_TIME_LIMIT} s; please report this file as a bug")
            return None

    def _check(self, path: str, data: bytes, named: bool, is_stdin: bool) -> Checked | None:
        from .document import Document, language_for

        prof = self.profile_for(self.args.stdin_filename if is_stdin else path)
        if prof is not self.base and not is_stdin and discover.is_excluded(path, prof.settings.exclude,
                                                                           prof.settings.root):
            return self._skip(path, "excluded by the configuration")
        if not named and not _may_hold_template(data, path):
            return self._skip(path, "no Image Builder template")
        source = discover.decode(data)
        language = language_for(path) or "json"
        if source.text is None:
            if not named:
                return self._skip(path, source.problem)
            doc = Document("", path, language)
            return Checked(FileReport(_display(path), doc, self._own(INVALID_JSON, source.problem, Span(0, 0), prof)),
                           source, path, threshold=prof.threshold)
        try:
            doc = Document(source.text, path, language, lazy=True)
            result = self._lint(doc, prof)
        except RecursionError:
            if not named and MARKER not in data.lower():
                return None
            doc = Document("", path, language)
            message = "the document is nested too deeply to check"
            return Checked(FileReport(_display(path), doc, self._own(INVALID_JSON, message, Span(0, 0), prof)), source,
                           path, threshold=prof.threshold)
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            self.error(path, f"internal error while checking: {type(exc).__name__}: {exc}")
            if self.args.verbose:
                import traceback

                traceback.print_exc()
            return None
        diagnostics = list(result.diagnostics)
        is_template = bool(result.templates) or (doc.has_syntax_error and MARKER in data.lower())
        if not result.templates:
            if not is_template:
                if not named:
                    return self._skip(path, "no Image Builder template")
                from .suppress import ignored_codes

                diagnostics = self._own(NOT_A_TEMPLATE, "Not an Image Builder template; nothing was checked",
                                        Span(0, 0), prof)
                if NOT_A_TEMPLATE in ignored_codes(doc, prof.selection, prof.settings):
                    diagnostics = []
        if source.problem:
            diagnostics = self._own(INVALID_JSON, source.problem,
                                    Span(source.problem_offset, source.problem_offset), prof) + diagnostics
        checked = Checked(FileReport(_display(path), doc, diagnostics), source, path, original=doc.text,
                          threshold=prof.threshold)
        if (self.args.fix or self.args.diff) and is_template and not source.lossy:
            self._fix(checked, result, is_stdin, prof)
        return checked

    def _skip(self, path: str, reason: str) -> None:
        """A walked file that is not reported; ``--verbose`` says why."""
        if self.args.verbose:
            print(f"{_display(path)}: skipped: {reason}", file=sys.stderr)
        return None

    def _lint(self, doc, prof: Profile):
        from .engine import lint

        return lint(doc, prof.settings, registry=self.registry, catalog=self.catalog, selection=prof.selection)

    def _own(self, code: str, message: str, span: Span, prof: Profile) -> list[Diagnostic]:
        """A diagnostic the run itself produces (AIB000, AIB100 for unreadable content), if selected."""
        if not prof.selection.is_on(code):
            return []
        rule = self.registry.get(code)
        severity = prof.selection.severity.get(code, rule.severity if rule else Severity.ERROR)
        return [Diagnostic(code, message, span, severity, name=rule.name if rule else "")]

    # -- fixing -------------------------------------------------------------

    def _fix(self, checked: Checked, result, is_stdin: bool, prof: Profile) -> None:
        from . import fixes
        from .document import Document

        doc = result.document
        total = 0
        for _ in range(MAX_FIX_PASSES):
            chosen = fixes.choose(result.diagnostics, unsafe=self.args.unsafe_fixes,
                                  syntax_only=doc.has_syntax_error)
            if not chosen:
                break
            applied = fixes.apply(doc.data, chosen)
            if not applied.applied:
                break
            new_doc = Document(applied.data.decode("utf-8", "surrogatepass"), doc.path, doc.language, lazy=True)
            if new_doc.has_syntax_error and not doc.has_syntax_error:
                break  # a fix must never break a document that parsed
            doc, result = new_doc, self._lint(new_doc, prof)
            total += len(applied.applied)
        if not total:
            return
        checked.fixed = doc.text
        checked.fixes_applied = total
        checked.report.document = doc
        checked.report.diagnostics = list(result.diagnostics)
        if self.args.diff:
            return
        data = discover.encode(doc.text, checked.source)
        if is_stdin:
            self.stdin_fixed = data
            return
        try:
            discover.write_atomic(checked.path, data)
        except OSError as exc:
            self.error(checked.report.path, f"cannot write the fixed file: {exc.strerror or exc}")

    def _print_diffs(self, checked: list[Checked]) -> int:
        import difflib

        changed = [c for c in checked if c.fixed is not None]
        for c in changed:
            self.out.writelines(difflib.unified_diff(
                c.original.splitlines(keepends=True), c.fixed.splitlines(keepends=True),
                c.report.path, c.report.path))
            if not c.fixed.endswith(("\n", "\r")):
                self.out.write("\n\\ No newline at end of file\n")
        n = sum(c.fixes_applied for c in changed)
        if changed:
            print(f"{_plural(n, 'fix', 'fixes')} would be applied to {_plural(len(changed), 'file')}",
                  file=sys.stderr)
        else:
            print("No fixes to apply", file=sys.stderr)
        if self.errors:
            return 2
        return 1 if changed else 0

    # -- summary --------------------------------------------------------------

    def _summary(self, checked: list[Checked]) -> str:
        reports = [c.report for c in checked]
        total = len(reports)
        counts = {s: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        with_problems = 0
        fixable = 0
        from .fixes import choose

        for c in checked:
            r = c.report
            if r.diagnostics:
                with_problems += 1
            for d in r.diagnostics:
                counts[d.severity] += 1
            if not c.source or not c.source.lossy:
                fixable += len(choose(r.diagnostics, self.args.unsafe_fixes, r.document.has_syntax_error))
        n = sum(counts.values())
        fixed = sum(c.fixes_applied for c in checked)
        prefix = f"Fixed {_plural(fixed, 'problem')}. " if fixed else ""
        if not n:
            return f"{prefix}No problems in {_plural(total, 'file')}"
        parts = [_plural(counts[Severity.ERROR], "error")] if counts[Severity.ERROR] else []
        if counts[Severity.WARNING]:
            parts.append(_plural(counts[Severity.WARNING], "warning"))
        if counts[Severity.INFO]:
            parts.append(f"{counts[Severity.INFO]} info")
        text = (f"{prefix}{_plural(n, 'problem')} ({', '.join(parts)}) in {with_problems} of "
                f"{_plural(total, 'file')}")
        if fixable and not self.args.fix:
            text += f"; {fixable} fixable with --fix"
        return text


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"
