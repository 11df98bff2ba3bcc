"""Commands a stage runs: each on every build (not behind a condition), and for real (not `--help`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model.shell import Command, unwrapped
from ..model.sources import Sources
from .common import cites, unconditional
from .health import never_checks
from .label import Cites, Claim, Label, fail


@dataclass(frozen=True)
class RunsArgs:
    commands: tuple[str, ...]


# Programs other labels already say what they do for (packages, environments, accounts, folders, modes).
DESCRIBED = {
    "apt-get", "apt", "apk", "dnf", "yum", "pip", "uv", "poetry", "useradd", "groupadd", "adduser", "addgroup",
    "usermod", "mkdir", "install", "chown", "chmod", "rm", "ln", "true", "false", "echo", "printf", ":", "[", "test",
    "apt-mark", "dpkg",
}  # fmt: skip


# The shell's own plumbing, and probes that only read: no step of the build.
PLUMBING = {"export", "set", "cd", "unset", "umask", "command", "hash", "readonly", "trap", "wait", "exit", "getent",
            "id", "which", "type"}  # fmt: skip


def undescribed(command: Command) -> bool:
    """A command only a Runs claim can describe: no other label says what its program does (as it is invoked)."""
    argv = list(command.invocation())
    program = PurePosixPath(argv[0]).name if argv else ""
    venv = len(argv) > 2 and argv[1:3] == ["-m", "venv"]
    return bool(argv) and program not in DESCRIBED and program not in PLUMBING and not venv


def _runs(sources: Sources) -> Iterable[tuple[int | None, RunsArgs]]:
    """The commands of each stage no other label describes (`python -m compileall`), each as a program and its
    first words up to its first option or path."""
    for stage in sources.dockerfile.stages:
        written: list[str] = []
        for _, command in unconditional(stage.commands()):
            argv = list(command.invocation())
            if not undescribed(command):
                continue
            words = [PurePosixPath(argv[0]).name]
            for word in argv[1:]:
                if (word.startswith("-") and word != "-m") or "/" in word or "$" in word:
                    break
                words.append(word)
            if " ".join(words) not in written:
                written.append(" ".join(words))
        if written:
            yield stage.index, RunsArgs(tuple(written))


RUNS = Label(
    "Runs",
    RunsArgs,
    ["Runs {commands*} [to ...]"],
    example=RunsArgs(("poetry lock",)),
    summary="Commands a stage's `RUN`s always run (a program and its subcommand, as a shell parser reads them).",
    nested=True,
    group="Build Steps",
    suggest=_runs,
)


def as_written(command: Command, written: list[str]) -> bool:
    """The command runs what the page writes: its words in order (a program named without a path matches it
    by name), or a program and its subcommand with options between (`pip --no-cache-dir install`); behind a
    wrapper, what it runs (`exec python -m compileall`)."""
    argv = list(unwrapped(command.argv))
    head = (argv[0] if "/" in written[0] else PurePosixPath(argv[0]).name) if argv else ""
    if argv[: len(written)] and [head, *argv[1 : len(written)]] == written:
        return True
    return command.runs(written[0], *written[1:])


@RUNS.static("each command runs unconditionally, and not only to print something (--help, --version)")
def runs_static(claim: Claim[RunsArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found_all = []
    for command in claim.args.commands:
        found = unconditional([(i, c) for i, c in stage.commands() if as_written(c, command.split())])
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
