"""Rule documentation: docs/rules.md is generated and current; every rule has its sections; anchors match URLs."""

from __future__ import annotations

import re
import subprocess
import sys

from cliutil import ROOT

from aiblint.docs import SECTIONS, render_rules, split
from aiblint.rule import registry


def test_rules_md_is_up_to_date():
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render_rules(registry()), "docs/rules.md is out of date: run python tools/gen_rule_docs.py"


def test_generator_check_mode_agrees():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rule_docs.py"), "--check"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_every_rule_url_points_at_its_heading():
    text = render_rules(registry())
    anchors = {github_anchor(h) for h in re.findall(r"^## (.+)$", text, re.M)}
    for rule in registry():
        assert rule.url.split("#", 1)[1] in anchors, rule.code


def test_every_rule_has_the_documented_sections():
    missing = {}
    for rule in registry():
        _, sections = split(rule.doc)
        lacking = [s for s in SECTIONS if not sections.get(s)]
        if lacking:
            missing[rule.code] = lacking
    assert missing == {}


def test_split_understands_plain_and_underlined_titles():
    doc = "AIB999 x: title\n\nWhat it does\n------------\nChecks.\n\nFix:\nDo it.\n\n## Source\nhttps://x\n"
    head, sections = split(doc)
    assert head == "AIB999 x: title"
    assert sections == {"What it does": "Checks.", "Fix": "Do it.", "Source": "https://x"}


def test_rules_md_is_plain_markdown():
    """No reStructuredText ``literal`` markers outside code fences."""
    fence = False
    for no, line in enumerate((ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fence = not fence
            continue
        assert fence or "``" not in line, f"docs/rules.md:{no}: {line}"


def _severities_reported(paths) -> dict[str, set[str]]:
    from aiblint.document import Document, language_for
    from aiblint.engine import lint

    found: dict[str, set[str]] = {}
    for path in paths:
        doc = Document(path.read_text(encoding="utf-8", errors="replace"), str(path), language_for(str(path)) or "json")
        for d in lint(doc).diagnostics:
            if "(only with API version" not in d.message:  # milder as it holds under some plausible versions only
                found.setdefault(d.code, set()).add(d.severity.label)
    return found


def _assert_notes_cover(found: dict[str, set[str]]) -> None:
    rules = registry()
    missing = {code: sorted(levels) for code, levels in found.items()
               if rules.get(code) and levels != {rules.get(code).severity.label} and not rules.get(code).severity_note}
    assert missing == {}, ("these rules report other severities than their default: give them a SEVERITY_NOTE "
                           "(shown by --list-rules, --explain and docs/rules.md)")


def test_severity_notes_cover_the_examples():
    _assert_notes_cover(_severities_reported(sorted((ROOT / "examples").rglob("*.json"))))


def test_severity_notes_cover_the_corpus(corpus_dir):
    paths = [p for p in sorted((corpus_dir / "real").rglob("*")) if p.suffix.lower() in (".json", ".jsonc", ".yaml", ".yml")
             and p.is_file() and p.stat().st_size < 10 * 1024 * 1024]
    _assert_notes_cover(_severities_reported(paths))


def test_rules_that_choose_a_severity_have_a_note():
    """A rule module that passes its own severity to a diagnostic reports more than one: it must say how."""
    import inspect

    for info in registry():
        if info.check is None:
            continue
        source = inspect.getsource(inspect.getmodule(info.check))
        if "severity=" in source:
            assert info.severity_note, f"{info.code} chooses severities: add SEVERITY_NOTE"
        else:
            assert not info.severity_note, f"{info.code} reports one severity: its SEVERITY_NOTE is stale"
