"""The compose stack under stress: the database lost and back, start-up
without a database, and a graceful stop. What a healthy stack looks like
(health 200, healthy container, the server as appuser and PID 1) is proven
by the running-level doc claims; these tests break things on purpose."""

from __future__ import annotations

import time

import pytest

from docverify import docker
from docverify.fixtures import compose, container_id, http_get

pytestmark = pytest.mark.docker


def wait_for(what: str, condition, timeout: float, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def health_status(service: str) -> str | None:
    state = docker.inspect(container_id(service), "container")["State"]
    return (state.get("Health") or {}).get("Status")


def test_database_lost_then_back(stack):
    """Health turns 503 with a reason and the container unhealthy; both recover."""
    compose("stop", "db")
    try:
        status, body = wait_for("/health/ to answer 503", lambda: (r := http_get(f"{stack.base_url}/health/"))[0] == 503 and r, 30)
        assert '"database": "unavailable"' in body and '"reason"' in body, body
        wait_for("the backend to turn unhealthy", lambda: health_status("backend") == "unhealthy", 60)

        # Start-up without a database: the entrypoint gives up within its timeout and says why.
        started = time.monotonic()
        run = compose("run", "--rm", "--no-deps", "-e", "DB_WAIT_TIMEOUT=5", "backend", check=False, timeout=120)
        elapsed = time.monotonic() - started
        output = run.stdout + run.stderr
        assert run.returncode != 0, output
        assert "db:5432" in output and "unavailable" in output, output
        assert elapsed < 5 + 20, f"the entrypoint took {elapsed:.0f}s to give up with DB_WAIT_TIMEOUT=5"
    finally:
        compose("start", "db")
    wait_for("the backend to turn healthy again", lambda: health_status("backend") == "healthy", 90)
    assert http_get(f"{stack.base_url}/health/")[0] == 200


def test_backend_stops_gracefully_within_10_seconds(stack):
    started = time.monotonic()
    compose("stop", "backend")
    elapsed = time.monotonic() - started
    state = docker.inspect(container_id("backend"), "container")["State"]
    compose("up", "--wait", "backend")
    assert elapsed < 10, f"`docker compose stop backend` took {elapsed:.1f}s"
    # gunicorn exits 0 on SIGTERM; 137 would mean Docker had to SIGKILL it.
    assert state["ExitCode"] == 0, f"the backend exited {state['ExitCode']} on SIGTERM"
