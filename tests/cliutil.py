"""Helpers for the command-line tests: run the installed ``aiblint`` script, and small templates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).parent / "aiblint"


class Result(NamedTuple):
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def command(*args: str) -> list[str]:
    """The installed console script (``python -m aiblint`` when it is missing)."""
    base = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "aiblint"]
    return base + [str(a) for a in args]


def run(*args, cwd=None, stdin: bytes | str | None = None, env: dict | None = None, timeout: float = 60) -> Result:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(command(*args), cwd=cwd, input=data if data is not None else b"",
                          capture_output=True, env=full_env, timeout=timeout)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


# A template with no problem (API 2024-02-01, Linux source).
GOOD = """\
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2024-02-01",
  "location": "westeurope",
  "identity": {
    "type": "UserAssigned",
    "userAssignedIdentities": {
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib": {}
    }
  },
  "properties": {
    "buildTimeoutInMinutes": 90,
    "source": {
      "type": "PlatformImage",
      "publisher": "Canonical",
      "offer": "0001-com-ubuntu-server-jammy",
      "sku": "22_04-lts-gen2",
      "version": "latest"
    },
    "customize": [
      { "type": "Shell", "name": "update", "inline": ["sudo apt-get update"] },
      { "type": "Shell", "name": "upgrade", "inline": ["sudo apt-get upgrade -y"] }
    ],
    "distribute": [
      { "type": "VHD", "runOutputName": "ubuntu-vhd" },
      { "type": "VHD", "runOutputName": "ubuntu-vhd-2" }
    ]
  }
}
"""

# Two distribute targets with one runOutputName: AIB303 (error) at line 26, column 41, with a safe rename fix.
DUPLICATE = GOOD.replace('"ubuntu-vhd-2"', '"ubuntu-vhd"')
DUPLICATE_AT = (25, 40)  # 0-based start of the second "ubuntu-vhd"

# An unsupported region: AIB300 (error) on line 4, column 15, whose fix is unsafe.
BAD_REGION = GOOD.replace('"westeurope"', '"East US 3"')
BAD_REGION_AT = (3, 14)

NOT_TEMPLATE = '{\n  "name": "my-app",\n  "version": "1.0.0"\n}\n'


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path
