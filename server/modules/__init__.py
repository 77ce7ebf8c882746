"""The verified image-template module (avm/res/virtual-machine-images/image-template) as data.

``image_template.json`` holds, per known module version, where each module
parameter ends up in the image template that the module creates (``same``: the
passed value is that property; ``built``: the module builds the property from
it). It is derived from the compiled module itself by
``tools/gen_module_map.py`` (which a test keeps current), so it says what the
published module does, not what its documentation says.

A compiled call (a nested deployment with the module's template inline) needs no
mapping: the evaluator runs the module. :func:`identify` names the module
version of such a call; :func:`nearest` gives the mapping for a module reference
(``br/public:...:<version>``) for carriers that only see the call, and
:func:`module_template` builds, for a Bicep module call, the template the module
creates from the user's params.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..armexpr import Opaque, SynObject
from ..diagnostics import Span
from ..document.nodes import Member, Node, ObjectNode, ScalarNode, attach


class Version(NamedTuple):
    label: str  # the known version whose mapping applies, e.g. "0.6"
    exact: bool  # False when the nearest known version was taken
    map: dict  # parameter -> [{"to": path, "how": "same"|"built"}]


@lru_cache(maxsize=1)
def data() -> dict:
    return json.loads((Path(__file__).parent / "image_template.json").read_text(encoding="utf-8"))


def _key(label: str) -> tuple[int, ...]:
    parts = []
    for piece in label.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def nearest(version: str) -> Version:
    """The mapping for module version ``version`` (e.g. ``0.6.1``): the newest known version (major.minor)
    not after it, else the oldest known one; ``exact`` tells whether its major.minor is known."""
    known = sorted(data()["versions"], key=_key)
    wanted = _key(version)[:2]
    chosen = known[0]
    for label in known:
        if _key(label) <= wanted:
            chosen = label
    return Version(chosen, _key(chosen) == wanted, data()["versions"][chosen]["map"])


def identify(template: ObjectNode | None) -> str | None:
    """The known module version whose compiled template ``template`` is (by its build hash), else None."""
    if not isinstance(template, ObjectNode):
        return None
    meta = template.get("metadata")
    generator = meta.get("_generator") if isinstance(meta, ObjectNode) else None
    digest = generator.get("templateHash") if isinstance(generator, ObjectNode) else None
    if not isinstance(digest, ScalarNode):
        return None
    for label, entry in data()["versions"].items():
        if entry["templateHash"] == digest.value:
            return label
    return None


def module_call(node: Node | None) -> str | None:
    """For a node inside an inline nested template that is a known module version: that version."""
    while node is not None:
        if node.key == "template" and isinstance(node, ObjectNode):
            label = identify(node)
            if label:
                return label
        node = node.parent
    return None


# --------------------------------------------------------------------------
# A Bicep call of the module: the template it creates, built from its params

# Parts of the template that the module always builds itself: opaque (known only at deployment).
_BUILT = {
    "name": "the module builds it from 'name' and 'baseTime'",
    "identity": "the module builds it from 'managedIdentities'",
    "properties.distribute": "the module builds them from 'distributions'",
}


class Built(Opaque):
    """A part of the template that the module builds: opaque; AIB001 does not report it (no param writes it)."""

    __slots__ = ()


class ModuleTemplate(NamedTuple):
    body: ObjectNode  # the template's body: the user's params where the mapping puts them
    version: Version  # the mapping used
    api_version: str  # the API version of the imageTemplates resource the module deploys


def module_template(call, parent: Node) -> ModuleTemplate:
    """The template that the Bicep module call ``call`` (:class:`aiblint.document.bicep.ModuleCall`)
    creates: each param value the mapping places unchanged (``same``) is the user's own node at its
    place in the body (so findings and fixes are on the user's params); the parts the module builds
    are opaque; the body's containers are synthetic (no fix edits them). ``parent`` becomes the body's
    parent (the file's root: the scope the params' expressions are evaluated in)."""
    version = nearest(call.version) if call.version else latest()
    params = call.node.get("params")
    span = params.span if params is not None else call.node.span
    tree: dict = {}
    if not isinstance(params, ObjectNode):
        # Params given as an expression: the properties are unknown (AIB001 says so).
        reason = "the module's params are not written as an object, and aiblint does not evaluate Bicep expressions"
        _put(tree, ["properties"], (Opaque(span, "string", "[params()]", reason), None))
    for path, reason in _BUILT.items():
        _put(tree, path.split("."), (Built(span, "string", "[module()]", reason), None))
    if not isinstance(params, ObjectNode) or params.get("location") is None:
        reason = "the module's default location is the resource group's"
        _put(tree, ["location"], (Built(span, "string", "[resourceGroup().location]", reason), None))
    if isinstance(params, ObjectNode):
        for member in params.members:
            if member.value is None:
                continue
            for target in version.map.get(member.name, ()):
                to = target["to"]
                if target["how"] == "same" and "[" not in to and "{" not in to:
                    _put(tree, to.split("."), (member.value, member.key_span))

    def build(entries: dict, at: Span) -> ObjectNode:
        obj = SynObject(at, [])
        for name, entry in entries.items():
            if isinstance(entry, dict):
                child = build(entry, at)
                child_key = None
            else:
                child, child_key = entry
            obj.members.append(Member(name, child_key or at, child, child_key or at))
            attach(obj, child, name, child_key)
        return obj

    body = build(tree, span)
    attach(parent, body, call.name, None)
    return ModuleTemplate(body, version, data()["versions"][version.label]["apiVersion"])


def _put(tree: dict, path: list[str], entry) -> None:
    """Place ``entry`` at ``path`` in ``tree`` (nested dicts); a place already taken, or under a value, is kept."""
    for step in path[:-1]:
        nxt = tree.setdefault(step, {})
        if not isinstance(nxt, dict):
            return
        tree = nxt
    tree.setdefault(path[-1], entry)


def latest() -> Version:
    """The mapping of the newest known module version (for a call whose version is not written)."""
    label = max(data()["versions"], key=_key)
    return Version(label, False, data()["versions"][label]["map"])
