"""The entrypoint script, read by a shell parser: its steps and the hand-over (its shell: `shellopts`).

The script is the one the final stage's ENTRYPOINT runs, as copied in by the Dockerfile.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import reads, shell, shelltree
from ..model.scripts import entrypoint_script
from ..model.shell import Command
from ..model.shellcommand import past_command
from ..model.sources import Sources
from ..observe import process
from ..observe.subjects import Stack
from .label import Cites, Claim, Label, fail
from .serverconfig import from_file
from .servers import configured, exec_of, found
from .steps import ordered as ordered
from .steps import script_of as script_of
from .steps import step as step
from .steps import steps as steps

# `"$@"` however it is spelt; `${1+"$@"}` is the old Bourne shells' guard for no arguments (bashlex drops its quotes).
ALL_ARGUMENTS = ("$@", "${@}", '${1+"$@"}', "${1+$@}", '${1:+"$@"}', "${1:+$@}")


def _all_arguments(argv: tuple[str, ...]) -> tuple[str, ...]:
    """`exec "$@"` however it is spelt: `"${@}"`, and a bare `env` before it (which only execs its arguments)."""
    words = tuple("$@" if word in ALL_ARGUMENTS else word for word in argv)
    if len(words) == 3 and words[0] == "exec" and words[1].rsplit("/", 1)[-1] == "env" and words[2] == "$@":
        return ("exec", "$@")
    return words


def _ends_the_start(command: Command) -> str | None:
    """Why `command` keeps the container command from running, if it does."""
    if command.subshell:  # what it does ends with its subshell
        return None
    if command.program == "exit":
        status = command.argv[1] if len(command.argv) > 1 else "$?"  # a bare `exit` keeps the last status
        # A conditional non-zero exit is a failed start, which the Shell claim promises; any other ends it quietly.
        # Right after `||`, `$?` is the failure before it; elsewhere (`if ! a; then exit; fi`) it may be 0.
        quiet = shelltree.zero(status) or (status in shelltree.KEEPS and not command.rescue)
        if not (command.conditional or command.chained) or quiet:
            return "exits before the hand-over"
    if command.program == "shift":
        return "drops the command's first word"
    if command.program == "set":
        operands = _positional(list(command.argv[1:]))
        kept = [w for w in operands or () if w in ALL_ARGUMENTS]
        # `set -- x "$@"` on a condition is the flags-first idiom (`docker run image --help`); always, it is a lie.
        if operands is not None and (not kept if command.conditional else operands != kept or len(kept) != 1):
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
        run = past_command(command.argv)
        if run[:1] == ("exec",) and len(run) > 1:  # `exec 2>&1` only redirects
            found = command
            break
    if how != "exec" or found is None or _all_arguments(past_command(found.argv)) != ("exec", "$@"):
        shown = f"`{' '.join(found.argv)}`" if found else "no `exec` of the command"
        fail(claim, f"the entrypoint replacing itself with the container command (`{how}`)", shown, script)
    if found.conditional or found.background or found.subshell:
        where = "in the background" if found.background else "only on a condition" if found.conditional else (
            "in a subshell, which it replaces while the shell stays")  # fmt: skip
        fail(claim, "the entrypoint replacing the shell", f"`exec` run {where}", f"{script}:{found.line}")
    if found.assignments:  # `X=1 exec "$@"`: the command runs with an environment the image does not give it
        fail(claim, "the container command as the image gives it", f"`{' '.join(found.assignments)}` set for it "
             "alone", f"{script}:{found.line}")  # fmt: skip
    return [f"{script}:{found.line}"]


def _runs_as_pid1(argv: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """PID 1's argv ends in the words (its program as written, or by name), after at most a `#!` line's interpreter
    and its options."""
    running, before = argv[-len(wanted) :], argv[: len(argv) - len(wanted)]
    interpreted = not before or bool(INTERPRETER.fullmatch(before[0].rsplit("/", 1)[-1])) and all(
        w.startswith("-") for w in before[1:])  # fmt: skip
    if not wanted or len(running) != len(wanted):
        return False
    program = running[0] == wanted[0] or running[0].rsplit("/", 1)[-1] == wanted[0]
    return program and tuple(running[1:]) == wanted[1:] and interpreted


def _prefixes(stack: Stack) -> list[tuple[str, ...]]:
    """The words each conditional `set -- x … "$@"` of the entrypoint script puts before the command."""
    script = entrypoint_script(stack.sources)
    found = []
    for command in shell.commands(stack.sources.script(script)) if script else ():
        operands = _positional(list(command.argv[1:])) if command.program == "set" and command.conditional else None
        if operands and operands[-1] in ALL_ARGUMENTS and not set(operands[:-1]) & set(ALL_ARGUMENTS):
            found.append(tuple(operands[:-1]))
    return found


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
    ran = [past_command(c.argv) for c in steps(sources, script)] if script else []
    execs = [argv for argv in ran if argv[:1] == ("exec",) and len(argv) > 1]
    if execs and _all_arguments(execs[0]) == ("exec", "$@"):
        stop = sources.dockerfile.final.last("STOPSIGNAL")
        yield None, ServerArgs('exec "$@"', 1, signal_name(stop.value if stop else "SIGTERM"))


CMD_READ = re.compile(r"dockerfile:\d+:CMD|config:\d+:Cmd")
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
    "the first `exec` of the command is that one, in the foreground, on no condition and not in a subshell, with no "
    "variable set for it alone and no `exit`, `shift` or `set --` before it; the container command has no option "
    "or configuration file setting (read with Python's parser) that makes the server exit or fork; compose's and "
    "the image's stop signal is the one named"
)
def server_static(claim: Claim[ServerArgs], sources: Sources) -> Cites:
    words = _all_arguments(tuple(shell.commands(claim.args.handover)[0].argv))
    cites = handover(claim, sources, "exec" if words == ("exec", "$@") else claim.args.handover)
    if claim.args.pid != 1:  # a shell replaced by `exec` leaves its PID, 1, to the command
        fail(claim, f"the server as PID {claim.args.pid}", "the container command replacing PID 1's shell", cites[0])
    signal = signal_name(claim.args.signal)
    if sources.settings.runs_stack:
        spec = sources.under_test().spec
        if spec.get("pid"):  # the host's PID namespace, or another container's: PID 1 is theirs
            fail(claim, f"the server as PID {claim.args.pid}", f"pid: {spec['pid']}, where PID 1 is another process",
                 sources.compose.cite("pid:"))  # fmt: skip
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
    _stays(claim, sources)
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


def _stays(claim: Claim[ServerArgs], sources: Sources) -> None:
    """The container command (compose's `command:` wins) has no option that makes the server exit or fork."""
    given = sources.under_test().spec.get("command") if sources.settings.runs_stack else None
    final = sources.dockerfile.final
    # The CMD as far as this reads it (`command.seen` with no words): a word no option here is stales nothing.
    with reads.narrowed(lambda noted: f"argv:{final.index}:[]" if CMD_READ.fullmatch(noted) else noted):
        cmd = final.last("CMD")
        argv = (shlex.split(given) if isinstance(given, str) else list(given)) if given is not None else None
        if argv is None:
            argv = list((final.exec_list("CMD") or ([], None))[0] or [])
    service = sources.under_test().name if given is not None else ""
    where = sources.compose.cite("command:", service=service) if service else final.where(cmd)
    options = configured(sources, final)
    left = found(argv, options, where) or from_file(sources, final, argv, options[0])
    if left is not None:
        fail(claim, f"the server as PID {claim.args.pid}", f"`{left[0]}`, with which {left[1]}", left[2])


@SERVER.running(
    'PID 1 is the image\'s command (or it behind the words a flags-first `set -- x "$@"` puts before it); the '
    "container's stop signal is the one named",
    needs=lambda c, s: [process.need()],
)
def server_running(claim: Claim[ServerArgs], stack: Stack) -> Cites:
    if claim.args.pid != 1:
        fail(claim, f"the server as PID {claim.args.pid}", "the container command as PID 1", stack.service.where)
    argv = stack.service.observed(process.PROCESS).argv
    expected = stack.service.config.cmd
    # The command as the image gives it (or the program its `sh -c 'exec …'` becomes), or behind the words a
    # flags-first `set -- x "$@"` puts before it.
    shapes = [tuple(expected), tuple(exec_of(expected))] if expected else []
    if not any(_runs_as_pid1(argv, (*p, *shape)) for shape in shapes for p in [(), *_prefixes(stack)]):
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
