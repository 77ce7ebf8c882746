"""What the build runs: the scripts of Shell and PowerShell customizers and validators (not a rule).

:func:`scripts` yields one :class:`Script` per inline command list (the strings
joined by newlines, as the Packer-based provisioner joins them) and, when the
file can be read (local checkout or, online, a download), per ``scriptUri``.
A script maps a range of its text back to the template: for inline commands
the exact characters inside the string (through the carrier's
:func:`aiblint.strmap.string_offsets`), for a referenced file the ``scriptUri``
value with related information at the place in the file.

:func:`shell_commands` / :func:`powershell_commands` list the simple commands
of a script (name and arguments with their positions), parsed once per distinct
text with tree-sitter-bash / tree-sitter-powershell. A script of several lines
of which none spans lines (no here-document, continued line or block comment),
each parses alone and most were seen in earlier scripts is read line by line,
each distinct line parsed once: the templates of one file mix the same commands
over and over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat

from aiblint.armexpr import Opaque
from aiblint.diagnostics import Related, Span, TextEdit
from aiblint.document.nodes import ArrayNode, Node, ScalarNode, is_expression_text
from aiblint.strmap import string_edit, string_offsets

from ._strings import unique
from ._util import customizers, per_template, related_use, validators

KINDS = {"shell": "shell", "powershell": "powershell"}


@dataclass
class Piece:
    """One inline string: where its text starts in the joined script, and (computed when first
    needed) where each of its characters is written in the document."""

    node: ScalarNode
    start: int
    length: int
    document: object
    skip: int = 0  # characters of the written value not in the script (ARM's "[[" escape)
    _offsets: object = False

    @property
    def offsets(self) -> list[int] | None:
        if self._offsets is False:
            self._offsets = string_offsets(self.document, self.node)
        return self._offsets


@dataclass
class Script:
    kind: str  # "shell" | "powershell"
    text: str
    label: str  # 'Shell customizer "setup"'
    via: Node | None = None
    pieces: list[Piece] = field(default_factory=list)
    # For a referenced file: the scriptUri value and where the file was found.
    uri_node: ScalarNode | None = None
    source: object = None
    # False when some inline item is an ARM expression (the script is known only in part).
    complete: bool = True

    @property
    def inline(self) -> bool:
        return self.uri_node is None

    @property
    def what(self) -> str:
        return "inline command" if self.inline else "script"

    def locate(self, start: int, end: int, message: str) -> tuple[Span, tuple[Related, ...]]:
        """Where to report characters ``start:end`` of the script, with related information."""
        if not self.inline:
            return self.uri_node.span, (self._file_related(start, end, message),) + related_use(self.via)
        piece = self._piece_at(start)
        if piece is None:
            return Span(0, 0), ()
        a = max(start - piece.start, 0)
        b = min(max(end - piece.start, a), piece.length)
        offsets = piece.offsets
        if offsets is None:
            span = piece.node.span
        else:
            span = Span(offsets[a + piece.skip], offsets[b + piece.skip])
        return span, related_use(self.via)

    def _piece_at(self, at: int) -> Piece | None:
        best = None
        for piece in self.pieces:
            if piece.start <= at:
                best = piece
            else:
                break
        return best

    def _file_related(self, start: int, end: int, message: str) -> Related:
        from aiblint.document.positions import LineIndex

        data = self.source.data
        lines = _line_index(data)
        prefix = len(self.text[:start].encode("utf-8", "surrogatepass"))
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        a = bom + prefix
        b = a + len(self.text[start:end].encode("utf-8", "surrogatepass"))
        assert isinstance(lines, LineIndex)
        return Related(Span(a, b), message, path=self.source.where, lines=lines)

    def insert(self, at: int, text: str) -> TextEdit | None:
        """An edit inserting ``text`` (plain characters, no quotes or backslashes) at script offset ``at``."""
        if not self.inline:
            return None
        piece = self._piece_at(at)
        if piece is None or piece.offsets is None or at - piece.start > piece.length:
            return None
        offset = piece.offsets[at - piece.start + piece.skip]
        return TextEdit(Span(offset, offset), text)

    def replace(self, start: int, end: int, text: str) -> TextEdit | None:
        """An edit making characters ``start:end`` of the script read ``text``, written in the template's
        syntax (quotes and backslashes escaped as the string needs); None when the range is not inside one
        inline string or cannot be written there exactly."""
        if not self.inline:
            return None
        piece = self._piece_at(start)
        if piece is None or end - piece.start > piece.length:
            return None
        a, b = start - piece.start, end - piece.start
        if piece.skip and (a == 0 or b == piece.length):
            return None  # ARM's "[[" escape holds only while the string keeps its ends
        value = piece.node.value
        if not piece.skip and is_expression_text(value[:a] + text + value[b:]):
            return None  # ARM would read the string as an expression
        return string_edit(piece.document, piece.node, a + piece.skip, b + piece.skip, text)


@lru_cache(maxsize=64)
def _line_index(data: bytes):
    from aiblint.document.positions import LineIndex

    return LineIndex(data)


def _label(element, role: str) -> str:
    name = element.node.get("name")
    label = f"{element.type} {role}"
    if isinstance(name, ScalarNode) and isinstance(name.value, str) and not name.is_expression and name.value:
        label += f' "{name.value}"'
    return label


def elements(ctx):
    """(element, label, kind) of every Shell and PowerShell customizer and validator."""
    for role, items in (("customizer", customizers(ctx)), ("validator", validators(ctx))):
        for element in items:
            kind = KINDS.get((element.type or "").lower())
            if kind is not None:
                yield element, _label(element, role), kind


def inline_scripts(ctx):
    """The inline command lists of the template's Shell and PowerShell steps, as scripts."""
    return per_template(ctx, "inline", lambda: _inline_scripts(ctx))


def _inline_scripts(ctx):
    is_arm = bool(ctx.template and ctx.template.arm_root is not None)
    out = []
    for element, label, kind in elements(ctx):
        member = element.node.get_ci("inline")
        if member is None or member.value is None:
            continue
        for array, ref in ctx.values(member.value):
            if not isinstance(array, ArrayNode) or not array.items:
                continue
            script = Script(kind, "", label, via=ref or element.via)
            parts = []
            at = 0
            for item in array.items:
                if isinstance(item, ScalarNode) and (item.kind != "string" or "[" not in item.value):
                    leaf = item  # a literal stands for itself (the common case, without asking ctx.values)
                else:
                    leaf = next((v for v, _ in ctx.values(item) if isinstance(v, ScalarNode)), None)
                if not isinstance(leaf, ScalarNode) or leaf.kind != "string" or leaf.is_expression \
                        or isinstance(leaf, Opaque):
                    script.complete = False
                    parts.append("")
                    at += 1
                    continue
                value = leaf.value
                skip = 1 if is_arm and value.startswith("[[") else 0
                value = value[skip:]
                script.pieces.append(Piece(leaf, at, len(value), ctx.document, skip))
                parts.append(value)
                at += len(value) + 1
            script.text = "\n".join(parts)
            out.append(script)
    return out


def referenced_scripts(ctx, *, download: bool):
    """The files ``scriptUri`` names that can be read (local checkout; downloaded when ``download``)."""
    key = ("files", download, ctx.settings.online, ctx.settings.script_size_limit)
    return per_template(ctx, key, lambda: _referenced_scripts(ctx, download))


def _referenced_scripts(ctx, download: bool):
    from aiblint import scriptsrc

    if not scriptsrc.may_find(ctx.settings, ctx.document.path, download=download):
        return []

    out = []
    for element, label, kind in elements(ctx):
        member = element.node.get_ci("scriptUri")
        if member is None or member.value is None:
            continue
        for value, ref in ctx.values(member.value):
            if not isinstance(value, ScalarNode) or value.kind != "string" or value.is_expression \
                    or isinstance(value, Opaque):
                continue
            source = scriptsrc.find(value.value, ctx.settings, ctx.document.path, download=download)
            if source is None or source.text is None:
                continue
            out.append(Script(kind, source.text.replace("\r\n", "\n"), label, via=ref or element.via,
                              uri_node=value, source=source))
    return out


def scripts(ctx, *needs: str, inline: bool = True):
    """The scripts whose findings this pass reports, for a check that needs the slow work ``needs``.

    Inline scripts need nothing more; a downloaded file needs "download" too
    (a local file is fast work). See :meth:`aiblint.settings.Settings.produces`.
    """
    settings = ctx.settings
    out = inline_scripts(ctx) if inline and settings.produces(*needs) else []
    for script in referenced_scripts(ctx, download="download" not in settings.defer):
        if settings.produces(*needs, *(() if script.source.local else ("download",))):
            out.append(script)
    return out


def report(ctx, script: Script, start: int, end: int, message: str, *, severity=None, fixes=(),
           related_message: str | None = None):
    """A diagnostic for characters ``start:end`` of ``script``."""
    if script.inline:
        text = f"{script.what} of {script.label}: {message}"
    else:
        line = script.text.count("\n", 0, start) + 1
        text = f"{script.what} of {script.label} (line {line}): {message}"
    span, related = script.locate(start, end, related_message or message)
    return ctx.diagnostic(span, text, severity=severity, related=related, fixes=fixes)


# --------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class Word:
    text: str  # the word as the shell sees it (quotes removed when it is a plain string)
    start: int  # character offsets in the script
    end: int


@dataclass(frozen=True)
class Command:
    name: Word
    args: tuple[Word, ...]
    start: int
    end: int
    piped_from: str | None = None  # the name of the command piped into this one


class _Chars:
    """Byte offset in a UTF-8 script -> character offset."""

    def __init__(self, text: str):
        self.ascii = text.isascii()
        if not self.ascii:
            self.map = []
            for i, ch in enumerate(text):
                self.map.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
            self.map.append(len(text))

    def __call__(self, b: int) -> int:
        return b if self.ascii else self.map[min(b, len(self.map) - 1)]


@lru_cache(maxsize=512)
def parse(kind: str, text: str):
    """(tree, chars) of a script: the tree-sitter tree and its byte->character offset map."""
    from aiblint.document import ts_parser

    data = text.encode("utf-8", "surrogatepass")
    tree = ts_parser("bash" if kind == "shell" else "powershell").parse(data)
    return tree, _Chars(text)


# Line by line: the inline commands of many templates repeat the same lines in ever new combinations
# (441 distinct scripts of 22 distinct lines in a 177-template file). A script whose lines stand alone and
# were mostly seen before is analysed as its lines, each once per distinct text; any other script is parsed
# whole (a script of new lines costs a third more read line by line than parsed whole).

# Text that makes a line mean something only with the next ones: here-documents (shell), here-strings and
# block comments (PowerShell).
_ACROSS_LINES = {"shell": ("<<",), "powershell": ('@"', "@'", "<#")}
# Line ends that continue a command on the next line: an escaped newline, a pipe, a list operator.
_CONTINUED = {"shell": ("\\", "|", "&&", "|&"), "powershell": ("`", "|", ",")}


@dataclass(frozen=True)
class _Line:
    """What one line of a script holds when it is parsed alone without an error."""

    commands: tuple[Command, ...]
    stray: tuple[int, int, str] | None  # a reserved word used as a command (shell)


# The lines of the scripts read so far (about this many kept at most).
_seen: set[tuple[str, str]] = set()
MAX_SEEN = 8192
# Longer scripts are always parsed whole: inline commands are a few lines, and a long file is one text.
MAX_LINES = 256


@lru_cache(maxsize=512)
def _by_line(kind: str, text: str) -> tuple[tuple[int, _Line], ...] | None:
    """:func:`_lines_alone` of a script of several lines (at most :data:`MAX_LINES`) most of which were seen
    in scripts before, else None."""
    if "\n" not in text or text.count("\n") >= MAX_LINES:
        return None
    lines = [(kind, line) for line in text.split("\n")]
    known = sum(1 for line in lines if line in _seen)
    if len(_seen) > MAX_SEEN:
        _seen.clear()
    _seen.update(lines)
    return _lines_alone(kind, text) if 2 * known >= len(lines) else None


def _lines_alone(kind: str, text: str) -> tuple[tuple[int, _Line], ...] | None:
    """(character offset, :class:`_Line`) of each line of a script that reads as its lines one after
    another: nothing in it spans lines, and every line parses alone without an error. Else None."""
    if any(mark in text for mark in _ACROSS_LINES[kind]):
        return None
    continued = _CONTINUED[kind]
    out = []
    at = 0
    for line in text.split("\n"):
        if line.rstrip().endswith(continued):
            return None
        alone = _line(kind, line)
        if alone is None:
            return None
        out.append((at, alone))
        at += len(line) + 1
    return tuple(out)


@lru_cache(maxsize=4096)
def _line(kind: str, line: str) -> _Line | None:
    """One line of a script, parsed alone; None when that parse finds an error."""
    from aiblint.document import ts_parser

    tree = ts_parser("bash" if kind == "shell" else "powershell").parse(line.encode("utf-8", "surrogatepass"))
    root = tree.root_node
    if root.has_error:
        return None
    chars = _Chars(line)
    if kind == "shell":
        return _Line(_shell_walk(tree, line, chars), _stray_keyword(root, line, chars))
    return _Line(_powershell_walk(tree, line, chars), None)


def _joined(lines: tuple[tuple[int, _Line], ...]) -> tuple[Command, ...]:
    """The commands of a script analysed line by line, at their places in the script."""
    out: list[Command] = []
    for at, line in lines:
        if not at:
            out.extend(line.commands)
            continue
        for c in line.commands:
            out.append(Command(_moved(c.name, at), tuple(_moved(w, at) for w in c.args), c.start + at, c.end + at,
                               c.piped_from))
    return tuple(out)


def _moved(word: Word, by: int) -> Word:
    return Word(word.text, word.start + by, word.end + by)


def syntax_error(kind: str, text: str) -> tuple[int, int, str] | None:
    """(start, end, message) of the first syntax error of a script, None when it parses."""
    return _syntax_error(kind, text)


@lru_cache(maxsize=512)
def _syntax_error(kind: str, text: str):
    lines = _by_line(kind, text)
    return _first_stray(lines) if lines is not None else _whole_syntax_error(kind, text)


def _first_stray(lines: tuple[tuple[int, _Line], ...]) -> tuple[int, int, str] | None:
    """The syntax error of a script whose every line parses alone: its first stray keyword, if any."""
    for at, line in lines:
        if line.stray is not None:
            start, end, message = line.stray
            return start + at, end + at, message
    return None


def _whole_syntax_error(kind: str, text: str):
    tree, chars = parse(kind, text)
    root = tree.root_node
    if not root.has_error:
        return _stray_keyword(root, text, chars) if kind == "shell" else None
    data = text.encode("utf-8", "surrogatepass")
    stack = [root]
    first = None
    while stack:
        n = stack.pop()
        if n.is_missing or n.is_error:
            if kind == "powershell" and not _sure_powershell_error(n, data):
                continue
            if first is None or n.start_byte < first.start_byte:
                first = n
            continue
        if n.has_error:
            stack.extend(n.children)
    if first is None:
        return None
    if first.is_missing:
        what = first.type.strip()
        parent = first.parent
        for _ in range(2):  # the construct's keyword: "for" of "for ... do ... <done>"
            opener = parent.children[0] if parent is not None and parent.children else None
            if opener is not None and not opener.is_named and _OPENERS.get(opener.type) == what:
                return (chars(opener.start_byte), chars(opener.end_byte),
                        f"'{opener.type}' is not closed (missing '{what}')")
            parent = parent.parent if parent is not None else None
        at = chars(first.start_byte)
        return at, at, f"missing '{what}'" if what else "incomplete command"
    start, end, message = _describe_error(first, data)
    return chars(start), chars(end), message


# What tree-sitter-powershell reports that is surely wrong: a missing closer, an unterminated string.
# (It rejects some valid forms, such as bare-word lists "-Name a,b" and one-line switch clauses;
# other errors are left out rather than reported falsely.)
_PS_CLOSERS = {"}", ")", "]", '"', "'", '"@', "'@"}


def _sure_powershell_error(node, data: bytes) -> bool:
    if node.is_missing:
        return node.type.strip() in _PS_CLOSERS
    message = _describe_error(node, data)[2]
    return not message.startswith(("syntax error near", "unexpected end"))


_RESERVED = {"fi", "done", "esac", "then", "do", "else", "elif"}


def _stray_keyword(root, text: str, chars):
    """A reserved word (``fi``, ``done``...) used as a command: tree-sitter-bash accepts it, the shell does not."""
    data = text.encode("utf-8", "surrogatepass")
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "command":
            name = n.child_by_field_name("name")
            word = data[name.start_byte:name.end_byte].decode("utf-8", "replace") if name is not None else ""
            if word in _RESERVED:
                return chars(name.start_byte), chars(name.end_byte), f"unexpected '{word}'"
            continue
        stack.extend(reversed(n.named_children))
    return None


_OPENERS = {"if": "fi", "case": "esac", "for": "done", "while": "done", "until": "done", "select": "done",
            "{": "}", "(": ")", "$(": ")", "${": "}", "@(": ")", "@{": "}"}
_CLOSERS = {"fi", "esac", "done", "}", ")"}


def _describe_error(node, data: bytes) -> tuple[int, int, str]:
    """(start byte, end byte, message) for a tree-sitter ERROR node of a script."""
    stack = []
    for child in node.children:
        if child.is_named:
            continue
        if child.type in _QUOTES and not data[child.end_byte:node.end_byte].count(child.type.encode()):
            return child.start_byte, child.end_byte, f"unterminated {_QUOTES[child.type]}"
        if child.type in _OPENERS:
            stack.append(child)
        elif child.type in _CLOSERS:
            if stack and _OPENERS[stack[-1].type] == child.type:
                stack.pop()
            else:
                return child.start_byte, child.end_byte, f"unexpected '{child.type}'"
    if stack and not data[node.end_byte:].strip():
        opener = stack[-1]
        return (opener.start_byte, opener.end_byte,
                f"'{opener.type}' is not closed (missing '{_OPENERS[opener.type]}')")
    start, end = node.start_byte, node.end_byte
    text = data[start:end]
    lead = len(text) - len(text.lstrip())
    start += lead
    line_end = data.find(b"\n", start)
    if line_end >= 0 and line_end < end:
        end = line_end
    shown = data[start:end].decode("utf-8", "replace").strip()
    if shown[:1] in ("'", '"', "`"):
        return start, start + 1, f"unterminated {_QUOTES[shown[0]]}"
    if not shown:
        return start, start, "unexpected end of the script"
    return start, end, f"syntax error near '{shown[:40]}'"


_QUOTES = {"'": "single quote", '"': "double quote", "`": "backquote"}


_QUOTE_MARKS = ("'", '"')


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" and "$" not in text:
        return text[1:-1]
    return text


_WRAPPERS = ("sudo", "env", "nohup", "time", "exec", "command", "nice")


@lru_cache(maxsize=512)
def shell_commands(text: str) -> tuple[Command, ...]:
    """The simple commands of a shell script (``sudo``/``env`` prefixes skipped), in order."""
    lines = _by_line("shell", text)
    if lines is not None:
        return _joined(lines)
    tree, chars = parse("shell", text)
    return _shell_walk(tree, text, chars)


def _shell_walk(tree, text: str, chars) -> tuple[Command, ...]:
    data = text.encode("utf-8", "surrogatepass")
    command, pipeline, word_kinds = _bash_kinds()
    ascii_text = chars.ascii  # then byte offsets are character offsets
    out = []
    stack = [(tree.root_node, None)]
    pop = stack.pop
    while stack:
        n, piped = pop()
        kind = n.kind_id
        if kind in command:
            words = []
            for child in n.named_children:
                if child.kind_id in word_kinds:
                    start, end = child.start_byte, child.end_byte
                    raw = data[start:end].decode("utf-8", "replace")
                    if raw[:1] in _QUOTE_MARKS:
                        raw = _unquote(raw)
                    words.append(Word(raw, start, end) if ascii_text else Word(raw, chars(start), chars(end)))
            while words and words[0].text in _WRAPPERS:
                words = words[1:]
                while words and (words[0].text.startswith("-") or "=" in words[0].text):
                    words = words[1:]
            if words:
                out.append(Command(words[0], tuple(words[1:]), chars(n.start_byte), chars(n.end_byte), piped))
        elif kind in pipeline:
            kids = n.named_children
            for i in range(len(kids) - 1, -1, -1):
                stack.append((kids[i], _command_name(kids[i - 1], data) if i > 0 else None))
            continue
        if n.named_child_count:
            kids = n.named_children
            kids.reverse()
            stack.extend(zip(kids, repeat(None)))
    out.sort(key=lambda c: c.start)
    return tuple(out)


@lru_cache(maxsize=1)
def _bash_kinds() -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """The kind ids of tree-sitter-bash's command and pipeline nodes and of the words of a command."""
    from aiblint.document import ts_parser

    language = ts_parser("bash").language
    return (_kind_ids(language, "command"), _kind_ids(language, "pipeline"),
            _kind_ids(language, "command_name", "word", "string", "raw_string", "concatenation", "number",
                      "simple_expansion", "expansion", "ansi_c_string"))


def _command_name(node, data: bytes) -> str | None:
    if node.type != "command":
        return None
    name = node.child_by_field_name("name")
    return data[name.start_byte:name.end_byte].decode("utf-8", "replace") if name is not None else None


@lru_cache(maxsize=512)
def powershell_commands(text: str) -> tuple[Command, ...]:
    """The commands of a PowerShell script (cmdlets and programs with their arguments), in order."""
    lines = _by_line("powershell", text)
    if lines is not None:
        return _joined(lines)
    tree, chars = parse("powershell", text)
    return _powershell_walk(tree, text, chars)


def _powershell_walk(tree, text: str, chars) -> tuple[Command, ...]:
    data = text.encode("utf-8", "surrogatepass")
    command = _powershell_command_kinds()
    out = []
    stack = [tree.root_node]
    pop = stack.pop
    while stack:
        n = pop()
        if n.kind_id in command:
            name_node = n.child_by_field_name("command_name")
            elements = n.child_by_field_name("command_elements")
            if name_node is not None:
                raw = data[name_node.start_byte:name_node.end_byte].decode("utf-8", "replace")
                name = Word(_unquote(raw), chars(name_node.start_byte), chars(name_node.end_byte))
                args = []
                if elements is not None:
                    for child in elements.named_children:
                        if child.type == "command_argument_sep":
                            continue
                        raw = data[child.start_byte:child.end_byte].decode("utf-8", "replace")
                        args.append(Word(_unquote(raw), chars(child.start_byte), chars(child.end_byte)))
                out.append(Command(name, tuple(args), chars(n.start_byte), chars(n.end_byte)))
        if n.child_count:
            kids = n.children
            kids.reverse()
            stack.extend(kids)
    out.sort(key=lambda c: c.start)
    return tuple(out)


@lru_cache(maxsize=1)
def _powershell_command_kinds() -> frozenset[int]:
    from aiblint.document import ts_parser

    return _kind_ids(ts_parser("powershell").language, "command", named_only=False)


def _kind_ids(language, *names: str, named_only: bool = True) -> frozenset[int]:
    """The kind ids of a grammar's nodes of these type names (comparing ids is cheaper than comparing names)."""
    return frozenset(i for i in range(language.node_kind_count)
                     if (language.node_kind_is_named(i) or not named_only) and language.node_kind_for_id(i) in names)


def commands_of(kind: str, text: str) -> tuple[Command, ...]:
    return shell_commands(text) if kind == "shell" else powershell_commands(text)


def command_span(text: str, cmd: Command) -> tuple[int, int]:
    """(start, end) of a command in a script: its name and arguments, never past the end of its line."""
    line_end = text.find("\n", cmd.name.start)
    end = min(cmd.args[-1].end if cmd.args else cmd.name.end, line_end if line_end >= 0 else len(text))
    return cmd.name.start, max(end, cmd.name.end)


def check_with(ctx, findings):
    """The diagnostics of a script rule whose ``findings(kind, text)`` gives (start, end, message) per script."""
    out = [report(ctx, script, start, end, message)
           for script in scripts(ctx) for start, end, message in findings(script.kind, script.text)]
    yield from unique(out)
