"""Facts from inside an image or a running container: one batched run each.

The probe (`probe_inside.py`, stdlib only) is piped into the image's own Python, so no claim
starts a container of its own. Project probes registered in the vocabulary ride along.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import docker
from .errors import ProbeFailed
from .facts import Facts

PROBE = Path(__file__).with_name("probe_inside.py")


@dataclass(frozen=True)
class Request:
    paths: list[str] = field(default_factory=list)
    trees: list[str] = field(default_factory=list)
    executables: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # name -> Python source
    walk: bool = False  # walk the whole filesystem (set-uid, world-writable, top-level summary)

    def encode(self, process: bool) -> str:
        return json.dumps(
            {
                "paths": self.paths,
                "trees": self.trees,
                "executables": self.executables,
                "extra": self.extra,
                "walk": self.walk,
                "process": process,
            }
        )


def _load(result: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    if result.returncode != 0:
        raise ProbeFailed(f"the probe of {what} failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    try:
        loaded: dict[str, Any] = json.loads(result.stdout)
        return loaded
    except json.JSONDecodeError as error:
        raise ProbeFailed(
            f"the probe of {what} printed no fact sheet ({error}):\n{result.stdout[-1000:]}\n{result.stderr[-1000:]}"
        ) from None


def _parse(raw: dict[str, Any], what: str) -> Facts:
    try:
        return Facts.load(raw)
    except KeyError as error:
        raise ProbeFailed(f"the probe of {what} printed an incomplete fact sheet: no {error}") from None


def _image_run(image: str, request: Request) -> dict[str, Any]:
    result = docker.run(
        "run", "--rm", "-i", "--user", "0", "--network", "none", "--entrypoint", "python",
        image, "-", request.encode(process=False), input=PROBE.read_text(), timeout=300,
    )  # fmt: skip
    return _load(result, f"image {image}")


def image_facts(image: str, request: Request) -> Facts:
    """`docker run`s of `image` as root, with no network, gathering every fact.

    The project probes get a container of their own, side by side with the file facts: they
    start the app, which writes (logs), and the file facts must be the image's as built.
    """
    if not request.extra:
        return _parse(_image_run(image, request), f"image {image}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        files = pool.submit(_image_run, image, replace(request, extra={}))
        extra = pool.submit(_image_run, image, Request(extra=request.extra))
        raw = files.result()
        raw["extra"] = extra.result()["extra"]
    return _parse(raw, f"image {image}")


def container_facts(container: str, request: Request) -> Facts:
    """One `docker exec` in a running container, as its own user."""
    result = docker.run(
        "exec", "-i", container, "python", "-", request.encode(process=True), input=PROBE.read_text(), timeout=180
    )
    return _parse(_load(result, f"container {container}"), f"container {container}")
