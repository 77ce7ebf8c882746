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
