"""Permissions: directories a stage creates and what it owns (what it makes executable: `modes`).

Nested items under any group (**Permissions & Directories:**), each read by its own verb.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model.copies import copies_of
from ..model.dockerfile import Instruction, Stage, clean_path
from ..model.instruction import option
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


# Options of mkdir and install that take a value (`-m 755`, `-dm755`).
VALUED = set("mogtS")


def _operands(argv: list[str]) -> tuple[list[str], set[str]]:
    """(operands, option letters and long names) of a mkdir or install: values of `-m` and the like skipped."""
    operands, flags, skip = [], set(), False
    for word in argv[1:]:
        if skip:
            skip = False
        elif word.startswith("--"):
            flags.add(word.split("=")[0])
        elif word.startswith("-") and len(word) > 1:
            for index, letter in enumerate(word[1:], 1):
                flags.add(letter)
                if letter in VALUED:
                    skip = index == len(word) - 1  # the value is the next word, else the rest of this one
                    break
        else:
            operands.append(word)
    return operands, flags


def resolved(stage: Stage, instruction: Instruction, word: str) -> str:
    """A path operand as the RUN sees it: relative to its working directory, `..` taken away."""
    return clean_path(word if word.startswith("/") else f"{stage.workdir_at(instruction)}/{word}")


def _makes(command: Command) -> bool:
    operands, flags = _operands(list(command.argv))
    return command.runs("mkdir") or (command.runs("install") and bool({"d", "--directory"} & flags))


def made_directories(stage: Stage) -> tuple[list[str], list[str]]:
    """(directories `mkdir`/`install -d` make, the instructions that make them)."""
    made, cited = [], []
    for instruction, command in unconditional(stage.running("mkdir")) + unconditional(stage.running("install")):
        if _makes(command):
            made += [resolved(stage, instruction, w) for w in _operands(list(command.argv))[0]]
            cited.append(instruction.cite)
    return made, cited


def removed(stage: Stage, path: str) -> Instruction | None:
    """The RUN whose `rm` takes the path (or a folder holding it) away after the last mkdir of it, if one does."""
    gone = None
    for instruction in stage.all("RUN"):
        for command in instruction.commands():
            if command.conditional or command.inert or not (_makes(command) or command.runs("rm")):
                continue
            paths = [resolved(stage, instruction, w) for w in _operands(list(command.argv))[0]]
            if _makes(command) and path in paths:
                gone = None
            elif command.runs("rm") and any(path == p or path.startswith(p.rstrip("/") + "/") for p in paths):
                gone = instruction
    return gone


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
    describes=("mkdir", "install"),
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
    for path in wanted:
        gone = removed(stage, path)
        if gone is not None:
            fail(claim, f"directory {path}", "an `rm` that takes it away", stage.where(gone))
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
    describes=("chown", "install"),
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

    def same(spec: str | None) -> bool:
        found = stage.user_named(spec) if spec else None
        return found is not None and found.name == user.name

    def reaches(instruction: Instruction, command: Command, inside: bool) -> bool:
        """The chown changes the path (`inside`: or anything in it), however its operand is spelt."""
        for target in chowned(stage, instruction, command)[1]:
            under = target.startswith(path.rstrip("/") + "/") and inside
            if target == path or under or (any(c in target for c in "*?[") and fnmatch.fnmatch(path, target)):
                return True
        return False

    chowns = [(i, c) for i, c in owning(stage) if reaches(i, c, False) and same(chowned(stage, i, c)[0])]
    # A chown, not only COPY --chown: copying into a folder that exists (a WORKDIR made it) leaves the folder's owner.
    if not chowns:
        fail(claim, f"chown {owner} {path}", "no such chown", stage.where())
    since = chowns[-1][0].line
    later = [(i, c) for i, c in owning(stage, unconditional_only=False)
             if i.line >= since and not c.inert and reaches(i, c, True)
             and not same(chowned(stage, i, c)[0])]  # fmt: skip
    if later:
        fail(claim, f"{path} owned by {owner}", f"`{' '.join(later[0][1].argv)}` afterwards", stage.where(later[0][0]))
    cited = [i.cite for i, _ in chowns]

    def recursive_after(line: int, destination: str) -> bool:
        """A later `chown -R` to the user of the destination or a folder above it."""
        return any(
            i.line > line and any(w in ("-R", "--recursive") or (w[:1] == "-" and w[1:2] != "-" and "R" in w)
                                  for w in c.argv[1:]) and same(chowned(stage, i, c)[0])
            and any(destination == t or destination.startswith(t.rstrip("/") + "/") for t in chowned(stage, i, c)[1])
            for i, c in owning(stage)
        )  # fmt: skip

    # Whatever is copied into the path must arrive owned too: COPY --chown, or a `chown -R` after it.
    for row in copies_of(stage):
        if row.destination == path or row.destination.startswith(path.rstrip("/") + "/"):
            cited.append(row.instruction.cite)
            if not same(row.owner or "root") and not recursive_after(row.instruction.line, row.destination):
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
    given += [(i, w, " ".join(c.argv[:2])) for i, c in owning(stage)
              if same(chowned(stage, i, c)[0]) for w in chowned(stage, i, c)[1]]  # fmt: skip
    for instruction, target, how in given:
        if not any(target == p or target.startswith(p.rstrip("/") + "/") for p in stated):
            fail(claim, f"ownership given to {owner} in {words(sorted(stated))} only", f"`{how} … {target}`",
                 stage.where(instruction))  # fmt: skip
    return sorted(set(cited))


def owning(stage: Stage, unconditional_only: bool = True) -> list[tuple[Instruction, Command]]:
    """The commands that give paths an owner: every chown, and an `install` told `-o` (`install -d -o app /data`)."""
    owned = [(i, c) for i, c in stage.running("install") if option(list(c.argv), "-o", "--owner")]
    found = sorted(stage.running("chown") + owned, key=lambda pair: pair[0].line)
    return unconditional(found) if unconditional_only else found


def chowned(stage: Stage, instruction: Instruction, command: Command) -> tuple[str | None, list[str]]:
    """(the owner a chown gives, the paths it changes, resolved); `--reference` gives an owner no Dockerfile shows.
    An `install -o` gives its owner to the folders it makes (`-d`), else to its destination."""
    if command.runs("install"):
        argv = list(command.argv)
        operands, flags = _operands(argv)
        into = option(argv, "-t", "--target-directory")
        last = operands[-1] if len(operands) > 2 or operands[-1:] and operands[-1].endswith("/") else None
        folder, sources_ = into or last, operands if into else operands[:-1]
        made = [f"{folder.rstrip('/')}/{PurePosixPath(w).name}" for w in sources_] if folder else operands[-1:]
        made = operands if {"d", "--directory"} & flags else made  # `-d`: the folders it makes
        return option(argv, "-o", "--owner"), [resolved(stage, instruction, w) for w in made]
    operands = [resolved(stage, instruction, w) if n else w for n, w in enumerate(command.operands())]
    if any(w.startswith("--reference") for w in command.argv):
        return None, [resolved(stage, instruction, w) for w in command.operands()]
    return (operands[0], operands[1:]) if operands else (None, [])


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
