"""Write docs/rules.md from the rule modules (``python tools/gen_rule_docs.py``; ``--check`` only compares)."""

from __future__ import annotations

import sys
from pathlib import Path

from aiblint.docs import render_rules
from aiblint.rule import registry

TARGET = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def main(argv: list[str]) -> int:
    text = render_rules(registry())
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    if "--check" in argv:
        if current != text:
            print(f"{TARGET} is out of date; run: python tools/gen_rule_docs.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
