"""The health check made to fail: the image's own health test, run where its server never started.

A container of the image is started with no network and its entrypoint replaced, so nothing it
checks can answer; a test that still exits 0 can never fail. The answer is the exit status, its
output, and how long it took.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from typing import Any

from . import docker
from .observer import Need, Observer, nothing

LIMIT = 60.0  # seconds: a test that hangs longer is cut off (and counts as failing)


@dataclass(frozen=True)
class HealthFailure:
    test: tuple[str, ...]
    code: int | None  # None: no health check, or it was cut off
    output: str
    seconds: float


def load(raw: dict[str, Any]) -> HealthFailure:
    return HealthFailure(tuple(raw["test"]), raw["code"], raw["output"], float(raw["seconds"]))


def host(request: None, image: Any) -> dict[str, Any]:
    config = docker.inspect(str(image))["Config"]
    test = list((config.get("Healthcheck") or {}).get("Test") or [])
    if not test or test[0] == "NONE":
        return {"test": test, "code": None, "output": "no health check", "seconds": 0}
    if test[0] == "CMD-SHELL":
        argv = ["--entrypoint", "/bin/sh", str(image), "-c", *test[1:]]  # as Docker runs it
    else:
        command = test[1:] if test[0] == "CMD" else test
        argv = ["--entrypoint", command[0], str(image), *command[1:]]
    started = time.monotonic()
    try:
        result = docker.run("run", "--rm", "--network", "none", *argv, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        return {"test": test, "code": None, "output": f"still running after {LIMIT:.0f} s", "seconds": LIMIT}
    output = (result.stdout + result.stderr).strip()[-500:]
    return {"test": test, "code": result.returncode, "output": output, "seconds": time.monotonic() - started}


HEALTH_FAILURE: Observer[None, HealthFailure] = Observer(
    "health_failure", load, nothing, host=host, phase="host", where=("image",), inputs=("config:self:Healthcheck",)
)


def need(on: str = "self") -> Need:
    return HEALTH_FAILURE.need(None, on)
