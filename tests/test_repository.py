"""Repository hygiene: the lock is fresh. (hadolint is a claim on the Security page.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    """A tool from the project's venv or .tools/ (scripts/dev installs both)."""
    for folder in (Path(sys.executable).parent, ROOT / ".tools" / "bin"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    assert found, f"{name} is not installed; run `python3 scripts/dev test`, which installs it"
    return found


def test_poetry_lock_is_fresh():
    result = subprocess.run([tool("poetry"), "check", "--lock"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, (
        f"poetry.lock is stale; run `python scripts/lock.py`:\n{result.stdout}{result.stderr}"
    )
