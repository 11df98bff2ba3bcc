"""The engine is reusable: installed with pip into a fresh virtual environment (no Django), it
proves another project's docs through configuration alone, and names a false sentence."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytest_plugins = ["fresh_engine"]  # the engine in a fresh venv, made once a session
pytestmark = pytest.mark.xdist_group("fresh-engine")  # the venv above: made once, on one worker
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hello"
PAGE = "docs/image.md"


def test_installs_without_django_and_registers_its_options(fresh_venv: Path) -> None:
    python = str(fresh_venv / "bin" / "python")
    probe = "import docverify, importlib.util as u; print(docverify.__version__, u.find_spec('django') is None)"
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.split()[1] == "True", result.stderr
    # In the example project, as an adopting team runs it (this repository's tests/ need Django).
    shown = subprocess.run([python, "-m", "pytest", "--help"], cwd=EXAMPLE, capture_output=True, text=True)
    for option in ("docverify_docs", "docverify_dockerfile", "docverify_compose", "docverify_service",
                   "docverify_image_prefix", "docverify_build_args"):  # fmt: skip
        assert option in shown.stdout, f"pytest --help does not list {option}: {shown.stderr[-2000:]}"


def run_example(venv: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.docker
def test_the_example_project_is_proven_and_a_false_sentence_named(
    docker_engine: None, fresh_venv: Path, tmp_path: Path
) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "hello")
    passed = run_example(fresh_venv, root)
    assert passed.returncode == 0, passed.stdout[-3000:]
    summary = passed.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary and "skipped" not in summary, summary
    assert "image:L" in run_example(fresh_venv, root, "--collect-only", "-v").stdout

    page = root / PAGE
    text = page.read_text()
    page.write_text(text.replace("UID `4242`", "UID `4243`"))
    line = text[: text.index("UID `4242`")].count("\n") + 1
    failed = run_example(fresh_venv, root)
    assert failed.returncode != 0
    assert f"{PAGE}:{line} User Setup: docs say hello with UID 4243" in failed.stdout, failed.stdout[-3000:]
