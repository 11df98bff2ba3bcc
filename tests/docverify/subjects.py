"""What claims are checked against, one subject per level.

- `Sources`: the files in the repository (static level);
- `Images`: the built images, their metadata and one probe each (image level);
- `Stack`: the running compose stack (running level).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from . import dockerfile as dockerfile_model
from .claims import Claim


class ClaimUnreadable(ValueError):
    """The vocabulary knows the label but cannot read this claim; names file:line."""


class ClaimFailed(AssertionError):
    """The docs say one thing and the subject has another."""


def stage_of(claim: Claim, dockerfile: dockerfile_model.Dockerfile) -> dockerfile_model.Stage:
    heading = claim.stage()
    if heading is None:
        raise ClaimUnreadable(f"{claim.where()}: **{claim.label}:** needs a `Stage N: Name` heading above it")
    try:
        return dockerfile.stage(*heading)
    except dockerfile_model.DockerfileError as error:
        raise ClaimFailed(f"{claim.where()} {claim.title}: {error}") from None


@dataclass
class Sources:
    root: Path
    cited: set[tuple[str, int]] = field(default_factory=set)

    @cached_property
    def dockerfile(self) -> dockerfile_model.Dockerfile:
        return dockerfile_model.parse(self.root / "Dockerfile")

    @cached_property
    def entrypoint(self) -> list[str]:
        return (self.root / "entrypoint.sh").read_text().splitlines()

    @cached_property
    def compose(self) -> dict:
        return yaml.safe_load((self.root / "compose.yaml").read_text())

    @cached_property
    def pyproject(self) -> dict:
        return tomllib.loads((self.root / "pyproject.toml").read_text())

    @cached_property
    def lock(self) -> dict:
        return tomllib.loads((self.root / "poetry.lock").read_text())

    def stage(self, claim: Claim) -> dockerfile_model.Stage:
        return stage_of(claim, self.dockerfile)

    def cite(self, *instructions: dockerfile_model.Instruction) -> None:
        for instruction in instructions:
            self.cited.add((instruction.path.name, instruction.line))

    def cite_line(self, file: str, line: int) -> None:
        self.cited.add((file, line))

    def group_packages(self, groups: set[str]) -> set[str]:
        """Locked package names that belong to any of `groups` (their closure)."""
        return {p["name"] for p in self.lock["package"] if groups & set(p.get("groups", []))}

    def settings_modules(self) -> list[str]:
        folder = self.root / "src" / "backend_django" / "core" / "settings"
        return sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")


@dataclass
class Image:
    tag: str
    stage: dockerfile_model.Stage
    inspect: dict
    facts: dict
    history: list[str] = field(default_factory=list)  # each layer's "created by"

    @property
    def where(self) -> str:
        return f"image {self.tag} ({self.stage.from_instruction.where}, {self.stage.label})"

    @property
    def env(self) -> dict[str, str]:
        return dict(item.split("=", 1) for item in self.inspect["Config"].get("Env") or [])

    def fact(self, path: str) -> dict:
        """What the probe saw at `path`: probed directly, or inside a probed tree."""
        if path in self.facts["paths"]:
            return self.facts["paths"][path]
        for root, tree in self.facts["trees"].items():
            relative = path[len(root.rstrip("/")) + 1 :]
            if path.startswith(root.rstrip("/") + "/") and relative in tree:
                return tree[relative]
        return {"type": "not probed"}

    @property
    def layers(self) -> list[str]:
        return self.inspect["RootFS"]["Layers"]


@dataclass
class Images:
    sources: Sources
    by_stage: dict[int, Image]
    base_layers: dict[str, list[str]]  # base image name -> its layers

    def image(self, claim: Claim) -> Image:
        stage = stage_of(claim, self.sources.dockerfile)
        return self.by_stage[stage.index]

    @property
    def runtime(self) -> Image:
        return self.by_stage[self.sources.dockerfile.final.index]

    @property
    def builder(self) -> Image:
        return self.by_stage[0]


@dataclass
class Stack:
    """The compose stack, up and healthy, seen from outside and from inside."""

    sources: Sources
    project: str
    containers: dict[str, dict]  # service -> `docker inspect`
    backend_facts: dict  # the probe, run inside the backend as its user
    health: tuple[int, str]  # GET /health/ from the host: status, body
    base_url: str

    def service_where(self, service: str) -> str:
        return f"service {service} (container {self.containers[service]['Name'].lstrip('/')})"
