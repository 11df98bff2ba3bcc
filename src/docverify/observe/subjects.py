"""The image and running levels' subjects: built images and the running stack, each observed once.

`images.image(claim).observed(USERS).user("appuser").uid`, `stack.service.observed(PROCESS).uid`:
Docker's own answers (`docker inspect`) are typed here, and what the observers saw is read back
through the observer that saw it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import ProbeFailed
from ..model import dockerfile as model
from ..model import reads
from ..model.sources import Placed, Sources
from .imageconfig import ImageConfig
from .observer import Observed, Observer

F = TypeVar("F")


class Seen:
    """What an image and a container both answer: facts by the observer that saw them."""

    observations: Observed
    stage_key: str = "final"  # the stage its inputs are named by

    def observed(self, observer: Observer[Any, F]) -> F:
        self.note_observed(observer)
        return self.observations.get(observer)

    def note_observed(self, observer: Observer[Any, Any]) -> None:
        key = self.stage_key
        reads.note(*(name.replace(":self:", f":{key}:") for name in observer.inputs))
        if observer.on_build:
            reads.note(f"build:{key}")


@dataclass
class Image(Seen):
    tag: str
    stage: model.Stage | None  # None for a base image
    raw: dict[str, Any]  # `docker inspect`
    observations: Observed
    built_by: list[str] = field(default_factory=list)  # each layer's "created by"

    @property
    def stage_key(self) -> str:  # type: ignore[override]
        return str(self.stage.index) if self.stage else ""

    def note_observed(self, observer: Observer[Any, Any]) -> None:
        if self.stage is not None:  # a base image is no input of this project's
            super().note_observed(observer)

    @property
    def inspect(self) -> dict[str, Any]:
        """All of `docker inspect`: the whole config and the layers."""
        if self.stage is not None:
            reads.note(f"build:{self.stage_key}", f"config:{self.stage_key}:*")
        return self.raw

    def field(self, name: str) -> Any:
        """One field of the image config as `docker inspect` names it (`Cmd`), read as `config:N:Cmd`."""
        if self.stage is not None:
            reads.note(f"config:{self.stage_key}:{name}")
        return self.raw["Config"].get(name)

    @property
    def history(self) -> list[str]:
        if self.stage is not None:
            reads.note(f"build:{self.stage_key}", f"config:{self.stage_key}:*")
        return self.built_by

    @property
    def config(self) -> ImageConfig:
        return ImageConfig.load(self.raw["Config"], f"config:{self.stage_key}" if self.stage else "")

    @property
    def where(self) -> str:
        if self.stage is None:
            return f"image {self.tag}"
        return f"image {self.tag} ({self.stage.where()})"

    @property
    def layers(self) -> list[str]:
        if self.stage is not None:
            reads.note(f"build:{self.stage_key}")
        return list(self.raw["RootFS"]["Layers"])


# What the running service as a whole depends on: its build, its config, its start-up script and compose.
EVERYTHING = ("build:final", "config:final:*", "script:entrypoint", "compose")


@dataclass
class Container(Seen):
    service: str
    raw: dict[str, Any]  # `docker inspect` of the container
    observations: Observed
    base_url: str = ""  # http://127.0.0.1:PORT of its first published port, if any

    def note_observed(self, observer: Observer[Any, Any]) -> None:
        super().note_observed(observer)
        reads.note("compose")  # volumes, environment and user compose gives the container

    @property
    def inspect(self) -> dict[str, Any]:
        reads.note(*EVERYTHING)
        return self.raw

    @property
    def id(self) -> str:
        return str(self.raw["Id"])

    @property
    def name(self) -> str:
        return str(self.raw["Name"]).lstrip("/")

    @property
    def where(self) -> str:
        return f"service {self.service} (container {self.name})"

    @property
    def state(self) -> dict[str, Any]:
        """Running, healthy: what the service does, which depends on everything it is made of."""
        reads.note(*EVERYTHING)
        return dict(self.raw.get("State") or {})

    @property
    def health(self) -> dict[str, Any]:
        return dict(self.state.get("Health") or {})

    @property
    def config(self) -> ImageConfig:
        reads.note("compose")  # compose may override the image's user, command, entrypoint, environment
        return ImageConfig.load(self.raw["Config"], "config:final")

    @property
    def host_config(self) -> dict[str, Any]:
        reads.note("compose")
        return dict(self.raw.get("HostConfig") or {})

    @property
    def mounts(self) -> list[dict[str, Any]]:
        reads.note("compose")
        return list(self.raw.get("Mounts") or [])

    @property
    def published(self) -> dict[str, list[dict[str, str]]]:
        reads.note("compose")
        return {port: list(b or []) for port, b in (self.raw["NetworkSettings"]["Ports"] or {}).items()}

    def refreshed(self) -> dict[str, Any]:
        """`docker inspect` now, not at the start of the session."""
        from . import docker

        reads.note(*EVERYTHING)
        return docker.inspect(self.id, "container")


@dataclass(frozen=True)
class Broken:
    """A subject that could not be made (a failed build, a stack that never came up healthy): every claim of
    its level fails with the one reason, naming its own page and line."""

    problem: str

    def __getattr__(self, name: str) -> Any:
        raise ProbeFailed(self.problem)


@dataclass
class Images:
    """Every stage built once, each and its base observed with what the claims need."""

    sources: Sources
    by_stage: dict[int, Image]
    bases: dict[str, Image]  # base image name -> observed like the stages

    def image(self, claim: Placed) -> Image:
        return self.by_stage[self.sources.stage(claim).index]

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

        reads.note(*EVERYTHING)
        answer = get(f"{self.service.base_url}{path}")
        return answer["status"], str(answer["body"])

    def exec(self, service: str, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        from . import docker

        reads.note(*EVERYTHING)
        return docker.run("exec", self.container(service).id, *argv, timeout=timeout)
