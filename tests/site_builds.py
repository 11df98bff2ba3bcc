"""Site builds that several test files only read, made once per session (a pytest plugin: the test
modules name it in `pytest_plugins`, so each fixture here has one instance, not one per module).

- `fresh_clone`: a committed copy of the repository's files (tracked and new, not ignored) with no
  test report, as a fresh clone has them;
- `fresh_mkdocs`: its `mkdocs build --strict`, as `scripts/dev serve` builds it: the build proves
  the static level itself (tests/test_site_marks.py reads its chips, tests/test_generators.py
  compares it with Zensical's);
- `fresh_zensical`: `scripts/zensical_build.py` on the same clone, which builds it with Zensical and
  accepts it only when every page carries the proof (tests/test_generators.py reads both).

A test that changes a tree or a site makes its own. With xdist, each is made once per run, not once
per worker (tests/once.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from once import once

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Built:
    site: Path
    seconds: float
    result: subprocess.CompletedProcess[str]

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr


def as_built(site: Path, made: dict[str, Any]) -> Built:
    result = subprocess.CompletedProcess(made["args"], made["returncode"], made["stdout"], made["stderr"])
    return Built(site, made["seconds"], result)


def record(seconds: float, result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    return {"args": result.args, "returncode": result.returncode, "stdout": result.stdout,
            "stderr": result.stderr, "seconds": seconds}  # fmt: skip


def environment() -> dict[str, str]:
    """The reader's settings for the site's URLs stay out: every build sees the defaults."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCS_")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}


def git(repo: Path, *args: str) -> str:
    author = ["-c", "user.name=t", "-c", "user.email=t@127.0.0.1"]
    return subprocess.run(["git", *author, *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def repository_copy(destination: Path) -> Path:
    """The repository's files (tracked and new, not ignored), so each generator sees what a checkout has."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300)
    return time.monotonic() - started, result


@pytest.fixture(scope="session")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone: the files and one commit, no report. Only read: copy it to change it."""

    def make(clone: Path) -> dict[str, Any]:
        repository_copy(clone)
        git(clone, "init", "-q")
        git(clone, "add", "-A")
        git(clone, "commit", "-qm", "copy")
        return {}

    return once(tmp_path_factory, "fresh-clone", make)[0]


@pytest.fixture(scope="session")
def fresh_mkdocs(fresh_clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`mkdocs build --strict` of the fresh clone, outside it."""

    def make(folder: Path) -> dict[str, Any]:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder / "site")]
        return record(*timed([*command, "--config-file", str(fresh_clone / "mkdocs.yml")], fresh_clone))

    folder, made = once(tmp_path_factory, "fresh-mkdocs", make)
    return as_built(folder / "site", made)


@pytest.fixture(scope="session")
def fresh_zensical(fresh_clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """scripts/zensical_build.py on a copy of the fresh clone (Zensical builds into the clone's `site/`, and
    the clone stays as a fresh clone is): `zensical build --strict --clean`, then its proof check."""

    def make(folder: Path) -> dict[str, Any]:
        clone = Path(shutil.copytree(fresh_clone, folder / "clone", symlinks=True))
        command = [sys.executable, str(ROOT / "scripts" / "zensical_build.py"), "--config-file"]
        return record(*timed([*command, str(clone / "mkdocs.yml")], clone))

    folder, made = once(tmp_path_factory, "fresh-zensical", make)
    return as_built(folder / "clone" / "site", made)
