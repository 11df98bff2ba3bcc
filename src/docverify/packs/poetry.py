"""Poetry: its own set-up, `poetry export` of chosen groups, and a lock file checked fresh in the image."""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ClaimUnreadable
from ..model.instruction import option, option_values
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import venvs
from ..observe.observer import Observer, nothing
from ..observe.subjects import Images
from ..vocabulary.commands import RUNS, RunsArgs
from ..vocabulary.common import unconditional
from ..vocabulary.label import Cites, Claim, Label, fail, words
from ..vocabulary.registry import Registry
from . import python, requirements


def _setup(sources: Sources) -> Iterable[tuple[int | None, python.DistributionsArgs]]:
    for stage_index, args in python._system(sources):
        if "poetry" in args.distributions:
            yield stage_index, args


POETRY_SETUP = Label(
    "Poetry Setup",
    python.DistributionsArgs,
    ["Installs {distributions*}"],
    example=python.DistributionsArgs(("poetry", "poetry-plugin-export")),
    summary="Poetry and its plugins, installed into the stage's system Python with pip, exactly.",
    suggest=_setup,
    describes=("pip",),
)
POETRY_SETUP.static("the system pip install operands, exactly")(python.distributions_static)
POETRY_SETUP.image("each distribution in the image's system Python", needs=lambda c, s: [venvs.need()])(
    python.distributions_image
)


@dataclass(frozen=True)
class ExportsArgs:
    groups: tuple[str, ...]
    file: str
    production: bool = False  # "production dependencies": no tooling group among them


# Groups that hold tooling, not what the app runs with (besides any group pyproject.toml marks optional).
TOOLING = {"dev", "test", "tests", "docs", "lint", "typing", "ci"}


def _exports(sources: Sources) -> Iterable[tuple[int | None, ExportsArgs]]:
    for stage in sources.dockerfile.stages:
        for _, command in unconditional(stage.running("poetry", "export")):
            groups, output = _export_options(list(command.argv))
            if groups and output:
                yield stage.index, ExportsArgs(tuple(sorted(groups)), output)


EXPORTS = Label(
    "Exports",
    ExportsArgs,
    [
        "Exports [{production=production}] dependencies (including {groups*} group) to {file}",
        "Exports the {groups*} <group|groups> to {file}",
    ],
    example=ExportsArgs(("main",), "requirements.txt"),
    summary="`poetry export` of exactly these dependency groups into a requirements file.",
    suggest=_exports,
    nested=True,
    group="Dependency Export",
    describes=("poetry",),
)


def _export_options(argv: list[str]) -> tuple[set[str], str | None]:
    """The groups `poetry export` writes, as Poetry reads its options (`main` unless --only or --without it),
    and the output file."""
    chosen = {
        name: {g for v in option_values(argv, name) for g in v.split(",")} for name in ("--only", "--with", "--without")
    }
    output = option(argv, "--output", "-o")
    groups = chosen["--only"] or ({"main"} | chosen["--with"]) - chosen["--without"]
    return groups, posixpath.normpath(output) if output else output


def declared_groups(sources: Sources) -> set[str]:
    groups = set(sources.toml("pyproject.toml").get("tool", {}).get("poetry", {}).get("group", {}))
    return groups | {"main"}


def tooling_groups(sources: Sources) -> set[str]:
    declared = sources.toml("pyproject.toml").get("tool", {}).get("poetry", {}).get("group", {})
    return {name for name, spec in declared.items() if name in TOOLING or spec.get("optional") is True}


def _relocks(command: Command) -> bool:
    """`poetry lock`, or a command that rewrites the lock too (`update`, `add`, `remove`), of this project: not only
    asked for its help, nor pointed at another project (`-C`, `--directory`, `--project`)."""
    elsewhere = any(w in ("-C", "-P", "--directory", "--project") or w.startswith(("--directory=", "--project="))
                    for w in command.argv)  # fmt: skip
    changes = any(command.runs("poetry", sub) for sub in ("lock", "update", "add", "remove"))
    return changes and not command.inert and not elsewhere


@EXPORTS.static("`poetry export` with exactly these groups (--only/--with) to the file, and no `poetry lock` after it")
def exports_static(claim: Claim[ExportsArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    unknown = set(claim.args.groups) - declared_groups(sources)
    if unknown:
        raise ClaimUnreadable(f"{claim.where()}: **Exports** names groups {sorted(unknown)} pyproject.toml lacks")
    found = unconditional(stage.running("poetry", "export"))
    if not found:
        fail(claim, "poetry export", "no `poetry export`", stage.where())
    instruction, command = found[-1]
    groups, out = _export_options(list(command.argv))
    if groups != set(claim.args.groups) or out != claim.args.file:
        fail(
            claim,
            f"poetry export of groups {words(sorted(claim.args.groups))} to {claim.args.file}",
            f"`{' '.join(command.argv)}`",
            stage.where(instruction),
        )
    tooling = sorted(groups & tooling_groups(sources)) if claim.args.production else []
    if tooling:
        fail(claim, "production dependencies only", f"the tooling groups {words(tooling)} exported", "pyproject.toml")
    # What the stage exports is the lock it ends with: a `poetry lock` after the export leaves the file behind it.
    commands = stage.commands()
    at = next((n for n, (i, c) in enumerate(commands) if i == instruction and c == command), len(commands))
    later = [(i, c) for i, c in commands[at + 1 :] if _relocks(c)]
    if later:
        fail(claim, f"{claim.args.file} exported from the lock the stage ends with",
             f"`{' '.join(later[0][1].argv)}` after the export", stage.where(later[0][0]))  # fmt: skip
    return [instruction.cite]


def _export_file(claim: Claim[ExportsArgs], sources: Sources) -> str:
    stage = sources.stage(claim)
    found = unconditional(stage.running("poetry", "export"))
    folder = stage.workdir_at(found[-1][0]) if found else "/"
    return f"{folder.rstrip('/')}/{claim.args.file}"


@EXPORTS.image(
    "the exported file lists exactly the locked packages of those groups",
    needs=lambda c, s: [requirements.REQUIREMENTS.need((_export_file(c, s),))],
)
def exports_image(claim: Claim[ExportsArgs], images: Images) -> Cites:
    image = images.image(claim)
    path = _export_file(claim, images.sources)
    text = image.observed(requirements.REQUIREMENTS).texts.get(path)
    if text is None:
        fail(claim, f"{claim.args.file} exported", f"no {path}", image.where)
    lines = [line for line in text.splitlines() if line and not line.startswith((" ", "-", "#"))]
    exported = {re.split(r"[=<>;\s\[]", line)[0].lower() for line in lines}
    lock = images.sources.toml("poetry.lock")
    wanted = {p["name"].lower() for p in lock["package"] if set(claim.args.groups) & set(p.get("groups", ["main"]))}
    if exported != wanted:
        fail(
            claim,
            f"exactly the packages of groups {words(sorted(claim.args.groups))} ({len(wanted)})",
            f"{claim.args.file} with extra {sorted(exported - wanted)} and missing {sorted(wanted - exported)}",
            image.where,
        )
    return []


# --- `poetry lock` leaves a lock that is fresh for pyproject.toml ---------------------------------


def _check_lock_inside(request: None, context: dict[str, Any]) -> dict[str, Any]:
    import os
    import shutil
    import subprocess

    if not shutil.which("poetry") or not os.path.exists("pyproject.toml"):
        return {"code": None, "output": "no poetry, or no pyproject.toml where the stage works"}
    try:
        done = subprocess.run(["poetry", "check", "--lock"], capture_output=True, text=True, timeout=120)
        return {"code": done.returncode, "output": (done.stdout + done.stderr)[-2000:]}
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"code": None, "output": str(error)}


@dataclass(frozen=True)
class LockCheck:
    code: int | None
    output: str


LOCK_CHECK: Observer[None, LockCheck] = Observer(
    "poetry_check_lock",
    lambda raw: LockCheck(raw["code"], raw["output"]),
    nothing,
    inside=_check_lock_inside,
    phase="programs",
)


def lock_fresh_image(claim: Claim[RunsArgs], images: Images) -> Cites:
    image = images.image(claim)
    check = image.observed(LOCK_CHECK)
    if check.code != 0:
        fail(
            claim,
            "a lock file fresh for pyproject.toml",
            f"`poetry check --lock` saying {check.output.strip()}",
            image.where,
        )
    return []


def register(registry: Registry) -> None:
    registry.add_module(sys.modules[__name__], "poetry")
    registry.extend(RUNS).image(
        "`poetry check --lock` passes in the image",
        needs=lambda c, s: [LOCK_CHECK.need(None)],
        applies=lambda args: "poetry lock" in args.commands,
    )(lock_fresh_image)
