"""Rule documentation: sections of a rule's docstring, and ``docs/rules.md``.

A rule module's docstring starts with a title line and has the sections
What it does / Why is this bad / Example / Fix / API versions / Source, written
as Markdown headings (``## What it does``); a bare section title on its own line
(optionally underlined) is understood as well. ``docs/rules.md`` is generated
from the registry (``python tools/gen_rule_docs.py``); a test keeps it current.
Each rule's heading yields the anchor of :attr:`aiblint.rule.RuleInfo.url`.
"""

from __future__ import annotations

import re

SECTIONS = ("What it does", "Why is this bad", "Example", "Fix", "API versions", "Source")
_HEADING = re.compile(r"^\s*(?:#+\s*)?(" + "|".join(re.escape(s) for s in SECTIONS) + r")\s*[:?]?\s*$", re.I)
_UNDERLINE = re.compile(r"^\s*[-=~^]{3,}\s*$")


def split(doc: str) -> tuple[str, dict[str, str]]:
    """(text before the first section, {section title: text})."""
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current = head
    lines = doc.strip("\n").splitlines()
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and (line.lstrip().startswith("#") or i + 1 >= len(lines) or not lines[i + 1].strip()
                  or _UNDERLINE.match(lines[i + 1]) or line.rstrip().endswith(":")):
            title = next(s for s in SECTIONS if s.lower() == m.group(1).lower())
            current = sections.setdefault(title, [])
            continue
        if _UNDERLINE.match(line) and current is not head and not any(x.strip() for x in current):
            continue
        current.append(line)
    return "\n".join(head).strip(), {k: "\n".join(v).strip() for k, v in sections.items()}


def section(doc: str, title: str) -> str:
    """One section's text ("" when the docstring lacks it)."""
    return split(doc)[1].get(title, "")


_RST_LITERAL = re.compile(r"(?<!`)``(?!`)(.+?)(?<!`)``(?!`)")


def markdown(doc: str) -> str:
    """A docstring as plain Markdown: reStructuredText ````literal```` markers become `` `literal` ``.

    Fenced code blocks are left as they are.
    """
    out, fence = [], False
    for line in doc.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        elif not fence:
            line = _RST_LITERAL.sub(lambda m: f"`{m.group(1)}`", line)
        out.append(line)
    return "\n".join(out)


# How any rule's severity depends on the API version when a template does not give one (the engine's rule).
PLAUSIBLE_VERSIONS = ("When a template does not give its API version, it is checked under each plausible "
                      "version; a finding that holds under only some of them is one step milder (an error "
                      "becomes a warning) and names those versions.")


def severity_line(info) -> str:
    """The default severity, and how the severity depends on the API version or the finding when it does."""
    text = f"default severity: {info.severity.label}"
    return f"{text}; {info.severity_note}" if info.severity_note else text


def explain(info) -> str:
    """What ``aiblint --explain`` prints for a rule."""
    return (f"{info.code} {info.name} ({severity_line(info)})\n\n{markdown(info.doc.strip())}\n\n"
            f"{PLAUSIBLE_VERSIONS}\n")


def render_rules(registry) -> str:
    """The Markdown of ``docs/rules.md``."""
    out = [
        "# aiblint rules",
        "",
        "<!-- Generated from the rule modules by tools/gen_rule_docs.py; do not edit by hand. -->",
        "",
        "Every diagnostic has a code and a name; both work in `--select`, `--ignore`,",
        "the configuration and suppression comments. `aiblint --explain CODE` prints one",
        "rule's documentation in the terminal. A default severity marked (varies) depends",
        "on the API version or the kind of finding, as the rule's section says.",
        PLAUSIBLE_VERSIONS,
        "",
        "| code | name | default | summary |",
        "|---|---|---|---|",
    ]
    rules = list(registry)
    for r in rules:
        default = r.severity.label + (" (varies)" if r.severity_note else "")
        out.append(f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {default} | {r.summary} |")
    for r in rules:
        head, sections = split(markdown(r.doc))
        first, _, rest = head.partition("\n")
        out += ["", f"## {r.code} {r.name}", "", f"Default severity: **{r.severity.label}**. {r.summary.rstrip('.')}."]
        if r.severity_note:
            out += ["", f"Severity: {r.severity_note}."]
        intro = rest.strip() if first.strip().upper().startswith(r.code) else head
        if intro:
            out += ["", intro]
        for title in SECTIONS:
            if sections.get(title):
                out += ["", f"### {title}", "", _demote(sections[title])]
        for title, text in sections.items():
            if title not in SECTIONS and text:
                out += ["", f"### {title}", "", _demote(text)]
    return "\n".join(out).rstrip() + "\n"


def _demote(text: str) -> str:
    """Headings inside a section go below the section's own level."""
    out, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        if not fence and re.match(r"^#{1,3}\s", line):
            line = "###" + line
        out.append(line)
    return "\n".join(out)
