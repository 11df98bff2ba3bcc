"""Parallel workers (pytest-xdist, `--dist loadgroup`, which `-n` alone gets): the docs, every test using the
stack and the report's readers run on one worker, beside the others' work; one report holds every claim; a
worker killed while its stack is up leaves no container behind; a mode that would split the claims is refused."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from docverify.observe import docker

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ledger"

# Tests the copy gains: one plain, one on the stack, one reading the report (it must come last).
EXTRA = """
import json, os, signal
from pathlib import Path

import pytest


def test_plain() -> None:
    assert True


def test_on_the_stack(stack) -> None:
    assert stack.service.name.endswith("ledger-1")
    if os.environ.get("KILL_WORKER"):
        os.kill(os.getpid(), signal.SIGKILL)  # a worker that dies with the stack up


@pytest.mark.docverify_report
def test_reads_the_report(docverify) -> None:
    docverify.write_report()
    claims = json.loads(Path("artifacts/report.json").read_text())["claims"]
    assert claims and all(c["levels"] for c in claims)
"""


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    root = shutil.copytree(EXAMPLE, tmp_path / "ledger")
    (root / "tests").mkdir()
    (root / "tests" / "test_extra.py").write_text(EXTRA)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text().replace('testpaths = ["docs"]', 'testpaths = ["docs", "tests"]')
    pyproject.write_text(text.replace("coverage = true", 'coverage = true\nreport = "artifacts/report.json"'))
    return root, f"docverify-test-workers-{uuid.uuid4().hex[:6]}"


def run(root: Path, prefix: str, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:django", "-n", "2", "-v"]
    command += ["-o", f"docverify_image_prefix={prefix}", *extra]
    env = {**os.environ, "CI": "true", **env}
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=900, env=env)


def leftovers(prefix: str) -> list[str]:
    listed = docker.run("ps", "-aq", "--filter", f"label=com.docker.compose.project={prefix}-stack")
    return listed.stdout.split()


def test_one_worker_owns_the_docs_the_stack_and_the_report(docker_engine: None, project: tuple[Path, str]) -> None:
    """`pytest -n 2` as typed: docverify chooses `--dist loadgroup` itself, and tells the workers."""
    root, prefix = project
    try:
        result = run(root, prefix)
        out = result.stdout
        assert result.returncode == 0, out[-4000:]
        ran = re.findall(r"^\[(gw\d+)\] \[\s*\d+%\] PASSED ([^\s@]+)", out, re.M)
        owner = {worker for worker, test in ran if test.startswith("docs/") or "on_the_stack" in test}
        assert len(owner) == 1, f"the docs and the stack test ran on {owner}:\n{out[-3000:]}"
        owned = [test for worker, test in ran if worker in owner]
        assert owned[-1].endswith("test_reads_the_report"), f"the report reader did not run last: {owned[-5:]}"
        assert any(worker not in owner for worker, _ in ran), "nothing ran on the other worker"
        report = json.loads((root / "artifacts" / "report.json").read_text())
        pages = {c["page"] for c in report["claims"]}
        levels = {level for c in report["claims"] for level in c["levels"]}
        assert pages == {"docs/image.md", "docs/service.md"}, pages
        assert levels == {"static", "image", "running"}, levels
        assert leftovers(prefix) == []
    finally:
        clean(prefix)


def test_a_mode_that_would_split_the_claims_is_refused_in_one_line(project: tuple[Path, str]) -> None:
    root, prefix = project
    for mode in ("load", "loadfile", "each"):
        result = run(root, prefix, "--dist", mode)
        assert result.returncode == 4 and "Traceback" not in result.stderr, result.stdout + result.stderr
        assert f"docverify: --dist {mode} would split the doc claims" in result.stderr, result.stderr


def clean(prefix: str) -> None:
    """The containers, and the images the run tagged with its prefix (each run of these tests has its own)."""
    found = leftovers(prefix)
    if found:
        docker.run("rm", "-f", "-v", *found)
    tags = docker.run("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={prefix}*").stdout
    if tags.split():
        docker.run("rmi", *tags.split())


def test_a_worker_killed_with_its_stack_up_leaves_nothing(docker_engine: None, project: tuple[Path, str]) -> None:
    root, prefix = project
    try:
        # No restart: a worker started again would only die again on the same test.
        result = run(root, prefix, "--dist", "loadgroup", "--max-worker-restart", "0", KILL_WORKER="1")
        assert "test_on_the_stack" in result.stdout and result.returncode != 0, result.stdout[-3000:]
        assert re.search(r"worker '?gw\d'? crashed|node down", result.stdout, re.I), result.stdout[-3000:]
        assert leftovers(prefix) == [], "the controller must take down the stack a dead worker left up"
    finally:
        clean(prefix)
