"""A staging resource group that cannot be one: the template's own group, one shared by two templates,
or one that breaks the documented requirements where the file shows them.

## What it does
Reports ``stagingResourceGroup`` when

* it names the resource group the template itself is deployed to
  (``[resourceGroup().id]`` in ARM, ``resourceGroup().id`` in Bicep, or the same
  ID built with ``concat``, ``format`` or interpolation from ``subscription()``
  and ``resourceGroup().name`` alone; or a group that a nested deployment, or in
  Bicep the ``scope`` of the verified image-template module, deploys the template to);
* two image templates in the same file give the same staging group;
* the file creates the group (``Microsoft.Resources/resourceGroups``, in a
  subscription-scope ARM template or a Bicep file with
  ``targetScope = 'subscription'``) in another region than the template's, both
  written as literals;
* the file deploys other resources into the group (a nested deployment whose
  ``resourceGroup`` is the staging group and whose template surely creates a
  resource with a location: not conditional, not ``existing``, not an extension
  resource such as a role assignment or a lock). Related information points at
  each such resource (the first five);
* its ID names a literal subscription that differs from the literal
  ``subscriptionId`` of the nested deployment that deploys the template.

The group is recognised by its literal ID, by
``resourceId``/``subscriptionResourceId('Microsoft.Resources/resourceGroups', name)``,
by ``format``/``concat`` of ``subscription().id`` (or
``'/subscriptions/'`` and ``subscription().subscriptionId``) with
``'/resourceGroups/'`` and a name, and in Bicep by ``symbol.id``. Names are
followed through variables and through the values a nested deployment passes
(never to a parameter's default, which a deployment may override); a
subscription only when it is a literal GUID.

## Why is this bad
Image Builder uses the staging group for the build VM, its disks, network and
storage, and deletes what it created there when the template is deleted. The
documentation asks that the group be in the template's subscription, and that a
group which exists be empty, in the template's region and not used by another
image template (the service tags it with the template's name and checks that
tag). The template's own group is never empty, since it holds the template; a
group shared by two templates is refused for the second one. These builds fail
at submission with ``BadStagingResourceGroup``.

The documentation also asks for the Contributor role (or Owner) for the
template's identity on an existing staging group. aiblint does not check it: the
role may come from an assignment on the subscription or a management group,
from a custom role, or from outside the file, so a missing assignment in the
file proves nothing.

## Example
```json
"stagingResourceGroup": "[resourceGroup().id]"
```
Use instead:
```json
"stagingResourceGroup": "[format('{0}/resourceGroups/{1}-staging', subscription().id, parameters('imageTemplateName'))]"
```

A group the file creates in another region:
```json
{"type": "Microsoft.Resources/resourceGroups", "name": "rg-staging", "location": "eastus"},
... "location": "westeurope", "properties": {"stagingResourceGroup":
    "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-staging')]"} ...
```
Create the group in the template's region, and deploy nothing else into it.

## Fix
None: choose a group name of its own for each template (or leave
``stagingResourceGroup`` out, and the service creates a random ``IT_…`` group).

## API versions
``stagingResourceGroup`` exists from 2022-02-14.

## Source
The property's description in the API specification (2022-02-14 and later):
"The staging resource group id in the same subscription as the image template …
If the resource group specified exists, it must be empty and in the same region
as the image template."
https://learn.microsoft.com/rest/api/imagebuilder/virtual-machine-image-templates/create-or-update ;
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json#properties-stagingresourcegroup
and the troubleshooting guide ("ensure that the staging resource group name is
uniquely specified for each image template"):
https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-troubleshoot
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from aiblint.armexpr import ExprSyntaxError, expression_text, parse
from aiblint.diagnostics import Related
from aiblint.document.nodes import ArrayNode, ForeignExpression, Node, ObjectNode, ScalarNode
from aiblint.templates import resources

from ._util import api_at_least, string_values

CODE = "AIB320"
NAME = "staging-resource-group"
SEVERITY = "error"
SUMMARY = ("stagingResourceGroup is the template's own resource group, shared by two templates, or a group "
           "the file shows in another region, subscription, or not empty")
# Other resources of the file this rule reads (see RuleInfo.cross_resource).
CROSS_RESOURCE = ("stagingresourcegroup",)

_SPACE_AND_QUOTES = re.compile(r"[\s'\"\[\]]")
# The template's own group, as ARM and Bicep write it (spaces, quotes and brackets removed, lower case).
_OWN_GROUP = re.compile(
    r"^(?:resourcegroup\(\)\.id"
    r"|concat\((?:subscription\(\)\.id|/subscriptions/,subscription\(\)\.subscriptionid),/resourcegroups/,"
    r"resourcegroup\(\)\.name\)"
    r"|format\((?:\{0\}/resourcegroups/\{1\},subscription\(\)\.id"
    r"|/subscriptions/\{0\}/resourcegroups/\{1\},subscription\(\)\.subscriptionid),resourcegroup\(\)\.name\)"
    r"|(?:\$\{subscription\(\)\.id\}|/subscriptions/\$\{subscription\(\)\.subscriptionid\})"
    r"/resourcegroups/\$\{resourcegroup\(\)\.name\})$"
)


def check(ctx):
    if not api_at_least(ctx, "2022-02-14"):
        return
    member = _staging(ctx.template)
    if member is None or member.value is None:
        return
    text = _SPACE_AND_QUOTES.sub("", ctx.text(member.value.span)).lower()
    if _OWN_GROUP.match(text):
        yield ctx.diagnostic(
            member.value,
            "stagingResourceGroup is the template's own resource group; the staging group must be empty and "
            "used by this template alone: give a group of its own, or leave it out",
        )
        return
    found = list(_requirements(ctx, member))
    if found:
        yield from found
        return
    mine = _keys(ctx, member.value)
    if not mine:
        return
    for other in ctx.templates:
        if other is ctx.template:
            return  # only templates before this one: the first use is not reported
        theirs = _staging(other)
        if theirs is None or theirs.value is None:
            continue
        if mine & _keys(ctx, theirs.value):
            yield ctx.diagnostic(
                member.value,
                "stagingResourceGroup is also the staging group of another image template in this file; "
                "each template needs a staging group of its own",
                related=(Related(theirs.value.span, "the other template's staging group"),),
            )
            return


def _staging(template):
    props = template.properties
    return props.member("stagingResourceGroup") if props is not None else None


def _keys(ctx, node) -> set[str]:
    """What a staging group value stands for: its literal IDs, else the expression as written."""
    literals = {v.value.strip().rstrip("/").lower() for v, _ in string_values(ctx, node) if v.value.strip()}
    if literals:
        return literals
    text = _SPACE_AND_QUOTES.sub("", ctx.text(node.span)).lower()
    return {text} if text else set()


# --------------------------------------------------------------------------
# A staging group this file creates (Microsoft.Resources/resourceGroups), or deploys into

_RESOURCE_GROUPS = "microsoft.resources/resourcegroups"
_DEPLOYMENTS = "microsoft.resources/deployments"
_GROUP_ID = re.compile(r"^/subscriptions/([^/]+)/resourcegroups/([^/]+)/?$", re.I)
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_SYMBOL = re.compile(r"^\[\s*([A-Za-z_]\w*)\s*\]$")
_SYMBOL_ID = re.compile(r"^\[\s*([A-Za-z_]\w*)\.id\s*\]$")
_MAX_RELATED = 5


class _Key(NamedTuple):
    """What a value names, comparable across the file: a literal (scope None) or an expression in its template."""

    scope: int | None
    tree: tuple


class _Group(NamedTuple):
    """A resource group declared in the file."""

    resource: ObjectNode
    name: _Key | None
    symbol: str | None


def _requirements(ctx, member):
    """The documented requirements on a staging group that this file shows: region, emptiness, subscription."""
    evaluator = ctx.template.arm
    root = ctx.document.root
    if evaluator is None or not isinstance(root, ObjectNode):
        return
    sub, name, symbol = _staging_group(evaluator, member.value)
    if name is None and symbol is None:
        return
    groups = [g for g in _groups(evaluator, root)
              if (symbol is not None and g.symbol == symbol) or (name is not None and g.name == name)]
    if groups:
        yield from _region(ctx, evaluator, member, groups[0])
    names = {g.name for g in groups} | {name} - {None}
    if _module_scope_is(ctx, evaluator, names, {g.symbol for g in groups if g.symbol} | {symbol} - {None}):
        yield ctx.diagnostic(member.value, _OWN_BY_DEPLOYMENT, related=(
            Related(ctx.template.module_call.node.get("scope").span, "the module deploys the template here"),))
        return
    if name is not None:
        yield from _occupied(ctx, evaluator, root, member, sub, name)
    if sub is not None:
        yield from _subscription(ctx, evaluator, member, sub)


_OWN_BY_DEPLOYMENT = (
    "stagingResourceGroup is the resource group this template is deployed to; the staging group must be "
    "empty and used by this template alone: give a group of its own, or leave it out")


def _module_scope_is(ctx, evaluator, names: set[_Key], symbols: set[str]) -> bool:
    """True when a Bicep module call deploys the template into the staging group (``scope: rg`` or
    ``scope: resourceGroup('name')``)."""
    call = ctx.template.module_call
    scope = call.node.get("scope") if call is not None and isinstance(call.node, ObjectNode) else None
    if not isinstance(scope, ScalarNode) or scope.kind != "string":
        return False
    m = _SYMBOL.match(scope.value)
    if m:
        return m.group(1) in symbols
    tree = _expression(scope)
    if tree is None or tree[0] != "call" or tree[1] != "resourcegroup" or len(tree[2]) != 1:
        return False
    return _as_key(*_follow_tree(evaluator, tree[2][0], evaluator.scope_of(scope))) in names


def _staging_group(evaluator, node) -> tuple[str | None, _Key | None, str | None]:
    """(literal subscription or None, the group's name, a Bicep symbol) of a stagingResourceGroup value."""
    if isinstance(node, ScalarNode) and node.kind == "string" and node.is_expression:
        symbol = _SYMBOL_ID.match(node.value)
        if symbol:
            return None, None, symbol.group(1)
    followed = _follow(evaluator, node)
    if followed is None:
        return None, None, None
    tree, scope = followed
    if tree[0] == "s":
        m = _GROUP_ID.match(tree[1])
        return (m.group(1), _Key(None, ("s", m.group(2).lower())), None) if m else (None, None, None)
    sub, name = _id_parts(tree)
    if name is None:
        return None, None, None
    return sub, _as_key(*_follow_tree(evaluator, name, scope)), None


def _key(evaluator, node) -> _Key | None:
    """What ``node`` stands for, comparable with other values of the file (see :func:`_follow`)."""
    followed = _follow(evaluator, node)
    return _as_key(*followed) if followed else None


def _as_key(tree, scope) -> _Key:
    if tree[0] == "s":
        return _Key(None, ("s", tree[1].lower()))
    return _Key(id(scope.template) if scope is not None else 0, _normal(tree))


def _follow(evaluator, node, depth: int = 0):
    """(expression tree, its scope) of a string value, followed through the values deployments pass and
    through variables (never to a parameter's default: it may be overridden); a literal is ("s", text)."""
    if not isinstance(node, ScalarNode) or node.kind != "string" or depth > 10:
        return None
    if not node.is_expression:
        return ("s", node.value), None
    tree = _expression(node)
    return _follow_tree(evaluator, tree, evaluator.scope_of(node), depth) if tree else None


def _expression(node):
    """The expression tree of an ARM expression string, or of a Bicep expression that reads the same in ARM
    (function calls, property access and plain string literals: no interpolation, no escapes)."""
    if isinstance(node, ForeignExpression):
        text = node.value.strip()[1:-1]
        if "${" in text or "\\" in text:
            return None
    else:
        text = expression_text(node)
    try:
        return parse(text) if text else None
    except ExprSyntaxError:
        return None


def _follow_tree(evaluator, tree, scope, depth: int = 0):
    """:func:`_follow` for an expression tree that sits in ``scope``."""
    if tree[0] == "call" and len(tree[2]) == 1 and tree[2][0][0] == "s" and scope is not None:
        target = None
        if tree[1] == "variables":
            variables = scope.template.get("variables")
            target = variables.get(tree[2][0][1]) if isinstance(variables, ObjectNode) else None
        elif tree[1] == "parameters" and scope.deployment is not None:
            props = scope.deployment.get("properties")
            passed = props.get("parameters") if isinstance(props, ObjectNode) else None
            entry = passed.get(tree[2][0][1]) if isinstance(passed, ObjectNode) else None
            target = entry.get("value") if isinstance(entry, ObjectNode) else None
        if target is not None:
            return _follow(evaluator, target, depth + 1)
    return tree, scope


def _id_parts(tree) -> tuple[str | None, tuple | None]:
    """(literal subscription or None, name tree) of an expression that builds a resource group ID."""
    if tree[0] != "call":
        return None, None
    fn, args = tree[1], tree[2]
    if fn in ("resourceid", "subscriptionresourceid") and len(args) in (2, 3):
        rtype = args[-2]
        if rtype[0] == "s" and rtype[1].lower() == _RESOURCE_GROUPS:
            sub = args[0][1] if len(args) == 3 and args[0][0] == "s" else None
            if len(args) == 3 and sub is None and _normal(args[0]) != _normal(_SUBSCRIPTION_GUID):
                return None, None  # another subscription, by an expression
            return sub, args[-1]
        return None, None
    parts: list = []
    if fn == "format" and args and args[0][0] == "s":
        for i, piece in enumerate(re.split(r"\{(\d+)\}", args[0][1])):
            if i % 2 == 0:
                parts.append(("s", piece))
            elif int(piece) + 1 < len(args):
                parts.append(args[int(piece) + 1])
            else:
                return None, None
    elif fn == "concat":
        parts = list(args)
    else:
        return None, None
    merged: list = []
    for part in parts:
        if part[0] == "s" and merged and merged[-1][0] == "s":
            merged[-1] = ("s", merged[-1][1] + part[1])
        elif part != ("s", ""):
            merged.append(part)
    if merged and merged[-1][0] == "s":  # a literal name written into the last piece of text
        last = merged.pop()[1]
        cut = last.lower().rfind("/resourcegroups/") + len("/resourcegroups/")
        if cut < len("/resourcegroups/") or not last[cut:] or "/" in last[cut:]:
            return None, None
        merged += [("s", last[:cut]), ("s", last[cut:])]
        if len(merged) > 2 and merged[-3][0] == "s":
            merged[-3:-1] = [("s", merged[-3][1] + merged[-2][1])]
    if len(merged) < 2 or merged[-2][0] != "s":
        return None, None
    prefix, name, head = merged[-2][1].lower(), merged[-1], [_normal(p) for p in merged[:-2]]
    if not head:
        m = re.match(r"^/subscriptions/([^/]+)/resourcegroups/$", prefix)
        return (m.group(1), name) if m else (None, None)
    if prefix == "/resourcegroups/" and head == [_normal(_SUBSCRIPTION_ID)]:
        return None, name
    if prefix == "/resourcegroups/" and head == [("s", "/subscriptions/"), _normal(_SUBSCRIPTION_GUID)]:
        return None, name
    return None, None


_SUBSCRIPTION_ID = ("prop", ("call", "subscription", (), "subscription"), "id")
_SUBSCRIPTION_GUID = ("prop", ("call", "subscription", (), "subscription"), "subscriptionId")


def _normal(tree):
    """An expression tree with string literals in lower case (names and IDs compare so in Azure)."""
    kind = tree[0]
    if kind == "s":
        return ("s", tree[1].lower())
    if kind == "call":
        return ("call", tree[1], tuple(_normal(a) for a in tree[2]), tree[1])
    if kind == "prop":
        return ("prop", _normal(tree[1]), tree[2].lower())
    if kind == "idx":
        return ("idx", _normal(tree[1]), _normal(tree[2]))
    return tree


def _file_resources(evaluator, root: ObjectNode) -> list[ObjectNode]:
    """:func:`_all_resources`, walked once per document (asked per template)."""
    key = ("aib320_resources", id(root))
    found = evaluator.memo.get(key)
    if found is None:
        found = evaluator.memo[key] = list(_all_resources(root))
    return found


def _all_resources(root: ObjectNode, depth: int = 0) -> Iterator[ObjectNode]:
    """Every resource of the file: top level, children, and inside nested deployments."""
    holder = root.arm_view if hasattr(root, "arm_view") else root
    if depth > 20:
        return
    for res in resources(holder):
        if not isinstance(res, ObjectNode):
            continue
        yield res
        if isinstance(res.get("resources"), (ArrayNode, ObjectNode)):
            yield from _all_resources(res, depth + 1)
        props = res.get("properties")
        inner = props.get("template") if isinstance(props, ObjectNode) else None
        if isinstance(inner, ObjectNode):
            yield from _all_resources(inner, depth + 1)


def _type(res: ObjectNode) -> str:
    node = res.get("type")
    return node.value.lower() if isinstance(node, ScalarNode) and isinstance(node.value, str) else ""


def _groups(evaluator, root) -> list[_Group]:
    found = []
    for res in _file_resources(evaluator, root):
        if _type(res) == _RESOURCE_GROUPS and not _is_existing(res):
            symbol = res.key if isinstance(res.key, str) and hasattr(root, "arm_view") else None
            found.append(_Group(res, _key(evaluator, res.get("name")), symbol))
    return found


def _is_existing(res: ObjectNode) -> bool:
    node = res.get("existing")
    return isinstance(node, ScalarNode) and node.value is True


def _region(ctx, evaluator, member, group: _Group):
    """The created group is in another region than the template."""
    where = group.resource.get("location")
    theirs = _follow(evaluator, where)
    mine = _follow(evaluator, ctx.template.node.get("location"))
    if theirs is None or mine is None or theirs[0][0] != "s" or mine[0][0] != "s":
        return
    if _region_name(theirs[0][1]) != _region_name(mine[0][1]):
        yield ctx.diagnostic(
            member.value,
            f"The staging resource group is created in this file in '{theirs[0][1]}', but the image template "
            f"is in '{mine[0][1]}'; the staging group must be in the template's region",
            related=(Related(where.span, "the staging group's location"),),
        )


def _region_name(text: str) -> str:
    return text.replace(" ", "").lower()


def _occupied(ctx, evaluator, root, member, sub: str | None, name: _Key):
    """Deployments of this file into the staging group: the template itself, or other resources.

    A deployment counts when it names the group and its subscription is the staging group's: both
    implicit (the deployment's own), or both the same literal."""
    others: list[ObjectNode] = []
    for res in _file_resources(evaluator, root):
        if _type(res) != _DEPLOYMENTS or _conditional(res) or _key(evaluator, res.get("resourceGroup")) != name:
            continue
        target = res.get("subscriptionId")
        if (target is None) != (sub is None):
            continue
        if sub is not None and _key(evaluator, target) != _Key(None, ("s", sub.lower())):
            continue
        props = res.get("properties")
        inner = props.get("template") if isinstance(props, ObjectNode) else None
        if not isinstance(inner, ObjectNode):
            continue
        if _contains(inner, ctx.template.node):
            yield ctx.diagnostic(
                member.value, _OWN_BY_DEPLOYMENT,
                related=(Related(res.get("resourceGroup").span, "the template's deployment targets this group"),),
            )
            return
        others.extend(_tracked(inner))
    if others:
        yield ctx.diagnostic(
            member.value,
            f"This file deploys {len(others)} other resource{'s' if len(others) > 1 else ''} into the staging "
            "resource group; a staging group that exists must be empty",
            related=tuple(Related(r.get("type").span, "deployed into the staging group")
                          for r in others[:_MAX_RELATED]),
        )


def _conditional(res: ObjectNode) -> bool:
    """True for a resource that may not be deployed: a condition or a copy loop that is not literally on."""
    cond = res.get("condition")
    if cond is not None and not (isinstance(cond, ScalarNode) and cond.value is True):
        return True
    copy = res.get("copy")
    if copy is not None:
        count = copy.get("count") if isinstance(copy, ObjectNode) else None
        return not (isinstance(count, ScalarNode) and count.kind == "number" and count.value >= 1)
    return False


def _contains(holder: Node, node: Node) -> bool:
    n = node
    while n is not None:
        if n is holder:
            return True
        n = n.parent
    return False


def _tracked(template: ObjectNode, depth: int = 0) -> Iterator[ObjectNode]:
    """The resources a deployment's template surely creates in its resource group: those with a location,
    not conditional, not existing, not extension resources (``scope``); nested deployments to the same
    group are followed."""
    if depth > 20:
        return
    for res in resources(template):
        if not isinstance(res, ObjectNode) or _conditional(res) or _is_existing(res) or res.get("scope") is not None:
            continue
        if _type(res) == _DEPLOYMENTS:
            props = res.get("properties")
            inner = props.get("template") if isinstance(props, ObjectNode) else None
            if isinstance(inner, ObjectNode) and res.get("resourceGroup") is None \
                    and res.get("subscriptionId") is None:
                yield from _tracked(inner, depth + 1)
        elif res.get("location") is not None and _type(res) and not _type(res).startswith("microsoft.authorization/"):
            yield res


def _subscription(ctx, evaluator, member, sub: str):
    """A literal staging subscription that differs from the literal one the template is deployed to."""
    if not _GUID.match(sub) or not sub.strip("0-"):
        return
    n = ctx.template.node.parent
    while n is not None:
        if isinstance(n, ObjectNode) and _type(n) == _DEPLOYMENTS and n.get("subscriptionId") is not None:
            target = n.get("subscriptionId")
            key = _key(evaluator, target)
            if key is None or key.scope is not None:
                return
            theirs = key.tree[1]
            if _GUID.match(theirs) and theirs.strip("0-") and theirs.lower() != sub.lower():
                yield ctx.diagnostic(
                    member.value,
                    f"stagingResourceGroup is in subscription '{sub}', but the template is deployed to "
                    f"subscription '{target.value}'; the staging group must be in the template's subscription",
                    related=(Related(target.span, "the deployment's subscription"),),
                )
            return
        n = n.parent
