"""The engine's shape holds: layered imports, no import cycle, small modules, and the contracts bite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "src" / "docverify"
LIMIT = 300


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with this repository's contracts, on the engine found under `root`/src."""
    program = Path(sys.executable).with_name("lint-imports")
    env = {"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}
    command = [str(program), "--no-cache", "--config", str(ROOT / "pyproject.toml")]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120, env=env)


def test_the_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0 and "2 kept, 0 broken" in result.stdout, result.stdout[-3000:]


@pytest.mark.parametrize(
    "module, line, broken",
    [
        # The model layer importing the vocabulary above it.
        ("model/sources.py", "from ..vocabulary import label as _upward\n", "docverify is layered"),
        # Two sibling modules of the model importing each other.
        ("model/shell.py", "from . import dockerfile as _cycle\n", "no import cycle"),
        # One front end importing another.
        ("cli/main.py", "from .. import plugin as _front\n", "docverify is layered"),
    ],
)
def test_the_contracts_bite(tmp_path: Path, module: str, line: str, broken: str) -> None:
    copy = tmp_path / "src" / "docverify"
    shutil.copytree(ENGINE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    text = target.read_text()
    head = text.index("\n\n", text.index("from __future__ import annotations")) + 2
    target.write_text(text[:head] + line + text[head:])
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and f"{broken}" in result.stdout and "BROKEN" in result.stdout, result.stdout[-2000:]


def test_no_engine_module_is_over_300_lines() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in ENGINE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > LIMIT
    }
    assert not long, f"modules over {LIMIT} lines: {long}"


def test_installing_leaves_the_source_tree_clean(tmp_path: Path) -> None:
    """`pip install ./src/docverify` builds out of tree: no build/, no .egg-info next to the sources."""
    before = sorted(p.name for p in ENGINE.iterdir())
    wheel = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "-w",
         str(tmp_path), str(ENGINE)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert wheel.returncode == 0, wheel.stderr[-2000:]
    assert sorted(p.name for p in ENGINE.iterdir()) == before
    assert not [p for p in ENGINE.rglob("*.egg-info")] and not (ENGINE / "build").exists()
    built = [p.name for p in tmp_path.glob("docverify-*.whl")]
    assert built, "no wheel built"
