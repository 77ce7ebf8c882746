"""Randomly damaged templates (fixed seed): the reader always ends, and agrees with strict JSON.

For every variant: reading finishes without an exception, every path in the value
tree is reachable, and the document has a syntax problem exactly when Python's
strict ``json`` module rejects it (duplicate keys aside, which it accepts).
"""

from __future__ import annotations

import json
import random

from aiblint.document import Document

BASE = """{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "westeurope",
  "tags": {"team": "images", "n": 3, "ok": true, "none": null},
  "properties": {
    "buildTimeoutInMinutes": 80,
    "source": {"type": "PlatformImage", "publisher": "Canonical", "version": "latest"},
    "customize": [
      {"type": "Shell", "name": "a", "inline": ["echo \\"é😀\\"", "x\\\\y"]},
      {"type": "File", "name": "b", "sourceUri": "https://x/y", "destination": "/tmp/y"}
    ],
    "distribute": [{"type": "ManagedImage", "imageId": "/s/x", "location": "westus", "runOutputName": "o"}]
  }
}
"""

PIECES = ["{", "}", "[", "]", ",", ":", '"', "'", "“", "”", "\\", "/", "*", "//", "/*", "a", "1", "-", ".", " ", "\n", "\u00a0"]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text))
        op = rng.randrange(3)
        if op == 0:
            text = text[:i] + text[i + 1:]
        elif op == 1:
            text = text[:i] + rng.choice(PIECES) + text[i:]
        else:
            j = min(len(text), i + rng.randint(1, 40))
            text = text[:i] + text[j:]
    return text


def strict_ok(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def test_damaged_templates():
    rng = random.Random(20261126)
    disagreements = []
    for _ in range(1500):
        text = mutate(BASE, rng)
        doc = Document(text, "t.json")
        problems = [p for p in doc.syntax_problems]
        comments = doc.comment_spans()
        if doc.root is not None:
            for node in doc.root.walk():
                assert node.span.start <= node.span.end <= len(doc.data)
        if not comments and bool(problems) == strict_ok(text):
            disagreements.append((text, problems))
    assert disagreements == []
