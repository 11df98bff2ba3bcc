"""Bad input gets a clear error that names the place, never a silent pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docverify import claims, docker, mutations
from docverify.dockerfile import DockerfileError, parse
from docverify.docker import ROOT


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.mark.parametrize(
    "dockerfile, message",
    [
        ("FROM python:3.13-slim\nWORKDIR /app\nFORM python\n", "Dockerfile:3: unknown instruction 'FORM'"),
        ("WORKDIR /app\nFROM python:3.13-slim\n", "Dockerfile:1: WORKDIR before the first FROM"),
        ("FROM python:3.13-slim AS\n", "Dockerfile:1: FROM must read `FROM image [AS name]`"),
        ("FROM python:3.13-slim\nRUN echo \\\n", "Dockerfile:2: line continuation at end of file"),
        ("# only a comment\n", "Dockerfile: no FROM instruction"),
        ('FROM python:3.13-slim\nENTRYPOINT ["/entrypoint.sh"\n', "Dockerfile:2: ENTRYPOINT has malformed JSON"),
    ],
)
def test_malformed_dockerfile_names_the_line(tmp_path, dockerfile, message):
    path = write(tmp_path / "Dockerfile", dockerfile)
    with pytest.raises(DockerfileError) as error:
        parse(path)
    assert message in str(error.value)


def run_doc_suite(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real doc suite (pytest + Sybil) on a copy of the repository."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(root), "-c", str(root / "pyproject.toml"), *args],
        cwd=root, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """The repository with its test suite, to break and run."""
    root = mutations.copy_repository(ROOT, tmp_path)
    shutil.copytree(ROOT / "tests", root / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "conftest.py", root / "conftest.py")
    return root


def test_a_missing_stage_fails_the_claims_that_describe_it(repo_copy):
    dockerfile = repo_copy / "Dockerfile"
    text = dockerfile.read_text()
    dockerfile.write_text(text[: text.index("# --8<-- [start:runtime]")])
    failures = mutations.static_failures(repo_copy)
    message = failures["Runtime/Base Image"][0]
    assert "Dockerfile.md:" in message and "describe stage 2 (Runtime), but the Dockerfile has 1 stage(s)" in message


def test_a_malformed_dockerfile_fails_the_doc_checks_with_its_line(repo_copy):
    dockerfile = repo_copy / "Dockerfile"
    text = dockerfile.read_text()
    line = text[: text.index("WORKDIR /app\n")].count("\n") + 1
    dockerfile.write_text(text.replace("WORKDIR /app\n", "WROKDIR /app\n", 1))
    result = run_doc_suite(repo_copy, "docs", "-m", "not docker", "-k", "static:")
    assert result.returncode != 0
    first = claims.read(repo_copy / mutations.DOCKERFILE_PAGE)[0]
    assert (f"Dockerfile.md:{first.line} {first.title}: cannot read the Dockerfile: "
            f"Dockerfile:{line}: unknown instruction 'WROKDIR'") in result.stdout, result.stdout[-3000:]
    assert "Traceback" not in result.stdout


def test_an_unknown_claim_label_is_a_collection_error(repo_copy):
    page = repo_copy / "docs/backend/django/deploy/docker/Dockerfile.md"
    lines = page.read_text().splitlines(keepends=True)
    lines.insert(9, "*   **Colour:** `blue`\n")
    page.write_text("".join(lines))
    result = run_doc_suite(repo_copy, "docs", "-m", "not docker")
    assert result.returncode != 0
    assert "docs/backend/django/deploy/docker/Dockerfile.md:10: no check reads **Colour:**" in result.stdout, result.stdout[-3000:]
    assert "error" in result.stdout.splitlines()[-1]


def test_a_claim_without_a_value_is_a_collection_error(tmp_path):
    page = write(tmp_path / "page.md", """
        ## Stage 1: Builder

        *   **Base Image:** the slim one
        *   **Dependencies:** `gcc`
    """)
    with pytest.raises(claims.ClaimSyntaxError, match=r"page.md:3: \*\*Base Image:\*\* has neither values nor nested claims"):
        claims.read(page)


def test_a_mislabelled_claim_is_a_collection_error(tmp_path):
    page = write(tmp_path / "page.md", "*   **Base Image**: `python:3.13-slim`\n")
    with pytest.raises(claims.ClaimSyntaxError, match=r"page.md:1: write a claim label as \*\*Label:\*\*"):
        claims.read(page)


def test_docker_down_skips_with_one_reason_and_fails_under_ci(repo_copy):
    unreachable = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    skipped = run_doc_suite(repo_copy, "docs", "-k", "image:L9 or static:L9", "-rs", env={**unreachable, "CI": "false"})
    assert skipped.returncode == 0, skipped.stdout[-2000:]
    assert "1 passed, 1 skipped" in skipped.stdout
    assert "Docker-backed check skipped: the Docker engine is unreachable" in skipped.stdout
    failed = run_doc_suite(repo_copy, "docs", "-k", "image:L9", env={**unreachable, "CI": "true"})
    assert failed.returncode != 0
    assert "CI=true and the Docker engine is unreachable" in failed.stdout, failed.stdout[-2000:]


@pytest.mark.docker
def test_a_failed_build_shows_the_step_and_the_log_tail(docker_engine, tmp_path):
    write(tmp_path / "Dockerfile", """
        FROM python:3.13-slim
        RUN echo "about to fail" && false
    """)
    with pytest.raises(docker.BuildFailed) as error:
        docker.build("backend-django-docs:broken", dockerfile=tmp_path / "Dockerfile", context=tmp_path)
    message = str(error.value)
    assert "Step 2/2 : RUN echo \"about to fail\" && false" in message
    assert "about to fail" in message.split("last")[1]
    assert "exit 1" in message or "returned a non-zero code" in message
