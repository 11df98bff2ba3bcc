"""The image and running levels' subjects: built images and the running stack, each observed once.

`images.image(claim).observed(USERS).user("appuser").uid`, `stack.service.observed(PROCESS).uid`:
Docker's own answers (`docker inspect`) are typed here, and what the observers saw is read back
through the observer that saw it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..model import dockerfile as model
from ..model.sources import Placed, Sources, stage_of
from .observer import Observed, Observer

F = TypeVar("F")


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]  # ("CMD", argv...), ("CMD-SHELL", script) or ("NONE",)
    interval: float | None = None  # seconds
    timeout: float | None = None
    start_period: float | None = None
    retries: int | None = None

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> Healthcheck | None:
        if not raw or not raw.get("Test"):
            return None

        def seconds(key: str) -> float | None:
            value = raw.get(key)
            return value / 1e9 if value else None

        return cls(
            tuple(raw["Test"]), seconds("Interval"), seconds("Timeout"), seconds("StartPeriod"), raw.get("Retries")
        )


@dataclass(frozen=True)
class ImageConfig:
    """`docker inspect`'s Config: what a container of the image starts with."""

    env: dict[str, str]
    workdir: str
    user: str
    entrypoint: tuple[str, ...]
    cmd: tuple[str, ...]
    healthcheck: Healthcheck | None
    exposed_ports: frozenset[str]
    volumes: frozenset[str]
    labels: dict[str, str]
    stop_signal: str | None
    shell: tuple[str, ...]

    @classmethod
    def load(cls, raw: dict[str, Any]) -> ImageConfig:
        return cls(
            env=dict(item.split("=", 1) for item in raw.get("Env") or []),
            workdir=raw.get("WorkingDir") or "/",
            user=raw.get("User") or "",
            entrypoint=tuple(raw.get("Entrypoint") or ()),
            cmd=tuple(raw.get("Cmd") or ()),
            healthcheck=Healthcheck.load(raw.get("Healthcheck")),
            exposed_ports=frozenset(raw.get("ExposedPorts") or {}),
            volumes=frozenset(raw.get("Volumes") or {}),
            labels=dict(raw.get("Labels") or {}),
            stop_signal=raw.get("StopSignal"),
            shell=tuple(raw.get("Shell") or ()),
        )

    @property
    def argv(self) -> tuple[str, ...]:
        """What the container runs: the entrypoint with the command as its arguments."""
        return (*self.entrypoint, *self.cmd)


class Seen:
    """What an image and a container both answer: facts by the observer that saw them."""

    observations: Observed

    def observed(self, observer: Observer[Any, F]) -> F:
        return self.observations.get(observer)


@dataclass
class Image(Seen):
    tag: str
    stage: model.Stage | None  # None for a base image
    inspect: dict[str, Any]
    observations: Observed
    history: list[str] = field(default_factory=list)  # each layer's "created by"

    @property
    def config(self) -> ImageConfig:
        return ImageConfig.load(self.inspect["Config"])

    @property
    def where(self) -> str:
        if self.stage is None:
            return f"image {self.tag}"
        return f"image {self.tag} ({self.stage.where()})"

    @property
    def layers(self) -> list[str]:
        return list(self.inspect["RootFS"]["Layers"])


@dataclass
class Container(Seen):
    service: str
    inspect: dict[str, Any]
    observations: Observed
    base_url: str = ""  # http://127.0.0.1:PORT of its first published port, if any

    @property
    def id(self) -> str:
        return str(self.inspect["Id"])

    @property
    def name(self) -> str:
        return str(self.inspect["Name"]).lstrip("/")

    @property
    def where(self) -> str:
        return f"service {self.service} (container {self.name})"

    @property
    def state(self) -> dict[str, Any]:
        return dict(self.inspect.get("State") or {})

    @property
    def health(self) -> dict[str, Any]:
        return dict(self.state.get("Health") or {})

    @property
    def config(self) -> ImageConfig:
        return ImageConfig.load(self.inspect["Config"])

    @property
    def host_config(self) -> dict[str, Any]:
        return dict(self.inspect.get("HostConfig") or {})

    @property
    def mounts(self) -> list[dict[str, Any]]:
        return list(self.inspect.get("Mounts") or [])

    @property
    def published(self) -> dict[str, list[dict[str, str]]]:
        return {port: list(b or []) for port, b in (self.inspect["NetworkSettings"]["Ports"] or {}).items()}

    def refreshed(self) -> dict[str, Any]:
        """`docker inspect` now, not at the start of the session."""
        from . import docker

        return docker.inspect(self.id, "container")


@dataclass
class Images:
    """Every stage built once, each and its base observed with what the claims need."""

    sources: Sources
    by_stage: dict[int, Image]
    bases: dict[str, Image]  # base image name -> observed like the stages

    def image(self, claim: Placed) -> Image:
        return self.by_stage[stage_of(claim, self.sources.dockerfile).index]

    def stage(self, stage: model.Stage) -> Image:
        return self.by_stage[stage.index]

    @property
    def final(self) -> Image:
        return self.by_stage[self.sources.dockerfile.final.index]

    def base_of(self, image: Image) -> Image:
        assert image.stage is not None, "a base image has no base of its own here"
        return self.bases[image.stage.base]

    def of_stage(self, name: str) -> Image | None:
        stage = self.sources.dockerfile.stage_named(name)
        return self.by_stage.get(stage.index) if stage else None


@dataclass
class Stack:
    """The compose stack, up and healthy: the service under test and the others, observed."""

    sources: Sources
    project: str
    service: Container
    others: dict[str, Container]
    compose: Any = None  # the stack.Compose that owns it: `stack.compose("stop", "db")`

    def container(self, name: str) -> Container:
        return self.service if name == self.service.service else self.others[name]

    def get(self, path: str) -> tuple[int | None, str]:
        """GET a path of the service under test from this machine, now (status, body)."""
        from .http import get

        answer = get(f"{self.service.base_url}{path}")
        return answer["status"], str(answer["body"])

    def exec(self, service: str, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        from . import docker

        return docker.run("exec", self.container(service).id, *argv, timeout=timeout)
