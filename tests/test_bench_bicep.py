"""The benchmark's Bicep file: the generator's ARM templates written as Bicep get the same findings,
and the Bicep file's edit is the ARM file's edit."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter

import pytest

from aiblint.document import Document
from aiblint.engine import lint
from aiblint.lsp import bench
from sharedpaths import SHARED

BENCH = SHARED / "bench"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    if not (BENCH / "gen_templates.py").exists():
        pytest.skip("shared benchmark folder not present")
    work = tmp_path_factory.mktemp("bench")
    shutil.copy(BENCH / "gen_templates.py", work)
    (work / "out").mkdir()
    return work


def generator(work):
    spec = importlib.util.spec_from_file_location("gen_templates", work / "gen_templates.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


def test_bicep_templates_get_the_findings_of_their_arm_form(work):
    text, _ = generator(work).generate("arm", 600, seed=3)
    bicep = bench.arm_to_bicep(json.loads(text))
    doc = Document(bicep, "/tmp/b.bicep")
    assert not doc.tree.root_node.has_error
    arm = lint(Document(text, "/tmp/a.json"))
    got = lint(doc)
    assert len(got.templates) == len(arm.templates) > 1
    # The ARM names are expressions that the ARM evaluator works out (a constant name: AIB326); their Bicep
    # form is an interpolation, which aiblint never evaluates. Every other finding is the same.
    findings = [Counter((d.code, d.message) for d in r.diagnostics if d.code != "AIB326") for r in (got, arm)]
    assert findings[0] == findings[1]
    assert any(d.code == "AIB326" for d in arm.diagnostics)


def test_the_bicep_edit_is_the_arm_edit(work):
    arm_text, _ = generator(work).generate("arm", 2000)
    (work / "out" / bench.BICEP_SOURCE).write_text(arm_text)
    path = bench.write_bicep(work)
    assert path.read_text().count("\n") >= 2000
    line, col = bench.edit_position(path)
    arm_line, arm_col = bench.edit_position(work / "out" / bench.BICEP_SOURCE)
    assert path.read_text().split("\n")[line][col:].split("'")[0] == \
        arm_text.split("\n")[arm_line][arm_col:].split('"')[0] == "download-artifact-006"
