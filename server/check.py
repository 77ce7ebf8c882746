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
* whether a file may hold a template is decided from its bytes before any size
  limit: a file over 10 MB that does not mention Image Builder (a
  ``package-lock.json``) is skipped when walked and AIB000 when named, never an
  error;
* binary content and invalid UTF-8 are one AIB100 diagnostic each (a file with
  invalid UTF-8 is still checked, and never rewritten by ``--fix``);
* a file that cannot be read or checked at all (missing, a FIFO or device, a
  dangling link, a template over 10 MB) is a *file error*: shown in every
  output format (on stderr for text), counted in the summary, and the exit
  status is 2. A folder named ``x.json`` is walked like any folder. Each file
  has a time limit, so a bug cannot hang the run. The run always goes on with
  the next file.

What ``--fix`` fixes is worked out in every run (the fixes are applied in
memory, re-checked and repeated as ``--fix`` does), so the ``[*]`` markers, the
summary's "N fixable with --fix", ``--diff``'s count and ``--fix``'s "Fixed N
problems" are one number: the problems shown that the fixes make go away.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, replace

from . import discover
from .runerrors import MAX_FIX_PASSES, SetupError, UsageError, setup_logging
from .diagnostics import Diagnostic, Severity, Span
from .discover import MARKER, Candidate, ReadError, Source
from .formats import LOG_FORMATS, FileReport
from .settings import Settings

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
    """A file's final state in a run: its report, and the new text when fixes changed it.

    ``fixed_count`` is the number of problems that ``--fix`` fixes (or fixed);
    ``unsafe_more`` how many more ``--fix --unsafe-fixes`` would fix.
    """

    report: FileReport
    source: Source | None = None
    path: str = ""  # the file system path (report.path is the path as shown)
    original: str | None = None
    fixed: str | None = None
    fixed_count: int = 0
    unsafe_more: int = 0
    threshold: Severity = Severity.ERROR
    # The profile the file was checked with and the scripts ShellCheck is to check, when its findings are
    # still to come (see execute).
    pending: Profile | None = None
    wanted: list | None = None
    # The lint result whose fixes are still to be worked out (after ShellCheck's findings, when pending).
    fix_from: object = None
    stdin: bool = False
    # AIB105 findings held back until ShellCheck's findings are in (LintResult.held).
    held: list | None = None


def _add_findings(checked: Checked, found: list) -> None:
    """Add findings to a file's report and to the lint result its fixes are worked out from."""
    checked.report.diagnostics = sorted(checked.report.diagnostics + found, key=lambda d: d.sort_key)
    if checked.fix_from is not None:
        import dataclasses

        checked.fix_from = dataclasses.replace(checked.fix_from, diagnostics=sorted(
            list(checked.fix_from.diagnostics) + found, key=lambda d: d.sort_key))


# Bytes of input checked (their objects kept out of the garbage collector's scans) before the next
# collection frees the released trees. Counted by the run, not asked of the collector:
# ``gc.get_freeze_count()`` walks every frozen object, which cost a fifth of a corpus run.
COLLECT_AFTER_BYTES = 2_000_000


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


def _gone(original: list[Diagnostic], final: list[Diagnostic], unsafe: bool) -> list[Diagnostic]:
    """The diagnostics of ``original`` with a fix (in the mode) that no longer appear in ``final``.

    A diagnostic is matched by code and message (positions move when fixes change the text).
    """
    from collections import Counter

    from .fixes import has_fix

    left = Counter((d.code, d.message) for d in final)
    out = []
    for d in original:
        key = (d.code, d.message)
        if left[key]:
            left[key] -= 1
        elif has_fix(d, unsafe):
            out.append(d)
    return out


class Run:
    def __init__(self, args):
        self.args = args
        self.errors = 0
        self.looked_at = 0
        # A terminal whose encoding cannot show a character must not end the run.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError):
                pass
        self.out = sys.stdout
        self.stdin_fixed = b""
        self._frozen_bytes = 0  # input checked since the last garbage collection (see _timed)
        self._certain: frozenset[str] | None = None  # codes of the rules with CERTAIN_FIXES
        self._with_shellcheck: dict[int, tuple] = {}  # id of a profile -> (it, its copy that runs ShellCheck)
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

    def _load_config(self, path: str | None):
        """The configuration file ``path`` loaded and validated (None: no file); loaded once per run."""
        if path is None:
            return None
        if path in self._configs:
            return self._configs[path]
        if not os.path.isfile(path):
            raise SetupError(f"configuration file {path!r} not found")
        from .config import ConfigError, load

        try:
            config = load(path, self.registry, tuple(self.catalog.versions))
        except ConfigError as exc:
            raise SetupError(f"invalid configuration: {exc}") from None
        if self.args.verbose:
            print(f"aiblint: using configuration {path}", file=sys.stderr)
        self._configs[path] = config
        return config

    def _load_profile(self, path: str | None) -> Profile:
        """Settings from the configuration file ``path`` (None: defaults), with the command line on top."""
        from .engine import Selection

        args, registry, versions = self.args, self.registry, tuple(self.catalog.versions)
        config = self._load_config(path)
        settings, fail_level = (config.settings, config.fail_level) if config else (Settings(), None)
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
        # ShellCheck runs once for every script of the run, after all files are read (see execute).
        settings.defer = frozenset({"shellcheck"})
        threshold = Severity.parse(args.fail_level or fail_level or "error")
        return Profile(settings, Selection(settings, registry), threshold)

    def _config_path_for(self, path: str | None) -> str | None:
        if path is None or self.args.config is not None or self.args.no_config:
            return self.base_config
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._found:
            self._found[folder] = discover.find_config(folder)
        return self._found[folder]

    def profile_for(self, path: str | None) -> Profile:
        """The profile of the nearest configuration of ``path`` (``--config``/``--no-config``: the run's own)."""
        config = self._config_path_for(path)
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

    def failed(self, path: str, message: str) -> Checked:
        """A file that could not be read or checked: a file error in the output, exit status 2."""
        self.errors += 1
        if self.args.diff or self.args.format not in ("github", "azure"):
            print(f"{_display(path)}: error: {message}", file=sys.stderr)
        return Checked(FileReport(_display(path), None, error=message), path=path)

    def error(self, path: str, message: str) -> None:
        """A file error found after the file was checked: on standard error, exit status 2."""
        self.errors += 1
        print(f"{_display(path)}: error: {message}", file=sys.stderr)

    def _setup(self) -> None:
        from . import catalog as catalog_mod
        from .rule import registry as get_registry

        args = self.args
        if args.stdin_filename and "-" not in args.paths and args.paths:
            raise UsageError("--stdin-filename needs '-' among the paths")
        if args.paths.count("-") > 1:
            raise UsageError("'-' (standard input) can be given once")
        self.registry = get_registry()
        self.catalog = catalog_mod.load()
        self.base_config = args.config
        if self.base_config is None and not args.no_config:
            self.base_config = discover.find_config(self._config_start())
        self._found: dict[str, str | None] = {}
        self._profiles: dict[str | None, Profile] = {}
        self._configs: dict = {}
        self.base = self.profile_for(None)

    # -- the run ----------------------------------------------------------

    def _open_output(self) -> None:
        if self.args.output_file:
            try:
                self.out = open(self.args.output_file, "w", encoding="utf-8", errors="backslashreplace")
            except OSError as exc:
                raise SetupError(f"cannot write --output-file {self.args.output_file!r}: {exc.strerror or exc}") \
                    from None

    def execute(self) -> int:
        args = self.args
        self._open_output()
        try:
            return self._execute()
        except (UsageError, SetupError) as exc:
            if not args.diff and not args.statistics and args.format != "text":
                self._render([FileReport(None, None, error=str(exc))], self.out)
            raise
        finally:
            if self.out is not sys.stdout:
                self.out.close()

    def report_usage_error(self, message: str) -> None:
        """A usage error found before the run, in the output format asked for (text: standard error only)."""
        if self.args.format == "text":
            return
        try:
            self._open_output()
        except SetupError:
            return
        try:
            self._render([FileReport(None, None, error=message)], self.out)
        finally:
            if self.out is not sys.stdout:
                self.out.close()

    def _execute(self) -> int:
        args = self.args
        self._setup()
        # Working out what --fix fixes costs a re-check of each fixable file: only when the output shows it.
        summary = not args.quiet and args.format in LOG_FORMATS
        self.counts_fixes = args.fix or args.diff or summary or args.statistics or args.format in ("text", "json")
        self.counts_unsafe = not args.unsafe_fixes and (summary or args.diff)
        paths = args.paths or ["."]
        walk_errors: list[tuple[str, str]] = []
        base = self.base.settings
        files = discover.walk([p for p in paths if p != "-"], base.exclude, base.root, walk_errors)
        checked = [self.failed(path, message) for path, message in walk_errors]
        if "-" in paths:
            checked.append(self._check_stdin())
        from .pool import check_files, worker_count

        workers = worker_count(len(files))
        checked.extend(check_files(self, files, workers) if workers else map(self.check_candidate, files))
        checked = [c for c in checked if c is not None]
        # Files checked by worker processes got ShellCheck's findings there.
        self.add_shellcheck(checked)

        stdin_fix = args.fix and "-" in paths
        if stdin_fix:  # the (fixed) text goes to stdout, the report to stderr (or the output file)
            sys.stdout.buffer.write(self.stdin_fixed)
            sys.stdout.flush()
        report_out = sys.stderr if stdin_fix and self.out is sys.stdout else self.out
        if args.diff:
            return self._print_diffs(checked)
        if args.statistics:
            self._print_statistics(checked, report_out)
        else:
            color = args.format == "text" and self._color()
            self._render([c.report for c in checked], report_out, color)
        if summary:
            report_out.write(self._summary(checked, paths) + "\n")
        if self.errors:
            return 2
        failed = any(d.severity >= c.threshold for c in checked for d in c.report.diagnostics)
        return 1 if failed and not args.exit_zero else 0

    def _render(self, reports: list[FileReport], out, color: bool = False) -> None:
        from .formats import render

        render(self.args.format, reports, getattr(self, "registry", None) or _registry(), out, color=color)

    def _check_stdin(self) -> Checked | None:
        self.looked_at += 1
        try:
            data = sys.stdin.buffer.read()
        except (OSError, ValueError) as exc:
            return self.failed("<stdin>", f"cannot read standard input: {exc}")
        self.stdin_fixed = data  # what --fix writes back: the input, unless fixes change it
        return self._timed(self.args.stdin_filename or "<stdin>", data, True, True)

    def check_candidate(self, f: Candidate) -> Checked | None:
        """Read and check one file: everything a run does per file (so that it can run elsewhere)."""
        self.looked_at += 1
        try:
            data = discover.read_bytes(f.path)
        except discover.TooLarge as exc:
            if exc.template:
                return self.failed(f.path, str(exc))
            if f.named:  # named, so reported: as the empty text it is for us, i.e. AIB000
                return self._timed(f.path, b"", True, False)
            return self._skip(f.path, f"{exc}; it does not mention Image Builder")
        except ReadError as exc:
            return self.failed(f.path, str(exc))
        return self._timed(f.path, data, f.named, False)

    def _timed(self, path: str, data: bytes, named: bool, is_stdin: bool) -> Checked | None:
        # What a checked file leaves lives to the end of the run: kept out of the cyclic garbage
        # collector's scans, which otherwise cost a third of a many-file run. The value trees of the files
        # checked so far are garbage (only their reports' ranges are kept, see _release); now and then they
        # are collected, so that memory does not grow with the number of files.
        self._frozen_bytes += len(data)
        if self._frozen_bytes > COLLECT_AFTER_BYTES:
            gc.unfreeze()
            gc.collect()
            self._frozen_bytes = len(data)
        gc.freeze()
        from . import shellcheck

        prof = self.profile_for(self.args.stdin_filename if is_stdin else path)
        try:
            with _watchdog(FILE_TIME_LIMIT):
                with shellcheck.collecting() as wanted:
                    checked = self._check(path, data, named, is_stdin)
                if checked is not None and wanted:
                    # ShellCheck runs later, once for the scripts of every file checked in this process (or
                    # in this worker's share of the files): the file's document is kept until then, and its
                    # fixes (ShellCheck's among them) are worked out then (see add_shellcheck).
                    checked.pending = prof
                    checked.wanted = wanted
                    return checked
                if checked is not None and checked.held:
                    _add_findings(checked, checked.held)  # no ShellCheck pass follows: they stand
                    checked.held = None
                if checked is not None and checked.fix_from is not None:
                    self._fix(checked, checked.fix_from, is_stdin, prof)
                    checked.fix_from = None
        except _TimeLimit:
            return self.failed(path, f"gave up after {FILE_TIME_LIMIT} s; please report this file as a bug")
        return _release(checked, keep_text=bool(self.args.diff))

    def _check(self, path: str, data: bytes, named: bool, is_stdin: bool) -> Checked | None:
        from .document import Document, language_for

        prof = self.profile_for(self.args.stdin_filename if is_stdin else path)
        if prof is not self.base and not is_stdin and discover.is_excluded(path, prof.settings.exclude,
                                                                           prof.settings.root):
            return self._skip(path, "excluded by the configuration")
        if not named and not discover.may_hold_template(data, path):
            return self._skip(path, "no Image Builder template")
        source = discover.decode(data)
        if is_stdin and not self.args.stdin_filename:
            language = discover.sniff_language(source.text or "")
        else:
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
            if self.args.verbose:
                import traceback

                traceback.print_exc()
            return self.failed(path, f"internal error while checking: {type(exc).__name__}: {exc}")
        if self.args.verbose:
            self._list_templates(path, doc, result.templates)
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
                          threshold=prof.threshold, held=result.held)
        if is_template and not source.lossy:
            checked.fix_from, checked.stdin = result, is_stdin
        return checked

    def add_shellcheck(self, checked: list[Checked]) -> None:
        """ShellCheck's findings (AIB401) of the files in ``checked`` that wait for them, with one ShellCheck
        process (per dialect) for all their scripts."""
        pending = [c for c in checked if c is not None and c.pending is not None]
        if not pending:
            return
        from . import shellcheck

        shellcheck.prefetch([script for c in pending for script in c.wanted])
        for c in pending:
            self._add_shellcheck(c)
            if c.fix_from is not None:
                self._fix_with_shellcheck(c)
            c.pending = c.wanted = c.fix_from = c.held = None
            _release(c, keep_text=bool(self.args.diff))

    def _add_shellcheck(self, checked: Checked) -> None:
        """Add ShellCheck's findings (AIB401) to a file's report and to the result its fixes come from, now
        that every script has been checked."""
        from . import online
        from .engine import templates_of

        doc = checked.report.document
        settings = checked.pending.settings
        try:
            templates = templates_of(doc, settings, self.catalog)
            found = online.check_document(doc, templates, settings, slow=("shellcheck",), online=settings.online,
                                          held=checked.held or ())
        except Exception as exc:  # noqa: BLE001 - one file must not stop the run
            self.error(checked.path or checked.report.path, f"internal error while running ShellCheck: {exc}")
            return
        if found:
            _add_findings(checked, found)

    def _fix_with_shellcheck(self, checked: Checked) -> None:
        """Work out a file's fixes with ShellCheck's findings among them (added by :meth:`_add_shellcheck`):
        the fixed texts are checked again with ShellCheck, so its findings that the fixes remove go and the
        others stay."""
        import dataclasses

        from .engine import Selection

        result = checked.fix_from
        prof = checked.pending
        key = id(prof)
        if key not in self._with_shellcheck:
            settings = dataclasses.replace(prof.settings, defer=frozenset())
            self._with_shellcheck[key] = (prof, Profile(settings, Selection(settings, self.registry), prof.threshold))
        try:
            with _watchdog(FILE_TIME_LIMIT):
                self._fix(checked, result, checked.stdin, self._with_shellcheck[key][1])
        except _TimeLimit:
            self.error(checked.path or checked.report.path,
                       f"gave up working out the fixes after {FILE_TIME_LIMIT} s; please report this file as a bug")

    def _skip(self, path: str, reason: str) -> None:
        """A file that is not reported; ``--verbose`` says why."""
        if self.args.verbose:
            print(f"{_display(path)}: skipped: {reason}", file=sys.stderr)
        return None

    def _list_templates(self, path: str, doc, templates) -> None:
        """``--verbose``: every template found, and which of its parts were checked."""
        from .arm import coverage, template_label

        for t in templates:
            pos = doc.lines.position(t.node.span.start)
            parts = coverage(t)
            checked = [p.name for p in parts if p.checked]
            line = f"{_display(path)}:{pos.line + 1}:{pos.character + 1}: {template_label(t)}: "
            line += f"checked {', '.join(checked)}" if checked else "nothing checked"
            for p in parts:
                if not p.checked:
                    line += f"; not checked: {p.name} ({p.reason})"
            print(line, file=sys.stderr)

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

    def _fix_passes(self, result, prof: Profile, unsafe: bool):
        """Apply the fixes, re-check and repeat (as ``--fix`` does): the final document and lint result."""
        from . import fixes
        from .document import Document

        doc = result.document
        for _ in range(MAX_FIX_PASSES):
            chosen = fixes.choose(result.diagnostics, unsafe=unsafe, syntax_only=doc.has_syntax_error)
            if not chosen:
                break
            applied = fixes.apply(doc.data, chosen)
            if not applied.applied:
                break
            new_doc = Document(applied.data.decode("utf-8", "surrogatepass"), doc.path, doc.language, lazy=True)
            if new_doc.has_syntax_error and not doc.has_syntax_error:
                break  # a fix must never break a document that parsed
            doc, result = new_doc, self._lint(new_doc, prof)
        return doc, result

    def _fixed_without_recheck(self, result, unsafe: bool):
        """What the fix passes would fix in ``result``'s document, when that is certain without them; else None."""
        from .fixes import fixed_without_recheck

        if self._certain is None:
            self._certain = frozenset(r.code for r in self.registry if r.certain_fixes)
        doc = result.document
        return fixed_without_recheck(doc.data, result.diagnostics, self._certain, unsafe, doc.has_syntax_error)

    def _fix(self, checked: Checked, result, is_stdin: bool, prof: Profile) -> None:
        """Work out what ``--fix`` fixes in this file; with ``--fix``/``--diff`` also keep (and write) the new text."""
        from .fixes import has_fix

        args, unsafe = self.args, self.args.unsafe_fixes
        report = checked.report
        if not self.counts_fixes:
            return
        writes = bool(args.fix or args.diff)
        if not any(has_fix(d, unsafe) for d in result.diagnostics):
            doc, final, fixed = result.document, result, []
        elif not writes and (known := self._fixed_without_recheck(result, unsafe)) is not None:
            doc, final, fixed = result.document, result, known
        else:
            doc, final = self._fix_passes(result, prof, unsafe)
            fixed = _gone(result.diagnostics, final.diagnostics, unsafe)
        checked.fixed_count = len(fixed)
        if writes and doc is not result.document:
            checked.fixed = doc.text
            report.document = doc
            report.diagnostics = list(final.diagnostics)
        else:
            fixed_ids = {id(d) for d in fixed}
            report.fixable = {i for i, d in enumerate(report.diagnostics) if id(d) in fixed_ids}
        if self.counts_unsafe and any(has_fix(d, unsafe=True) and not has_fix(d) for d in result.diagnostics):
            known = self._fixed_without_recheck(result, unsafe=True)
            if known is None:
                _, final_unsafe = self._fix_passes(result, prof, unsafe=True)
                known = _gone(result.diagnostics, final_unsafe.diagnostics, unsafe=True)
            checked.unsafe_more = max(0, len(known) - len(fixed))
        if not args.fix or checked.fixed is None:
            return
        data = discover.encode(doc.text, checked.source)
        if is_stdin:
            self.stdin_fixed = data
            return
        try:
            discover.write_atomic(checked.path, data)
        except OSError as exc:
            self.errors += 1
            print(f"{report.path}: error: cannot write the fixed file: {exc.strerror or exc}", file=sys.stderr)

    def _print_diffs(self, checked: list[Checked]) -> int:
        import difflib

        changed = [c for c in checked if c.fixed is not None]
        for c in changed:
            for line in difflib.unified_diff(c.original.splitlines(keepends=True), c.fixed.splitlines(keepends=True),
                                             c.report.path, c.report.path):
                self.out.write(line)
                if not line.endswith(("\n", "\r")):  # the file's last line has no line break
                    self.out.write("\n\\ No newline at end of file\n")
        n = sum(c.fixed_count for c in changed)
        if not self.args.quiet:
            more = sum(c.unsafe_more for c in checked)
            extra = f" ({more} more with --unsafe-fixes)" if more else ""
            if changed:
                print(f"Would fix {_plural(n, 'problem')} in {_plural(len(changed), 'file')}{extra}", file=sys.stderr)
            else:
                print(f"No fixes to apply{extra}", file=sys.stderr)
        if self.errors:
            return 2
        return 1 if changed and not self.args.exit_zero else 0

    # -- summary and statistics ---------------------------------------------------

    def _print_statistics(self, checked: list[Checked], out) -> None:
        """Counts per code (most frequent first); ``[*]`` when ``--fix`` fixes some of them."""
        rows: dict[str, dict] = {}
        for c in checked:
            for d in c.report.diagnostics:
                row = rows.setdefault(d.code, {"code": d.code, "name": d.name, "count": 0, "fixable": 0})
                row["count"] += 1
                row["fixable"] += c.report.is_fixable(d)
        ordered = sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))
        if self.args.format == "json":
            import json

            json.dump(ordered, out, indent=2)
            out.write("\n")
            return
        width = len(str(max((r["count"] for r in ordered), default=0)))
        for r in ordered:
            mark = "[*] " if r["fixable"] else "    "
            out.write(f"{r['count']:>{width}}\t{r['code']}\t{mark}{r['name']}\n")

    def _summary(self, checked: list[Checked], paths: list[str]) -> str:
        reports = [c.report for c in checked if c.report.error is None]
        counts = {s: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for r in reports:
            for d in r.diagnostics:
                counts[d.severity] += 1
        n = sum(counts.values())
        with_problems = sum(1 for r in reports if r.diagnostics)
        fixed = sum(c.fixed_count for c in checked)
        more = sum(c.unsafe_more for c in checked)
        parts = []
        if self.args.fix and fixed:
            parts.append(f"Fixed {_plural(fixed, 'problem')}. ")
        if n:
            kinds = [_plural(counts[Severity.ERROR], "error")] if counts[Severity.ERROR] else []
            if counts[Severity.WARNING]:
                kinds.append(_plural(counts[Severity.WARNING], "warning"))
            if counts[Severity.INFO]:
                kinds.append(f"{counts[Severity.INFO]} info")
            parts.append(f"{_plural(n, 'problem')} ({', '.join(kinds)}) in {with_problems} of "
                         f"{_plural(len(reports), 'file')}")
        elif reports:
            parts.append(f"No problems in {_plural(len(reports), 'file')}")
        elif not self.errors:
            where = ", ".join("standard input" if p == "-" else p for p in paths)
            parts.append(f"No templates found in {where} ({_plural(self.looked_at, 'file')} looked at)")
        if self.errors:
            noun = "file could not be checked" if self.errors == 1 else "files could not be checked"
            parts.append(("; " if n or reports else "") + f"{self.errors} {noun}")
        if not self.args.fix:
            if fixed:
                parts.append(f"; {fixed} fixable with --fix")
                if more:
                    parts.append(f" ({more} more with --unsafe-fixes)")
            elif more:
                parts.append(f"; {more} fixable with --fix --unsafe-fixes")
        elif more:
            parts.append(f"; {more} more fixable with --unsafe-fixes")
        return "".join(parts)

    # -- --show-settings ------------------------------------------------------------

    def show_settings(self, path: str) -> int:
        """Print the effective settings for ``path`` and where each value comes from."""
        self._setup()
        probe = os.path.join(path, "_") if os.path.isdir(path) else path  # a folder: as for a file in it
        prof = self.profile_for(probe)
        config_path = self._config_path_for(probe)
        config = self._load_config(config_path)
        in_file = config.lines if config else {}
        args, settings = self.args, prof.settings
        cli = {"select": "--select" if args.select else None, "ignore": "--ignore" if args.ignore else None,
               "default-api-version": "--default-api-version" if args.default_api_version else None,
               "online": "--online" if args.online else None,
               "fail-level": "--fail-level" if args.fail_level else None}
        values = {
            "select": settings.select, "ignore": settings.ignore, "severity": settings.severity,
            "per-file-ignores": settings.per_file_ignores, "exclude": settings.exclude,
            "default-api-version": settings.default_api_version, "online": settings.online,
            "extra-regions": settings.extra_regions, "fail-level": prof.threshold.label,
        }
        out = self.out
        out.write(f"Settings for {path}\n")
        if config_path:
            how = "--config" if args.config else "nearest configuration file"
            out.write(f"configuration: {config_path} ({how})\n")
        else:
            out.write("configuration: none" + (" (--no-config)" if args.no_config else " found") + "\n")
        import json

        width = max(len(k) for k in values)
        for key, value in values.items():
            origins = []
            if key in in_file:
                line = in_file[key]
                origins.append(f"{os.path.basename(config_path)}" + (f":{line}" if line else ""))
            if cli.get(key):
                origins.append(cli[key])
            where = " + ".join(origins) if key == "ignore" and len(origins) > 1 else (origins[-1] if origins else
                                                                                     "default")
            out.write(f"{key:<{width}} = {json.dumps(value, ensure_ascii=False)}  # {where}\n")
        if not os.path.isdir(path):  # what the settings mean for this one file
            from types import SimpleNamespace

            from .suppress import ignored_codes

            excluded = discover.is_excluded(path, settings.exclude, settings.root)
            off = sorted(ignored_codes(SimpleNamespace(path=os.path.abspath(path)), prof.selection, settings))
            out.write(f"this file is {'excluded (exclude)' if excluded else 'checked'}"
                      + (f"; per-file-ignores turn off {', '.join(off)}" if off else "") + "\n")
        return 0


def _registry():
    from .rule import registry

    return registry()


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"
