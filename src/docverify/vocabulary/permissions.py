"""Permissions: directories a stage creates, what it owns, and what it makes executable.

Nested items under any group (**Permissions & Directories:**), each read by its own verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model.copies import copies_of
from ..model.dockerfile import Instruction, Stage, clean_path
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import files, users
from ..observe.subjects import Images
from .common import page_items, unconditional
from .label import Cites, Claim, Label, fail, words

# --- directories the stage creates ---------------------------------------------------------


@dataclass(frozen=True)
class CreatesArgs:
    paths: tuple[str, ...]
    among_others: bool = False  # "among others": the stage may make more


def made_directories(stage: Stage) -> tuple[list[str], list[str]]:
    """(directories `mkdir`/`install -d` make, the instructions that make them)."""
    made, cited = [], []
    for instruction, command in unconditional(stage.running("mkdir")) + unconditional(stage.running("install")):
        argv = list(command.argv)
        if argv[0].endswith("install") and "-d" not in argv:
            continue
        made += [clean_path(w) for w in argv[1:] if not w.startswith("-") and w.startswith("/")]
        cited.append(instruction.cite)
    return made, cited


def _made(sources: Sources) -> Iterable[tuple[int | None, CreatesArgs]]:
    for stage in sources.dockerfile.stages:
        made, _ = made_directories(stage)
        if made:
            yield stage.index, CreatesArgs(tuple(made))


CREATES = Label(
    "Creates",
    CreatesArgs,
    [
        "Creates [the] [necessary] <directories|directory|folders> ({paths*})",
        "Creates [the] [necessary] [directories|directory|folders] {paths*}",
        "Creates [the] [directories|folders] {paths*}, {among_others=among others}",
    ],
    example=CreatesArgs(("/app/staticfiles", "/app/mediafiles")),
    examples=[CreatesArgs(("/app/staticfiles",), among_others=True)],
    summary='Directories the stage makes (`mkdir`, `install -d`); the list is complete unless it says "among others".',
    nested=True,
    group="Permissions & Directories",
    suggest=_made,
)


@CREATES.static("the mkdir operands, exactly")
def creates_static(claim: Claim[CreatesArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    made, cited = made_directories(stage)
    wanted = [clean_path(v) for v in claim.args.paths]
    missing = [v for v in wanted if v not in made]
    extra = sorted(set(made) - set(wanted)) if not claim.args.among_others else []
    if missing or extra:
        has = f"mkdir of {words(made) or 'nothing'}" + (f" (not documented: {words(extra)})" if extra else "")
        fail(claim, f"mkdir {words(wanted)}", has, stage.where())
    return sorted(set(cited))


@CREATES.image("each path is a directory in the image", needs=lambda c, s: [files.need(paths=c.args.paths)])
def creates_image(claim: Claim[CreatesArgs], images: Images) -> Cites:
    image = images.image(claim)
    for path in claim.args.paths:
        kind = image.observed(files.FILES).file(path).type
        if kind != "dir":
            fail(claim, f"directory {path}", kind, image.where)
    return []


# --- ownership ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnershipArgs:
    path: str
    owner: str


def _owned(sources: Sources) -> Iterable[tuple[int | None, OwnershipArgs]]:
    for stage in sources.dockerfile.stages:
        for _, command in unconditional(stage.running("chown")):
            operands = command.operands()
            owner = stage.user_named(operands[0]) if len(operands) > 1 else None
            if owner is not None and "-R" not in command.argv:
                for path in operands[1:2]:  # the first path: the one a page names
                    yield stage.index, OwnershipArgs(clean_path(path), owner.name)


CHANGES_OWNERSHIP = Label(
    "Changes ownership",
    OwnershipArgs,
    ["Changes [the] ownership of {path} to {owner}", "Gives {path} to {owner}", "Makes {owner} the owner of {path}"],
    example=OwnershipArgs("/app", "appuser"),
    summary="A path, and everything the stage puts in it, owned by a user (`chown`, `COPY --chown`).",
    suggest=_owned,
    key=lambda a: a.owner,
    nested=True,
    group="Permissions & Directories",
)


@CHANGES_OWNERSHIP.static(
    "chown to the same user (by name or UID), no later chown away, COPY --chown into it, and nothing given to the "
    "user (chown, COPY --chown) outside the paths the claims of the stage name"
)
def changes_static(claim: Claim[OwnershipArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    path, owner = clean_path(claim.args.path), claim.args.owner
    user = stage.user_named(owner)
    if user is None:
        fail(claim, f"a user {owner}", "no useradd of it", stage.where())

    def same(spec: str) -> bool:
        found = stage.user_named(spec)
        return found is not None and found.name == user.name

    def touches(command: Command) -> bool:
        operands = command.operands()
        return len(operands) > 1 and path in [clean_path(w) for w in operands[1:]]

    chowns = [(i, c) for i, c in unconditional(stage.running("chown")) if touches(c) and same(c.operands()[0])]
    # A chown, not only COPY --chown: copying into a folder that exists (a WORKDIR made it) leaves the folder's owner.
    if not chowns:
        fail(claim, f"chown {owner} {path}", "no such chown", stage.where())
    since = chowns[-1][0].line
    later = [(i, c) for i, c in stage.running("chown") if i.line >= since and touches(c) and not same(c.operands()[0])]
    if later:
        fail(claim, f"{path} owned by {owner}", f"`{' '.join(later[0][1].argv)}` afterwards", stage.where(later[0][0]))
    cited = [i.cite for i, _ in chowns]
    # Whatever is copied into the path must arrive owned too (COPY --chown, not chown -R afterwards).
    for row in copies_of(stage):
        if row.destination == path or row.destination.startswith(path.rstrip("/") + "/"):
            cited.append(row.instruction.cite)
            if not same(row.owner or "root"):
                fail(
                    claim,
                    f"everything in {path} owned by {owner}",
                    f"COPY into {row.destination} without --chown={owner}",
                    stage.where(row.instruction),
                )
    # What the stage gives the user is what the page says it gives (lists are complete): no path elsewhere.
    stated = _stated(claim, sources, user.name, same)
    given = [(row.instruction, row.destination, f"COPY --chown={row.owner}") for row in copies_of(stage)
             if row.owner and same(row.owner)]  # fmt: skip
    given += [(i, clean_path(w), " ".join(c.argv[:2])) for i, c in unconditional(stage.running("chown"))
              if c.operands() and same(c.operands()[0]) for w in c.operands()[1:]]  # fmt: skip
    for instruction, target, how in given:
        if not any(target == p or target.startswith(p.rstrip("/") + "/") for p in stated):
            fail(claim, f"ownership given to {owner} in {words(sorted(stated))} only", f"`{how} … {target}`",
                 stage.where(instruction))  # fmt: skip
    return sorted(set(cited))


def _stated(claim: Claim[OwnershipArgs], sources: Sources, user: str, same: Callable[[str], bool]) -> set[str]:
    """The paths the claims of this label under the same stage heading give to the user."""
    found = page_items(claim, sources)
    siblings = (claim.label.attempt(i) for i in found if i.label == claim.label.name or i.nested)
    return {
        clean_path(c.args.path)
        for c in siblings
        if c is not None and c.stage_heading == claim.stage_heading and same(c.args.owner)
    } | {clean_path(claim.args.path)}


@CHANGES_OWNERSHIP.image(
    "every path under it is owned by the user's UID", needs=lambda c, s: [files.need(trees=[c.args.path]), users.need()]
)
def changes_image(claim: Claim[OwnershipArgs], images: Images) -> Cites:
    image = images.image(claim)
    path, owner = claim.args.path, claim.args.owner
    user = image.observed(users.USERS).user(owner)
    uid = user.uid if user else None
    seen = image.observed(files.FILES)
    top = seen.file(path)
    if top.uid != uid:
        fail(claim, f"{path} owned by {owner} (UID {uid})", f"owner UID {top.uid}", image.where)
    wrong = sorted(rel for rel, fact in seen.tree(path).items() if fact.uid != uid)
    if wrong:
        fail(
            claim,
            f"everything in {path} owned by {owner}",
            f"{len(wrong)} paths owned by others, e.g. {path}/{wrong[0]}",
            image.where,
        )
    return []


# --- executables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutableArgs:
    file: str  # a path, or the name of a file the stage copies


def _executables(sources: Sources) -> Iterable[tuple[int | None, ExecutableArgs]]:
    for stage in sources.dockerfile.stages:
        for _, command in unconditional(stage.running("chmod")):
            if len(command.argv) > 2 and _sets_execute(command.argv[1]):
                for path in command.argv[2:]:
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
)


def _sets_execute(mode: str) -> bool:
    """`+x`, `a+x`, `ugo+rx`, `755`: execute for user, group and others alike."""
    if re.fullmatch(r"0?[0-7]{3,4}", mode):
        return all(int(digit) & 1 for digit in mode[-3:])
    for clause in mode.split(","):
        who, _, perms = clause.partition("+")
        if "x" in perms and (who in ("", "a") or set("ugo") <= set(who)):
            return True
    return False


def _named(file: str, word: str) -> bool:
    return word == file or PurePosixPath(word).name == PurePosixPath(file).name if "/" not in file else word == file


@MAKES_EXECUTABLE.static("chmod (or COPY --chmod) adding execute for everyone, and no later mode change undoing it")
def makes_static(claim: Claim[ExecutableArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.args.file
    changes: list[tuple[Instruction, bool]] = []
    for instruction in sorted(stage.all("COPY") + stage.all("ADD") + stage.all("RUN"), key=lambda i: i.line):
        copied = instruction.keyword in ("COPY", "ADD") and "chmod" in instruction.flags()
        if copied and any(_named(name, w) for w in instruction.arguments()):
            changes.append((instruction, _sets_execute(instruction.flags()["chmod"])))
        if instruction.keyword == "RUN":
            for command in instruction.commands():
                touched = any(_named(name, p) for p in command.argv[2:])
                if command.runs("chmod") and len(command.argv) > 2 and touched and not command.conditional:
                    changes.append((instruction, _sets_execute(command.argv[1])))
    if not changes or not changes[-1][1]:
        has = f"the last mode change at {changes[-1][0].where} leaves it so" if changes else "no such chmod"
        fail(claim, f"chmod +x {name} (executable by everyone)", has, stage.where())
    return [i.cite for i, _ in changes]


def _executable_paths(claim: Claim[ExecutableArgs], sources: Sources) -> list[str]:
    if claim.args.file.startswith("/"):
        return [claim.args.file]
    stage = sources.stage(claim)
    return sorted({row.destination for row in copies_of(stage) if _named(claim.args.file, row.destination)})


@MAKES_EXECUTABLE.image(
    "the file's mode has all three execute bits", needs=lambda c, s: [files.need(paths=_executable_paths(c, s))]
)
def makes_image(claim: Claim[ExecutableArgs], images: Images) -> Cites:
    image = images.image(claim)
    paths = _executable_paths(claim, images.sources)
    seen = image.observed(files.FILES)
    modes = {p: seen.file(p) for p in paths}
    if not modes or not all(f.exists and f.executable for f in modes.values()):
        shown = "; ".join(
            f"{p} mode {f.mode & 0o7777:04o}" if f.mode is not None else f"{p} {f.type}" for p, f in modes.items()
        )
        fail(claim, f"{claim.args.file} executable by everyone", shown or "no such file", image.where)
    return []
