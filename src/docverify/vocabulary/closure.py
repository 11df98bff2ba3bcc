"""The closed world: the image holds nothing the page does not declare.

The image config is compared field by field with the base image's, and the filesystem's
set-uid, set-gid and world-writable paths with the base's. An undocumented difference fails,
naming the field, the value and the Dockerfile line that set it.
"""

from __future__ import annotations

from typing import Any

from ..claims import VALUE, Claim
from ..dockerfile import Stage
from ..registry import Cites, Registry, fail, words
from ..subjects import Images, Sources
from .common import same_group

# Image config field -> the instruction that sets it, and the label that describes it.
FIELDS: dict[str, tuple[str, str | None]] = {
    "Env": ("ENV", "Environment Variables"),
    "User": ("USER", "User"),
    "WorkingDir": ("WORKDIR", "Working Directory"),
    "Entrypoint": ("ENTRYPOINT", "Entrypoint"),
    "Cmd": ("CMD", "Command"),
    "Healthcheck": ("HEALTHCHECK", "Healthcheck"),
    "ExposedPorts": ("EXPOSE", "Port"),
    "Volumes": ("VOLUME", None),
    "Labels": ("LABEL", None),
    "StopSignal": ("STOPSIGNAL", None),
    "Shell": ("SHELL", None),
    "OnBuild": ("ONBUILD", None),
}


def _chain(stage: Stage) -> list[Stage]:
    chain = [stage]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    return chain


def _described(claim: Claim, sources: Sources) -> set[str]:
    """Labels with a claim under the same stage heading of the same page."""
    return {c.label for c in same_group(claim, sources, any_label=True)}


def image_config_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    set_here = {name: [i for s in _chain(stage) for i in s.all(keyword)] for name, (keyword, _) in FIELDS.items()}
    changed = {name for name, found in set_here.items() if found}
    listed = set(claim.values)
    if changed != listed:
        extra = sorted(changed - listed)
        where = stage.where(set_here[extra[0]][0]) if extra else stage.where()
        has = f"instructions setting {words(sorted(changed))}"
        fail(claim, f"the config differs from the base in {words(sorted(listed))} only", has, where)
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
    return sorted({i.cite for found in set_here.values() for i in found})


def _field(config: dict[str, Any], name: str) -> Any:
    value = config.get(name)
    if name == "Env":
        return sorted(value or [])
    return value or None


def image_config_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    base = images.base_of(image)
    here, there = image.inspect["Config"], base.inspect["Config"]
    changed = {name for name in FIELDS if _field(here, name) != _field(there, name)}
    if changed != set(claim.values):
        diff = {name: _field(here, name) for name in sorted(changed - set(claim.values))}
        fail(
            claim,
            f"differences from {base.tag} in {words(claim.values)} only",
            f"differences in {words(sorted(changed))} {diff or ''}".strip(),
            image.where,
        )
    # Every variable whose value differs from the base's is one the page documents.
    documented = {c.variable for c in same_group(claim, images.sources, label="Environment Variables")}
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


def special_files_image(claim: Claim, images: Images) -> Cites:
    image = images.final
    base = images.bases.get(next((v for v in claim.values if not v.startswith("/")), ""))
    if base is None:
        fail(claim, "a base image to compare with", f"none of {words(claim.values)} probed", image.where)
    for kind in ("setuid", "setgid"):
        extra = sorted(set(image.facts.special.get(kind, ())) - set(base.facts.special.get(kind, ())))
        if extra:
            fail(claim, f"no {kind} file beyond {base.tag}'s", words(extra[:5]), image.where)
    allowed = [v.rstrip("/") for v in claim.values if v.startswith("/")]
    writable = [
        p
        for p in image.facts.special.get("world_writable", ())
        if not any(p == a or p.startswith(a + "/") for a in allowed)
    ]
    if writable:
        fail(claim, f"nothing world-writable outside {words(allowed)}", words(writable[:5]), image.where)
    return []


def filesystem_lists(claim: Claim) -> tuple[set[str], set[str]]:
    """(added, changed) top-level paths: the values before and after the word "changes"."""
    before, _, after = claim.sentence.partition("changes")
    return {v.rstrip("/") for v in VALUE.findall(before)}, {v.rstrip("/") for v in VALUE.findall(after)}


def filesystem_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    added, changed = filesystem_lists(claim)
    from .files import copies_of

    rows = copies_of(stage)
    tops = {"/" + row.destination.strip("/").split("/")[0]: row for row in rows}
    # What a COPY brings is an addition: into a top-level path the base has, it is a change that
    # does not come "through the packages and the user".
    stray = sorted(set(tops) - added)
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


def filesystem_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    base = images.base_of(image)
    here, there = image.facts.toplevel, base.facts.toplevel
    added = {top for top in here if top not in there}
    changed = {top for top in here if top in there and here[top] != there[top]}
    removed = {top for top in there if top not in here}
    said_added, said_changed = filesystem_lists(claim)
    if added != said_added or changed != said_changed or removed:
        has = f"added {words(sorted(added))}; changed {words(sorted(changed))}"
        has += f"; removed {words(sorted(removed))}" if removed else ""
        fail(
            claim,
            f"added {words(sorted(said_added))}; changed {words(sorted(said_changed))}",
            has,
            f"{image.where} against {base.tag}",
        )
    return []


def register(registry: Registry) -> None:
    filesystem = registry.entry(
        "Filesystem",
        least=1,
        staged=True,
        forms=("Adds {*} to the base image, and changes only {*}, through the packages and the user above",),
    )
    filesystem.on("static", "the top-level destinations of the stage's COPYs")(filesystem_static)
    filesystem.on("image", "every top-level path walked in the image and in the base: added, changed, removed")(
        filesystem_image
    )

    config = registry.entry(
        "Image Config", least=1, staged=True, forms=("Differs from the base image only in {*}, each described above",)
    )
    config.on("static", "the instructions that set config fields, each field described by a claim")(image_config_static)
    config.on("image", "the image config compared field by field with the base image's")(image_config_image)

    special = registry.entry(
        "Special Files",
        least=2,
        forms=("No set-uid or set-gid file beyond those {} already has, and nothing world-writable outside {}",),
    )
    special.on("image", "set-uid/set-gid files beyond the base's, world-writable paths, found by walking the image")(
        special_files_image
    )
