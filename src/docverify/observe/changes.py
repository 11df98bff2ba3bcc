"""What a running container changed in its own file system: `docker diff`, seen from the host.

Every path the container added (A), changed (C) or deleted (D) against its image; volumes and
tmpfs mounts are not part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import docker
from .observer import Need, Observer, nothing


@dataclass(frozen=True)
class Changes:
    paths: tuple[tuple[str, str], ...]  # (A|C|D, path)

    def added(self) -> list[str]:
        return [path for kind, path in self.paths if kind == "A"]


def host(request: None, service: Any) -> list[list[str]]:
    result = docker.run("diff", service.id, timeout=60)
    if result.returncode != 0:
        raise ValueError(f"`docker diff` failed: {result.stderr.strip()}")
    return [line.split(" ", 1) for line in result.stdout.splitlines() if " " in line]


def load(raw: list[list[str]]) -> Changes:
    return Changes(tuple((kind, path) for kind, path in raw))


CHANGES: Observer[None, Changes] = Observer(
    "changes",
    load,
    nothing,
    host=host,
    phase="host",
    where=("container",),
    inputs=("config:self:*", "script:entrypoint"),
    last=True,  # what the HTTP requests made the app write (its imports' bytecode) is in the diff every time
)


def need() -> Need:
    return CHANGES.need(None)
