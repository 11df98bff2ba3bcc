"""Debian: system packages a stage installs with apt, as an exact list unless it says "among others"."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.dockerfile import Instruction, Stage
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import packages
from ..observe.subjects import Images
from ..vocabulary.common import apt_commands, apt_names, cites, unread
from ..vocabulary.label import Cites, Claim, Label, fail, words
from ..vocabulary.registry import Registry


@dataclass(frozen=True)
class DependenciesArgs:
    packages: tuple[str, ...]
    among_others: bool = False  # "among others": the list is not the whole of them


def apt_installs(stage: Stage) -> tuple[list[tuple[Instruction, Command]], list[str]]:
    found = apt_commands(stage)
    return found, [name for _, command in found for name in apt_names(command)]


def _installed(sources: Sources) -> Iterable[tuple[int | None, DependenciesArgs]]:
    for stage in sources.dockerfile.stages:
        _, names = apt_installs(stage)
        if names:
            yield stage.index, DependenciesArgs(tuple(names))


DEPENDENCIES = Label(
    "Dependencies",
    DependenciesArgs,
    ["Installs {packages*} [for ...]", "Installs {packages*}, {among_others=among others}"],
    example=DependenciesArgs(("libpq5", "curl")),
    examples=[DependenciesArgs(("libpq5",), among_others=True)],
    summary='The system packages a stage installs with apt-get, exactly (unless "among others"), and keeps.',
    suggest=_installed,
    describes=("apt-get", "apt", "apk", "dnf", "yum", "apt-mark", "dpkg"),
)


REMOVALS = [(tool, verb) for tool in ("apt-get", "apt") for verb in ("purge", "remove", "autoremove")]


def _removed(command: Command, later: list[tuple[Instruction, Command]]) -> set[str]:
    """The packages a command removes: apt's `purge`, `remove` and `autoremove`, dpkg's `-r` and `-P`, and
    `apt-mark auto` when an `autoremove` follows."""
    if any(command.runs(*way) for way in REMOVALS):
        return set(command.operands(2))
    if command.program == "dpkg" and {"-r", "-P", "--remove", "--purge"} & set(command.argv):
        return set(command.operands(1))
    if command.runs("apt-mark", "auto") and any(c.runs(*way) for _, c in later for way in REMOVALS[2::3]):
        return set(command.operands(2))
    return set()


@DEPENDENCIES.static(
    "the apt-get install operands, exactly (not `-s` or `--download-only`; one that may run, in an `if` or after "
    "`||`, counts for exactly); none removed later; an operand this level cannot read (`$PKGS`) fails an exact list"
)
def dependencies_static(claim: Claim[DependenciesArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found, installed = apt_installs(stage)
    wanted = set(claim.args.packages)
    commands = stage.commands()
    removals = [(i, c) for n, (i, c) in enumerate(commands) if _removed(c, commands[n + 1 :]) & wanted]
    if removals:
        i, c = removals[0]
        fail(claim, f"{words(claim.args.packages)} installed", f"`{' '.join(c.argv)}` removing one", stage.where(i))
    exact = not claim.args.among_others
    missing = sorted(wanted - set(installed))
    # `apt-get install $PKGS`: neither "exactly" nor a missing package can be told from here.
    may_run = apt_commands(stage, maybe=True)
    unknown = [(i, w) for i, c in may_run for w in unread(c)] if exact or missing else []
    if unknown:
        fail(claim, f"apt-get installs {words(claim.args.packages)}",
             f"an install of `{unknown[0][1]}`, which this level cannot read", stage.where(unknown[0][0]))  # fmt: skip
    # "Exactly" holds only if nothing else may be installed: an install in an `if` or after `||` counts too.
    maybe = [name for _, command in may_run for name in apt_names(command)]
    extra = sorted(set(maybe) - wanted) if exact else []
    if missing or extra:
        has = f"apt-get install of {words(installed) or 'nothing'}" + (
            f" (not documented: {words(extra)}{'' if set(extra) <= set(installed) else ', some on a condition'})"
            if extra
            else ""
        )
        fail(
            claim,
            f"apt-get installs {'exactly ' if exact else ''}{words(claim.args.packages)}",
            has,
            stage.where(found[0][0] if found else None),
        )
    return cites(found)


@DEPENDENCIES.image(
    "dpkg holds each, and exactly these are installed by hand on top of the base (apt-mark showmanual)",
    needs=lambda c, s: [packages.need(), packages.need("base")],
)
def dependencies_image(claim: Claim[DependenciesArgs], images: Images) -> Cites:
    image = images.image(claim)
    mine = image.observed(packages.PACKAGES)
    missing = [p for p in claim.args.packages if p not in mine.installed]
    if missing:
        fail(claim, f"{words(claim.args.packages)} installed", f"no {words(missing)} in the dpkg database", image.where)
    if not claim.args.among_others:
        theirs = images.base_of(image).observed(packages.PACKAGES)
        added = sorted(set(mine.manual) - set(theirs.manual))
        if set(added) != set(claim.args.packages):
            fail(
                claim,
                f"exactly {words(claim.args.packages)} installed on top of the base",
                f"installed by hand: {words(added)}",
                image.where,
            )
    return []


def register(registry: Registry) -> None:
    registry.add_module(sys.modules[__name__], "debian")
