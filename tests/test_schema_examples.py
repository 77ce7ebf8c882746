"""The API's own example request bodies pass the schema check of their API version.

Each ``specs/<version>/examples/Create*.json`` holds the PUT body under
``parameters.<name>`` (``imageTemplate`` or ``parameters``, depending on the
version). The body has no ``type`` or ``apiVersion`` (the request URL carries
them), so both are added and the body is checked as a raw template of that
version.

The examples are the service's own, but a few disagree with the API definition
of the same version; each of those findings is listed in ``EXPECTED`` with the
reason, and every other AIB2xx error fails the test.
"""

from __future__ import annotations

import json

import pytest

from aiblint.document import Document
from aiblint.engine import lint

TYPE = "Microsoft.VirtualMachineImages/imageTemplates"

# (example path under specs/, code, message): known disagreements between an
# example and the API definition of its version.
EXPECTED = {
    # The preview examples give distributors "tags" (the definitions say "artifactTags"): accepted for
    # those versions, as the examples show what the service took. This example has no identity, which the 2020-02-14 definition requires
    # (its sibling examples of the same version have one).
    ("2020-02-14/examples/CreateImageTemplate.json", "AIB203",
     "Missing required property 'identity' in the image template"),
}


def _examples(corpus_dir):
    return sorted((corpus_dir / "specs").glob("*/examples/Create*.json"))


def _body(path) -> dict:
    params = json.loads(path.read_text(encoding="utf-8"))["parameters"]
    bodies = [v for v in params.values() if isinstance(v, dict)]
    assert len(bodies) == 1, path
    return bodies[0]


def _check(corpus_dir, path):
    version = path.parent.parent.name
    body = {"type": TYPE, "apiVersion": version, **_body(path)}
    result = lint(Document(json.dumps(body, indent=2), path.name))
    assert len(result.templates) == 1 and result.templates[0].api_version == version
    rel = path.relative_to(corpus_dir / "specs").as_posix()
    return rel, [d for d in result.diagnostics if d.code.startswith("AIB2")]


def test_examples_have_no_unexpected_schema_error(corpus_dir):
    paths = _examples(corpus_dir)
    assert len(paths) >= 20
    unexpected, seen = [], set()
    for path in paths:
        rel, found = _check(corpus_dir, path)
        for d in found:
            key = (rel, d.code, d.message)
            if key in EXPECTED:
                seen.add(key)
            elif d.severity.label == "error":
                unexpected.append(key)
    assert unexpected == []
    # Every listed exception still happens: the list does not go stale.
    assert seen == EXPECTED


def test_examples_of_2019_05_preview_are_accepted_as_they_are(corpus_dir):
    """The 2019-05-01-preview examples use osDiskSizeGB, the old vnetConfig and WindowsUpdate, which that
    version's definition lacks (it changed during 2019): the examples win, so no finding at all."""
    found = [(rel, d.code, d.message) for path in _examples(corpus_dir) if path.parent.parent.name.startswith("2019")
             for rel, ds in [_check(corpus_dir, path)] for d in ds]
    assert found == []


@pytest.mark.parametrize("version", ["2020-02-14", "2022-07-01", "2025-10-01"])
def test_an_example_with_a_typo_is_caught(corpus_dir, version):
    """The same bodies do trigger the check when damaged (the test above could not pass vacuously)."""
    path = next(p for p in _examples(corpus_dir) if p.parent.parent.name == version and "Linux" in p.name)
    body = _body(path)
    body["properties"]["distribute"][0]["runOutputNam"] = body["properties"]["distribute"][0].pop("runOutputName")
    body = {"type": TYPE, "apiVersion": version, **body}
    result = lint(Document(json.dumps(body, indent=2), "x.json"))
    codes = sorted(d.code for d in result.diagnostics if d.code.startswith("AIB2"))
    assert codes == ["AIB200"]  # "did you mean 'runOutputName'?"; not also reported as missing
