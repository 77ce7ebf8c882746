"""The Bicep carrier: imageTemplates resources declared in ``.bicep`` files.

tree-sitter-bicep parses the file (tolerantly, and incrementally after an edit).
Every ``resource <name> 'Microsoft.VirtualMachineImages/imageTemplates@<version>'``
whose value is an object (also under ``if (…)`` and ``[for … in …: …]``;
``existing`` references are not templates) is a template body in the same
value tree JSON gives, with byte spans of the Bicep source.

The root holds one member per declaration, in document order: a ``param`` as
``{defaultValue, allowedValues}`` (from ``= default`` and ``@allowed([...])``),
a ``var`` as its value, a template resource as its body. Next to it,
:attr:`BicepRoot.arm_view` is the same declarations in the shape of an ARM
template (``parameters``, ``variables``, and the other resources under their
symbolic names in ``resources``), so the engine's ARM machinery
resolves Bicep references unchanged: a reference to a param or var is written
into the tree as ``[parameters('p')]`` / ``[variables('v')]`` (with the span of
the Bicep identifier), and every other expression (interpolation, calls,
ternaries, property access, loops, lambdas, spreads) as the opaque expression
``[<Bicep text>]`` that checks skip: a :class:`~aiblint.document.nodes.ForeignExpression`,
which the ARM evaluator (:mod:`aiblint.armexpr`) never reads as ARM and takes as
known only at deployment.

Syntax the grammar cannot read is never reported (the Bicep compiler owns
syntax); checks stay quiet next to it, and fixes are applied only while the
template resources themselves parse cleanly.
"""

from __future__ import annotations

import gc
import re
import time

from ..diagnostics import Span, TextEdit
from .carrier import Carrier, Problem
from .nodes import ArrayNode, ForeignExpression, Member, Node, ObjectNode, ScalarNode, attach, is_expression_text
from .treesitter import error_spans, ts_parser

IMAGE_TEMPLATES = b"microsoft.virtualmachineimages/imagetemplates@"
# The verified image-template module (avm/res/virtual-machine-images/image-template), lower-case.
IMAGE_TEMPLATE_MODULE = b"virtual-machine-images/image-template"
# Its references: from a registry (``br/public:``, a ``br/<alias>:`` or ``br:<registry>/...``, with the
# module version) or a local path to its source.
_MODULE_REFERENCE = re.compile(
    r"br(?:/[\w.-]+)?:(?:[^:']*/)?virtual-machine-images/image-template:(?P<version>[\w.-]+)"
    r"|(?:[^:']*/)?virtual-machine-images/image-template(?:/main\.(?:bicep|json))?/?"
    r"|(?:[^:']*/)?image-template/main\.bicep", re.I)
# A module from a local file (a relative path to a .bicep or .json file).
_LOCAL_MODULE = re.compile(r"(?!br[:/]|ts[:/])[^:'$]*\.(?:bicep|json)", re.I)
# A module declaration with such a path, in the bytes of a file.
_LOCAL_MODULE_DECLARATION = re.compile(rb"\bmodule\s+[A-Za-z_]\w*\s+'(?!br[:/]|ts[:/])[^:'$\n]*\.(?:bicep|json)'", re.I)
MAX_DEPTH = 128
# tree-sitter-bicep's error recovery is slow on garbage (200 KB of random text takes ~40 s): parsing
# is cancelled after this long, and the file reported as unreadable.
PARSE_SECONDS = 2.0
INDENT_STEP = "  "

_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_NAMES = ("identifier", "compatible_identifier", "property_identifier")


class Declared:
    """One imageTemplates resource: its body and the API version written in its type string."""

    __slots__ = ("node", "version_node", "name")

    def __init__(self, node: ObjectNode, version_node: ScalarNode, name: str):
        self.node = node
        self.version_node = version_node
        self.name = name


class ModuleCall:
    """One call of the verified image-template module: the module's value (with ``params``), the
    reference string, and the module version written in it (None for a local path). For a local path
    (``local``: the path as written) the version is settled once the file it names has been read
    (:func:`aiblint.modules.local_module`): ``mapping`` is then the known version whose mapping applies,
    ``exact`` whether the file says it is that version, ``note`` how it was told, and ``seen`` whether the
    file was read (else only its path names the module)."""

    __slots__ = ("node", "reference", "version", "name", "local", "mapping", "exact", "note", "seen")

    def __init__(self, node: ObjectNode, reference: ScalarNode, version: str | None, name: str,
                 local: str | None = None):
        self.node = node
        self.reference = reference
        self.version = version
        self.name = name
        self.local = local
        self.mapping: str | None = None
        self.exact = False
        self.note: str | None = None
        self.seen = False


class BicepRoot(ObjectNode):
    """The value tree of a Bicep file (see the module docstring)."""

    __slots__ = ("declared_templates", "module_calls", "local_modules", "arm_view", "other_resources")

    def __init__(self, span: Span, members: list[Member]):
        super().__init__(span, members)
        self.declared_templates: list[Declared] = []
        self.module_calls: list[ModuleCall] = []
        # Calls of a module from another local path: the verified module when the file it names is.
        self.local_modules: list[ModuleCall] = []
        self.arm_view = ObjectNode(span, [])
        # The file's other resource declarations in ARM shape, by symbolic name (the view's ``resources``).
        self.other_resources: list[Member] = []


def module_reference(text: str) -> tuple[bool, str | None]:
    """Whether the module path ``text`` is the verified image-template module, and its version."""
    m = _MODULE_REFERENCE.fullmatch(text.strip())
    return (m is not None, m.group("version") if m else None)


def local_module_path(text: str) -> bool:
    """Whether the module path ``text`` names a local Bicep or ARM file (not a registry or a template spec)."""
    return _LOCAL_MODULE.fullmatch(text.strip()) is not None


# --------------------------------------------------------------------------
# Strings


def decode_string(raw: str) -> str:
    """The value of a Bicep string literal without interpolation (``raw`` with its quotes)."""
    if raw.startswith("'''"):
        inner = raw[3:-3] if len(raw) >= 6 and raw.endswith("'''") else raw[3:]
        # A line break right after the opening quotes is not part of the value.
        if inner.startswith("\r\n"):
            return inner[2:]
        return inner[1:] if inner.startswith("\n") else inner
    inner = raw[1:-1] if len(raw) >= 2 and raw.endswith("'") else raw[1:]
    if "\\" not in inner:
        return inner
    return _ESCAPE.sub(_unescape, inner)


def _unescape(m: re.Match) -> str:
    body = m.group(1)
    if body.startswith("u{"):
        code = int(body[2:-1], 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)
    return _SIMPLE_ESCAPES.get(body, m.group(0))


def string_offsets(data: bytes, span: Span) -> list[int] | None:
    """For a string literal at ``span``: the byte offset where each character of its value starts,
    plus one for the end of the value. None when ``span`` does not hold a whole literal."""
    raw = data[span.start:span.end].decode("utf-8", "surrogatepass")
    offsets: list[int] = []
    if raw.startswith("'''") and len(raw) >= 6 and raw.endswith("'''"):
        pos = span.start + 3
        inner = raw[3:-3]
        skip = 2 if inner.startswith("\r\n") else 1 if inner.startswith("\n") else 0
        pos += skip
        for ch in inner[skip:]:
            offsets.append(pos)
            pos += len(ch.encode("utf-8", "surrogatepass"))
        offsets.append(pos)
        return offsets
    if len(raw) < 2 or not raw.startswith("'") or not raw.endswith("'"):
        return None
    inner = raw[1:-1]
    pos = span.start + 1
    i = 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\":
            m = _ESCAPE.match(inner, i)
            if m is not None:
                for _ in _unescape(m):
                    offsets.append(pos)
                pos += len(m.group(0).encode("utf-8", "surrogatepass"))
                i = m.end()
                continue
        offsets.append(pos)
        pos += len(ch.encode("utf-8", "surrogatepass"))
        i += 1
    offsets.append(pos)
    return offsets


def quote(text: str) -> str:
    """``text`` as a single-quoted Bicep string."""
    return "'" + escape(text) + "'"


def escape(text: str) -> str:
    """``text`` escaped for the inside of a single-quoted Bicep string."""
    out = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return out.replace("\t", "\\t").replace("${", "\\${")


# --------------------------------------------------------------------------
# Building the value tree


def _expression(ts, data: bytes) -> ForeignExpression:
    """An opaque expression: a string ``[<text>]`` that every check treats as unknown (never evaluated as ARM)."""
    raw = data[ts.start_byte:ts.end_byte].decode("utf-8", "replace")
    text = " ".join(raw.split())
    return ForeignExpression(Span(ts.start_byte, ts.end_byte), "string", "[" + (" " if text.startswith("[") else "")
                      + text + "]", raw)


class _Builder:
    def __init__(self, data: bytes):
        self.data = data
        self.params: set[str] = set()
        self.variables: set[str] = set()
        self.local: frozenset[str] = frozenset()

    def text(self, ts) -> str:
        return self.data[ts.start_byte:ts.end_byte].decode("utf-8", "replace")

    def build(self, ts_root) -> BicepRoot:
        data = self.data
        decls = [c for c in ts_root.children if c.type in ("parameter_declaration", "variable_declaration")]
        for d in decls:
            name = d.child_by_field_name("name") or _first(d, "identifier")
            if name is not None:
                (self.params if d.type == "parameter_declaration" else self.variables).add(self.text(name))
        root = BicepRoot(Span(0, len(data)), [])
        parameters: list[Member] = []
        variables: list[Member] = []
        decorators = None
        for c in ts_root.children:
            if c.type == "decorators":
                decorators = c
                continue
            if c.type == "parameter_declaration":
                member = self.parameter(c, decorators)
                if member is not None:
                    parameters.append(member)
                    root.members.append(member)
            elif c.type == "variable_declaration":
                member = self.variable(c)
                if member is not None:
                    variables.append(member)
                    root.members.append(member)
            elif c.type == "resource_declaration":
                self.resource(c, root)
            elif c.type == "module_declaration":
                self.module(c, root)
            if c.type != "comment":
                decorators = None
        for m in root.members:
            if m.value is not None:
                attach(root, m.value, m.name, m.key_span)
        view = root.arm_view
        view.members = [Member("parameters", Span(0, 0), ObjectNode(Span(0, 0), parameters), Span(0, 0)),
                        Member("variables", Span(0, 0), ObjectNode(Span(0, 0), variables), Span(0, 0)),
                        Member("resources", Span(0, 0), ObjectNode(Span(0, 0), root.other_resources), Span(0, 0))]
        for entry in root.other_resources:
            attach(view.members[2].value, entry.value, entry.name, entry.key_span)
        return root

    def parameter(self, ts, decorators) -> Member | None:
        name = _first(ts, "identifier")
        if name is None:
            return None
        members = []
        default = None
        seen_equals = False
        for c in ts.children:
            if c.type == "=":
                seen_equals = True
            elif seen_equals and c.is_named and c.type != "comment":
                default = c
                break
        if default is not None:
            members.append(self.member("defaultValue", name, default, Span(ts.start_byte, ts.end_byte)))
        allowed = _allowed(decorators) if decorators is not None else None
        if allowed is not None:
            fn, array = allowed
            members.append(self.member("allowedValues", fn, array, Span(fn.start_byte, array.end_byte)))
        start = decorators.start_byte if decorators is not None else ts.start_byte
        entry = ObjectNode(Span(start, ts.end_byte), members)
        for m in members:
            attach(entry, m.value, m.name, m.key_span)
        key = Span(name.start_byte, name.end_byte)
        return Member(self.text(name), key, entry, Span(start, ts.end_byte))

    def variable(self, ts) -> Member | None:
        name = _first(ts, "identifier")
        value = _after(ts, "=")
        if name is None or value is None:
            return None
        key = Span(name.start_byte, name.end_byte)
        return Member(self.text(name), key, self.value(value, 0), Span(ts.start_byte, ts.end_byte))

    def member(self, name: str, key_ts, value_ts, span: Span) -> Member:
        return Member(name, Span(key_ts.start_byte, key_ts.end_byte), self.value(value_ts, 0), span)

    def resource(self, ts, root: BicepRoot) -> None:
        type_node = next((c for c in ts.children if c.type == "string"), None)
        if type_node is None or any(c.type == "existing" for c in ts.children):
            return
        raw = self.data[type_node.start_byte:type_node.end_byte]
        low = raw.lower()
        at = low.find(IMAGE_TEMPLATES)
        if at != 1 or not raw.endswith(b"'") or b"${" in raw:
            self.other_resource(ts, type_node, root)
            return
        start = type_node.start_byte + at + len(IMAGE_TEMPLATES)
        end = type_node.end_byte - 1
        version = self.data[start:end].decode("utf-8", "replace")
        node = self.body(ts)
        if node is None:
            return
        label = self.declare(ts, node, root, "resource")
        root.declared_templates.append(Declared(node, ScalarNode(Span(start, end), "string", version, version), label))

    def declare(self, ts, node: ObjectNode, root: BicepRoot, unnamed: str) -> str:
        """Put the body of declaration ``ts`` into the root under its symbolic name (``unnamed`` when it has
        none); the name."""
        name = _first(ts, "identifier")
        label = self.text(name) if name is not None else unnamed
        key = Span(name.start_byte, name.end_byte) if name is not None else Span(ts.start_byte, ts.start_byte)
        root.members.append(Member(label, key, node, Span(ts.start_byte, ts.end_byte)))
        return label

    def body(self, ts) -> ObjectNode | None:
        """The object a resource declaration ``ts`` assigns (under ``if`` and ``for``), or None."""
        body, local = _body(_after(ts, "="))
        if body is None:
            return None
        self.local = local
        node = self.value(body, 0)
        self.local = frozenset()
        return node if isinstance(node, ObjectNode) else None

    def other_resource(self, ts, type_node, root: BicepRoot) -> None:
        """Another resource declaration, in ARM shape (``type``, ``apiVersion`` and its body's members),
        under its symbolic name in the ARM view's ``resources``: checks that relate a template to the
        file's other resources (a gallery image definition, a trigger) read it there."""
        raw = self.data[type_node.start_byte + 1:type_node.end_byte - 1].decode("utf-8", "replace")
        rtype, at, version = raw.partition("@")
        name = _first(ts, "identifier")
        if not at or "${" in raw or name is None:
            return
        node = self.body(ts)
        if node is None:
            return
        start = type_node.start_byte + 1
        members = [Member("type", Span(start, start), ScalarNode(Span(start, start + len(rtype.encode())),
                                                                   "string", rtype, rtype), Span(start, start)),
                   Member("apiVersion", Span(start, start), ScalarNode(Span(type_node.end_byte - 1 - len(
                       version.encode()), type_node.end_byte - 1), "string", version, version), Span(start, start))]
        resource = ObjectNode(Span(ts.start_byte, ts.end_byte), members + node.members)
        for m in resource.members:
            if m.value is not None:
                attach(resource, m.value, m.name, m.key_span)
        root.other_resources.append(Member(self.text(name), Span(name.start_byte, name.end_byte), resource,
                                           Span(ts.start_byte, ts.end_byte)))

    def module(self, ts, root: BicepRoot) -> None:
        """A call of the verified image-template module (its template is built by :mod:`aiblint.modules`)."""
        ref = next((c for c in ts.children if c.type == "string"), None)
        if ref is None or b"${" in self.data[ref.start_byte:ref.end_byte]:
            return
        raw = self.text(ref)
        if raw.startswith("'''") or len(raw) < 2 or not raw.endswith("'"):
            return
        found, version = module_reference(raw[1:-1])
        local = raw[1:-1] if local_module_path(raw[1:-1]) else None
        if not found and local is None:
            return
        node = self.body(ts)
        if node is None:
            return
        reference = ScalarNode(Span(ref.start_byte, ref.end_byte), "string", raw[1:-1], raw)
        if not found:  # another local file: the verified module only when that file is (settled later)
            name = _first(ts, "identifier")
            label = self.text(name) if name is not None else "module"
            attach(root, node, label, Span(name.start_byte, name.end_byte) if name is not None else None)
            root.local_modules.append(ModuleCall(node, reference, None, label, local))
            return
        label = self.declare(ts, node, root, "module")
        root.module_calls.append(ModuleCall(node, reference, version, label, local))

    def value(self, ts, depth: int) -> Node:
        """The value node of the tree-sitter node ``ts`` (walked with a cursor: no child lists)."""
        return self._value(ts.walk(), depth)

    def _value(self, cursor, depth: int) -> Node:
        k = _kinds()
        n = cursor.node
        kid = n.kind_id
        s = n.start_byte
        e = n.end_byte
        if depth < MAX_DEPTH and (kid == k.object or kid == k.array):
            return self._object(cursor, depth) if kid == k.object else self._array(cursor, depth)
        data = self.data
        if kid == k.string:
            raw = data[s:e]
            if (b"${" not in raw or not self._interpolated(cursor)) and not n.has_error:
                text = raw.decode("utf-8", "replace")
                value = text[1:-1] if b"\\" not in raw and not raw.startswith(b"'''") else decode_string(text)
                if b"[" in raw and is_expression_text(value):
                    # Text that reads as an ARM expression (ARM would write it "[[..."): never evaluated as one.
                    return ForeignExpression(Span(s, e), "string", value, text)
                return ScalarNode(Span(s, e), "string", value, text)
        elif kid == k.number:
            raw = data[s:e].decode("ascii", "replace")
            if raw.lstrip("-").isdigit():
                return ScalarNode(Span(s, e), "number", int(raw), raw)
        elif kid == k.boolean:
            raw = data[s:e].decode("ascii", "replace")
            return ScalarNode(Span(s, e), "boolean", raw == "true", raw)
        elif kid == k.null:
            return ScalarNode(Span(s, e), "null", None, "null")
        elif kid in k.identifiers and not n.is_missing:
            name = data[s:e].decode("utf-8", "replace")
            if name not in self.local:
                if name in self.params:
                    return ScalarNode(Span(s, e), "string", f"[parameters('{name}')]", name)
                if name in self.variables:
                    return ScalarNode(Span(s, e), "string", f"[variables('{name}')]", name)
        return _expression(n, data)

    def _interpolated(self, cursor) -> bool:
        """Whether the string under the cursor holds an interpolation (``${...}``)."""
        interpolation = _kinds().interpolation
        found = False
        if cursor.goto_first_child():
            while True:
                if cursor.node.kind_id == interpolation:
                    found = True
                    break
                if not cursor.goto_next_sibling():
                    break
            cursor.goto_parent()
        return found

    def _object(self, cursor, depth: int) -> Node:
        k = _kinds()
        n = cursor.node
        members: list[Member] = []
        if cursor.goto_first_child():
            while True:
                if cursor.node.kind_id == k.object_property:
                    # Comments, and what the grammar could not read (e.g. a spread), are skipped: a broken span.
                    member = self._member(cursor, depth)
                    if member is not None:
                        members.append(member)
                if not cursor.goto_next_sibling():
                    break
            cursor.goto_parent()
        obj = ObjectNode(Span(n.start_byte, n.end_byte), members)
        for m in members:
            if m.value is not None:
                attach(obj, m.value, m.name, m.key_span)
        return obj

    def _member(self, cursor, depth: int) -> Member | None:
        """The ``key: value`` pair under the cursor (an object_property), or None (a nested resource)."""
        k = _kinds()
        prop = cursor.node
        key = None
        value = None
        colon = False
        if cursor.goto_first_child():
            while True:
                c = cursor.node
                kid = c.kind_id
                if kid in k.comments:
                    pass
                elif key is None:
                    if kid not in k.keys or c.is_missing:
                        break
                    key = c
                    if kid == k.string:
                        raw = self.data[c.start_byte:c.end_byte].decode("utf-8", "replace")
                        interpolated = "${" in raw and self._interpolated(cursor)
                        name = _expression(c, self.data).value if interpolated or c.has_error else decode_string(raw)
                    else:
                        name = self.data[c.start_byte:c.end_byte].decode("utf-8", "replace")
                elif kid == k.colon:
                    colon = True
                elif colon and c.is_named:
                    value = self._value(cursor, depth + 1)
                    break
                if not cursor.goto_next_sibling():
                    break
            cursor.goto_parent()
        if key is None:
            return None
        return Member(name, Span(key.start_byte, key.end_byte), value, Span(prop.start_byte, prop.end_byte))

    def _array(self, cursor, depth: int) -> Node:
        k = _kinds()
        n = cursor.node
        items: list[Node] = []
        if cursor.goto_first_child():
            while True:
                c = cursor.node
                if c.is_named and c.kind_id not in k.comments and not c.is_error:
                    items.append(self._value(cursor, depth + 1))
                if not cursor.goto_next_sibling():
                    break
            cursor.goto_parent()
        arr = ArrayNode(Span(n.start_byte, n.end_byte), items)
        for i, item in enumerate(items):
            attach(arr, item, i, None)
        return arr


class _Kinds:
    """tree-sitter-bicep kind ids (an aliased node kind may have several ids)."""

    def __init__(self):
        import tree_sitter
        import tree_sitter_bicep

        lang = tree_sitter.Language(tree_sitter_bicep.language())
        ids: dict[str, set[int]] = {}
        for i in range(lang.node_kind_count):
            if lang.node_kind_is_named(i):
                ids.setdefault(lang.node_kind_for_id(i), set()).add(i)
        one = lambda name: lang.id_for_node_kind(name, True)  # noqa: E731
        self.object, self.array, self.object_property = one("object"), one("array"), one("object_property")
        self.string, self.number, self.boolean, self.null = one("string"), one("number"), one("boolean"), one("null")
        self.interpolation = one("interpolation")
        self.resource_declaration = one("resource_declaration")
        self.module_declaration = one("module_declaration")
        self.colon = lang.id_for_node_kind(":", False)
        self.identifiers = frozenset(ids["identifier"])
        self.comments = frozenset(ids["comment"] | ids["diagnostic_comment"])
        self.keys = frozenset(ids["identifier"] | ids.get("compatible_identifier", set()) | {self.string})


_KINDS: _Kinds | None = None


def _kinds() -> _Kinds:
    global _KINDS
    if _KINDS is None:
        _KINDS = _Kinds()
    return _KINDS


def _first(ts, kind: str):
    return next((c for c in ts.children if c.type == kind), None)


def _after(ts, token: str):
    """The first named child after the anonymous ``token``."""
    seen = False
    for c in ts.children:
        if seen and c.is_named and c.type not in ("comment", "diagnostic_comment"):
            return c
        if c.type == token and not c.is_named:
            seen = True
    return None


def _body(ts) -> tuple[object | None, frozenset[str]]:
    """The object of a resource value (under ``if`` and ``for``) and the loop's variable names."""
    local: set[str] = set()
    for _ in range(4):
        if ts is None:
            return None, frozenset()
        if ts.type == "object":
            return ts, frozenset(local)
        if ts.type == "if_statement":
            ts = next((c for c in ts.children if c.type == "object"), None)
        elif ts.type == "for_statement":
            init = ts.child_by_field_name("initializer")
            if init is not None:
                stack = [init]
                while stack:
                    n = stack.pop()
                    if n.type in ("identifier", "loop_variable", "loop_enumerator") and n.child_count == 0:
                        local.add(n.text.decode("utf-8", "replace"))
                    stack.extend(n.children)
            ts = ts.child_by_field_name("body")
        else:
            return None, frozenset()
    return None, frozenset()


def _allowed(decorators):
    """The ``allowed`` function name and the array of an ``@allowed([...])`` / ``@sys.allowed([...])``."""
    for d in decorators.children:
        call = _first(d, "call_expression")
        if call is None:
            continue
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "member_expression":
            fn = fn.child_by_field_name("property")
        if fn is None or fn.text != b"allowed":
            continue
        args = call.child_by_field_name("arguments")
        array = _first(args, "array") if args is not None else None
        if array is not None:
            return fn, array
    return None


# --------------------------------------------------------------------------
# Writing fixes


def _line_start(data: bytes, offset: int) -> int:
    return data.rfind(b"\n", 0, offset) + 1


def _indent_of_line(data: bytes, offset: int) -> str:
    """The leading whitespace of the line holding ``offset``."""
    start = _line_start(data, offset)
    end = start
    while end < len(data) and data[end] in b" \t":
        end += 1
    return data[start:end].decode("utf-8")


def _starts_line(data: bytes, offset: int) -> bool:
    return data[_line_start(data, offset):offset].strip() == b""


def _line_rest_end(data: bytes, offset: int) -> int | None:
    """The end of the line holding ``offset`` (before its line break) if only blanks or a ``//``
    comment follow ``offset`` there; else None."""
    end = offset
    n = len(data)
    while end < n and data[end] in b" \t":
        end += 1
    if data[end:end + 2] == b"//":
        end = data.find(b"\n", end)
        end = n if end < 0 else end
        if data[end - 1:end] == b"\r":
            end -= 1
        return end
    if end >= n or data[end] in b"\r\n":
        return offset
    return None


def _newline(data: bytes) -> str:
    return "\r\n" if b"\r\n" in data[:4096] else "\n"


def render(value, indent: str = "", newline: str = "\n") -> str:
    """A Python value as Bicep source; objects and arrays one entry per line below ``indent``."""
    if isinstance(value, str):
        return quote(value[1:] if value.startswith("[[") else value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"json('{value!r}')"
    inner = indent + INDENT_STEP
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = "".join(f"{newline}{inner}{key_text(k)}: {render(v, inner, newline)}" for k, v in value.items())
        return "{" + body + newline + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        body = "".join(f"{newline}{inner}{render(v, inner, newline)}" for v in value)
        return "[" + body + newline + indent + "]"
    return quote(str(value))


def key_text(name: str) -> str:
    """An object key: an identifier when it is one, else a quoted string."""
    return name if _IDENTIFIER.match(name) else quote(name)


def template_declarations(tree, data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each top-level imageTemplates resource declaration that is not ``existing``, and of
    each call of the verified image-template module or of a module from a local file (which may be it)."""
    out = []
    resource = _kinds().resource_declaration
    module = _kinds().module_declaration
    cursor = tree.walk()
    if not cursor.goto_first_child():
        return out
    while True:
        n = cursor.node
        if n.kind_id == resource or n.kind_id == module:
            start, end = n.start_byte, n.end_byte
            equals = data.find(b"=", start, end)
            head = data[start:equals if equals >= 0 else end].lower()
            if (IMAGE_TEMPLATES in head and b" existing" not in head) if n.kind_id == resource \
                    else IMAGE_TEMPLATE_MODULE in head or _LOCAL_MODULE_DECLARATION.match(data, start) is not None:
                out.append((start, end))
        if not cursor.goto_next_sibling():
            return out


def declares_templates(data: bytes) -> bool:
    """Whether Bicep text may declare an imageTemplates resource or call the verified image-template module
    (from the registry, or from a local file that may be that module)."""
    low = data.lower()
    return IMAGE_TEMPLATES in low or IMAGE_TEMPLATE_MODULE in low or _LOCAL_MODULE_DECLARATION.search(data) is not None


class BicepCarrier(Carrier):
    """Bicep: tree-sitter-bicep, ``//`` comments, fixes written in Bicep syntax."""

    def parse(self, data: bytes, old_tree=None):
        """The syntax tree; None for a file that declares no imageTemplates resource (nothing to check)
        or that the grammar could not read within :data:`PARSE_SECONDS`."""
        if not declares_templates(data):
            return None
        parser = ts_parser("bicep")
        deadline = time.monotonic() + PARSE_SECONDS

        def read(offset: int, _point) -> bytes:
            return data[offset:offset + 65536]

        def too_long(_offset: int, _has_error: bool) -> bool:
            return time.monotonic() > deadline

        try:
            if old_tree is not None:
                return parser.parse(read, old_tree, progress_callback=too_long)
            return parser.parse(read, progress_callback=too_long)
        except ValueError:  # cancelled: the grammar's error recovery can take minutes on garbage
            parser.reset()
            return None

    def build(self, doc):
        if doc.tree is None:
            if not declares_templates(doc.data):
                return None, []
            return None, [Problem("AIB100", f"The Bicep file could not be read within {PARSE_SECONDS:g} s (its syntax "
                                  "is too broken); nothing was checked", Span(0, 0))]
        # As for JSON: every node built lives on, so the cyclic collector would only rescan them.
        if not gc.isenabled():
            return _Builder(doc.data).build(doc.tree.root_node), []
        gc.disable()
        try:
            return _Builder(doc.data).build(doc.tree.root_node), []
        finally:
            gc.enable()

    def broken_spans(self, doc):
        if doc.tree is None:
            return [Span(0, len(doc.data))] if doc.syntax_problems else []
        return error_spans(doc.tree)

    def has_syntax_error(self, doc) -> bool:
        """Whether an imageTemplates declaration has a part the grammar could not read (errors elsewhere
        in the file are the Bicep compiler's business)."""
        if doc.tree is None:
            return bool(doc.syntax_problems)
        root = doc.tree.root_node
        if not root.has_error:
            return False
        data = doc.data
        return any((c.has_error or c.is_missing) and declares_templates(data[c.start_byte:c.end_byte])
                   for c in root.children)

    def comment_spans(self, doc):
        if doc.tree is None:
            return []
        spans: list[Span] = []
        stack = [doc.tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "comment":
                spans.append(Span(n.start_byte, n.end_byte))
            elif n.child_count and n.type not in ("string", "comment"):
                stack.extend(n.children)
        spans.sort(key=lambda s: s.start)
        return spans

    def key_text(self, name: str) -> str:
        return key_text(name)

    def value_text(self, value) -> str:
        return render(value)

    def string_offsets(self, doc, node: Node) -> list[int] | None:
        if not isinstance(node, ScalarNode) or node.kind != "string" or node.is_expression:
            return None
        return string_offsets(doc.data, node.span)

    def escape_in_string(self, doc, node, text, start, end):
        """In a single-quoted string: escapes (a ``$`` just before a ``{`` of the value too, so no
        interpolation starts there). In a multi-line string, which has no escapes: text without line
        breaks that neither closes the string early nor makes ``'''`` inside it."""
        if not isinstance(node, ScalarNode) or node.is_expression or not text.isprintable():
            return None
        value = node.value
        if node.raw.startswith("'''"):
            new = value[:start] + text + value[end:]
            return None if "'''" in new or new.endswith("'") else text
        if not node.raw.startswith("'"):
            return None
        written = escape(text)
        if written.endswith("$") and value[end:end + 1] == "{":
            written = written[:-1] + "\\$"
        if written.startswith("{") and start > 0 and value[start - 1] == "$":
            offsets = string_offsets(doc.data, node.span)
            if offsets is None or offsets[start] - offsets[start - 1] == 1:
                return None  # the "$" before it is written plain: "${" would start an interpolation
        return written

    def replace_value(self, doc, node, value):
        data = doc.data
        if isinstance(node, ScalarNode) and node.kind == "string" and not node.raw.startswith("'") \
                and not node.is_expression:
            # A part of a string (the API version in a resource type): only the characters change.
            return TextEdit(node.span, escape(str(value)))
        return TextEdit(node.span, render(value, _indent_of_line(data, node.span.start), _newline(data)))

    def insert_member(self, doc, obj, name, value, after=None):
        data = doc.data
        nl = _newline(data)
        anchor = after or (obj.members[-1] if obj.members else None)
        if anchor is None:
            indent = _indent_of_line(data, obj.span.start)
            inner = indent + INDENT_STEP
            pair = f"{key_text(name)}: {render(value, inner, nl)}"
            return TextEdit(Span(obj.span.start + 1, obj.span.end - 1), f"{nl}{inner}{pair}{nl}{indent}")
        end = anchor.value.span.end if anchor.value is not None else anchor.span.end
        if _starts_line(data, anchor.key_span.start):
            indent = _indent_of_line(data, anchor.key_span.start)
            at = _line_rest_end(data, end)
            if at is not None:
                return TextEdit(Span(at, at), f"{nl}{indent}{key_text(name)}: {render(value, indent, nl)}")
        return TextEdit(Span(end, end), f", {key_text(name)}: {render(value)}")

    def remove_member(self, doc, obj, member):
        data = doc.data
        end = member.value.span.end if member.value is not None else member.span.end
        start = member.key_span.start
        if _starts_line(data, start):
            rest = _line_rest_end(data, end)
            if rest is not None:
                line_end = rest
                if data[line_end:line_end + 2] == b"\r\n":
                    line_end += 2
                elif data[line_end:line_end + 1] == b"\n":
                    line_end += 1
                return TextEdit(Span(_line_start(data, start), line_end), "")
        # One line with commas: take the comma after the member, else the one before it.
        i = obj.members.index(member)
        after = re.compile(rb"[ \t]*,[ \t]*").match(data, end)
        if after is not None:
            return TextEdit(Span(start, after.end()), "")
        if i > 0:
            prev = obj.members[i - 1]
            prev_end = prev.value.span.end if prev.value is not None else prev.span.end
            return TextEdit(Span(prev_end, end), "")
        return TextEdit(Span(start, end), "")

    def insert_item(self, doc, after, value):
        data = doc.data
        nl = _newline(data)
        if _starts_line(data, after.span.start):
            indent = _indent_of_line(data, after.span.start)
            at = _line_rest_end(data, after.span.end)
            if at is not None:
                return TextEdit(Span(at, at), f"{nl}{indent}{render(value, indent, nl)}")
        return TextEdit(Span(after.span.end, after.span.end), ", " + render(value))


CARRIER = BicepCarrier()
