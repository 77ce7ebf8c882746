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
(``br/public:...:<version>``) for carriers that only see the call.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..document.nodes import Node, ObjectNode, ScalarNode


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
