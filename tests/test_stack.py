"""The compose stack under stress: the database lost and back, start-up without a database, a
graceful stop, and leftovers of a run that died. What a healthy stack looks like is proven by
the running-level doc claims; these tests break things on purpose."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from docverify.observe import docker
from docverify.observe.subjects import Stack

pytestmark = pytest.mark.docker
T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]


def wait_for(what: str, condition: Callable[[], T], timeout: float, interval: float = 1.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def answer(stack: Stack, path: str) -> int:
    try:
        return stack.get(path)[0]
    except OSError:  # a worker restarting: no answer yet
        return 0


def health_status(stack: Stack, service: str) -> str | None:
    state = docker.inspect(stack.compose.container_id(service), "container")["State"]
    return (state.get("Health") or {}).get("Status")


def test_database_lost_then_back(stack: Stack) -> None:
    """Health turns 503 with a reason; start-up without a database gives up in time and says why."""
    stack.compose("stop", "db")
    try:
        status, body = wait_for("/health/ to answer 503", lambda: (r := stack.get("/health/"))[0] == 503 and r, 30)
        assert '"database": "unavailable"' in body and '"reason"' in body, body

        started = time.monotonic()
        run = stack.compose.run_once("--no-deps", "-e", "DB_WAIT_TIMEOUT=5", "backend", timeout=120)
        elapsed = time.monotonic() - started
        output = run.stdout + run.stderr
        assert run.returncode != 0, output
        assert "db:5432" in output and "unavailable" in output, output
        assert elapsed < 5 + 20, f"the entrypoint took {elapsed:.0f}s to give up with DB_WAIT_TIMEOUT=5"
    finally:
        stack.compose("start", "db")
    # Docker's status may never have left "healthy" while the database was briefly away (three
    # failed checks turn it), so the answer itself is awaited first, then Docker's verdict.
    wait_for("/health/ to answer 200 again", lambda: answer(stack, "/health/") == 200, 90)
    wait_for("the backend to be healthy", lambda: health_status(stack, "backend") == "healthy", 90)
    assert not [c for c in stack.compose.leftovers() if "-once-" in docker.inspect(c, "container")["Name"]]


def test_backend_stops_gracefully_within_10_seconds(stack: Stack) -> None:
    started = time.monotonic()
    stack.compose("stop", "backend")
    elapsed = time.monotonic() - started
    state = docker.inspect(stack.compose.container_id("backend"), "container")["State"]
    # Started again for the tests after this one. `up --wait` once gave up on it as unhealthy right after the
    # restart, under a loaded machine: the answer, then Docker's verdict, are awaited instead.
    stack.compose("start", "backend")
    wait_for("/health/ to answer 200 again", lambda: answer(stack, "/health/") == 200, 90)
    wait_for("the backend to be healthy", lambda: health_status(stack, "backend") == "healthy", 90)
    assert elapsed < 10, f"`docker compose stop backend` took {elapsed:.1f}s"
    # gunicorn exits 0 on SIGTERM; 137 would mean Docker had to SIGKILL it.
    assert state["ExitCode"] == 0, f"the backend exited {state['ExitCode']} on SIGTERM"


def test_a_run_that_died_leaves_nothing_that_breaks_the_next(docker_engine: None, tmp_path: Path) -> None:
    """A stray one-off container of the suite's project (as a killed run leaves it) is removed by
    the next session, which comes up green and leaves nothing behind."""
    prefix = f"docverify-leftover-{uuid.uuid4().hex[:6]}"
    project = f"{prefix}-stack"
    stray = docker.run(
        "run",
        "-d",
        "--name",
        f"{project}-backend-run-stray",
        "--label",
        f"com.docker.compose.project={project}",
        "--label",
        "com.docker.compose.oneoff=True",
        "--label",
        "com.docker.compose.service=backend",
        "--entrypoint",
        "sleep",
        "python:3.13-slim",
        "600",
    )
    assert stray.returncode == 0, stray.stderr
    page = "docs/backend/django/health.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-k",
            "running:",
            page,
            "-o",
            f"docverify_image_prefix={prefix}",
            "-o",
            f"docverify_report={tmp_path / 'report.json'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    left = docker.run("ps", "-aq", "--filter", f"label=com.docker.compose.project={project}").stdout.split()
    if left:
        docker.run("rm", "-f", *left)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "passed" in result.stdout.splitlines()[-1] and "failed" not in result.stdout.splitlines()[-1]
    assert left == [], f"the session left {len(left)} container(s) of {project} behind"


def test_the_projects_experiments_made_apart_are_swept_with_the_stack(docker_engine: None) -> None:
    """A killed run leaves an experiment's project apart (`{project}-steps-0a1b2c`): its container, network and
    volume go when the stack's project is cleaned; a project that only shares the name's start stays."""
    from docverify.observe.stack import Compose

    project = f"docverify-sweep-{uuid.uuid4().hex[:6]}-stack"
    apart, other = f"{project}-steps-0a1b2c", f"{project}-unrelated"
    made: dict[str, list[str]] = {}
    for name in (apart, other):
        label = f"com.docker.compose.project={name}"
        done = [
            docker.run("run", "-d", "--label", label, "--entrypoint", "sleep", "python:3.13-slim", "600"),
            docker.run("network", "create", "--label", label, f"{name}_default"),
            docker.run("volume", "create", "--label", label, f"{name}_data"),
        ]
        assert all(each.returncode == 0 for each in done), [each.stderr for each in done]
        made[name] = [each.stdout.strip() for each in done]
    try:
        Compose(ROOT / "compose.yaml", project, {}).clean()
        container, network, volume = made[apart]
        assert docker.run("inspect", container).returncode != 0, "the apart project's container was left"
        assert docker.run("network", "inspect", network).returncode != 0, "its network was left"
        assert docker.run("volume", "inspect", volume).returncode != 0, "its volume was left"
        assert all(docker.run("inspect", ref).returncode == 0 for ref in made[other]), "an unrelated one went"
    finally:
        for container, network, volume in made.values():
            docker.run("rm", "-f", container)
            docker.run("network", "rm", network)
            docker.run("volume", "rm", volume)


def test_a_project_apart_publishes_nothing_and_never_shares_an_external_volume(
    docker_engine: None, tmp_path: Path
) -> None:
    """An experiment's project apart runs beside the stack: no fixed host port or container name to clash with
    it; and a project whose volume is external gets none, as it would share the stack's data."""
    from docverify.errors import ProbeFailed
    from docverify.observe.stack import Compose

    file = tmp_path / "compose.yaml"
    file.write_text(
        "services:\n  db:\n    image: postgres:17\n    container_name: fixed-db\n"
        '    ports: ["127.0.0.1:55432:5432"]\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data:\n'
    )
    with Compose(file, "docverify-apart-test", {}).apart("steps") as own:
        assert own.project.startswith("docverify-apart-test-steps-")
        seen = own("config", "--format", "json").stdout
        assert '"ports"' not in seen and "fixed-db" not in seen, seen
    file.write_text(file.read_text() + "    external: true\n")
    with pytest.raises(ProbeFailed, match="volume data is external"), Compose(file, "x", {}).apart("steps"):
        pass
