"""Typed subjects in the testinfra style: `image.user("appuser").uid`, `container.pid1.uid`.

An image and a running container both answer `.view`: what the process sees (user, working
directory, environment, argv). One check implementation serves both levels through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dockerfile import Stage
from .facts import Facts, FileInfo, ImageConfig, Process, UserInfo


@dataclass(frozen=True)
class View:
    """What the main process has (running) or would have (image) when the container starts."""

    where: str
    uid: int | None
    user: UserInfo | None
    cwd: str
    env: dict[str, str]
    argv: tuple[str, ...]


class Probed:
    """What an image and a running container both answer from their probe's facts."""

    facts: Facts

    @property
    def packages(self) -> dict[str, str]:
        return self.facts.packages

    def user(self, spec: str) -> UserInfo | None:
        return self.facts.user(spec)

    def file(self, path: str) -> FileInfo:
        return self.facts.file(path)


@dataclass
class Image(Probed):
    tag: str
    stage: Stage
    inspect: dict[str, Any]
    facts: Facts
    history: list[str]  # each layer's "created by"

    @property
    def config(self) -> ImageConfig:
        return ImageConfig.load(self.inspect["Config"])

    @property
    def where(self) -> str:
        return f"image {self.tag} ({self.stage.from_instruction.where}, {self.stage.label})"

    @property
    def layers(self) -> list[str]:
        return list(self.inspect["RootFS"]["Layers"])

    @property
    def view(self) -> View:
        config = self.config
        user = self.facts.user(config.user or "root")
        return View(self.where, user.uid if user else None, user, config.workdir, config.env, config.argv)


@dataclass
class Container(Probed):
    service: str
    inspect: dict[str, Any]
    facts: Facts

    @property
    def name(self) -> str:
        return str(self.inspect["Name"]).lstrip("/")

    @property
    def where(self) -> str:
        return f"service {self.service} (container {self.name})"

    @property
    def pid1(self) -> Process:
        assert self.facts.pid1 is not None, "container probes always read PID 1"
        return self.facts.pid1

    @property
    def health(self) -> dict[str, Any]:
        return dict(self.inspect["State"].get("Health") or {})

    @property
    def config(self) -> ImageConfig:
        return ImageConfig.load(self.inspect["Config"])

    @property
    def mounts(self) -> list[dict[str, Any]]:
        return list(self.inspect.get("Mounts") or [])

    @property
    def published(self) -> dict[str, list[dict[str, str]]]:
        return {port: list(b or []) for port, b in (self.inspect["NetworkSettings"]["Ports"] or {}).items()}

    @property
    def view(self) -> View:
        pid1 = self.pid1
        return View(self.where, pid1.uid, self.facts.user_by_uid(pid1.uid), pid1.cwd, pid1.env, pid1.argv)


@dataclass
class Service:
    """A compose service that is not probed from inside (the database)."""

    name: str
    inspect: dict[str, Any]

    @property
    def where(self) -> str:
        return f"service {self.name} (container {str(self.inspect['Name']).lstrip('/')})"
