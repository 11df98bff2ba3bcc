"""Modes: what a stage makes executable, read as chmod reads a mode (`+x`, `a=rx`, `u+x,g+x,o+x`, `755`).

Nested items under any group (**Permissions & Directories:**).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model.chmod import EVERYONE, chmod_words, execute_after, read_after
from ..model.copies import context_file, copies_of
from ..model.dockerfile import Instruction, Stage, clean_path
from ..model.sources import Sources
from ..observe import files
from ..observe.subjects import Images
from .common import unconditional
from .label import Cites, Claim, Label, fail
from .permissions import resolved


@dataclass(frozen=True)
class ExecutableArgs:
    file: str  # a path, or the name of a file the stage copies


def _executables(sources: Sources) -> Iterable[tuple[int | None, ExecutableArgs]]:
    for stage in sources.dockerfile.stages:
        for _, command in unconditional(stage.running("chmod")):
            mode, paths = chmod_words(command.argv)
            if execute_after(mode, frozenset()) == EVERYONE:
                for path in paths:
                    yield stage.index, ExecutableArgs(path)


MAKES_EXECUTABLE = Label(
    "Makes executable",
    ExecutableArgs,
    ["Makes {file} executable [by everyone|for everyone]", "Marks {file} executable"],
    example=ExecutableArgs("entrypoint.sh"),
    summary="A file executable by its owner, its group and everyone else (`chmod +x`, `COPY --chmod`).",
    suggest=_executables,
    nested=True,
    group="Permissions & Directories",
    describes=("chmod",),
    covers=lambda args, stage, instruction, word: _touches(args.file, stage, instruction, word),
)


def _paths(file: str, stage: Stage) -> set[str]:
    """The file as the stage has it: a path, or where the stage copies the file a name names."""
    if "/" in file:
        return {clean_path(file)}
    return {row.destination for row in copies_of(stage) if PurePosixPath(row.destination).name == file}


def _touches(file: str, stage: Stage, instruction: Instruction, word: str) -> bool:
    paths = _paths(file, stage)
    if not paths:  # a name the stage does not copy: any path of that name
        return PurePosixPath(word).name == file
    return resolved(stage, instruction, word) in paths


@MAKES_EXECUTABLE.static(
    "each chmod (or COPY --chmod) of the file in turn, as chmod applies its mode: execute for everyone at the end,"
    " and read for everyone where the file is a script (its interpreter reads it)"
)
def makes_static(claim: Claim[ExecutableArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.args.file
    changes: list[tuple[Instruction, frozenset[str]]] = []
    state: frozenset[str] = frozenset()  # the context's own mode is no Dockerfile's to show
    readers = EVERYONE  # a checkout's files are 644 or 755
    for instruction in sorted(stage.all("COPY") + stage.all("ADD") + stage.all("RUN"), key=lambda i: i.line):
        copied = instruction.keyword in ("COPY", "ADD") and "chmod" in instruction.flags()
        if copied and any(_touches(name, stage, instruction, w) for w in instruction.arguments()[-1:]):
            state = execute_after(instruction.flags()["chmod"], frozenset())
            readers = read_after(instruction.flags()["chmod"], frozenset())
            changes.append((instruction, state))
        if instruction.keyword == "RUN":
            for command in instruction.commands():
                if not command.runs("chmod") or command.conditional or command.inert:
                    continue
                mode, paths = chmod_words(command.argv)
                if any(_touches(name, stage, instruction, p) for p in paths):
                    state, readers = execute_after(mode, state), read_after(mode, readers)
                    changes.append((instruction, state))
    if not changes or changes[-1][1] != EVERYONE:
        has = f"the last mode change at {changes[-1][0].where} leaves it so" if changes else "no such chmod"
        fail(claim, f"chmod +x {name} (executable by everyone)", has, stage.where())
    if readers != EVERYONE and _script(name, stage, sources):
        who = "".join(sorted(readers, key="ugo".index)) or "no one"
        fail(claim, f"{name} executable by everyone: a script, which its interpreter must also read",
             f"readable by {who} after the mode change at {changes[-1][0].where}", stage.where())  # fmt: skip
    return [i.cite for i, _ in changes]


def _script(file: str, stage: Stage, sources: Sources) -> bool:
    """Whether the file is a script: a script's suffix, or a `#!` line in the context file a COPY lands there."""
    if PurePosixPath(file).suffix in (".sh", ".bash", ".py"):
        return True
    landed = [context_file(sources, stage, path) for path in _paths(file, stage)]
    return any(sources.text(relative).startswith("#!") for relative in landed if relative)


def _executable_paths(claim: Claim[ExecutableArgs], sources: Sources) -> list[str]:
    if claim.args.file.startswith("/"):
        return [claim.args.file]
    stage = sources.stage(claim)
    return sorted(_paths(claim.args.file, stage))


@MAKES_EXECUTABLE.image(
    "the file's mode has all three execute bits, and all three read bits where it starts with #!",
    needs=lambda c, s: [files.need(paths=_executable_paths(c, s))],
)
def makes_image(claim: Claim[ExecutableArgs], images: Images) -> Cites:
    image = images.image(claim)
    paths = _executable_paths(claim, images.sources)
    seen = image.observed(files.FILES)
    modes = {p: seen.file(p) for p in paths}
    if not modes or not all(f.exists and f.executable and (f.readable or not f.script) for f in modes.values()):
        shown = "; ".join(
            f"{p} mode {f.mode & 0o7777:04o}{', a script' if f.script else ''}"
            if f.mode is not None
            else f"{p} {f.type}"
            for p, f in modes.items()
        )
        fail(claim, f"{claim.args.file} executable by everyone (a script: readable by everyone too)",
             shown or "no such file", image.where)  # fmt: skip
    return []
