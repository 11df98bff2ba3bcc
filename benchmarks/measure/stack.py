"""The compose stack: from `docker compose up -d` to a healthy backend."""

from __future__ import annotations

import subprocess
import time

from docverify.observe import docker as engine
from docverify.observe.stack import compose_environment

from .common import BENCH, HERE, Bench, Failed, Results, median, timed
from .progress import say


def healthy_s(bench: Bench, runs: Results) -> float:
    project = BENCH
    files = ["-f", str(bench.settings.compose), "-f", str(HERE / "compose.bench.yaml")]
    # The suite's own compose environment: the resolved build arguments and a free loopback port.
    env = compose_environment(bench.settings)

    def compose(*args: str, what: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return timed(["docker", "compose", *files, "-p", project, *args], what, env=env, check=check, timeout=600)[1]

    say(f"compose build (BuildKit), project {project}, backend on 127.0.0.1:{env.get('BACKEND_PORT')}")
    compose("build", what="docker compose build")
    times, up_returned = [], []
    try:
        for n in range(3):
            compose("down", "-v", what="docker compose down -v")
            began = time.monotonic()
            compose("up", "-d", "--no-build", what=f"docker compose up -d, run {n + 1}/3")
            up_returned.append(time.monotonic() - began)
            backend = compose("ps", "-q", "backend", what="docker compose ps").stdout.strip()
            status = wait_healthy(backend, began, n)
            if status != "healthy":
                logs = compose("logs", "--no-color", "--tail", "30", what="docker compose logs", check=False).stdout
                raise Failed(f"the backend did not turn healthy (status {status}):\n{logs}")
            times.append(time.monotonic() - began)
            say(f"stack healthy, run {n + 1}/3: {times[-1]:.2f}s (up -d returned after {up_returned[-1]:.2f}s)")
    finally:
        compose("down", "-v", what="docker compose down -v", check=False)
    runs["healthy_s"] = {"runs": times, "up_d_returned": up_returned, "port": int(env.get("BACKEND_PORT", "0"))}
    return median(times)


def wait_healthy(container: str, began: float, n: int, limit: float = 180) -> str:
    status = "unknown"
    last_said = time.monotonic()
    template = "{{if .State.Health}}{{.State.Health.Status}}{{end}} {{.State.Status}}"
    while time.monotonic() - began < limit:
        state = engine.run("inspect", "-f", template, container).stdout.split()
        status = state[0] if state else "gone"
        if status == "healthy" or status in ("unhealthy", "exited", "dead", "gone"):
            return status
        if time.monotonic() - last_said > 2.5:
            say(f"  run {n + 1}/3: backend {status} after {time.monotonic() - began:.1f}s")
            last_said = time.monotonic()
        time.sleep(0.2)
    return status
