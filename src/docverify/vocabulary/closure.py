"""The closed world: the image's file system holds nothing the page does not declare.

The file system is compared top-level path by top-level path (content included); set-uid, set-gid and
world-writable paths against the base's. An undocumented difference fails, naming the path or the
Dockerfile line. (The image config's fields: `imageconfig`.)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.copies import copies_of
from ..model.dockerfile import Stage
from ..model.sources import Sources
from ..observe import filesystem
from ..observe.subjects import Images
from .common import APT_INSTALLS
from .label import Cites, Claim, Label, fail, words
from .permissions import made_directories

# The changes come from installing packages and creating users, not from copies.
THROUGH = (
    "Adds {added*} to the base image[,] and changes only {changed*}, through the packages and the {users=user|users} "
    "[above]"
)
INSTALLS = (*APT_INSTALLS, ("apk", "add"), ("dnf", "install"), ("yum", "install"))


@dataclass(frozen=True)
class FilesystemArgs:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    users: str | None = None  # "through the packages and the user(s)": how many accounts the stage creates


FILESYSTEM = Label(
    "Filesystem",
    FilesystemArgs,
    [
        "Adds {added*} to the base image[,] and changes only {changed*}",
        THROUGH,
        "Adds {added*} to the base image only",
        "Adds nothing to the base image[,] and changes only {changed*}",
        "Changes only {changed*} of the base image",
    ],
    example=FilesystemArgs(("/venv", "/app"), ("/etc", "/usr")),
    examples=[FilesystemArgs(("/venv", "/app"), ("/etc", "/usr"), users="user")],
    summary="The top-level paths the stage adds to its base, and the ones it changes, exactly (content included).",
)


@FILESYSTEM.static("every top-level path a COPY lands in is one the sentence names (added, or changed unless the "
                   "changes come through the packages and users), and each it adds has a COPY or a folder made "
                   "there")  # fmt: skip
def filesystem_static(claim: Claim[FilesystemArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    added = {v.rstrip("/") for v in claim.args.added}
    rows = copies_of(stage)
    tops = {"/" + row.destination.strip("/").split("/")[0]: row for row in rows}
    # Which of them the base already has, only the image can tell; a COPY may change one the sentence names,
    # unless the sentence says the changes come through the packages and the user.
    through = " ".join(claim.reading.form.text.split()) == " ".join(THROUGH.split())
    named = added if through else added | {v.rstrip("/") for v in claim.args.changed}
    if through:
        _through(claim, stage)
    stray = sorted(set(tops) - named)
    if stray:
        row = tops[stray[0]]
        fail(
            claim,
            f"additions {words(sorted(added))} only",
            f"a COPY into {row.destination}",
            stage.where(row.instruction),
        )
    # A folder the stage makes (`mkdir`, `install -d`, WORKDIR, VOLUME) is added too, if the base lacks it (the
    # image level sees whether it does).
    made, made_by = made_directories(stage)
    workdir = stage.workdir()
    elsewhere = [workdir[0]] if workdir else []
    elsewhere += [v for volume in stage.all("VOLUME") for v in volume.arguments()]
    missing = sorted(added - set(tops) - _tops(made) - _tops(elsewhere))
    if missing:
        fail(claim, f"{words(missing)} added by the stage", "no COPY there, nor a folder made there", stage.where())
    made_cites = made_by if added & _tops(made) - set(tops) else []  # the mkdir lines, when they made one
    return sorted({row.instruction.cite for row in rows} | set(made_cites))


def _tops(paths: list[str]) -> set[str]:
    return {"/" + path.strip("/").split("/")[0] for path in paths if path.strip("/")}


def _through(claim: Claim[FilesystemArgs], stage: Stage) -> None:
    """ "through the packages and the user(s)": the stage installs packages, and creates that many accounts."""
    installs = [i for program, sub in INSTALLS for i, _ in stage.running(program, sub)]
    made = [u.name for u in stage.users.values() if u.instruction.stage_index == stage.index]
    if not installs or (len(made) == 1) != (claim.args.users == "user") or not made:
        has = f"{len(installs)} package installs and the accounts {words(made) or 'none'}"
        fail(claim, f"changes through the packages and the {claim.args.users}", has, stage.where())


@FILESYSTEM.image(
    "every top-level path walked in the image and in the base, content included: added, changed, removed",
    needs=lambda c, s: [filesystem.need(), filesystem.need("base")],
)
def filesystem_image(claim: Claim[FilesystemArgs], images: Images) -> Cites:
    image = images.image(claim)
    base = images.base_of(image)
    here, there = image.observed(filesystem.FILESYSTEM).toplevel, base.observed(filesystem.FILESYSTEM).toplevel
    added = {top for top in here if top not in there}
    changed = {top for top in here if top in there and here[top] != there[top]}
    removed = {top for top in there if top not in here}
    said_added, said_changed = {v.rstrip("/") for v in claim.args.added}, {v.rstrip("/") for v in claim.args.changed}
    if added != said_added or changed != said_changed or removed:
        has = f"added {words(sorted(added)) or 'nothing'}; changed {words(sorted(changed)) or 'nothing'}"
        has += f"; removed {words(sorted(removed))}" if removed else ""
        fail(
            claim,
            f"added {words(sorted(said_added)) or 'nothing'}; changed {words(sorted(said_changed)) or 'nothing'}",
            has,
            f"{image.where} against {base.tag}",
        )
    return []


@dataclass(frozen=True)
class SpecialArgs:
    base: str
    allowed: tuple[str, ...] = ()  # empty: exactly the base's world-writable paths


SPECIAL_FILES = Label(
    "Special Files",
    SpecialArgs,
    [
        "No set-uid or set-gid file beyond those {base} already has, and nothing world-writable outside {allowed*}",
        "No set-uid, set-gid or world-writable file beyond those {base} already has",
    ],
    example=SpecialArgs("python:3.13-slim", ("/tmp",)),
    summary="The final image adds no set-uid or set-gid file to its base, and only the listed paths are "
    "world-writable.",
    scope="image",
)


@SPECIAL_FILES.image(
    "set-uid/set-gid files beyond the base's, and world-writable paths (sticky or not), found by walking the image",
    needs=lambda c, s: [filesystem.need(), filesystem.need("base")],
)
def special_files_image(claim: Claim[SpecialArgs], images: Images) -> Cites:
    image = images.final
    base = images.bases.get(claim.args.base)
    if base is None or image.stage is None or image.stage.base != claim.args.base:
        fail(
            claim,
            f"a final image built on {claim.args.base}",
            f"a base of {image.stage.base if image.stage else '?'}",
            image.where,
        )
    mine, theirs = image.observed(filesystem.FILESYSTEM), base.observed(filesystem.FILESYSTEM)
    for kind in ("setuid", "setgid"):
        extra = sorted(set(getattr(mine, kind)) - set(getattr(theirs, kind)))
        if extra:
            fail(claim, f"no {kind} file beyond {base.tag}'s", words(extra[:5]), image.where)
    # The exceptions are a list: each is world-writable, and nothing else is, sticky or not.
    allowed = {v.rstrip("/") or "/" for v in claim.args.allowed} or {w.path for w in theirs.world_writable}
    writable = {w.path for w in mine.world_writable}
    if writable != allowed:
        fail(
            claim,
            f"world-writable {words(sorted(allowed))} and nothing else",
            f"world-writable {words(sorted(writable)[:8]) or 'nothing'}",
            image.where,
        )
    return []
