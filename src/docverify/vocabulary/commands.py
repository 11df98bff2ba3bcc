"""Commands a stage runs: each on every build (not behind a condition), and for real (not `--help`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.sources import Sources
from .common import cites, unconditional
from .health import never_checks
from .label import Cites, Claim, Label, fail


@dataclass(frozen=True)
class RunsArgs:
    commands: tuple[str, ...]


RUNS = Label(
    "Runs",
    RunsArgs,
    ["Runs {commands*} [to ...]"],
    example=RunsArgs(("poetry lock",)),
    summary="Commands a stage's `RUN`s always run (a program and its subcommand, as a shell parser reads them).",
    nested=True,
    group="Build Steps",
)


@RUNS.static("each command runs unconditionally, and not only to print something (--help, --version)")
def runs_static(claim: Claim[RunsArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found_all = []
    for command in claim.args.commands:
        program, *rest = command.split()
        found = unconditional(stage.running(program, *rest))
        if not found:
            fail(claim, f"RUN {command}", "no such command (that always runs)", stage.where())
        for instruction, run in found:
            idle = never_checks(run.invocation())
            if idle:
                fail(
                    claim,
                    f"RUN {command}",
                    f"`{' '.join(run.argv)}`, which only prints ({idle})",
                    stage.where(instruction),
                )
        found_all += found
    return cites(found_all)
