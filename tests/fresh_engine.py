"""The engine installed with pip into a fresh virtual environment (no Django, nothing of this
repository's venv), made once per session and shared by the example projects' tests (a pytest
plugin: the test modules name it in `pytest_plugins`, so the fixture has one instance, not one per
module). Those tests only run the venv's programs; none installs anything into it. They join one
xdist group (`fresh-engine`), so with workers the venv is still made once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Installed from a copy: setuptools leaves build/ next to the sources it builds.
    source = shutil.copytree(
        ROOT / "src" / "docverify",
        tmp_path_factory.mktemp("engine") / "docverify",
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
    )
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    return venv
