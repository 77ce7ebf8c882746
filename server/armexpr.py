"""ARM template expressions, evaluated as far as they are knowable without Azure.

An ARM string ``"[...]"`` is an expression in the template-function language:
string literals in single quotes (``''`` for a quote), integers, function calls
(``createObject('a', parameters('p'))``), property access (``.name``) and index
access (``[0]``, ``['key']``). :func:`parse` reads that grammar;
:class:`Evaluator` evaluates it for one document.

Values are value nodes, so that every value keeps the span of the literal it
came from: a parameter's value *is* the node of the literal that an enclosing
deployment passes (or of its default), and a customizer put into an object by
``createObject`` is still the user's literal. What an expression builds itself
is *synthetic* (:class:`SynObject`, :class:`SynArray`, :class:`SynScalar`,
spanning the expression that built it). What cannot be known before deployment
(``resourceGroup()``, ``reference()``, ``utcNow()``, a parameter nobody passes,
a function this module does not know, a value past the limits) is
:class:`Opaque`: its text is the expression, so every check treats it as the
runtime value it is and never reports it.

Scopes follow ARM: inside a ``Microsoft.Resources/deployments`` resource with
an inline template and ``expressionEvaluationOptions.scope: inner``,
``parameters('x')`` is the value that the deployment passes in
``properties.parameters.x.value`` (itself evaluated in the outer template), else
the inner default; with the default, outer scope, the inner template's
expressions use the outer template's parameters and variables. The scope of any
node is found from where it sits in the document, at any nesting depth.

Bounds: expression nesting (:data:`MAX_DEPTH`), the number of values built
(:data:`MAX_VALUES`), string length (:data:`MAX_STRING`) and evaluation time per
document (:data:`TIME_LIMIT`); past any of them the value is opaque.

Objects built by functions leave out members whose value is null: ARM sends
such a property as absent, and the service treats it so.
"""

from __future__ import annotations

import json
import re
import time
from functools import lru_cache
from typing import Callable, Iterator

from .diagnostics import Span
from .document.nodes import ArrayNode, ForeignExpression, Member, Node, ObjectNode, ScalarNode
from .templates import resources

MAX_DEPTH = 64
MAX_VALUES = 200_000
MAX_STRING = 1_000_000
MAX_ITEMS = 10_000
TIME_LIMIT = 2.0

DEPLOYMENTS = "microsoft.resources/deployments"


# --------------------------------------------------------------------------
# Values


class Synthetic:
    """Marks a value built by an expression (not a literal of the document)."""

    __slots__ = ()


class SynObject(Synthetic, ObjectNode):
    __slots__ = ()


class SynArray(Synthetic, ArrayNode):
    __slots__ = ()


class SynScalar(Synthetic, ScalarNode):
    __slots__ = ()


class Opaque(Synthetic, ScalarNode):
    """A value known only at deployment. ``value`` is the expression text, ``raw`` says why."""

    __slots__ = ()

    @property
    def reason(self) -> str:
        return self.raw


class Lambda:
    """A ``lambda('x', ...)`` argument of filter/map/reduce."""

    __slots__ = ("names", "body", "env")

    def __init__(self, names: list[str], body, env: dict):
        self.names, self.body, self.env = names, body, env


def is_synthetic(node) -> bool:
    return isinstance(node, Synthetic)


def _built_null(node) -> bool:
    return isinstance(node, SynScalar) and node.kind == "null"


class Unknown(Exception):
    """Raised inside evaluation when a needed value is opaque; ``reason`` says why, ``origin``
    is where that value is written (None: the expression being evaluated)."""

    def __init__(self, reason: str, origin: Span | None = None):
        super().__init__(reason)
        self.reason = reason
        self.origin = origin


def _unknown(node: "Opaque") -> Unknown:
    return Unknown(node.reason, node.span)


# --------------------------------------------------------------------------
# Parsing

class ExprSyntaxError(ValueError):
    pass


_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>-?\d+)
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<punct>[(),.\[\]])
  )""", re.X)

# AST: ("s", text) | ("n", int) | ("call", lower name, args, name as written) | ("prop", target, name)
#      | ("idx", target, expr)


def _tokens(text: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprSyntaxError(f"unexpected character at {pos}: {text[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "str":
            out.append(("s", tok[1:-1].replace("''", "'")))
        elif kind == "num":
            out.append(("n", int(tok)))
        else:
            out.append((kind, tok))
    return out


@lru_cache(maxsize=4096)
def parse(text: str):
    """The AST of an expression (the text between the outer brackets)."""
    toks = _tokens(text)
    pos = 0

    def peek(k: int = 0):
        return toks[pos + k] if pos + k < len(toks) else (None, None)

    def take(kind: str, value=None):
        nonlocal pos
        tok = peek()
        if tok[0] != kind or (value is not None and tok[1] != value):
            raise ExprSyntaxError(f"expected {value or kind}")
        pos += 1
        return tok[1]

    def expr(depth: int):
        nonlocal pos
        if depth > MAX_DEPTH:
            raise ExprSyntaxError("expression nested too deeply")
        kind, value = peek()
        if kind in ("s", "n"):
            pos += 1
            node = (kind, value)
        elif kind == "name":
            pos += 1
            name = value
            # A namespaced user function: ns.fn(...)
            while peek() == ("punct", ".") and peek(1)[0] == "name" and peek(2) == ("punct", "("):
                pos += 2
                name += "." + toks[pos - 1][1]
            take("punct", "(")
            args = []
            if peek() != ("punct", ")"):
                args.append(expr(depth + 1))
                while peek() == ("punct", ","):
                    pos += 1
                    args.append(expr(depth + 1))
            take("punct", ")")
            node = ("call", name.lower(), tuple(args), name)
        else:
            raise ExprSyntaxError("expected a value")
        while True:
            tok = peek()
            if tok == ("punct", "."):
                pos += 1
                node = ("prop", node, take("name"))
            elif tok == ("punct", "["):
                pos += 1
                index = expr(depth + 1)
                take("punct", "]")
                node = ("idx", node, index)
            else:
                return node

    tree = expr(0)
    if pos != len(toks):
        raise ExprSyntaxError("unexpected text after the expression")
    return tree


def expression_text(node: Node | None) -> str | None:
    """The text inside the brackets of an ARM expression string, else None."""
    if isinstance(node, ScalarNode) and not isinstance(node, (Synthetic, ForeignExpression)) and node.is_expression:
        text = node.value.strip()
        return text[1:-1]
    return None


def referenced_names(node: Node | None) -> set[tuple[str, str]]:
    """The ``("parameters"|"variables", name)`` that an expression string names directly."""
    text = expression_text(node)
    if text is None:
        return set()
    try:
        tree = parse(text)
    except ExprSyntaxError:
        return set()
    found: set[tuple[str, str]] = set()
    stack = [tree]
    while stack:
        t = stack.pop()
        if t[0] == "call":
            if t[1] in ("parameters", "variables") and len(t[2]) == 1 and t[2][0][0] == "s":
                found.add((t[1], t[2][0][1]))
            stack.extend(t[2])
        elif t[0] in ("prop", "idx"):
            stack.append(t[1])
            if t[0] == "idx":
                stack.append(t[2])
    return found


# --------------------------------------------------------------------------
# Scopes


class Scope:
    """Where ``parameters()``/``variables()`` resolve: a template and the deployment that passes its values."""

    __slots__ = ("template", "deployment", "parent")

    def __init__(self, template: ObjectNode, deployment: ObjectNode | None, parent: "Scope | None"):
        self.template, self.deployment, self.parent = template, deployment, parent


def _str(node) -> str | None:
    return node.value if isinstance(node, ScalarNode) and node.kind == "string" else None


def _is_true(node) -> bool:
    return isinstance(node, ScalarNode) and node.kind == "boolean" and node.value is True


def _build_scopes(root: ObjectNode) -> dict[int, Scope]:
    scopes = {id(root): Scope(root, None, None)}
    stack: list[tuple[ObjectNode, Scope, int]] = [(root, scopes[id(root)], 0)]
    while stack:
        arm, scope, depth = stack.pop()
        if depth > 20:
            continue
        for res in resources(arm):
            if not isinstance(res, ObjectNode):
                continue
            if isinstance(res.get("resources"), (ArrayNode, ObjectNode)):
                stack.append((res, scope, depth + 1))
            if (_str(res.get("type")) or "").lower() != DEPLOYMENTS:
                continue
            props = res.get("properties")
            inner = props.get("template") if isinstance(props, ObjectNode) else None
            if not isinstance(inner, ObjectNode):
                continue
            options = props.get("expressionEvaluationOptions")
            mode = _str(options.get("scope")) if isinstance(options, ObjectNode) else None
            if (mode or "").lower() == "inner":
                child = Scope(inner, res, scope)
                scopes[id(inner)] = child
            else:
                scopes[id(inner)] = scope
                child = scope
            stack.append((inner, child, depth + 1))
    return scopes


# --------------------------------------------------------------------------
# The evaluator

# Functions whose value exists only at deployment, with why (for messages).
_DEPLOYMENT_ONLY = {
    "resourcegroup": "the resource group", "subscription": "the subscription", "tenant": "the tenant",
    "managementgroup": "the management group", "deployment": "the deployment", "environment": "the cloud",
    "reference": "a deployed resource", "list": "a deployed resource", "listkeys": "a deployed resource",
    "listsecrets": "a deployed resource", "utcnow": "the time of deployment", "newguid": "a new GUID",
    "uniquestring": "the deployment's IDs", "guid": "the deployment's IDs", "resourceid": "the subscription",
    "subscriptionresourceid": "the subscription", "extensionresourceid": "the subscription",
    "tenantresourceid": "the tenant", "managementgroupresourceid": "the management group",
    "pickzones": "the region's zones", "providers": "the resource providers",
}


class _Timed:
    """The context of an evaluation: its time (nested ones count once) is added to the evaluator's
    (not the checks' time between evaluations), against the limit.

    One reusable object: a generator-based context manager made a generator and a wrapper for each of
    the thousand evaluations of a large ARM file's first check.
    """

    __slots__ = ("evaluator", "depth")

    def __init__(self, evaluator: "Evaluator"):
        self.evaluator = evaluator
        self.depth = 0

    def __enter__(self) -> None:
        if not self.depth:
            self.evaluator._entered = time.monotonic()
        self.depth += 1

    def __exit__(self, *exc) -> None:
        self.depth -= 1
        if not self.depth:
            evaluator = self.evaluator
            evaluator._spent += time.monotonic() - evaluator._entered
            evaluator._entered = None


class Evaluator:
    """Evaluates the ARM expressions of one document (``root``: its value tree)."""

    def __init__(self, root: Node | None, time_limit: float = TIME_LIMIT, document: Node | None = None):
        self.root = root
        # A document whose nodes all sit in the scope of ``root`` when ``root`` is a view beside it
        # (a Bicep file's ``arm_view``).
        self.document = document
        self._scopes: dict[int, Scope] | None = None
        self._cache: dict[int, Node] = {}
        self._values: dict[int, tuple] = {}
        self._busy: set[int] = set()
        self._time_limit = time_limit
        self._spent = 0.0  # seconds spent evaluating so far
        self._entered: float | None = None  # when the evaluation under way began
        self._timing = _Timed(self)
        self._made = 0
        self._steps = 0
        self._depth = 0
        self._over: str | None = None
        self._weights: dict[int, int] = {}
        # Spans of the expressions that built synthetic values (fixes must not edit them).
        self.sites: set[Span] = set()
        # What checks derive from the whole document, derived once (e.g. the list of its resources).
        self.memo: dict = {}

    # -- scopes ------------------------------------------------------------

    def scope_of(self, node: Node | None) -> Scope | None:
        if self._scopes is None:
            self._scopes = _build_scopes(self.root) if isinstance(self.root, ObjectNode) else {}
            if self.document is not None and id(self.root) in self._scopes:
                self._scopes[id(self.document)] = self._scopes[id(self.root)]
        n = node
        while n is not None:
            found = self._scopes.get(id(n))
            if found is not None:
                return found
            n = n.parent
        return None

    # -- public entry points -------------------------------------------------

    def values(self, node: Node) -> Iterator[tuple[Node, Node]]:
        """The known values of the expression string ``node``, each with ``node`` as the use.

        A bare ``[parameters('p')]`` that no deployment passes stands for its
        default and each of its allowed values; any other expression for its one
        value. Opaque values are left out.
        """
        # Many checks ask for the values of the same expressions: the answer is kept (not once evaluation
        # has given up, when a new question gets no answer).
        found = self._values.get(id(node))
        if found is None or self._over:
            found = self._values_of(node)
            if not self._over:
                self._values[id(node)] = found
        return iter(found)

    def _values_of(self, node: Node) -> tuple[tuple[Node, Node], ...]:
        text = expression_text(node)
        if text is None:
            return ()
        try:
            tree = parse(text)
        except ExprSyntaxError:
            return ()
        if tree[0] == "call" and tree[1] == "parameters" and len(tree[2]) == 1 and tree[2][0][0] == "s":
            scope = self.scope_of(node)
            with self._timing:
                try:
                    candidates = self._parameter(scope, tree[2][0][1], all_values=True) if scope else []
                except Unknown:
                    candidates = []
        else:
            candidates = [self.evaluate(node)]
        # An expression that comes to null leaves the property out (ARM sends it as absent).
        return tuple((value, node) for value in candidates if not isinstance(value, Opaque) and not _built_null(value))

    def evaluate(self, node: Node) -> Node:
        """The value of ``node``: itself for a literal, else its expression's value (maybe opaque)."""
        with self._timing:
            return self.resolve(node)

    # -- machinery -----------------------------------------------------------

    def _tick(self) -> None:
        if self._over:
            raise Unknown(self._over)
        self._steps += 1
        if self._steps % 512 == 0 and self._entered is not None and \
                self._spent + time.monotonic() - self._entered > self._time_limit:
            self._over = "evaluating the template's expressions took too long"
            raise Unknown(self._over)

    def _made_one(self) -> None:
        self._made += 1
        if self._made > MAX_VALUES:
            self._over = "the template's expressions build too many values"
            raise Unknown(self._over)

    def resolve(self, node: Node | None) -> Node:
        """``node`` with an expression string replaced by its value (evaluated where it sits)."""
        if node is None:
            raise Unknown("a value is missing")
        if isinstance(node, Lambda):
            raise Unknown("a lambda is not a value")
        if isinstance(node, Synthetic) or not (isinstance(node, ScalarNode) and node.is_expression):
            return node
        if isinstance(node, ForeignExpression):
            return self._opaque(node.span, node.value, "aiblint does not evaluate Bicep expressions")
        key = id(node)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if key in self._busy:
            return self._opaque(node.span, node.value, "the value refers to itself")
        self._busy.add(key)
        try:
            scope = self.scope_of(node)
            text = expression_text(node)
            try:
                tree = parse(text)
                value = self.resolve(self._eval(tree, scope, {}, node.span, node.value))
            except ExprSyntaxError:
                value = self._opaque(node.span, node.value, "the expression does not parse")
            except Unknown as u:
                value = self._opaque(u.origin or node.span, node.value, u.reason)
        finally:
            self._busy.discard(key)
        if not self._over:
            self._cache[key] = value
        return value

    def _opaque(self, span: Span, text: str, reason: str) -> Opaque:
        node = Opaque(span, "string", text, reason)
        return node

    # Synthetic values.

    def scalar(self, value, span: Span) -> SynScalar:
        self._made_one()
        self.sites.add(span)
        if value is None:
            return SynScalar(span, "null", None, "null")
        if isinstance(value, bool):
            return SynScalar(span, "boolean", value, "true" if value else "false")
        if isinstance(value, (int, float)):
            return SynScalar(span, "number", value, json.dumps(value))
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise Unknown("a string built by the template is too long")
            return SynScalar(span, "string", value, json.dumps(value))
        raise Unknown("not a value")

    def _weigh(self, node: Node, children) -> None:
        """Record the size of a built value as walked as a tree (shared parts counted each time)."""
        total = 1
        for child in children:
            weight = self._weights.get(id(child))
            if weight is None:
                weight = 1 if isinstance(child, ScalarNode) else max(1, (child.span.end - child.span.start) // 16)
            total += weight
        if total > MAX_VALUES:
            raise Unknown("the template's expressions build a value that is too large")
        self._weights[id(node)] = total

    def obj(self, members: list[tuple[str, Node]], span: Span) -> SynObject:
        self._made_one()
        self.sites.add(span)
        node = SynObject(span, [])
        for name, value in members:
            if isinstance(value, ScalarNode) and value.kind == "null":
                continue
            node.members.append(Member(name, span, value, span))
            if isinstance(value, Synthetic) and value.parent is None:
                value.parent, value.key, value.key_span = node, name, span
        self._weigh(node, (m.value for m in node.members))
        return node

    def arr(self, items: list[Node], span: Span) -> SynArray:
        self._made_one()
        if len(items) > MAX_ITEMS:
            raise Unknown("an array built by the template is too long")
        self.sites.add(span)
        node = SynArray(span, list(items))
        self._weigh(node, node.items)
        return node

    def make(self, value, span: Span) -> Node:
        """A synthetic node for a Python value (from ``json()`` and the like)."""
        if isinstance(value, dict):
            return self.obj([(k, self.make(v, span)) for k, v in value.items()], span)
        if isinstance(value, list):
            return self.arr([self.make(v, span) for v in value], span)
        return self.scalar(value, span)

    def py(self, node: Node, depth: int = 0):
        """The plain Python value of ``node`` (raises :class:`Unknown` when any part is opaque)."""
        if depth > MAX_DEPTH:
            raise Unknown("a value is nested too deeply")
        self._tick()
        node = self.resolve(node)
        if isinstance(node, Opaque):
            raise _unknown(node)
        if isinstance(node, ObjectNode):
            return {m.name: self.py(m.value, depth + 1) for m in node.members if m.value is not None}
        if isinstance(node, ArrayNode):
            return [self.py(i, depth + 1) for i in node.items]
        if node.kind == "invalid":
            raise Unknown("an invalid value")
        return node.value

    # Evaluation.

    def _eval(self, tree, scope: Scope | None, env: dict, span: Span, text: str) -> Node:
        self._tick()
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Unknown("the expression is nested too deeply")
            kind = tree[0]
            if kind == "s" or kind == "n":
                return self.scalar(tree[1], span)
            if kind == "prop":
                target = self.resolve(self._eval(tree[1], scope, env, span, text))
                return self._member(target, tree[2], strict=True)
            if kind == "idx":
                target = self.resolve(self._eval(tree[1], scope, env, span, text))
                index = self.py(self._eval(tree[2], scope, env, span, text))
                return self._index(target, index)
            return self._call(tree, scope, env, span, text)
        finally:
            self._depth -= 1

    def _member(self, target: Node, name: str, strict: bool) -> Node:
        if isinstance(target, Opaque):
            raise _unknown(target)
        if not isinstance(target, ObjectNode):
            if strict:
                raise Unknown(f"'.{name}' of a value that is not an object")
            return self.scalar(None, target.span)
        member = target.get_ci(name)
        if member is None or member.value is None:
            if strict:
                raise Unknown(f"the object has no property '{name}'")
            return self.scalar(None, target.span)
        return self.resolve(member.value)

    def _index(self, target: Node, index) -> Node:
        if isinstance(target, Opaque):
            raise _unknown(target)
        if isinstance(target, ArrayNode) and isinstance(index, int) and not isinstance(index, bool):
            if not 0 <= index < len(target.items):
                raise Unknown("an index outside the array")
            return self.resolve(target.items[index])
        if isinstance(target, ObjectNode) and isinstance(index, str):
            return self._member(target, index, strict=True)
        raise Unknown("an index of the wrong kind")

    def _call(self, tree, scope, env, span, text) -> Node:
        key, args, name = tree[1], tree[2], tree[3]

        def arg(i: int) -> Node:
            # An argument that cannot be known is an opaque value: the call may not need it.
            try:
                return self.resolve(self._eval(args[i], scope, env, span, text))
            except Unknown as u:
                return self._opaque(u.origin or span, text, u.reason)

        special = _SPECIAL.get(key)
        if special is not None:
            try:
                return special(self, args, arg, scope, env, span, text)
            except Unknown:
                raise
            except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, OverflowError,
                    AttributeError):
                raise Unknown(f"{name}() could not be evaluated") from None
        fn = _FUNCTIONS.get(key)
        if fn is None:
            what = _DEPLOYMENT_ONLY.get(key)
            if what:
                raise Unknown(f"{name}() depends on {what}, known only at deployment")
            raise Unknown(f"the function {name}() is not evaluated by aiblint")
        values = [arg(i) for i in range(len(args))]
        try:
            return fn(self, values, span)
        except Unknown:
            raise
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, OverflowError, AttributeError):
            raise Unknown(f"{name}() could not be evaluated") from None

    # Parameters and variables.

    def _parameter(self, scope: Scope, name: str, all_values: bool = False) -> list[Node]:
        """The value(s) of parameter ``name`` in ``scope``: the passed one, else the default (+ allowed values)."""
        deployment = scope.deployment
        if deployment is not None:
            props = deployment.get("properties")
            passed = props.get("parameters") if isinstance(props, ObjectNode) else None
            entry = None
            if isinstance(passed, ObjectNode):
                member = passed.get_ci(name)
                entry = member.value if member is not None else None
            if entry is not None:
                return self._passed(entry, name, all_values)
            if isinstance(props, ObjectNode) and props.get("parametersLink") is not None:
                return [self._opaque(deployment.span, "[parameters()]",
                                     f"parameter '{name}' comes from a linked parameter file")]
        params = scope.template.get("parameters")
        member = params.get_ci(name) if isinstance(params, ObjectNode) else None
        decl = member.value if member is not None else None
        if not isinstance(decl, ObjectNode):
            raise Unknown(f"the parameter '{name}' is not declared")
        out: list[Node] = []
        default = decl.get("defaultValue")
        if default is not None:
            out.append(self.resolve(default))
        allowed = decl.get("allowedValues")
        if all_values and isinstance(allowed, ArrayNode):
            out.extend(self.resolve(item) for item in allowed.items
                       if not (isinstance(item, ScalarNode) and item.is_expression))
        if not out and _is_true(decl.get("nullable")):
            out.append(self.scalar(None, decl.span))  # an optional parameter left out is null
        if not out and scope.deployment is None:
            raise Unknown(f"the parameter '{name}' has no default value; it is given at deployment")
        if not out:
            raise Unknown(f"the parameter '{name}' has no default value and no value is passed to it")
        return out

    def _passed(self, entry: Node, name: str, all_values: bool) -> list[Node]:
        """What a deployment passes for a parameter: ``{"value": ...}`` (or an expression making one)."""
        if isinstance(entry, ScalarNode) and entry.is_expression:
            entry = self.resolve(entry)
        if isinstance(entry, Opaque):
            return [entry]
        if not isinstance(entry, ObjectNode):
            raise Unknown(f"the value passed to the parameter '{name}' is not of the form {{\"value\": ...}}")
        value = entry.get("value")
        if value is None:
            if entry.get("reference") is not None:
                return [self._opaque(entry.span, "[reference()]",
                                     f"the parameter '{name}' is read from a key vault at deployment")]
            raise Unknown(f"no value is passed to the parameter '{name}'")
        text = expression_text(value)
        if all_values and text is not None:
            try:
                tree = parse(text)
            except ExprSyntaxError:
                tree = None
            if tree and tree[0] == "call" and tree[1] == "parameters" and len(tree[2]) == 1 and tree[2][0][0] == "s":
                outer = self.scope_of(value)
                if outer is not None:
                    try:
                        return self._parameter(outer, tree[2][0][1], all_values=True)
                    except Unknown as u:
                        return [self._opaque(u.origin or value.span, value.value, u.reason)]
        return [self.resolve(value)]

    def _variable(self, scope: Scope, name: str, span: Span) -> Node:
        variables = scope.template.get("variables")
        if not isinstance(variables, ObjectNode):
            raise Unknown(f"the variable '{name}' is not declared")
        member = variables.get_ci(name)
        if member is not None and member.value is not None and member.name.lower() != "copy":
            return self.resolve(member.value)
        loops = variables.get("copy")
        if isinstance(loops, ArrayNode):
            for loop in loops.items:
                if isinstance(loop, ObjectNode) and (_str(loop.get("name")) or "").lower() == name.lower():
                    return self._copy_variable(loop, name, scope, span)
        raise Unknown(f"the variable '{name}' is not declared")

    def _copy_variable(self, loop: ObjectNode, name: str, scope: Scope, span: Span) -> Node:
        count = self.py(loop.get("count"))
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 800:
            raise Unknown(f"the count of the copy variable '{name}' is not a number from 0 to 800")
        body = loop.get("input")
        if body is None:
            raise Unknown(f"the copy variable '{name}' has no input")
        items = [self._materialize(body, scope, {"copy:" + name.lower(): i, "copy:": i}, span)
                 for i in range(count)]
        return self.arr(items, span)

    def _materialize(self, node: Node, scope: Scope | None, env: dict, span: Span) -> Node:
        """``node`` with every expression inside evaluated under ``env`` (copy loops)."""
        text = expression_text(node)
        if text is not None:
            try:
                return self.resolve(self._eval(parse(text), scope, env, node.span, node.value))
            except ExprSyntaxError:
                return self._opaque(node.span, node.value, "the expression does not parse")
            except Unknown as u:
                return self._opaque(u.origin or node.span, node.value, u.reason)
        if isinstance(node, ObjectNode) and not isinstance(node, Synthetic):
            return self.obj([(m.name, self._materialize(m.value, scope, env, span))
                             for m in node.members if m.value is not None], node.span)
        if isinstance(node, ArrayNode) and not isinstance(node, Synthetic):
            return self.arr([self._materialize(i, scope, env, span) for i in node.items], node.span)
        return node

    def copy_items(self, loop: ObjectNode) -> list[Node]:
        """The items that a property copy loop (``{"name", "count", "input"}``) makes (opaque ones included)."""
        with self._timing:
            return self._copy_items(loop)

    def _copy_items(self, loop: ObjectNode) -> list[Node]:
        name = _str(loop.get("name")) or ""
        try:
            count = self.py(loop.get("count"))
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 800:
                return []
            body = loop.get("input")
            if body is None:
                return []
            scope = self.scope_of(loop)
            return [self._materialize(body, scope, {"copy:" + name.lower(): i, "copy:": i}, loop.span)
                    for i in range(count)]
        except Unknown:
            return []

    def apply(self, fn: Lambda, args: list[Node], span: Span, text: str) -> Node:
        env = dict(fn.env)
        for name, value in zip(fn.names, args):
            env["lambda:" + name] = value
        return self.resolve(self._eval(fn.body, fn.env.get("scope:"), env, span, text))


# --------------------------------------------------------------------------
# Functions whose arguments are evaluated lazily or that need the scope


def _f_parameters(ev, args, arg, scope, env, span, text):
    name = ev.py(arg(0))
    if scope is None:
        raise Unknown("the expression is not inside a deployment template")
    return ev._parameter(scope, name)[0]


def _f_variables(ev, args, arg, scope, env, span, text):
    name = ev.py(arg(0))
    if scope is None:
        raise Unknown("the expression is not inside a deployment template")
    return ev._variable(scope, name, span)


def _f_if(ev, args, arg, scope, env, span, text):
    cond = ev.py(arg(0))
    if not isinstance(cond, bool):
        raise Unknown("if() needs a boolean condition")
    return arg(1) if cond else arg(2)


def _f_coalesce(ev, args, arg, scope, env, span, text):
    for i in range(len(args)):
        value = arg(i)
        if isinstance(value, Opaque):
            raise _unknown(value)
        if not (isinstance(value, ScalarNode) and value.kind == "null"):
            return value
    return ev.scalar(None, span)


def _f_lambda(ev, args, arg, scope, env, span, text):
    names = [ev.py(arg(i)) for i in range(len(args) - 1)]
    captured = dict(env)
    captured["scope:"] = scope
    return Lambda(names, args[-1], captured)


def _f_lambda_variables(ev, args, arg, scope, env, span, text):
    name = ev.py(arg(0))
    if "lambda:" + name not in env:
        raise Unknown(f"lambdaVariables('{name}') outside its lambda")
    return env["lambda:" + name]


def _f_copy_index(ev, args, arg, scope, env, span, text):
    values = [ev.py(arg(i)) for i in range(len(args))]
    name = next((v for v in values if isinstance(v, str)), "")
    offset = next((v for v in values if isinstance(v, int) and not isinstance(v, bool)), 0)
    key = "copy:" + name.lower()
    if key not in env:
        raise Unknown("copyIndex() of a copy loop known only at deployment")
    return ev.scalar(env[key] + offset, span)


def _lambda_arg(ev, value) -> Lambda:
    if not isinstance(value, Lambda):
        raise Unknown("a lambda was expected")
    return value


def _array_arg(ev, value) -> ArrayNode:
    if isinstance(value, Opaque):
        raise _unknown(value)
    if not isinstance(value, ArrayNode):
        raise Unknown("an array was expected")
    return value


def _f_filter(ev, args, arg, scope, env, span, text):
    array, fn = _array_arg(ev, arg(0)), _lambda_arg(ev, ev._eval(args[1], scope, env, span, text))
    out = []
    for i, item in enumerate(array.items):
        keep = ev.py(ev.apply(fn, [ev.resolve(item), ev.scalar(i, span)], span, text))
        if not isinstance(keep, bool):
            raise Unknown("filter() needs a boolean predicate")
        if keep:
            out.append(ev.resolve(item))
    return ev.arr(out, span)


def _f_map(ev, args, arg, scope, env, span, text):
    array, fn = _array_arg(ev, arg(0)), _lambda_arg(ev, ev._eval(args[1], scope, env, span, text))
    return ev.arr([ev.apply(fn, [ev.resolve(item), ev.scalar(i, span)], span, text)
                   for i, item in enumerate(array.items)], span)


def _f_reduce(ev, args, arg, scope, env, span, text):
    array, acc = _array_arg(ev, arg(0)), arg(1)
    fn = _lambda_arg(ev, ev._eval(args[2], scope, env, span, text))
    for i, item in enumerate(array.items):
        acc = ev.apply(fn, [acc, ev.resolve(item), ev.scalar(i, span)], span, text)
    return acc


_SPECIAL: dict[str, Callable] = {
    "parameters": _f_parameters, "variables": _f_variables, "if": _f_if, "coalesce": _f_coalesce,
    "lambda": _f_lambda, "lambdavariables": _f_lambda_variables, "copyindex": _f_copy_index,
    "filter": _f_filter, "map": _f_map, "reduce": _f_reduce,
}


# --------------------------------------------------------------------------
# Functions of evaluated arguments: fn(evaluator, args, span) -> node


def _kind(node: Node) -> str:
    if isinstance(node, Opaque):
        raise _unknown(node)
    if isinstance(node, (ObjectNode, ArrayNode)):
        return node.kind
    if isinstance(node, Lambda):
        raise Unknown("a lambda is not a value")
    return node.kind


def _net_text(value) -> str:
    """A value as .NET writes it in format()/concat()/string()."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:,\s*(-?\d+))?(?::([^{}]*))?\}|[{}]")


def _format_number(value, spec: str) -> str:
    if not spec:
        return _net_text(value)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str):
            return value  # .NET ignores a format for strings
        raise Unknown("a number format for a value that is not an integer")
    letter, digits = spec[0].upper(), spec[1:]
    if digits and not digits.isdigit():
        raise Unknown(f"the format '{spec}' is not evaluated")
    width = int(digits) if digits else None
    if letter == "D":
        text = str(abs(value)).rjust(width or 0, "0")
        return ("-" if value < 0 else "") + text
    if letter == "X":
        text = format(value, "X" if spec[0] == "X" else "x").rjust(width or 0, "0")
        return text
    if letter == "N":
        text = f"{value:,.{width if width is not None else 2}f}"
        return text
    raise Unknown(f"the format '{spec}' is not evaluated")


def _fn_format(ev, args, span):
    template = ev.py(args[0])
    values = [ev.py(a) for a in args[1:]]
    if not isinstance(template, str):
        raise Unknown("format() needs a string")

    def item(m: re.Match) -> str:
        whole = m.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        if m.group(1) is None:
            raise ValueError("a lone brace")
        index = int(m.group(1))
        if index >= len(values):
            raise IndexError(index)
        value = values[index]
        if isinstance(value, (dict, list)):
            raise Unknown("format() of an object or array")
        text = _format_number(value, m.group(3) or "")
        if m.group(2):
            width = int(m.group(2))
            text = text.rjust(width) if width > 0 else text.ljust(-width)
        return text

    return ev.scalar(_FORMAT_ITEM.sub(item, template), span)


def _fn_create_object(ev, args, span):
    if len(args) % 2:
        raise Unknown("createObject() needs pairs of keys and values")
    members = []
    for i in range(0, len(args), 2):
        key = ev.py(args[i])
        if not isinstance(key, str):
            raise Unknown("an object key that is not a string")
        if isinstance(args[i + 1], Lambda):
            raise Unknown("a lambda is not a value")
        members.append((key, args[i + 1]))
    return ev.obj(members, span)


def _fn_create_array(ev, args, span):
    for a in args:
        if isinstance(a, Lambda):
            raise Unknown("a lambda is not a value")
    return ev.arr(list(args), span)


def _merge(ev, first: ObjectNode, second: ObjectNode, deep: bool, span: Span) -> ObjectNode:
    members: dict[str, tuple[str, Node]] = {}
    for obj in (first, second):
        for m in obj.members:
            if m.value is None:
                continue
            value = ev.resolve(m.value)
            key = m.name.lower()
            old = members.get(key)
            if deep and old is not None and isinstance(old[1], ObjectNode) and isinstance(value, ObjectNode):
                value = _merge(ev, old[1], value, True, span)
            members[key] = (old[0] if old else m.name, value)
    return ev.obj(list(members.values()), span)


def _fn_union(ev, args, span):
    kinds = {_kind(a) for a in args}
    if kinds == {"object"}:
        out = args[0]
        for a in args[1:]:
            out = _merge(ev, out, a, True, span)
        if len(args) == 1:
            out = _merge(ev, args[0], ev.obj([], span), True, span)
        return out
    if kinds == {"array"}:
        items: list[Node] = []
        seen: list = []
        for a in args:
            for item in a.items:
                item = ev.resolve(item)
                try:
                    key = json.dumps(ev.py(item), sort_keys=True)
                except Unknown:
                    items.append(item)
                    continue
                if key not in seen:
                    seen.append(key)
                    items.append(item)
        return ev.arr(items, span)
    raise Unknown("union() of values that are not all objects or all arrays")


def _fn_shallow_merge(ev, args, span):
    array = _array_arg(ev, args[0])
    out = ev.obj([], span)
    for item in array.items:
        item = ev.resolve(item)
        if isinstance(item, ScalarNode) and item.kind == "null":
            continue
        if _kind(item) != "object":
            raise Unknown("shallowMerge() of a value that is not an object")
        out = _merge(ev, out, item, False, span)
    return out


def _fn_intersection(ev, args, span):
    kinds = {_kind(a) for a in args}
    if kinds == {"object"}:
        rest = [ev.py(a) for a in args[1:]]
        first = ev.py(args[0])
        keep = [m for m in args[0].members if m.value is not None and all(
            m.name in r and r[m.name] == first[m.name] for r in rest)]
        return ev.obj([(m.name, ev.resolve(m.value)) for m in keep], span)
    if kinds == {"array"}:
        rest = [[json.dumps(v, sort_keys=True) for v in ev.py(a)] for a in args[1:]]
        out, seen = [], set()
        for item in args[0].items:
            key = json.dumps(ev.py(item), sort_keys=True)
            if key not in seen and all(key in r for r in rest):
                seen.add(key)
                out.append(ev.resolve(item))
        return ev.arr(out, span)
    raise Unknown("intersection() of values that are not all objects or all arrays")


def _fn_concat(ev, args, span):
    if args and all(_kind(a) == "array" for a in args):
        items: list[Node] = []
        for a in args:
            items.extend(ev.resolve(i) for i in a.items)
        return ev.arr(items, span)
    parts = []
    for a in args:
        value = ev.py(a)
        if isinstance(value, (dict, list)):
            raise Unknown("concat() of strings and arrays mixed")
        parts.append(_net_text(value))
    return ev.scalar("".join(parts), span)


def _fn_empty(ev, args, span):
    node = args[0]
    kind = _kind(node)
    if kind == "null":
        return ev.scalar(True, span)
    if kind == "object":
        return ev.scalar(not any(m.value is not None for m in node.members), span)
    if kind == "array":
        return ev.scalar(not node.items, span)
    if kind == "string":
        return ev.scalar(node.value == "", span)
    raise Unknown("empty() of a number or boolean")


def _fn_length(ev, args, span):
    node = args[0]
    kind = _kind(node)
    if kind == "object":
        return ev.scalar(len({m.name for m in node.members}), span)
    if kind == "array":
        return ev.scalar(len(node.items), span)
    if kind == "string":
        return ev.scalar(len(node.value), span)
    raise Unknown("length() of a value without a length")


def _fn_contains(ev, args, span):
    container, item = args
    kind = _kind(container)
    if kind == "object":
        key = ev.py(item)
        return ev.scalar(isinstance(key, str) and container.get_ci(key) is not None, span)
    if kind == "array":
        wanted = ev.py(item)
        return ev.scalar(any(ev.py(i) == wanted for i in container.items), span)
    if kind == "string":
        return ev.scalar(_net_text(ev.py(item)) in container.value, span)
    raise Unknown("contains() of a value that holds nothing")


def _fn_string(ev, args, span):
    value = ev.py(args[0])
    return ev.scalar(value if isinstance(value, str) else _net_text(value), span)


def _fn_int(ev, args, span):
    value = ev.py(args[0])
    if isinstance(value, bool):
        raise Unknown("int() of a boolean")
    return ev.scalar(int(value.strip()) if isinstance(value, str) else int(value), span)


def _fn_bool(ev, args, span):
    value = ev.py(args[0])
    if isinstance(value, bool):
        return ev.scalar(value, span)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return ev.scalar(value.strip().lower() == "true", span)
    if isinstance(value, int):
        return ev.scalar(value != 0, span)
    raise Unknown("bool() of a value that is not true or false")


def _fn_json(ev, args, span):
    text = ev.py(args[0])
    if not isinstance(text, str):
        raise Unknown("json() needs a string")
    if len(text) > MAX_STRING:
        raise Unknown("json() of a string that is too long")
    return ev.make(json.loads(text), span)


def _string_fn(fn):
    def call(ev, args, span):
        values = [ev.py(a) for a in args]
        if not isinstance(values[0], str):
            raise Unknown("a string was expected")
        return ev.make(fn(*values), span)
    return call


def _split(text: str, delimiters) -> list[str]:
    if isinstance(delimiters, str):
        delimiters = [delimiters]
    if not all(isinstance(d, str) and d for d in delimiters):
        raise Unknown("split() needs non-empty string delimiters")
    return re.split("|".join(re.escape(d) for d in delimiters), text)


def _replace(text: str, old, new) -> str:
    if not isinstance(old, str) or not old or not isinstance(new, str):
        raise Unknown("replace() needs a non-empty string to replace")
    return text.replace(old, new)


def _substring(text: str, start: int = 0, length: int | None = None) -> str:
    end = len(text) if length is None else start + length
    if start < 0 or end > len(text) or end < start:
        raise Unknown("substring() outside the string")
    return text[start:end]


def _pad_left(text, width: int, char: str = " ") -> str:
    return text.rjust(width, char[:1] or " ")


def _fn_first_last(last: bool):
    def call(ev, args, span):
        node = args[0]
        kind = _kind(node)
        if kind == "array":
            if not node.items:
                raise Unknown("first()/last() of an empty array")
            return ev.resolve(node.items[-1 if last else 0])
        if kind == "string":
            return ev.scalar(node.value[-1:] if last else node.value[:1], span)
        raise Unknown("first()/last() of a value that is not an array or string")
    return call


def _fn_skip_take(take: bool):
    def call(ev, args, span):
        node, count = args[0], ev.py(args[1])
        if not isinstance(count, int) or isinstance(count, bool):
            raise Unknown("skip()/take() need a number")
        count = max(count, 0)
        if _kind(node) == "array":
            items = node.items[:count] if take else node.items[count:]
            return ev.arr([ev.resolve(i) for i in items], span)
        if _kind(node) == "string":
            return ev.scalar(node.value[:count] if take else node.value[count:], span)
        raise Unknown("skip()/take() of a value that is not an array or string")
    return call


def _fn_try_get(ev, args, span):
    node = args[0]
    for key in args[1:]:
        k = ev.py(key)
        if isinstance(node, Opaque):
            raise _unknown(node)
        if isinstance(node, ObjectNode) and isinstance(k, str):
            member = node.get_ci(k)
            node = ev.resolve(member.value) if member is not None and member.value is not None else None
        elif isinstance(node, ArrayNode) and isinstance(k, int) and 0 <= k < len(node.items):
            node = ev.resolve(node.items[k])
        else:
            node = None
        if node is None:
            return ev.scalar(None, span)
    return node


def _fn_items(ev, args, span):
    node = args[0]
    if _kind(node) != "object":
        raise Unknown("items() of a value that is not an object")
    members = {m.name: m.value for m in node.members if m.value is not None}
    return ev.arr([ev.obj([("key", ev.scalar(k, span)), ("value", ev.resolve(members[k]))], span)
                   for k in sorted(members, key=str.lower)], span)


def _compare(op):
    def call(ev, args, span):
        a, b = ev.py(args[0]), ev.py(args[1])
        if type(a) is not type(b) or not isinstance(a, (int, str)) or isinstance(a, bool):
            raise Unknown("a comparison of values of different kinds")
        return ev.scalar(op(a, b), span)
    return call


def _logic(fn):
    def call(ev, args, span):
        values = [ev.py(a) for a in args]
        if not all(isinstance(v, bool) for v in values):
            raise Unknown("a logical function of a value that is not a boolean")
        return ev.scalar(fn(values), span)
    return call


def _int_args(fn):
    def call(ev, args, span):
        values = [ev.py(a) for a in args]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise Unknown("arithmetic on a value that is not an integer")
        return ev.scalar(fn(*values), span)
    return call


def _div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _mod(a: int, b: int) -> int:
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


def _fn_range(ev, args, span):
    start, count = ev.py(args[0]), ev.py(args[1])
    if not (isinstance(start, int) and isinstance(count, int)) or not 0 <= count <= MAX_ITEMS:
        raise Unknown("range() of a count that is not a number up to 10000")
    return ev.arr([ev.scalar(start + i, span) for i in range(count)], span)


def _fn_equals(ev, args, span):
    return ev.scalar(ev.py(args[0]) == ev.py(args[1]), span)


def _fn_min_max(pick):
    def call(ev, args, span):
        values = [ev.py(a) for a in args]
        if len(values) == 1 and isinstance(values[0], list):
            values = values[0]
        if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise Unknown("min()/max() of values that are not integers")
        return ev.scalar(pick(values), span)
    return call


def _fn_join(ev, args, span):
    items, sep = ev.py(args[0]), ev.py(args[1])
    if not isinstance(items, list) or not isinstance(sep, str) or any(isinstance(i, (dict, list)) for i in items):
        raise Unknown("join() needs an array of strings and a separator")
    return ev.scalar(sep.join(_net_text(i) for i in items), span)


def _fn_array(ev, args, span):
    node = args[0]
    return node if _kind(node) == "array" else ev.arr([node], span)


def _fn_object_keys(ev, args, span):
    node = args[0]
    if _kind(node) != "object":
        raise Unknown("objectKeys() of a value that is not an object")
    return ev.arr([ev.scalar(m.name, span) for m in node.members if m.value is not None], span)


_FUNCTIONS: dict[str, Callable] = {
    "createobject": _fn_create_object, "createarray": _fn_create_array, "union": _fn_union,
    "shallowmerge": _fn_shallow_merge, "intersection": _fn_intersection, "concat": _fn_concat,
    "format": _fn_format, "empty": _fn_empty, "length": _fn_length, "contains": _fn_contains,
    "string": _fn_string, "int": _fn_int, "bool": _fn_bool, "json": _fn_json,
    "tolower": _string_fn(str.lower), "toupper": _string_fn(str.upper), "trim": _string_fn(str.strip),
    "replace": _string_fn(_replace), "split": _string_fn(_split), "substring": _string_fn(_substring),
    "padleft": _string_fn(_pad_left),
    "startswith": _string_fn(lambda s, p: s.lower().startswith(str(p).lower())),
    "endswith": _string_fn(lambda s, p: s.lower().endswith(str(p).lower())),
    "indexof": _string_fn(lambda s, p: s.lower().find(str(p).lower())),
    "lastindexof": _string_fn(lambda s, p: s.lower().rfind(str(p).lower())),
    "first": _fn_first_last(False), "last": _fn_first_last(True),
    "skip": _fn_skip_take(False), "take": _fn_skip_take(True),
    "tryget": _fn_try_get, "items": _fn_items, "objectkeys": _fn_object_keys,
    "equals": _fn_equals, "less": _compare(lambda a, b: a < b), "lessorequals": _compare(lambda a, b: a <= b),
    "greater": _compare(lambda a, b: a > b), "greaterorequals": _compare(lambda a, b: a >= b),
    "not": _logic(lambda v: not v[0]), "and": _logic(all), "or": _logic(any),
    "true": lambda ev, args, span: ev.scalar(True, span), "false": lambda ev, args, span: ev.scalar(False, span),
    "null": lambda ev, args, span: ev.scalar(None, span),
    "add": _int_args(lambda a, b: a + b), "sub": _int_args(lambda a, b: a - b),
    "mul": _int_args(lambda a, b: a * b), "div": _int_args(_div), "mod": _int_args(_mod),
    "min": _fn_min_max(min), "max": _fn_min_max(max), "range": _fn_range, "join": _fn_join, "array": _fn_array,
}
