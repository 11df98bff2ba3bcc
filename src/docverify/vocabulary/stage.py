"""Stage basics: the base image, the working directory, build arguments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model.dockerfile import Stage, clean_path, normalise_image
from ..model.overrides import set_over
from ..model.reference import same_image
from ..model.shell import parameters
from ..model.sources import Sources
from ..observe.subjects import Images, Stack
from .commands import QUIET
from .common import image_view, image_view_needs, running_view, running_view_needs
from .label import Cites, Claim, Label, fail, words


@dataclass(frozen=True)
class BaseImageArgs:
    image: str


def _bases(sources: Sources) -> Iterable[tuple[int | None, BaseImageArgs]]:
    for stage in sources.dockerfile.stages:
        yield stage.index, BaseImageArgs(_stage_name(stage.parent) if stage.parent else stage.base)


def _stage_name(stage: Stage) -> str:
    return stage.name or str(stage.index)


def _on_a_stage(claim: Claim[BaseImageArgs], stage: Stage) -> None:
    """A stage FROM an earlier stage starts from that stage, whatever image that one starts from: the claim names
    the stage (`builder`), as FROM does."""
    assert stage.parent is not None
    if claim.args.image not in (stage.parent.name, str(stage.parent.index)):
        has = f"FROM {stage.written_base}: the stage {_stage_name(stage.parent)} of this Dockerfile (on {stage.base})"
        fail(claim, claim.args.image, has, stage.where())


BASE_IMAGE = Label(
    "Base Image",
    BaseImageArgs,
    ["{image}", "Builds on {image}", "Starts from {image}"],
    example=BaseImageArgs("python:3.13-slim"),
    summary="The image a stage starts from (`FROM`).",
    suggest=_bases,
)


@BASE_IMAGE.static("the stage's FROM, with ARGs resolved and registry names normalised; an earlier stage by its name")
def base_image_static(claim: Claim[BaseImageArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    if stage.parent is not None:
        _on_a_stage(claim, stage)
        return [stage.from_instruction.cite]
    wanted = normalise_image(claim.args.image)
    if not same_image(stage.base, wanted):
        fail(claim, wanted, stage.base, stage.where())
    args = [a.cite for a in sources.dockerfile.global_args if "$" in stage.written_base]
    return [stage.from_instruction.cite, *args]


@BASE_IMAGE.image("the built image's bottom layers are exactly the base image's (or the earlier stage's) layers")
def base_image_layers(claim: Claim[BaseImageArgs], images: Images) -> Cites:
    image = images.image(claim)
    wanted = normalise_image(claim.args.image)
    stage = images.sources.stage(claim)
    if stage.parent is not None:
        _on_a_stage(claim, stage)
        wanted = f"stage {_stage_name(stage.parent)}"
    base = (
        images.by_stage.get(stage.parent.index)
        if stage.parent is not None
        else next((b for name, b in images.bases.items() if same_image(name, wanted)), None)
    )
    if base is None:
        fail(claim, wanted, "no such base image to compare layers with", "the Docker engine")
    if image.layers[: len(base.layers)] != base.layers:
        fail(
            claim,
            f"layers of {wanted} ({len(base.layers)} layers)",
            "a different layer stack at its bottom",
            image.where,
        )
    return []


@dataclass(frozen=True)
class WorkdirArgs:
    path: str


def _workdirs(sources: Sources) -> Iterable[tuple[int | None, WorkdirArgs]]:
    for stage in sources.dockerfile.stages:
        found = stage.workdir()
        if found:
            yield stage.index, WorkdirArgs(found[0])


WORKING_DIRECTORY = Label(
    "Working Directory",
    WorkdirArgs,
    ["{path}", "Sets {path} as the working directory", "Works in {path}"],
    example=WorkdirArgs("/app"),
    summary="Where the stage's instructions run and where the container's process starts (`WORKDIR`).",
    suggest=_workdirs,
)


@WORKING_DIRECTORY.static("every WORKDIR of the stage resolves to the path (relative ones against the last)")
def working_directory_static(claim: Claim[WorkdirArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    wanted = clean_path(claim.args.path)
    workdirs = stage.all("WORKDIR")
    if not workdirs:
        # No WORKDIR of its own: the stage works where its base leaves it (`/`, or its parent stage's).
        if stage.inherited_workdir() != wanted:
            fail(claim, wanted, f"no WORKDIR, so it works in {stage.inherited_workdir()}", stage.where())
        return [stage.from_instruction.cite]
    # A stage documented as working in one directory must not wander off: every WORKDIR an instruction works in
    # lands there (one another WORKDIR follows at once is a step on the way: `WORKDIR /` then `WORKDIR app`).
    current = stage.inherited_workdir()
    for workdir in workdirs:
        raw = workdir.word(stage.variables(workdir))
        current = clean_path(raw if raw.startswith("/") else f"{current}/{raw}")
        following = stage.instructions[stage.instructions.index(workdir) + 1 :] if current != wanted else []
        if current != wanted and not (following and following[0].keyword == "WORKDIR"):
            fail(claim, wanted, f"WORKDIR {workdir.value} (that is {current})", stage.where(workdir))
    # The ARGs and ENVs a WORKDIR expands are part of the proof.
    named = {name for w in workdirs for name in parameters(w.value)}
    defining = [i for i in stage.all("ARG") if i.value.partition("=")[0].strip() in named]
    defining += [i for i in stage.all("ENV") if named & set(i.env())]
    return sorted({i.cite for i in [*workdirs, *defining]}, key=lambda c: int(c.rsplit(":", 1)[1]))


def _same_directory(claim: Claim[WorkdirArgs], cwd: str, where: str) -> Cites:
    if clean_path(cwd) != clean_path(claim.args.path):
        fail(claim, clean_path(claim.args.path), f"the main process working in {cwd}", where)
    return []


@WORKING_DIRECTORY.image("the image config's working directory", needs=lambda c, s: image_view_needs())
def working_directory_image(claim: Claim[WorkdirArgs], images: Images) -> Cites:
    view = image_view(images.image(claim))
    return _same_directory(claim, view.cwd, view.where)


@WORKING_DIRECTORY.running("PID 1's current directory (/proc/1/cwd)", needs=lambda c, s: running_view_needs())
def working_directory_running(claim: Claim[WorkdirArgs], stack: Stack) -> Cites:
    view = running_view(stack.service)
    return _same_directory(claim, view.cwd, view.where)


@dataclass(frozen=True)
class BuildArgumentArgs:
    name: str
    default: str | None = None
    commands: tuple[str, ...] = ()
    optional: bool = False  # "(optional)": the ARG has a default


def _arguments(sources: Sources) -> Iterable[tuple[int | None, BuildArgumentArgs]]:
    for stage in sources.dockerfile.stages:
        for instruction in stage.all("ARG"):
            name, has_default, default = instruction.value.partition("=")
            name = name.strip()
            # The commands handing it on, each as its program and subcommand (`pip config`): the page names them.
            if not any(c.reads(name) for _, c in stage.commands()):
                continue  # no RUN hands it on (a LABEL may read it: the label's claim says so)
            readers = [c.invocation() for _, c in stage.commands() if c.reads(name) and c.program not in QUIET]
            commands = tuple(dict.fromkeys(" ".join([PurePosixPath(a[0]).name, *a[1:2]]) for a in readers if a))
            if has_default and default.strip("\"'"):
                yield stage.index, BuildArgumentArgs(name, default.strip("\"'"), commands)
            elif has_default:
                yield stage.index, BuildArgumentArgs(name, optional=True, commands=commands)


BUILD_ARGUMENT = Label(
    "Build Argument",
    BuildArgumentArgs,
    ["{name} [{optional=(optional)}] [, defaulting to {default}] [, read by {commands*}]"],
    example=BuildArgumentArgs("PACKAGE_INDEX_URL"),
    summary='An `ARG` of the stage that its commands read; "optional" means it has a default.',
    suggest=_arguments,
)


@BUILD_ARGUMENT.static(
    "an ARG of the stage (with a default when optional), read by a RUN and by the commands named, as the argument's "
    "own value: no ENV over it, no default (`${NAME:=x}`), no assignment (`NAME=`, `export`, `unset`, `read`, `for`) "
    "earlier in the RUN"
)
def build_argument_static(claim: Claim[BuildArgumentArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.args.name
    declared = [i for i in stage.all("ARG") if i.value.split("=")[0].strip() == name]
    if not declared:
        fail(claim, f"ARG {name}", f"ARGs {words(i.value for i in stage.all('ARG')) or 'none'}", stage.where())
    last = declared[-1]
    optional = claim.args.optional or claim.args.default is not None
    default = last.value.partition("=")[2].strip().strip("\"'") if "=" in last.value else None
    if optional and default is None:
        fail(claim, f"{name} optional (with a default)", f"ARG {last.value}", stage.where(last))
    if claim.args.default is not None and default != claim.args.default:
        fail(claim, f"{name} defaulting to {claim.args.default}", f"ARG {last.value}", stage.where(last))
    # The argument must reach a command: a RUN that reads it.
    readers = [(i, c) for i, c in stage.commands() if c.reads(name)]
    if not readers:
        fail(claim, f"{name} handed to the build's tools", "no RUN that reads it", stage.where())
    for tool in claim.args.commands:
        program, *sub = tool.split()
        users = [(i, c) for i, c in stage.running(program, *sub) if c.reads(name)]
        if not users:
            fail(claim, f"`{tool}` reading {name}", f"no `{tool}` that passes ${name}", stage.where())
        for instruction, command in users:  # what it reads is the argument's value, not one set over it
            if (over := set_over(name, stage, instruction, command)) is not None:
                fail(claim, f"`{tool}` reading the build argument {name}", over[0], stage.where(over[1]))
    return [a.cite for a in declared] + sorted({i.cite for i, _ in readers})
