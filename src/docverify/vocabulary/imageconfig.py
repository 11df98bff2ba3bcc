"""The closed world's config: the image config differs from the base image's only where the page says.

It is compared field by field with the base image's, and each variable set on top of the base is
documented. An undocumented difference fails, naming the field or the Dockerfile line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ClaimFailed, DockerfileError
from ..model import reads
from ..model.dockerfile import Stage
from ..model.sources import Sources
from ..model.stored import LITERAL, fingerprint
from ..observe.subjects import Image, Images
from ..read.items import Item
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


def _read(image: Image, name: str, base: Any) -> Any:
    """One field of the image's config. Where the Dockerfile alone gives it (`stored.LITERAL`), only whether it
    differs from the base's counts: the input is `differs:N:Field:BASE`."""
    if name not in LITERAL:
        return image.field(name)
    with reads.narrowed(lambda noted: f"differs:{noted.removeprefix('config:')}:{fingerprint(base)}"):
        return image.field(name)


@IMAGE_CONFIG.image(
    "the image config compared field by field with the base image's; each variable that differs is documented"
)
def image_config_image(claim: Claim[ConfigArgs], images: Images) -> Cites:
    image = images.image(claim)
    base = images.base_of(image)
    there = base.inspect["Config"]
    here = {name: _read(image, name, _field(there, name)) for name in FIELDS}
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
    # A variable a stage inherits from the stage it is built FROM is documented under that stage's heading too.
    chain, stage = set(), image.stage
    while stage is not None:
        chain.add(stage.index)
        stage = stage.parent
    documented = {i.values[0] for i in found if i.nested and i.values and _stage_index(i, images) in chain}
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


def _stage_index(item: Item, images: Images) -> int | None:
    try:
        return images.sources.stage(item).index
    except (ClaimFailed, DockerfileError):
        return None
