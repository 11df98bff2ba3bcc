"""The entrypoint script, read by a shell parser: its shell options, its steps, the hand-over.

The script is the one the final stage's ENTRYPOINT runs, as copied in by the Dockerfile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import shell
from ..model.scripts import entrypoint_script
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import process
from ..observe.subjects import Stack
from .label import Cites, Claim, Label, fail
from .steps import ordered as ordered
from .steps import script_of as script_of
from .steps import step as step
from .steps import steps as steps

ALL_ARGUMENTS = ("$@", "${@}")


@dataclass(frozen=True)
class ShellArgs:
    shell: str
    options: str
    posix: bool = False  # "POSIX `sh`": a POSIX shell, not bash or zsh


POSIX_SHELLS = {"sh", "dash", "ash", "posh", "busybox"}


def _shell(sources: Sources) -> Iterable[tuple[int | None, ShellArgs]]:
    script = entrypoint_script(sources)
    if script is None:
        return
    first = (sources.script(script).splitlines() or [""])[0]
    program = first.rsplit("/", 1)[-1].split()[-1] if first.startswith("#!") else ""
    options = shell.set_options(sources.script(script))
    if program and "e" in options:
        yield None, ShellArgs(program, "set -" + "".join(sorted(o for o in options if len(o) == 1)))


SHELL = Label(
    "Shell",
    ShellArgs,
    ["[{posix=POSIX}] {shell} with {options}, so a failed step stops the start-up"],
    example=ShellArgs("sh", "set -eu"),
    summary="The entrypoint script's shell and the options in effect at every step; a failed step stops the start.",
    scope="image",
    suggest=_shell,
)


def shown_options(options: Iterable[str]) -> str:
    """`set -eu -o pipefail`, as a script turns them on; `no option` for none."""
    letters = "".join(sorted(o for o in options if len(o) == 1))
    words = [f"-{letters}"] if letters else []
    words += [f"-o {name}" for name in sorted(o for o in options if len(o) > 1)]
    return f"`set {' '.join(words)}`" if words else "no option"


@SHELL.static(
    "the shebang, and the options a shell parser sees `set` turn on, in effect at every step; no step's "
    "failure handled by `||`, `&&` or `&`"
)
def shell_static(claim: Claim[ShellArgs], sources: Sources) -> Cites:
    script = script_of(claim, sources)
    program, options = claim.args.shell, claim.args.options
    lines = sources.script(script).splitlines()
    first = lines[0] if lines else ""
    if first not in (f"#!/bin/{program}", f"#!/usr/bin/env {program}"):
        fail(claim, f"a {program} script", f"the first line {first!r}", f"{script}:1")
    if claim.args.posix and program not in POSIX_SHELLS:
        fail(claim, f"a POSIX shell, {program}", f"{program}, not one of {sorted(POSIX_SHELLS)}", f"{script}:1")
    wanted = shell.set_options(options)
    have = shell.set_options(sources.script(script))
    if not wanted or not wanted <= have:
        sets = [c for c in shell.commands(sources.script(script)) if c.program == "set" and not c.conditional]
        where = f"{script}:{sets[-1].line}" if sets else f"{script}:1"
        fail(claim, f"{shown_options(wanted)} in effect", shown_options(have) if sets else "no `set`", where)
    if "n" in have - wanted:  # noexec: sh reads the rest of the script without running any of it
        noexec = [c for c in shell.commands(sources.script(script)) if c.program == "set" and "n" in shell.set_options(
            " ".join(c.argv))]  # fmt: skip
        fail(claim, shown_options(wanted), f"{shown_options(have)}: nothing after it runs",
             f"{script}:{noexec[0].line if noexec else 1}")  # fmt: skip
    # In effect at every step, not only by the end: `set -e` after the steps stops none of them.
    for command, now in shell.options_at(sources.script(script)):
        if command.program not in ("set", "echo", ":") and command.argv and not wanted <= now:
            fail(
                claim,
                f"{shown_options(wanted)} for every step",
                f"`{' '.join(command.argv)}` run with {shown_options(now)}",
                f"{script}:{command.line}",
            )
    # Tests (`[ -n "$X" ] && ...`) are conditions, not steps: their failing is how they answer. A negated step,
    # and one piped into another without `pipefail`, never fails the script either.
    handled = [
        (c, why)
        for c, now in shell.options_at(sources.script(script))
        if (why := c.failure_ignored(now)) and c.program not in ("echo", ":", "[", "test")
    ]
    if handled and "e" in wanted:
        step, why = handled[0]
        fail(
            claim,
            "a failed step stops the start-up",
            f"`{' '.join(step.argv)}` {why}, so its failure carries on",
            f"{script}:{step.line}",
        )
    set_lines = [c.line for c in steps(sources, script) if c.program == "set" and not c.conditional]
    return [f"{script}:1", *(f"{script}:{n}" for n in set_lines)]


def _all_arguments(argv: tuple[str, ...]) -> tuple[str, ...]:
    """`exec "$@"` however it is spelt: `"${@}"`, and a bare `env` before it (which only execs its arguments)."""
    words = tuple("$@" if word in ALL_ARGUMENTS else word for word in argv)
    if len(words) == 3 and words[0] == "exec" and words[1].rsplit("/", 1)[-1] == "env" and words[2] == "$@":
        return ("exec", "$@")
    return words


def _ends_the_start(command: Command) -> str | None:
    """Why `command` keeps the container command from running, if it does."""
    if command.program == "exit":
        status = command.argv[1] if len(command.argv) > 1 else "0"
        # A conditional non-zero exit is a failed start, which the Shell claim promises; any other ends it quietly.
        if not (command.conditional or command.chained) or status in ("0", "$?"):
            return "exits before the hand-over"
    if command.program == "shift":
        return "drops the command's first word"
    if command.program == "set":
        operands = _positional(list(command.argv[1:]))
        if operands is not None and not any(word in ALL_ARGUMENTS for word in operands):
            return "replaces the command's words"
    return None


def _positional(words: list[str]) -> list[str] | None:
    """The new positional parameters a `set` gives, or None when it sets options only."""
    while words:
        word = words.pop(0)
        if word == "--":
            return words
        if word.startswith(("-", "+")) and "o" in word[1:]:  # `-o name`, and `-euo pipefail` alike
            words = words[1:]
        elif not word.startswith(("-", "+")):
            return [word, *words]
    return None


def handover(claim: Claim[Any], sources: Sources, how: str) -> Cites:
    """The script's first `exec` of the command, in the foreground, on no condition, nothing ending the start before."""
    script = script_of(claim, sources)
    found = None
    for command in steps(sources, script):
        problem = _ends_the_start(command)
        if problem:
            fail(
                claim,
                "the container command run by the entrypoint",
                f"`{' '.join(command.argv)}` {problem}",
                f"{script}:{command.line}",
            )
        if command.program == "exec" and len(command.argv) > 1:  # `exec 2>&1` only redirects
            found = command
            break
    if how != "exec" or found is None or _all_arguments(found.argv) != ("exec", "$@"):
        shown = f"`{' '.join(found.argv)}`" if found else "no `exec` of the command"
        fail(claim, f"the entrypoint replacing itself with the container command (`{how}`)", shown, script)
    if found.conditional or found.background:
        where = "in the background" if found.background else "only on a condition"
        fail(claim, "the entrypoint replacing the shell", f"`exec` run {where}", f"{script}:{found.line}")
    return [f"{script}:{found.line}"]


def signal_name(name: object) -> str:
    """`SIGTERM`, `TERM` and `15` are one signal."""
    text = str(name).upper()
    numbers = {"15": "SIGTERM", "9": "SIGKILL", "2": "SIGINT", "3": "SIGQUIT", "1": "SIGHUP"}
    return numbers.get(text, text if text.startswith("SIG") else f"SIG{text}")


@dataclass(frozen=True)
class ServerArgs:
    handover: str
    pid: int
    signal: str


def _server(sources: Sources) -> Iterable[tuple[int | None, ServerArgs]]:
    script = entrypoint_script(sources)
    execs = [c for c in steps(sources, script) if c.program == "exec" and len(c.argv) > 1] if script else []
    if execs and _all_arguments(execs[0].argv) == ("exec", "$@"):
        stop = sources.dockerfile.final.last("STOPSIGNAL")
        yield None, ServerArgs('exec "$@"', 1, signal_name(stop.value if stop else "SIGTERM"))


# What a `#!` line may put before a script in PID 1's argv; an init (`docker-init`, `tini`) is none of them.
INTERPRETER = re.compile(r"python[0-9.]*|sh|bash|dash|ash|node|perl|ruby")

SERVER = Label(
    "Server",
    ServerArgs,
    [
        "Replaces the shell with the container command ({handover}), so the server is PID {pid} and receives {signal} "
        "directly"
    ],
    example=ServerArgs('exec "$@"', 1, "SIGTERM"),
    summary="The entrypoint script hands the process over to the container command, which becomes PID 1 and "
    "receives the stop signal.",
    scope="image",
    suggest=_server,
)


@SERVER.static(
    "the first `exec` of the command is that one, in the foreground and on no condition, with no "
    "`exit`, `shift` or `set --` before it; compose's and the image's stop signal is the one named"
)
def server_static(claim: Claim[ServerArgs], sources: Sources) -> Cites:
    words = _all_arguments(tuple(shell.commands(claim.args.handover)[0].argv))
    cites = handover(claim, sources, "exec" if words == ("exec", "$@") else claim.args.handover)
    if claim.args.pid != 1:  # a shell replaced by `exec` leaves its PID, 1, to the command
        fail(claim, f"the server as PID {claim.args.pid}", "the container command replacing PID 1's shell", cites[0])
    signal = signal_name(claim.args.signal)
    if sources.settings.runs_stack:
        service = sources.compose.services.get(sources.settings.service or sources.compose.built().name)
        spec = service.spec if service else {}
        if spec.get("pid") == "host":  # the host's PID namespace: its init is PID 1
            fail(
                claim,
                f"the server as PID {claim.args.pid}",
                "pid: host, where PID 1 is the host's",
                sources.compose.cite("pid:"),
            )
        if spec.get("init") in (True, "true"):  # Docker's init runs as PID 1, the server as its child
            fail(claim, f"the server as PID {claim.args.pid}", "init: true, where PID 1 is Docker's init",
                 sources.compose.cite("init:"))  # fmt: skip
        if signal_name(spec.get("stop_signal") or "SIGTERM") != signal and spec.get("stop_signal"):
            fail(
                claim,
                f"the server stopped with {signal}",
                f"stop_signal: {spec.get('stop_signal')}",
                sources.compose.cite("stop_signal"),
            )
    instruction = sources.dockerfile.final.last("STOPSIGNAL")
    if signal_name(instruction.value if instruction else "SIGTERM") != signal:
        where = instruction.where if instruction else sources.dockerfile.final.where()
        fail(
            claim,
            f"the server stopped with {signal}",
            f"STOPSIGNAL {instruction.value if instruction else 'SIGTERM'}",
            where,
        )
    return cites


@SERVER.running(
    "PID 1 is the image's command; the container's stop signal is the one named", needs=lambda c, s: [process.need()]
)
def server_running(claim: Claim[ServerArgs], stack: Stack) -> Cites:
    if claim.args.pid != 1:
        fail(claim, f"the server as PID {claim.args.pid}", "the container command as PID 1", stack.service.where)
    argv = stack.service.observed(process.PROCESS).argv
    expected = stack.service.config.cmd
    running = argv[-len(expected) :] if expected else ()
    before = argv[: len(argv) - len(expected)]  # only the interpreter of a script's `#!` line (and its options)
    interpreted = not before or (INTERPRETER.fullmatch(before[0].rsplit("/", 1)[-1]) and all(
        w.startswith("-") for w in before[1:]))  # fmt: skip
    if not expected or (running[0].rsplit("/", 1)[-1], *running[1:]) != expected or not interpreted:
        fail(claim, f"the command `{' '.join(expected)}` as PID 1", f"PID 1 `{' '.join(argv)}`", stack.service.where)
    stop = stack.service.config.stop_signal
    if signal_name(stop or "SIGTERM") != signal_name(claim.args.signal):
        fail(
            claim,
            f"the server stopped with {signal_name(claim.args.signal)}",
            f"stop signal {stop}",
            stack.service.where,
        )
    return []
