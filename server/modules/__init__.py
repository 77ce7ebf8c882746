"""The verified image-template module (avm/res/virtual-machine-images/image-template) as data.

``image_template.json`` holds, per known module version, where each module
parameter ends up in the image template that the module creates, derived from
the compiled module itself by ``tools/gen_module_map.py`` (which a test keeps
current), so it says what the published module does, not what its
documentation says. Per version:

* ``map``: ``{param: [{"to": path, "how": ...}]}`` — ``same``: the passed value
  is that property; ``built``: the module builds the property from it; ``key``:
  each string passed becomes a key of the object at ``path`` (``{}``). ``[]`` in
  a path is an item of an array the module builds.
* ``members``: for an object param whose value is not passed whole, the same per
  property of it (``vnetConfig.subnetResourceId`` →
  ``properties.vmProfile.vnetConfig.subnetId``; ``managedIdentities.userAssignedResourceIds``
  → the keys of ``identity.userAssignedIdentities``).
* ``elements``: for an array param whose items are a union (``distributions``,
  told apart by ``by``: ``type``), per variant: ``map`` (each property of an item
  → its place in the template item, e.g. ``sharedImageGalleryImageDefinitionResourceId``
  → ``properties.distribute[].galleryImageId``, ``same`` ``unless`` a
  ``sharedImageGalleryImageDefinitionTargetVersion`` is given too), ``required``
  and ``computed`` (the properties the module fills in when they are not given).
* ``required`` params, ``fixed`` values the module always writes
  (``identity.type``), the ``apiVersion`` it deploys, its build ``templateHash``,
  and a ``note`` on the source each version's facts come from.

A compiled call (a nested deployment with the module's template inline) needs no
mapping: the evaluator runs the module. :func:`identify` names the module
version of such a call; :func:`nearest` gives the mapping for a module reference
(``br/public:...:<version>``) for carriers that only see the call,
:func:`settle_local` decides whether a call from a local path is the module, and
:func:`module_template` builds, for a Bicep module call, the template the module
creates from the user's params.
"""

from __future__ import annotations

import json
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..armexpr import Opaque, SynArray, SynObject, SynScalar
from ..diagnostics import Span
from ..document.nodes import ArrayNode, Member, Node, ObjectNode, ScalarNode, attach


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

_MODULE = "[module()]"


class Built(Opaque):
    """A part of the template that the module builds: opaque; AIB001 does not report it (no param writes it)."""

    __slots__ = ()


def _built(span: Span, reason: str) -> Built:
    return Built(span, "string", _MODULE, reason)


class ModuleTemplate(NamedTuple):
    body: ObjectNode  # the template's body: the user's params where the mapping puts them
    version: Version  # the mapping used
    api_version: str  # the API version of the imageTemplates resource the module deploys
    renamed: set  # key spans of the user's that stand for a property of another name (no fix renames them)
    names: dict  # value span of such a param -> (the property's name, the param's name as written)


def module_template(call, parent: Node, view: ObjectNode | None = None) -> ModuleTemplate:
    """The template that the Bicep module call ``call`` (:class:`aiblint.document.bicep.ModuleCall`)
    creates: each param value the mapping places unchanged (``same``) is the user's own node at its
    place in the body (so findings and fixes are on the user's params); the properties of an object
    param (``members``) and of each item of a distribution array (``elements``) likewise; the parts the
    module builds are opaque; the body's containers are synthetic (no fix edits them). ``parent``
    becomes the body's parent (the file's root: the scope the params' expressions are evaluated in);
    ``view`` (the file's params and vars in ARM shape) lets a param or var reference be followed."""
    if call.local is not None and call.mapping is None:
        settle_local(call, None)
    if call.mapping is not None:
        version = Version(call.mapping, call.exact, data()["versions"][call.mapping]["map"])
    else:
        version = nearest(call.version) if call.version else latest()
    entry = data()["versions"][version.label]
    maker = _Maker(entry, view)
    params = maker.follow(call.node.get("params"))
    span = params.span if params is not None else call.node.span
    tree: dict = {}
    if not isinstance(params, ObjectNode):
        # Params given as an expression: the properties are unknown (AIB001 says so).
        reason = ("the module's params are not an object written in this file, and aiblint does not "
                  "evaluate other Bicep expressions")
        _put(tree, ["properties"], (Opaque(span, "string", "[params()]", reason), None))
    given = {m.name for m in params.members if m.value is not None} if isinstance(params, ObjectNode) else set()
    if isinstance(params, ObjectNode):
        for member in params.members:
            if member.value is not None:
                maker.place(tree, member)
    _put(tree, ["name"], (_built(span, "the module builds it from 'name' and 'baseTime'"), None))
    # A required param left out: its part stays absent, so the check that the part is missing names it
    # (not for a module that only its local path names: it may be another module of that name).
    known_shape = call.local is None or call.seen
    for param, part in (("managedIdentities", "identity"), ("distributions", "properties.distribute")):
        if param in given or param not in entry.get("required", ()) or not isinstance(params, ObjectNode) \
                or not known_shape:
            _put(tree, part.split("."), (_built(span, f"the module builds it from '{param}'"), None))
    if "location" not in given:
        reason = "the module's default location is the resource group's"
        _put(tree, ["location"], (Built(span, "string", "[resourceGroup().location]", reason), None))

    body = _build(tree, span)
    attach(parent, body, call.name, None)
    return ModuleTemplate(body, version, entry["apiVersion"], maker.renamed, maker.names)


def missing_param(template, node: Node, name: str) -> str | None:
    """For a template a module call creates: the module param that would give the missing property
    ``name`` of ``node`` (e.g. 'imageSource' for 'source' in 'properties'), else None."""
    version = getattr(template, "module_version", None)
    if version is None:
        return None
    path = [name]
    while node is not None and node is not template.node:
        if not isinstance(node.key, str):
            return None
        path.insert(0, node.key)
        node = node.parent
    wanted = ".".join(path)
    entry = data()["versions"][version.label]

    def lands(targets) -> bool:
        return any(_part(t["to"]) == wanted or t["to"] == wanted for t in targets)

    # The param whose items or properties make the part, else the one passed there whole, else one built into it.
    for param, union in entry.get("elements", {}).items():
        if any(lands(ts) for variant in union["variants"].values() for ts in variant["map"].values()):
            return param
    for param, fields in entry.get("members", {}).items():
        if any(_part(t["to"]).startswith(wanted) for ts in fields.values() for t in ts):
            return param
    for param, targets in version.map.items():
        if any(t["to"] == wanted and t["how"] == "same" for t in targets):
            return param
    return None


class _Maker:
    """Places the user's param nodes into the tree of the template the module creates."""

    def __init__(self, entry: dict, view: ObjectNode | None):
        self.entry = entry
        self.view = view
        self.renamed: set[Span] = set()
        self.names: dict[Span, tuple[str, str]] = {}

    def rename(self, key_span: Span, value: Node, target: str, written: str) -> None:
        """Note that the param ``written`` (its key at ``key_span``) stands for the property ``target``."""
        self.renamed.add(key_span)
        self.names[value.span] = (target, written)

    def follow(self, node: Node | None) -> Node | None:
        """``node``, or the value a plain reference to a var (or a param's default) in this file names."""
        from ..templates import resolve_reference

        for _ in range(8):
            if not (isinstance(node, ScalarNode) and node.is_expression) or self.view is None:
                return node
            found = resolve_reference(self.view, node)
            if found is None:
                return node
            node = found[1]
        return node

    def place(self, tree: dict, member: Member) -> None:
        name, value = member.name, member.value
        unions = self.entry.get("elements", {})
        members = self.entry.get("members", {})
        targets = self.entry["map"].get(name, ())
        if name in unions:
            self.elements(tree, member, unions[name], targets)
            return
        if name in members and not any(t["how"] == "same" for t in targets):
            self.members(tree, member, members[name], targets)
            return
        for target in targets:
            to = target["to"]
            if target["how"] == "same" and "[" not in to and "{" not in to:
                _put(tree, to.split("."), (value, member.key_span))
                if to.rsplit(".", 1)[-1] != name:
                    self.rename(member.key_span, value, to.rsplit(".", 1)[-1], name)

    def members(self, tree: dict, member: Member, fields: dict, targets) -> None:
        """An object param whose properties land one by one (``vnetConfig``, ``managedIdentities``)."""
        value = self.follow(member.value)
        if any(t["to"].startswith("identity.") for ts in fields.values() for t in ts):
            for path, fixed in self.entry.get("fixed", {}).items():  # what the module always writes there
                scalar = SynScalar(member.key_span, "string", fixed, json.dumps(fixed))
                _put(tree, path.split("."), (scalar, member.key_span))
        if not isinstance(value, ObjectNode):
            for target in targets:  # an expression: what it builds is unknown
                part = _part(target["to"])
                _put(tree, part.split("."), (_unevaluated(member), member.key_span))
            return
        for field in value.members:
            places = _ci(fields, field.name)
            for target in places or ():
                to = target["to"]
                if target["how"] == "same" and "[" not in to and "{" not in to:
                    _put(tree, to.split("."), (field.value, field.key_span))
                    self.rename(field.key_span, field.value, to.rsplit(".", 1)[-1], f"{member.name}.{field.name}")
                elif target["how"] == "key" and to.endswith("{}") and "[" not in to:
                    self.keys(tree, to[:-2], field, member)

    def keys(self, tree: dict, to: str, field: Member, member: Member) -> None:
        """An array of strings whose items become the keys of an object (the identities)."""
        items = self.follow(field.value)
        if not isinstance(items, ArrayNode):
            _put(tree, to.split("."), (_unevaluated(field), field.key_span))
            return
        obj = SynObject(items.span, [])
        seen: set[str] = set()
        for item in items.items:
            item = self.follow(item) if isinstance(item, ScalarNode) else item
            if not (isinstance(item, ScalarNode) and item.kind == "string"):
                continue
            if item.value.lower() in seen:  # the module merges repeated IDs into one key
                continue
            seen.add(item.value.lower())
            inner = SynObject(item.span, [])
            self.names[item.span] = (to.rsplit(".", 1)[-1], f"{member.name}.{field.name}")
            obj.members.append(Member(item.value, item.span, inner, item.span))
            attach(obj, inner, item.value, item.span)
        _put(tree, to.split("."), (obj, field.key_span))
        self.renamed.add(field.key_span)

    def elements(self, tree: dict, member: Member, union: dict, targets) -> None:
        """An array param whose items each become an item of a template array (the distribution targets)."""
        value = self.follow(member.value)
        container = next((t["to"].split("[]", 1)[0] for v in union["variants"].values()
                          for ts in v["map"].values() for t in ts if "[]" in t["to"]), None)
        if container is None:
            return
        if not isinstance(value, ArrayNode):
            _put(tree, container.split("."), (_unevaluated(member), member.key_span))
            return
        items: list[Node] = []
        for item in value.items:
            items.append(self.element(self.follow(item), union, member.name, container))
        arr = SynArray(value.span, items)
        for i, item in enumerate(items):
            attach(arr, item, i, None)
        _put(tree, container.split("."), (arr, member.key_span))
        self.renamed.add(member.key_span)

    def element(self, item: Node, union: dict, param: str, container: str) -> Node:
        """The template item the module builds from one item of the user's array."""
        by = union["by"]
        kind = item.get_ci(by) if isinstance(item, ObjectNode) else None
        kind = self.follow(kind.value) if kind is not None else None
        variant = None
        if isinstance(kind, ScalarNode) and kind.kind == "string" and not kind.is_expression:
            variant = union["variants"].get(kind.value)
        if variant is None:
            reason = f"the module builds it from an item of '{param}' whose '{by}' aiblint cannot tell"
            return _built(item.span, reason)
        prefix = container + "[]."
        given: list[tuple[Member, list]] = []
        for field in item.members:
            places = _ci(variant["map"], field.name) if field.value is not None else None
            if places:
                given.append((field, places))
        names = {field.name.lower() for field, _places in given}
        entries: dict[str, tuple] = {}
        built: set[str] = set(variant.get("computed", ()))
        for field, places in given:
            for target in places:
                key = target["to"][len(prefix):] if target["to"].startswith(prefix) else None
                if not key or "." in key:
                    continue
                if target["how"] != "same" or any(other.lower() in names for other in target.get("unless", ())):
                    built.add(key)  # the module builds it (a default from this field, or with another field)
                elif key not in entries:
                    entries[key] = (field.value, field.key_span)
                    if key != field.name:
                        self.rename(field.key_span, field.value, key, f"{param}[].{field.name}")
        for key in sorted(built):
            if key not in entries:
                entries[key] = (_built(item.span, f"the module computes it from the item of '{param}'"), None)
        obj = SynObject(item.span, [])
        for key, (node, key_span) in entries.items():
            obj.members.append(Member(key, key_span or item.span, node, key_span or item.span))
            attach(obj, node, key, key_span)
        return obj


def _unevaluated(member: Member) -> Opaque:
    """What the module builds from a param written as an expression aiblint does not evaluate: opaque,
    reported as not checked (AIB001) at the expression."""
    reason = f"'{member.name}' is a Bicep expression that aiblint does not evaluate"
    return Opaque(member.value.span, "string", _MODULE, reason)


def _ci(table: dict, name: str):
    """``table[name]``, else the entry whose key equals ``name`` ignoring case (ARM reads properties so)."""
    found = table.get(name)
    if found is None:
        low = name.lower()
        found = next((v for k, v in table.items() if k.lower() == low), None)
    return found


def _part(to: str) -> str:
    """The place a target path's built value sits: up to its first array or key step."""
    for mark in ("[]", "{}"):
        to = to.split(mark, 1)[0]
    return to


def _build(entries: dict, at: Span) -> ObjectNode:
    obj = SynObject(at, [])
    for name, entry in entries.items():
        if isinstance(entry, dict):
            child = _build(entry, at)
            child_key = None
        else:
            child, child_key = entry
        obj.members.append(Member(name, child_key or at, child, child_key or at))
        attach(obj, child, name, child_key)
    return obj


def _put(tree: dict, path: list[str], entry) -> None:
    """Place ``entry`` at ``path`` in ``tree`` (nested dicts); a place already taken, or under a value, is kept."""
    for step in path[:-1]:
        nxt = tree.setdefault(step, {})
        if not isinstance(nxt, dict):
            return
        tree = nxt
    tree.setdefault(path[-1], entry)


# --------------------------------------------------------------------------
# A call of the module from a local path

NAME = "Virtual Machine Image Templates"  # the module's metadata name
_MAX_MODULE_FILE = 4 << 20
_PARAM = re.compile(r"^\s*param\s+([A-Za-z_]\w*)", re.M)
# The params every known version takes (an early module of the same name took others).
_SHAPE = frozenset({"imageSource", "distributions", "managedIdentities"})
_METADATA_NAME = re.compile(r"^\s*metadata\s+name\s*=\s*'([^']*)'", re.M)


def settle_local(call, document_path: str | None) -> bool:
    """Settle which mapping applies to the module call ``call`` from a local path (``call.local``),
    relative to the folder of ``document_path``: the file it names is read when it is at hand. It is the
    verified module when that file says so (its metadata name, or the build hash of a compiled module);
    a file that is another module is not. A file not at hand is taken for the module when its path
    names it (``…/image-template/main.bicep``). The version comes from a ``version.json`` beside the
    file, else the build hash, else the known version whose parameters the file has (not exact), else
    the newest. Returns whether the call is the verified module."""
    from ..document.bicep import module_reference

    named = module_reference(call.local)[0]
    file = None
    if document_path and not document_path.startswith("<"):
        file = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(document_path)), call.local))
    facts = _module_file(file) if file else None
    if facts is False or (facts is None and not named):
        return False
    known = data()["versions"]
    label, exact, note = max(known, key=_key), False, "names no version"
    if facts is not None:
        folder = os.path.dirname(file)
        written = _version_json(folder)
        digest = facts["hash"] or _compiled_hash(os.path.join(folder, "main.json"))
        by_hash = next((name for name, entry in known.items() if digest and entry["templateHash"] == digest), None)
        if written:
            used = nearest(written)
            label, exact = used.label, used.exact
            note = f"is version {written} (its version.json)"
        elif by_hash:
            label, exact, note = by_hash, True, "is a known build"
        elif facts["params"]:
            params = facts["params"]

            def fit(name: str) -> tuple:
                theirs = set(known[name]["parameters"])
                return (len(params & theirs) / len(params | theirs), _key(name))

            label = max(known, key=fit)
            note = "names no version (no version.json beside it)"
    call.mapping, call.exact, call.note, call.seen = label, exact, note, facts is not None
    return True


def _module_file(path: str):
    """What the file at ``path`` tells of the module: {"params", "hash"}; False when it is another module;
    None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None  # a FIFO or a device would block or never end
    return _read_module_file(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _read_module_file(path: str, _mtime_ns: int, size: int):
    if size > _MAX_MODULE_FILE:
        return None
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    if path.lower().endswith(".json"):
        try:
            module = json.loads(text)
        except (ValueError, RecursionError):
            return None
        meta = module.get("metadata") if isinstance(module, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        generator = meta.get("_generator") if isinstance(meta.get("_generator"), dict) else {}
        digest = generator.get("templateHash")
        known = any(entry["templateHash"] == digest for entry in data()["versions"].values())
        params = set(module.get("parameters") or ()) if isinstance(module.get("parameters"), dict) else set()
        if not known and (meta.get("name") != NAME or not _SHAPE <= params):
            return False
        return {"params": params, "hash": digest}
    m = _METADATA_NAME.search(text)
    params = set(_PARAM.findall(text))
    if m is None or m.group(1) != NAME or not _SHAPE <= params:
        return False  # another module (an early module of that name took other params)
    return {"params": params, "hash": None}


def _version_json(folder: str) -> str | None:
    """The module version a ``version.json`` in ``folder`` gives (``{"version": "0.6"}``), if any."""
    path = os.path.join(folder, "version.json")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) or os.path.getsize(path) > _MAX_MODULE_FILE:
            return None
        with open(path, encoding="utf-8-sig") as f:
            value = json.load(f).get("version")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) and value.strip() else None


def _compiled_hash(path: str) -> str | None:
    facts = _module_file(path)
    return facts["hash"] if isinstance(facts, dict) else None


def latest() -> Version:
    """The mapping of the newest known module version (for a call whose version is not written)."""
    label = max(data()["versions"], key=_key)
    return Version(label, False, data()["versions"][label]["map"])
