"""Commands a stage runs: each on every build (not behind a condition), and for real (not `--help`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..model import chmod
from ..model.dockerfile import Instruction, Stage, clean_path
from ..model.shell import Command, unwrapped
from ..model.sources import Sources
from .common import cites, unconditional
from .health import never_checks
from .label import Cites, Claim, Label, fail


@dataclass(frozen=True)
class RunsArgs:
    commands: tuple[str, ...]


def _sub(*forms: str) -> Callable[[Command], bool]:
    """The forms a label reads: a program's subcommands (`pip install`; `uv pip install` spelled with a space)."""
    return lambda command: any(command.runs(_name(command), *form.split()) for form in forms)


def _name(command: Command) -> str:
    """The program as it is invoked (`python -m pip` is `pip`)."""
    argv = command.invocation()
    return PurePosixPath(argv[0]).name if argv else ""


def _installs_as(command: Command) -> bool:
    """`install -d`, or `install -o` with a mode Permissions reads (clustered too, `-dm755`); `-m 4755` is a step."""
    owner, directory, mode = False, False, None
    words = list(command.argv[1:])
    for at, word in enumerate(words):
        following = words[at + 1] if at + 1 < len(words) else None
        if word in ("--directory", "--owner") or word.startswith("--owner="):
            directory, owner = directory or word == "--directory", owner or word.startswith("--owner")
        elif word.startswith("--mode"):
            mode = word.partition("=")[2] or following
        for index, letter in enumerate(word[1:] if word.startswith("-") and not word.startswith("--") else ""):
            directory, owner = directory or letter == "d", owner or letter == "o"
            if letter == "m":
                mode = word[index + 2 :] or following
            if letter in "mogtS":  # the rest of the cluster is this option's value
                break
    return directory or (owner and (mode is None or chmod.harmless(mode)))


# Account options no label reads: a second account with a taken ID, a password (usermod: all but its IDs and groups).
ACCOUNT_STEPS = {"-o", "--non-unique", "-p", "--password"}
USERMOD_READ = {"-u", "--uid", "-g", "--gid", "-G", "--groups", "-a", "--append", "-aG"}


def _account(command: Command) -> bool:
    # `--uid=1000`, and `-u1000` with its value attached (`-aG` is a cluster of two that take none).
    words = [w.partition("=")[0] for w in command.argv[1:] if w.startswith("-")]
    options = {w if w.startswith("--") or w in USERMOD_READ else w[:2] for w in words}
    if command.program == "usermod":
        return options <= USERMOD_READ
    return not options & ACCOUNT_STEPS


# What a clean-up removes: package lists, caches and temporary files, nothing the image runs.
DISPOSABLE = ("/var/lib/apt/lists/", "/var/cache/", "/tmp/", "/var/tmp/", "/root/.cache/", "~/.cache/")


def _cleans_up(command: Command) -> bool:
    """`rm` of package lists, caches and temporary files only (an expansion may land anywhere: `/tmp/$X`)."""
    paths = [clean_path(p.replace("$HOME/", "~/", 1)) for p in command.operands()]
    folders = [p.rstrip("*").rstrip("/") + "/" for p in paths]
    return bool(paths) and all(f.startswith(DISPOSABLE) and "$" not in f and "`" not in f for f in folders)


# The forms of a program the labels that describe it read (`Label.describes`): another form (`pip uninstall`,
# `chmod u+s`, `groupadd -o`) is a step only Runs describes. `venv` is `python -m venv`.
FORMS: dict[str, Callable[[Command], bool]] = {
    "apt-get": (apt := _sub("update", "install", "satisfy", "build-dep", "purge", "remove", "autoremove", "clean")),
    "apt": apt, "apk": _sub("add", "update"), "dnf": (rpm := _sub("install", "clean", "makecache")), "yum": rpm,
    "pip": _sub("install", "cache purge", "cache remove"), "uv": _sub("pip install", "venv"),
    "poetry": _sub("export"), "apt-mark": _sub("auto"),
    "dpkg": lambda c: bool({"-r", "-P", "--remove", "--purge", "--print-architecture"} & set(c.argv)),
    "useradd": _account, "groupadd": _account, "adduser": _account, "addgroup": _account, "usermod": _account,
    "install": _installs_as, "chmod": lambda c: chmod.of_use(c.argv),
}  # fmt: skip
UMASKS = [("022",), ("0022",)]  # the default: files made as without it
# Commands that do nothing but print or answer: a step only when their output goes to a file.
QUIET = {"true", "false", "echo", "printf", ":", "[", "test"}


# The shell's own plumbing, and probes that only read: no step of the build.
PLUMBING = {"export", "set", "cd", "unset", "command", "hash", "readonly", "trap", "wait", "exit", "getent",
            "id", "which", "type", "uname", "nproc", "arch", "pwd", "sleep", "break", "continue"}  # fmt: skip


def program_of(command: Command) -> str:
    """The program as invoked: `python -m pip` is `pip`, `python -m venv` is `venv`."""
    argv = command.invocation()
    return "venv" if argv[1:3] == ("-m", "venv") else PurePosixPath(argv[0]).name if argv else ""


def a_step(command: Command) -> bool:
    """Whether a command is a step of the build some claim must account for: not plumbing, `--help`, the default
    umask, a clean-up of caches, nor a quiet command (unless its output goes into a file)."""
    program = program_of(command)
    if command.writes and (program in QUIET or program in PLUMBING):
        return True  # its output goes into a file: that file is the step
    harmless = (program == "rm" and _cleans_up(command)) or (program == "umask" and command.argv[1:] in UMASKS)
    return bool(program) and program not in PLUMBING | QUIET and not command.inert and not harmless


def described_by(claims: Sequence[Claim[Any]], command: Command, stage: Stage, instruction: Instruction) -> bool:
    """Whether the stage's claims account for the step: a label that describes its program, in a form it reads,
    and for a label whose claims each speak of one path (Makes executable), a claim for each path it names."""
    program = program_of(command)
    # A label may describe one form only (`pip config set global.index-url`): its program and first words.
    if any(" " in form and command.runs(*form.split()) for claim in claims for form in claim.label.describes):
        return True
    form = FORMS.get(program)
    labels = [claim for claim in claims if program in claim.label.describes]
    if not labels or (form is not None and not form(command)):
        return False
    paths = OPERANDS[program](command) if program in OPERANDS else []
    per_path = [c for c in labels if c.label.covers is not None]
    if not per_path or len(per_path) < len(labels):
        return True  # a label that speaks of the program as a whole
    return all(any(c.label.covers(c.args, stage, instruction, p) for c in per_path) for p in paths)  # type: ignore[misc]


# The paths a step acts on, for labels whose claims each speak of one.
OPERANDS: dict[str, Callable[[Command], list[str]]] = {"chmod": lambda c: chmod.chmod_words(c.argv)[1]}


def undescribed(command: Command) -> bool:
    """A step only a Runs claim can describe, whatever the page's other claims: no label reads it in this form."""
    program = program_of(command)
    return a_step(command) and not (program in DESCRIBING and (program not in FORMS or FORMS[program](command)))


# The programs some core label describes (what `docverify suggest` leaves to those labels).
DESCRIBING = {*FORMS, "venv", "virtualenv", "mkdir", "chown"}


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
