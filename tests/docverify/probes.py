"""Facts from inside an image or a running container: one batched run each.

The probe (`probe_inside.py`, stdlib only) is piped into the image's own
Python, so no claim starts a container of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import docker

PROBE = Path(__file__).with_name("probe_inside.py")


def _parse(result, what: str) -> dict:
    if result.returncode != 0:
        raise RuntimeError(f"the probe of {what} failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"the probe of {what} printed no fact sheet:\n{result.stdout[-1000:]}\n{result.stderr[-1000:]}") from None


def image_facts(image: str, paths: list[str], trees: list[str], programs: list[str]) -> dict:
    """One `docker run` of `image` as root, with no network, gathering every fact."""
    request = json.dumps({"paths": paths, "trees": trees, "executables": programs, "django": True})
    result = docker.run(
        "run", "--rm", "-i", "--user", "0", "--network", "none", "--entrypoint", "python",
        image, "-", request, input=PROBE.read_text(), timeout=300,
    )
    return _parse(result, f"image {image}")


def container_facts(container: str, paths: list[str], trees: list[str], programs: list[str]) -> dict:
    """One `docker exec` in a running container, as its own user."""
    request = json.dumps({"paths": paths, "trees": trees, "executables": programs, "process": True})
    result = docker.run("exec", "-i", container, "python", "-", request, input=PROBE.read_text(), timeout=120)
    return _parse(result, f"container {container}")
