"""What claims are checked against, one subject per level.

- `Sources`: the files in the repository, each parsed once (static level);
- `Images`: the built images of every stage (image level);
- `Stack`: the running compose stack (running level).
"""

from __future__ import annotations

import hashlib
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import dockerfile as model
from .claims import Claim
from .compose import ComposeModel
from .config import Settings
from .errors import ClaimFailed, ClaimUnreadable, DockerfileError
from .resources import Container, Image, Service


def stage_of(claim: Claim, dockerfile: model.Dockerfile) -> model.Stage:
    heading = claim.stage()
    if heading is None:
        raise ClaimUnreadable(f"{claim.where()}: **{claim.label}:** needs a `Stage N: Name` heading above it")
    try:
        return dockerfile.stage(*heading)
    except DockerfileError as error:
        raise ClaimFailed(f"{claim.where()} {claim.title}: {error}") from None


@dataclass
class Sources:
    settings: Settings
    read_files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256

    @property
    def root(self) -> Path:
        return self.settings.root

    def text(self, relative: str | Path) -> str:
        """A repository file's text; remembered with its hash for the report."""
        path = self.root / relative
        data = path.read_bytes()
        self.read_files[self.settings.relative(path)] = hashlib.sha256(data).hexdigest()
        return data.decode()

    def lines(self, relative: str | Path) -> list[str]:
        return self.text(relative).splitlines()

    @cached_property
    def dockerfile(self) -> model.Dockerfile:
        self.text(self.settings.dockerfile)
        return model.parse(self.settings.dockerfile, self.settings.build_args)

    @cached_property
    def compose(self) -> ComposeModel:
        self.text(self.settings.compose)
        return ComposeModel(self.settings.compose)

    @cached_property
    def pyproject(self) -> dict[str, Any]:
        return tomllib.loads(self.text("pyproject.toml"))

    @cached_property
    def lock(self) -> dict[str, Any]:
        return tomllib.loads(self.text("poetry.lock"))

    def stage(self, claim: Claim) -> model.Stage:
        return stage_of(claim, self.dockerfile)

    def group_packages(self, groups: set[str]) -> set[str]:
        """Locked package names that belong to any of `groups` (their closure)."""
        return {p["name"] for p in self.lock["package"] if groups & set(p.get("groups", []))}


@dataclass
class Images:
    sources: Sources
    by_stage: dict[int, Image]
    base_layers: dict[str, list[str]]  # base image name -> its layers
    bases: dict[str, Image] = field(default_factory=dict)  # base image name -> probed like the stages

    def base_of(self, image: Image) -> Image:
        """The probed base image of a stage (through its parent stages)."""
        return self.bases[image.stage.base]

    def image(self, claim: Claim) -> Image:
        return self.by_stage[stage_of(claim, self.sources.dockerfile).index]

    @property
    def final(self) -> Image:
        return self.by_stage[self.sources.dockerfile.final.index]

    def of_stage(self, name: str) -> Image | None:
        stage = self.sources.dockerfile.stage_named(name)
        return self.by_stage.get(stage.index) if stage else None


@dataclass
class Stack:
    """The compose stack, up and healthy, seen from outside and from inside."""

    sources: Sources
    project: str
    service: Container  # the service under test, probed from inside
    others: dict[str, Service]
    base_url: str
    compose: Any = None  # the stack.Compose that owns it: `stack.compose.run_once(...)`

    def container(self, name: str) -> Container | Service:
        return self.service if name == self.service.service else self.others[name]

    def get(self, path: str) -> tuple[int, str]:
        """GET a path of the service under test from the host."""
        try:
            with urllib.request.urlopen(f"{self.base_url}{path}", timeout=10) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode()
