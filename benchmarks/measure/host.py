"""The machine: what it is, and whether it has what the benchmark needs."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path
from typing import Any

from docverify.observe import docker as engine

from .common import BASE, Failed, image_id


def machine() -> dict[str, Any]:
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")
    )
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb * 1024 / 1e9, 1),
        "docker_server": engine.engine_version() or "unknown",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
    }


def preflight() -> None:
    problem = engine.engine_problem()
    if problem:
        raise Failed(problem)
    for image in (BASE, "postgres:17"):
        if not image_id(image):
            raise Failed(f"the base image {image} is missing; run `bash scripts/base-images.sh` first")
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        raise Failed("`docker compose` (the v2 plugin) is not installed")
