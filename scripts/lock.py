"""Refresh poetry.lock on machines whose index serves only the simple API.

Poetry's built-in PyPI source reads the per-version JSON API, which some
mirrors lack. We lock in a scratch copy with a PEP 503 source added, then
strip that source from the result and stamp the hash of the real
pyproject.toml, so the lock reads exactly as one made against PyPI.

Usage: python scripts/lock.py [--index URL]   (default: pip's own index)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pip_index_url() -> str:
    from pip._internal.models.index import PyPI

    return PyPI.simple_url


def poetry(*args: str, cwd: Path) -> None:
    print("+ poetry", " ".join(args), flush=True)
    subprocess.run([sys.executable, "-m", "poetry", *args], cwd=cwd, check=True)


def strip_sources(lock_text: str) -> str:
    # Each locked package that came from the scratch source carries a
    # [package.source] table; packages from PyPI carry none.
    return re.sub(r"\n\[package\.source\]\n(?:[a-z-]+ = .*\n)+", "\n", lock_text)


def real_content_hash() -> str:
    # Poetry runs this script (`python -m poetry` is its interpreter); the project venv lacks it.
    from poetry.factory import Factory  # type: ignore[import-not-found, unused-ignore]

    return str(Factory().create_poetry(ROOT).locker._get_content_hash())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=None, help="a PEP 503 simple index URL")
    args = parser.parse_args()
    index = args.index or pip_index_url()

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copy(ROOT / "pyproject.toml", work)
        if (ROOT / "poetry.lock").exists():
            shutil.copy(ROOT / "poetry.lock", work)
        poetry("source", "add", "--priority=primary", "lockmirror", index, cwd=work)
        poetry("lock", cwd=work)
        text = strip_sources((work / "poetry.lock").read_text())

    text = re.sub(r'content-hash = "[0-9a-f]+"', f'content-hash = "{real_content_hash()}"', text)
    (ROOT / "poetry.lock").write_text(text)
    poetry("check", "--lock", cwd=ROOT)
    print("poetry.lock refreshed against", index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
