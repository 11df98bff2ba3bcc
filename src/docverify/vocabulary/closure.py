"""The closed world: the image holds nothing the page does not declare.

The image config is compared field by field with the base image's; the file system, top-level
path by top-level path (content included); set-uid, set-gid and world-writable paths against the
base's. An undocumented difference fails, naming the field, the path, or the Dockerfile line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import reads
from ..model.copies import copies_of
from ..model.dockerfile import Stage
from ..model.sources import Sources
from ..observe import filesystem
from ..observe.subjects import Images
from .common import page_items
from .label import Cites, Claim, Label, fail, words

# Image config field -> the instruction that sets it, and the label that describes it.
FIELDS: dict[str, tuple[str, str | None]] = {
    "Env": ("ENV", "Environment Variables"),
    "User": ("USER", "User"),
    "WorkingDir": ("WORKDIR", "Working Directory"),
    "Entrypoint": ("ENTRYPOINT", "Entrypoint"),
    "Cmd": ("CMD", "Command"),
    "Healthcheck": ("HEALTHCHECK", "Healthcheck"),
    "ExposedPorts": ("EXPOSE", "Port"),
    "Volumes": ("VOLUME", "Volumes"),
    "Labels": ("LABEL", "Image Label"),
    "StopSignal": ("STOPSIGNAL", "Stop Signal"),
    "Shell": ("SHELL", None),
    "OnBuild": ("ONBUILD", None),
}


def _chain(stage: Stage) -> list[Stage]:
    chain = [stage]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    return chain


def _present(noted: str) -> str:
    """`dockerfile:N:CMD` read only for whether there is one: `dockerfile:N:CMD?`."""
    return f"{noted}?" if re.fullmatch(r"dockerfile:\d+:[A-Z]+", noted) else noted


def _described(claim: Claim[Any], sources: Sources) -> set[str]:
    """Labels with an item under the same stage heading of the same page."""
    found = page_items(claim, sources)
    return {i.label for i in found if i.stage_heading == claim.stage_heading}


@dataclass(frozen=True)
class ConfigArgs:
    fields: tuple[str, ...]
    described: bool = False  # "each described above": a claim of the stage describes every field


def _config_fields(sources: Sources) -> Iterable[tuple[int | None, ConfigArgs]]:
    stage = sources.dockerfile.final
    changed = tuple(name for name, (keyword, _) in FIELDS.items() if any(s.all(keyword) for s in _chain(stage)))
    if changed:
        yield stage.index, ConfigArgs(changed)


IMAGE_CONFIG = Label(
    "Image Config",
    ConfigArgs,
    ["Differs from the base image only in {fields*}[, {described=each described above}]"],
    example=ConfigArgs(("Env", "User", "Cmd")),
    summary="The fields of the image config that differ from the base image's, exactly, each described by a claim "
    "of the same stage.",
    suggest=_config_fields,
)


@IMAGE_CONFIG.static("the instructions that set config fields, each field described by a claim of the stage")
def image_config_static(claim: Claim[ConfigArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    with reads.narrowed(_present):  # which fields are set counts, not to what (the image level compares values)
        set_here = {name: [i for s in _chain(stage) for i in s.all(keyword)] for name, (keyword, _) in FIELDS.items()}
    changed = {name for name, found in set_here.items() if found}
    listed = set(claim.args.fields)
    if changed != listed:
        extra = sorted(changed - listed)
        where = stage.where(set_here[extra[0]][0]) if extra else stage.where()
        fail(
            claim,
            f"the config differs from the base in {words(sorted(listed))} only",
            f"instructions setting {words(sorted(changed))}",
            where,
        )
    if claim.args.described:
        described = _described(claim, sources)
        for name in sorted(changed):
            label = FIELDS[name][1]
            if label is None or label not in described:
                first = set_here[name][0]
                fail(
                    claim,
                    f"{name} described by a claim",
                    f"`{first.keyword} {first.value}` no claim describes",
                    first.where,
                )
    return sorted({i.cite for found in set_here.values() for i in found}, key=lambda c: int(c.rsplit(":", 1)[1]))


def _field(config: dict[str, Any], name: str) -> Any:
    value = config.get(name)
    return sorted(value or []) if name == "Env" else value or None


@IMAGE_CONFIG.image(
    "the image config compared field by field with the base image's; each variable that differs is documented"
)
def image_config_image(claim: Claim[ConfigArgs], images: Images) -> Cites:
    image = images.image(claim)
    base = images.base_of(image)
    here, there = image.inspect["Config"], base.inspect["Config"]
    changed = {name for name in FIELDS if _field(here, name) != _field(there, name)}
    if changed != set(claim.args.fields):
        diff = {name: _field(here, name) for name in sorted(changed - set(claim.args.fields))}
        fail(
            claim,
            f"differences from {base.tag} in {words(claim.args.fields)} only",
            f"differences in {words(sorted(changed))} {diff or ''}".strip(),
            image.where,
        )
    found = page_items(claim, images.sources)
    documented = {i.values[0] for i in found if i.nested and i.stage_heading == claim.stage_heading and i.values}
    base_env = dict(item.split("=", 1) for item in there.get("Env") or [])
    for item in here.get("Env") or []:
        name, value = item.split("=", 1)
        if base_env.get(name) != value and name not in documented:
            fail(
                claim,
                "every variable set on top of the base documented",
                f"{name}={value} documented nowhere",
                image.where,
            )
    return []


# The changes come from installing packages and creating users, not from copies.
THROUGH = (
    "Adds {added*} to the base image[,] and changes only {changed*}, through the packages and the {users=user|users} "
    "[above]"
)
INSTALLS = (("apt-get", "install"), ("apt", "install"), ("apk", "add"), ("dnf", "install"), ("yum", "install"))


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
                   "changes come through the packages and users), and each it adds has a COPY there")  # fmt: skip
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
    missing = sorted(added - set(tops))
    if missing:
        fail(claim, f"{words(missing)} added by the stage", "no COPY there", stage.where())
    return sorted({row.instruction.cite for row in rows})


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
