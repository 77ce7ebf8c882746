"""Helpers shared by the rule modules (not a rule: the registry skips ``_`` modules).

Walking a template:

* :func:`customizers`, :func:`validators`, :func:`distributors` yield
  :class:`Element` tuples for ``properties.customize[]``,
  ``properties.validate.inVMValidations[]`` and ``properties.distribute[]``;
  an array (or element) given as ``[parameters('p')]`` / ``[variables('v')]``
  is followed to its literal value.
* :func:`source` / :func:`source_type` give the ``properties.source`` object and
  its type; :func:`source_os` infers ``"windows"`` / ``"linux"`` from a
  PlatformImage publisher and offer.
* :func:`string_value` / :func:`string_values` / :func:`member_string` read
  literal strings (through parameters and variables);
* :func:`api_at_least` compares the template's API version;
  :func:`related_use` points from a parameter's value back to its use;
* :func:`duplicates` finds repeated names in an array (AIB302, AIB303).

Building fixes, written by the document's carrier (in YAML only scalar
replacements, else ``None``; never in a value built by an ARM expression, see
:func:`built`):

* :func:`insert_member` — a :class:`TextEdit` adding ``"name": value`` to an
  object, with the comma and indentation of its neighbours;
* :func:`insert_item` — add an element after an array item, same layout;
* :func:`remove_member` — delete a member with its comma;
* :func:`replace_value` — a :class:`TextEdit` replacing a value (e.g. renaming);
* :func:`rename_key` — rename a member's key.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from aiblint.armexpr import is_synthetic
from aiblint.templates import resources
from aiblint.diagnostics import Related, TextEdit
from aiblint.document.nodes import ArrayNode, Member, Node, ObjectNode, ScalarNode


class Element(NamedTuple):
    """One customizer, validator or distribute target."""

    node: ObjectNode
    # The literal ``type`` (resolved through parameters/variables), or None.
    type: str | None
    # The array holding it and its index there.
    array: ArrayNode
    index: int
    # The ARM expression that led to ``array``/``node`` when it came from a parameter or variable.
    via: Node | None = None


def api_at_least(ctx, version: str) -> bool:
    """True when the template's API version is ``version`` or newer (versions are dates)."""
    return ctx.api_version[:10] >= version[:10]


def related_use(ref: Node | None, message: str = "value used here") -> tuple[Related, ...]:
    """Related information pointing at the ARM expression that led to a reported value."""
    return (Related(ref.span, message),) if ref is not None else ()


def properties(ctx) -> ObjectNode | None:
    """The template's ``properties`` object (followed through a parameter/variable)."""
    return _object(ctx, ctx.template.node.get("properties")) if ctx.template else None


def _object(ctx, node: Node | None) -> ObjectNode | None:
    return _object_ref(ctx, node)[0]


def _object_ref(ctx, node: Node | None) -> tuple[ObjectNode | None, Node | None]:
    """The object ``node`` stands for, with the ARM expression that led to it (None for a literal)."""
    for value, ref in ctx.values(node):
        if isinstance(value, ObjectNode):
            return value, ref
    return None, None


def _properties_ref(ctx) -> tuple[ObjectNode | None, Node | None]:
    return _object_ref(ctx, ctx.template.node.get("properties")) if ctx.template else (None, None)


def string_values(ctx, node: Node | None) -> Iterator[tuple[ScalarNode, Node | None]]:
    """Every literal string ``node`` stands for, with the ARM expression that referred to it."""
    for value, ref in ctx.values(node):
        if isinstance(value, ScalarNode) and value.kind == "string" and not value.is_expression:
            yield value, ref


def string_value(ctx, node: Node | None) -> str | None:
    """The first literal string ``node`` stands for (a parameter's default before its allowedValues)."""
    for value, _ref in string_values(ctx, node):
        return value.value
    return None


def member_string(ctx, obj: ObjectNode, name: str) -> str | None:
    """:func:`string_value` of member ``name`` of ``obj``."""
    return string_value(ctx, obj.get(name))


def _elements(ctx, array_node: Node | None, via: Node | None = None) -> Iterator[Element]:
    """The objects of an array; ``via`` is the expression that built the object holding the array."""
    for array, ref in ctx.values(array_node):
        if not isinstance(array, ArrayNode):
            continue
        for index, item in enumerate(array.items):
            for obj, item_ref in ctx.values(item):
                if isinstance(obj, ObjectNode):
                    yield Element(obj, member_string(ctx, obj, "type"), array, index, item_ref or ref or via)
                    break


def per_template(ctx, key, make):
    """``make()`` once per template and lint run: the rules of one run share the Template object
    (a new run finds its templates anew), so what several rules walk is walked once."""
    if ctx.template is None:
        return make()
    cache = ctx.template.__dict__.setdefault("_rule_cache", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def customizers(ctx) -> Iterator[Element]:
    """The items of ``properties.customize``."""
    def make():
        props, via = _properties_ref(ctx)
        return list(_elements(ctx, props.get("customize") if props else None, via))

    return iter(per_template(ctx, "customizers", make))


def validators(ctx) -> Iterator[Element]:
    """The items of ``properties.validate.inVMValidations``."""
    def make():
        props, via = _properties_ref(ctx)
        validate, ref = _object_ref(ctx, props.get("validate")) if props else (None, None)
        return list(_elements(ctx, validate.get("inVMValidations") if validate else None, ref or via))

    return iter(per_template(ctx, "validators", make))


def distributors(ctx) -> Iterator[Element]:
    """The items of ``properties.distribute``."""
    def make():
        props, via = _properties_ref(ctx)
        return list(_elements(ctx, props.get("distribute") if props else None, via))

    return iter(per_template(ctx, "distributors", make))


def copy_inputs(ctx, obj: ObjectNode | None, array_name: str) -> Iterator[ObjectNode]:
    """The ``input`` object of each ARM property copy loop of ``obj`` that makes ``array_name``
    with more than one item (or a count known only at deployment)."""
    loops = obj.get("copy") if isinstance(obj, ObjectNode) else None
    if not isinstance(loops, ArrayNode):
        return
    for loop in loops.items:
        if not isinstance(loop, ObjectNode) or string_value(ctx, loop.get("name")) != array_name:
            continue
        count = loop.get("count")
        if isinstance(count, ScalarNode) and count.kind == "number" and count.value <= 1:
            continue
        item = loop.get("input")
        if isinstance(item, ObjectNode):
            yield item


def source(ctx) -> ObjectNode | None:
    """The ``properties.source`` object."""
    props = properties(ctx)
    return _object(ctx, props.get("source")) if props else None


def source_type(ctx) -> str | None:
    """The literal ``properties.source.type`` (e.g. ``"PlatformImage"``), or None."""
    src = source(ctx)
    return member_string(ctx, src, "type") if src else None


# Publishers whose images are all of one OS (lower case).
_WINDOWS_PUBLISHERS = {
    "microsoftwindowsserver", "microsoftwindowsdesktop", "microsoftvisualstudio",
    "microsoftwindowsserverhpcpack", "microsoftbiztalkserver", "microsoftsharepoint",
    "microsoftdynamicsax", "azurewindowsbaseline",
}
_LINUX_PUBLISHERS = {
    "canonical", "redhat", "openlogic", "suse", "debian", "credativ", "almalinux", "kinvolk",
    "oracle", "coreos", "resf", "erockyenterprisesoftwarefoundationinc1653071250513",
    "microsoftcblmariner", "microsoftazurelinux", "rapid7", "ntegralinc1586961136942",
}
# Substrings of an offer that tell the OS when the publisher mixes both (lower case).
_WINDOWS_OFFER_HINTS = ("windows", "-ws20", "win")
_LINUX_OFFER_HINTS = ("ubuntu", "rhel", "centos", "sles", "suse", "debian", "linux", "alma", "rocky",
                      "oracle", "mariner", "flatcar")


def _os_of(publisher: str | None, offer: str | None) -> str | None:
    pub = (publisher or "").strip().lower()
    off = (offer or "").strip().lower()
    if pub in _WINDOWS_PUBLISHERS:
        return "windows"
    if pub in _LINUX_PUBLISHERS:
        return "linux"
    if not pub or not off:
        return None
    if any(h in off for h in _LINUX_OFFER_HINTS):
        return "linux"
    if any(h in off for h in _WINDOWS_OFFER_HINTS):
        return "windows"
    return None


def source_os(ctx) -> str | None:
    """``"windows"`` or ``"linux"`` when a PlatformImage source tells which, else None.

    Publisher and offer may come from ARM parameters (default and allowedValues)
    or variables; when those name images of both systems, or anything is unknown,
    the answer is None and OS-dependent rules stay silent.
    """
    src = source(ctx)
    if src is None:
        return None
    stype = member_string(ctx, src, "type")
    if stype is None or stype.lower() != "platformimage":
        return None
    publishers = [v.value for v, _ in string_values(ctx, src.get("publisher"))] or [None]
    offers = [v.value for v, _ in string_values(ctx, src.get("offer"))] or [None]
    found = {_os_of(p, o) for p in publishers for o in offers}
    return found.pop() if len(found) == 1 else None


# --------------------------------------------------------------------------
# Fix edits


def built(node: Node | None) -> bool:
    """True for a value built by an ARM expression: it has no text of its own that a fix could edit."""
    return is_synthetic(node)


def replace_value(ctx, node: Node, value) -> TextEdit | None:
    """Replace ``node`` (a value) with ``value`` (a Python value, written in the document's syntax).

    A string starting with ``[`` is an ARM expression: pass it already escaped
    (``"[[..."``) if a literal is meant.
    """
    if built(node):
        return None
    return ctx.document.carrier.replace_value(ctx.document, node, value)


def rename_key(ctx, member: Member, name: str) -> TextEdit | None:
    """Rename ``member``'s key to ``name`` (not a module param that stands for a property of another name)."""
    arm = ctx.template.arm
    if arm is not None and member.key_span in arm.sites:
        return None
    return ctx.document.carrier.rename_key(ctx.document, member, name)


def insert_member(ctx, obj: ObjectNode, name: str, value, after: Member | None = None) -> TextEdit | None:
    """Add ``name: value`` to ``obj`` after member ``after`` (default: after the last member),
    laid out like its neighbours. ``value`` is a Python value."""
    if built(obj):
        return None
    return ctx.document.carrier.insert_member(ctx.document, obj, name, value, after)


def remove_member(ctx, obj: ObjectNode, member: Member) -> TextEdit | None:
    """Delete ``member`` from ``obj`` (with its separating comma where the syntax has one)."""
    if built(obj):
        return None
    return ctx.document.carrier.remove_member(ctx.document, obj, member)


def insert_item(ctx, after: Node, value) -> TextEdit | None:
    """Add ``value`` (a Python value) to an array right after its item ``after``, laid out like it."""
    if built(after) or not isinstance(after.parent, ArrayNode) or built(after.parent):
        return None
    return ctx.document.carrier.insert_item(ctx.document, after, value)


# --------------------------------------------------------------------------
# Duplicate names (AIB302, AIB303)


class Duplicate(NamedTuple):
    """A later element whose name repeats an earlier one in the same array."""

    name: str
    where: Node  # where to report: the later name's literal (or its use, if both share one parameter)
    ref: Node | None  # the ARM expression that led to ``where`` when it is a parameter's value
    first: Node  # the first element's name (its use when it came from a parameter)
    first_name: str
    first_index: int
    new_name: str | None  # a free name for the rename fix (None: not renamed)

    def related(self, message: str) -> tuple[Related, ...]:
        return (Related(self.first.span, message),) + related_use(self.ref)


def duplicates(ctx, elements, prop: str, *, case_sensitive: bool, max_len: int | None = None):
    """Elements whose ``prop`` repeats an earlier element's, per array, with a free new name each.

    Only literal names are compared (a parameter's default counts); new names
    are chosen so that all renames together stay unique.
    """
    groups: dict[int, list[tuple[Element, ScalarNode, Node | None]]] = {}
    for el in elements:
        for value, ref in string_values(ctx, el.node.get(prop)):
            if not value.value.strip():
                break  # an empty name is a schema error, not a duplicate
            groups.setdefault(id(el.array), []).append((el, value, ref))
            break
    fold = (lambda s: s) if case_sensitive else str.lower
    for entries in groups.values():
        taken = {fold(v.value) for _el, v, _ref in entries}
        seen: dict[str, tuple[ScalarNode, Node | None, int]] = {}
        for el, value, ref in entries:
            key = fold(value.value)
            if key not in seen:
                seen[key] = (value, ref, el.index)
                continue
            first, first_ref, first_index = seen[key]
            new_name = None
            if ref is None:
                new_name = _free_name(value.value, taken, fold, max_len)
                taken.add(fold(new_name))
            if value is first:  # one parameter used twice: report the second use
                yield Duplicate(value.value, ref, None, first_ref, first.value, first_index, None)
            else:
                yield Duplicate(value.value, value, ref, first_ref or first, first.value, first_index, new_name)


def _free_name(name: str, taken: set[str], fold, max_len: int | None) -> str:
    n = 2
    while True:
        suffix = f"-{n}"
        base = name[: max_len - len(suffix)] if max_len else name
        if fold(base + suffix) not in taken:
            return base + suffix
        n += 1


# --------------------------------------------------------------------------
# Build VM, source generation and other resources of the same file (AIB318-AIB323)


def build_vm_size(ctx) -> tuple[Member | None, list[tuple[ScalarNode, Node | None]]]:
    """``vmProfile.vmSize``: its member (None when absent) and the literal sizes it stands for.

    An empty string counts as absent (the service then picks the default size).
    When the member is an expression that cannot be followed, the list is empty.
    """
    props = properties(ctx)
    profile = _object(ctx, props.get("vmProfile")) if props else None
    member = profile.member("vmSize") if profile else None
    if member is None or member.value is None:
        return None, []
    sizes = [(v, ref) for v, ref in string_values(ctx, member.value)]
    if sizes and all(not v.value.strip() for v, _ in sizes):
        return None, []
    return member, [(v, ref) for v, ref in sizes if v.value.strip()]


_GEN2_SKU = re.compile(r"gen2|gensecond|-g2(?:$|-)|^win11-|azure-edition", re.I)
_GEN1_SKU = re.compile(r"gen1$|-g1$", re.I)
_GALLERY_IMAGE = re.compile(r"/galleries/([^/]+)/images/([^/]+)", re.I)


class GalleryImage(NamedTuple):
    """A gallery image definition declared in the same file."""

    gallery: str | None
    image: str
    generation: str  # "V1" or "V2" (the API's default is V1)
    # Where the generation is written (the hyperVGeneration value), else the definition's name.
    node: Node
    # Its symbolic name (Bicep, or an ARM template with resources by name), if any.
    symbol: str | None = None


def source_generation(ctx) -> tuple[str | None, Node | None]:
    """The Hyper-V generation of the source image ("V1"/"V2") and the node that tells it, when known.

    A marketplace SKU tells it by name (``…-gen2``, ``…-g2``, ``…gensecond``,
    Windows 11's ``win11-…`` and Windows Server's ``…azure-edition`` are
    Generation 2; ``…gen1`` is Generation 1); a
    gallery image version tells it through an image definition declared in the
    same file. Anything else is unknown (None).
    """
    src = source(ctx)
    stype = (member_string(ctx, src, "type") or "").lower() if src else ""
    if stype == "platformimage":
        found = set()
        node = None
        for value, _ref in string_values(ctx, src.get("sku")):
            gen = "V2" if _GEN2_SKU.search(value.value) else "V1" if _GEN1_SKU.search(value.value) else None
            found.add(gen)
            node = node or value
        if len(found) == 1 and None not in found:
            return found.pop(), node
    elif stype == "sharedimageversion":
        for image, value, _ref in gallery_images_named(ctx, src.get("imageVersionId")):
            return image.generation, value
    return None, None


def platform_publishers(ctx) -> Iterator[tuple[ScalarNode, Node | None]]:
    """The literal publishers of a PlatformImage source, each with the reference that led to it."""
    src = source(ctx)
    if src is not None and (member_string(ctx, src, "type") or "").lower() == "platformimage":
        yield from string_values(ctx, src.get("publisher"))


def platform_skus(ctx) -> list[str]:
    """The literal SKUs of a PlatformImage source ([] for other sources or an SKU that cannot be followed)."""
    src = source(ctx)
    if src is None or (member_string(ctx, src, "type") or "").lower() != "platformimage":
        return []
    return [v.value for v, _ref in string_values(ctx, src.get("sku"))]


def is_gen2_sku(sku: str) -> bool:
    """True when a marketplace SKU's name marks a Generation 2 image."""
    return bool(_GEN2_SKU.search(sku))


def gallery_image_of(ctx, resource_id: str) -> GalleryImage | None:
    """The image definition declared in this file that ``resource_id`` (of an image or version) names."""
    m = _GALLERY_IMAGE.search(resource_id)
    if m is None:
        return None
    gallery, image = m.group(1).lower(), m.group(2).lower()
    for definition in gallery_images(ctx):
        if definition.image.lower() == image and (definition.gallery is None or definition.gallery.lower() == gallery):
            return definition
    return None


def gallery_images(ctx) -> list[GalleryImage]:
    """The gallery image definitions declared in the template's ARM file (with literal names)."""
    found: list[GalleryImage] = []
    for res, full_type, parent_name in arm_resources(ctx):
        if full_type != "microsoft.compute/galleries/images":
            continue
        name = string_value(ctx, res.get("name"))
        if not name:
            continue
        parts = name.split("/")
        gallery = parts[0] if len(parts) == 2 else parent_name
        props = _object(ctx, res.get("properties"))
        gen_node = props.get("hyperVGeneration") if props else None
        gen = string_value(ctx, gen_node) if gen_node is not None else "V1"
        if gen is None:
            continue  # an expression: unknown
        symbol = res.key if isinstance(res.key, str) else None
        found.append(GalleryImage(gallery, parts[-1], gen.upper(), gen_node or res.get("name"), symbol))
    return found


_SYMBOL_ID = re.compile(r"^\[\s*([A-Za-z_]\w*)\.id\s*\]$")


def gallery_images_named(ctx, node: Node | None) -> Iterator[tuple[GalleryImage, Node, Node | None]]:
    """The image definitions of this file that an ID value names: (definition, value, reference).

    A literal ID (or a parameter/variable holding one) is matched by gallery and
    image name; a Bicep ``symbol.id`` by the definition's symbolic name.
    """
    for value, ref in string_values(ctx, node):
        image = gallery_image_of(ctx, value.value)
        if image is not None:
            yield image, value, ref
    if isinstance(node, ScalarNode) and node.kind == "string":
        m = _SYMBOL_ID.match(node.value)
        if m:
            for image in gallery_images(ctx):
                if image.symbol == m.group(1):
                    yield image, node, None


def arm_resources(ctx) -> Iterator[tuple[ObjectNode, str, str | None]]:
    """Every resource of the template's ARM file: (resource, full type in lower case, parent's literal name).

    Child resources nested in ``resources`` get their full type (``galleries`` +
    ``images``). Nested deployments are not entered.
    """
    root = ctx.template.arm_root if ctx.template else None
    if root is None:
        return iter(())
    arm = ctx.template.arm
    if arm is None:
        return _walk_resources(ctx, root)
    # Asked once per template and rule: walked once per document (a file of many templates is not quadratic).
    key = ("arm_resources", id(root))
    found = arm.memo.get(key)
    if found is None:
        found = arm.memo[key] = list(_walk_resources(ctx, root))
    return iter(found)


def _walk_resources(ctx, root: ObjectNode) -> Iterator[tuple[ObjectNode, str, str | None]]:
    stack: list[tuple[ObjectNode, str, str | None]] = [(root, "", None)]
    while stack:
        holder, prefix, parent_name = stack.pop()
        for res in resources(holder):
            if not isinstance(res, ObjectNode):
                continue
            rtype = (string_value(ctx, res.get("type")) or "").lower()
            full = f"{prefix}/{rtype}" if prefix and "/" not in rtype else rtype
            yield res, full, parent_name
            if isinstance(res.get("resources"), (ArrayNode, ObjectNode)):
                stack.append((res, full, string_value(ctx, res.get("name"))))
