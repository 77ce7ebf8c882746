"""The same template as ARM JSON and as Bicep: the same findings at the same places, and fixes that agree.

Every template of the shared corpus (real files and API examples) and the JSON
templates of the rule tests are written both ways (:mod:`bicepconv`). Both
forms must give the same codes and messages on the same nodes; after every fix
(unsafe ones too) is applied, the Bicep text must still parse cleanly and both
forms must again agree (so each fix did in Bicep what it did in JSON).
"""

from __future__ import annotations

import collections
import importlib
import json
from pathlib import Path

import pytest

from aiblint import catalog
from aiblint.document import Document
from aiblint.engine import lint
from aiblint.fixes import apply_text, choose
from aiblint.settings import Settings
from bicepconv import forms, locate

VERSIONS = catalog.load().versions


def _place(loc: tuple) -> tuple:
    # A missing property of the whole template: JSON points at the resource's '{', Bicep at its name.
    if len(loc) == 3 and loc[0] == "T" and loc[2] in ("start", "key"):
        return ("T", loc[1], "template")
    return loc


def _found(result) -> collections.Counter:
    return collections.Counter((d.code, d.message, _place(locate(result, d.span))) for d in result.diagnostics
                               if not _hidden_by_conversion(d))


def _hidden_by_conversion(d) -> bool:
    # The Bicep form writes an ARM expression as the Bicep call any('<expression>'), which aiblint does not
    # evaluate: that the part was not checked in Bicep is the conversion's doing, not a difference.
    return d.code == "AIB001" and d.message.endswith("aiblint does not evaluate Bicep expressions")


def _compare(arm_text: str, bicep_text: str) -> tuple[int, collections.Counter]:
    """Check both forms agree before and after fixing; the number of fixes applied and the codes fixed."""
    results = []
    for text, name in ((arm_text, "template.json"), (bicep_text, "template.bicep")):
        first = lint(Document(text, name), Settings())
        chosen = choose(first.diagnostics, unsafe=True)
        new, applied = apply_text(text, chosen)
        doc = Document(new, name)
        if name.endswith(".bicep"):
            assert not doc.tree.root_node.has_error, f"the fixed Bicep does not parse:\n{new}"
        results.append((first, lint(doc, Settings()), applied, chosen))
    (a, a_fixed, a_applied, _), (b, b_fixed, b_applied, b_chosen) = results
    assert _found(b) == _found(a), (_found(a) - _found(b), _found(b) - _found(a))
    assert len(b_applied) == len(a_applied)
    assert _found(b_fixed) == _found(a_fixed), (_found(a_fixed) - _found(b_fixed), _found(b_fixed) - _found(a_fixed))
    fixed_codes = collections.Counter(d.code for d in b.diagnostics if any(f in b_chosen for f in d.fixes))
    return len(b_applied), fixed_codes


def _corpus_templates(corpus: Path):
    for path in sorted(corpus.rglob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            continue
        version = next((v for v in VERSIONS if v in path.parts), None)
        both = forms(value, VERSIONS, version)
        if both is not None:
            yield path, both


def test_corpus_templates_agree_as_json_and_bicep(corpus_dir):
    checked = 0
    fixed = collections.Counter()
    for path, (arm_text, bicep_text) in _corpus_templates(corpus_dir):
        try:
            _, codes = _compare(arm_text, bicep_text)
        except AssertionError as e:
            raise AssertionError(f"{path}: {e}") from None
        fixed += codes
        checked += 1
    assert checked >= 120
    # The fixes the corpus exercises in Bicep: renamed keys, replaced values, inserted members and items.
    assert {"AIB200", "AIB201", "AIB202", "AIB300", "AIB301", "AIB302", "AIB308", "AIB309", "AIB317"} <= set(fixed)


def _rule_test_templates():
    """The JSON templates written as module constants in the rule tests (``%s`` filled with an API version)."""
    out = []
    for path in sorted(Path(__file__).parent.glob("test_rules_aib*.py")):
        module = importlib.import_module(path.stem)
        for name, value in sorted(vars(module).items()):
            if not isinstance(value, str) or "{" not in value:
                continue
            count = value.count("%s")
            texts = [value % tuple([api] + ["x"] * (count - 1)) for api in ("2024-02-01", "2022-07-01")] \
                if count else [value]
            for i, text in enumerate(texts):
                try:
                    both = forms(json.loads(text), VERSIONS)
                except ValueError:
                    continue
                if both is not None:
                    out.append(pytest.param(*both, id=f"{path.stem}.{name}.{i}"))
    return out


@pytest.mark.parametrize("arm_text, bicep_text", _rule_test_templates())
def test_rule_test_templates_agree_as_json_and_bicep(arm_text, bicep_text):
    _compare(arm_text, bicep_text)


def test_rule_test_templates_cover_removals_and_renames():
    fixed = collections.Counter()
    for p in _rule_test_templates():
        fixed += _compare(*p.values)[1]
    # AIB311/AIB316 remove members, AIB303 renames a run output, AIB316 inserts members.
    assert {"AIB303", "AIB311", "AIB316"} <= set(fixed)
