"""The static level's subject: the repository's files, each read once, as their own tools read them."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from ..config import Settings
from ..errors import ClaimFailed, ComposeError, DockerfileError, ScriptError
from . import dockerfile as model
from . import reads, shelltree
from .compose import ComposeModel, Service


class Placed(Protocol):
    """What a claim tells about where it sits: its page and line, and the `Stage N: Name` heading above it."""

    @property
    def stage_heading(self) -> tuple[int, str] | None: ...

    @property
    def page(self) -> Any: ...

    @property
    def line(self) -> int: ...

    def where(self) -> str: ...


def stage_of(claim: Placed, dockerfile: model.Dockerfile, root: Path | None = None) -> model.Stage:
    """The stage a claim describes: its `Stage N: Name` heading's, else the final stage. With the
    repository's `root`, a heading the Dockerfile contradicts is named with its line."""
    heading = claim.stage_heading
    if heading is None:
        return dockerfile.final
    try:
        return dockerfile.stage(*heading)
    except DockerfileError as error:  # the heading is what to fix: say which one, and where
        at = _heading_line(root / claim.page, claim.line, heading) if root else None
        place = f" (line {at})" if at else ""
        raise ClaimFailed(
            f"{claim.where()}: under the heading `Stage {heading[0]}: {heading[1]}`{place}: {error}"
        ) from None


def _heading_line(page: Path, before: int, heading: tuple[int, str]) -> int | None:
    """The line of the last `Stage N: Name` heading above line `before` of the page."""
    wanted = re.compile(rf"^#+\s.*Stage\s+{heading[0]}:\s*{re.escape(heading[1])}", re.IGNORECASE)
    try:
        lines = page.read_text().splitlines()[: before - 1]
    except OSError:
        return None
    found = [n for n, text in enumerate(lines, start=1) if wanted.search(text)]
    return found[-1] if found else None


def service_named(name: str | None, compose: ComposeModel) -> str | None:
    """The `service` setting, when compose has it; an error naming compose's services when it does not."""
    if name and name not in compose.services:
        raise ComposeError(f"{compose.path.name} has no service {name!r} (the `service` that [tool.docverify] "
                           f"names); its services: {', '.join(sorted(compose.services)) or 'none'}")  # fmt: skip
    return name


@dataclass
class Sources:
    settings: Settings
    read_files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256

    @property
    def root(self) -> Path:
        return self.settings.root

    def text(self, relative: str | Path, noted: str = "file") -> str:
        """A repository file's text; remembered with its hash for the report, and as the check's input
        (`noted` names what of it the check depends on: the whole `file`, or its `lint` view)."""
        text, name = self._read(relative)
        reads.note(f"{noted}:{name}")
        return text

    def script(self, relative: str | Path) -> str:
        """A shell script's text: the check depends on its commands, not on its comments. One no shell can
        read is an error naming its line (a word split would read it, and each check find a different fault)."""
        text, name = self._read(relative)
        reads.note(f"script:{name}")
        problem = shelltree.unreadable(text)
        if problem:
            line = re.match(r"line (\d+): (.*)", problem)
            raise ScriptError(f"{name}:{line[1]}: {line[2]}" if line else f"{name}: {problem}")
        return text

    def _read(self, relative: str | Path) -> tuple[str, str]:
        path = self.root / relative
        data = path.read_bytes()
        name = self.settings.relative(path)
        self.read_files[name] = hashlib.sha256(data).hexdigest()
        return data.decode(), name

    def lines(self, relative: str | Path) -> list[str]:
        return self.text(relative).splitlines()

    def toml(self, relative: str | Path) -> dict[str, Any]:
        return tomllib.loads(self.text(relative))

    @cached_property
    def dockerfile(self) -> model.Dockerfile:
        if not self.settings.dockerfile.is_file():
            named = self.settings.relative(self.settings.dockerfile)
            raise DockerfileError(f"{named}: no such file (the `dockerfile` that [tool.docverify] names)")
        self._read(self.settings.dockerfile)  # its readers note what of it they read
        return model.parse(self.settings.dockerfile, self.settings.build_args)

    def under_test(self) -> Service:
        """The compose service the claims are about: the `service` setting's, else the one compose builds."""
        name = service_named(self.settings.service, self.compose)
        return self.compose.services[name] if name else self.compose.built()

    def stack_runs(self) -> model.Stage | None:
        """The stage the service under test is built from: its `build.target` (None: the Dockerfile lacks it), else
        the last."""
        target = self.under_test().target
        return self.dockerfile.stage_named(target) if target else self.dockerfile.final

    def stack_stage(self) -> tuple[model.Stage, str | None]:
        """The stage compose builds for the service under test, read with compose's own `build.args` (over
        docverify's), and why that is not the Dockerfile docverify reads (None: it is)."""
        service = self.under_test()
        build = service.spec.get("build") or {}
        if "dockerfile_inline" in build:
            return self.dockerfile.final, "`dockerfile_inline`, not the Dockerfile"
        path = Path(build.get("context") or self.settings.root) / (build.get("dockerfile") or "Dockerfile")
        if path.resolve() != self.settings.dockerfile.resolve():
            return (
                self.dockerfile.final,
                f"`dockerfile: {build.get('dockerfile')}`, not {self.settings.dockerfile.name}",
            )
        given = {name: str(value) for name, value in (build.get("args") or {}).items() if value is not None}
        dockerfile = model.parse(path, {**self.settings.build_args, **given}) if given else self.dockerfile
        target = service.target
        stage = dockerfile.stage_named(target) if target else dockerfile.final
        return (stage, None) if stage else (dockerfile.final, f"`target: {target}`, a stage the Dockerfile lacks")

    @property
    def has_compose(self) -> bool:
        return self.settings.running and self.settings.compose is not None and self.settings.compose.is_file()

    @cached_property
    def compose(self) -> ComposeModel:
        if self.settings.compose is None:
            raise ClaimFailed("no compose file is configured (`compose` in [tool.docverify])")
        self._read(self.settings.compose)  # compose's model is the input, not the text
        return ComposeModel(self.settings.compose)

    @cached_property
    def every_profile(self) -> ComposeModel:
        """The model with every profile enabled: services `up` leaves out until a `--profile` asks for them."""
        return ComposeModel(self.compose.path, {"COMPOSE_PROFILES": "*"})

    def stage(self, claim: Placed) -> model.Stage:
        return stage_of(claim, self.dockerfile, self.root)
