"""entrypoint.sh, read by a shell parser: its shell options, steps, and the hand-over to the server."""

from __future__ import annotations

import re

from docverify import shell
from docverify.claims import Claim
from docverify.registry import Cites, Registry, fail
from docverify.shell import Command
from docverify.subjects import Sources, Stack
from docverify.vocabulary.runtime import never_checks

SCRIPT = "entrypoint.sh"
# Options with which a manage.py command only reports what it would do.
MANAGE_PY_IDLE = {"--plan", "--check", "--dry-run", "-n", "--list"}


def steps(sources: Sources) -> list[Command]:
    return shell.commands(sources.text(SCRIPT))


def _spelling(argv: tuple[str, ...]) -> tuple[str, ...]:
    """One spelling per meaning: `python3` is `python`, Django's `--no-input` is `--noinput`."""
    head = ("python",) if argv and re.fullmatch(r"python3?(\.\d+)?", argv[0].rsplit("/", 1)[-1]) else argv[:1]
    return head + tuple("--noinput" if word == "--no-input" else word for word in argv[1:])


def step(claim: Claim, sources: Sources, wanted: str) -> Command:
    """The unconditional command the claim names (`python manage.py migrate --noinput`), run for real."""
    words = _spelling(shell.commands(wanted)[0].argv)
    script = sources.text(SCRIPT)
    redefined = {_spelling((name,))[0] for name in shell.shadowed(script)} & {words[0]}
    if redefined:
        fail(claim, f"`{wanted}` run at every start", f"{words[0]} redefined by the script (function or alias)", SCRIPT)
    for command in steps(sources):
        if _spelling(command.argv)[: len(words)] == words and not command.conditional:
            idle = never_checks(command.argv[len(words) - 1 :]) or next(
                (w for w in command.argv[len(words) :] if w in MANAGE_PY_IDLE), None
            )
            if idle:
                fail(
                    claim,
                    f"`{wanted}` run",
                    f"`{' '.join(command.argv)}`, which only prints ({idle})",
                    f"{SCRIPT}:{command.line}",
                )
            return command
    fail(claim, f"`{wanted}` run at every start", "no such unconditional step", SCRIPT)


def shell_static(claim: Claim, sources: Sources) -> Cites:
    program, options = claim.values[0], claim.values[1]
    first = sources.lines(SCRIPT)[0] if sources.lines(SCRIPT) else ""
    if first not in (f"#!/bin/{program}", f"#!/usr/bin/env {program}"):
        fail(claim, f"a {program} script", f"the first line {first!r}", f"{SCRIPT}:1")
    wanted = shell.set_options(options)
    have = shell.set_options(sources.text(SCRIPT))
    if not wanted or not wanted <= have:
        fail(claim, f"options {sorted(wanted)} set", f"options {sorted(have)} set", SCRIPT)
    # In effect for every step, not only by the end: `set -e` after the steps stops none of them.
    for command, now in shell.options_at(sources.text(SCRIPT)):
        if command.program not in ("set", "echo", ":") and command.argv and not wanted <= now:
            said = f"`{' '.join(command.argv)}` run with options {sorted(now)}"
            fail(claim, f"options {sorted(wanted)} for every step", said, f"{SCRIPT}:{command.line}")
    if "failed step stops" in claim.sentence:
        # Tests (`[ -n "$X" ] && ...`) are conditions, not steps: their failing is how they answer.
        handled = [c for c in steps(sources) if c.guarded and c.program not in ("echo", ":", "[", "test")]
        if handled:
            first = handled[0]
            fail(
                claim,
                "a failed step stops the start-up",
                f"`{' '.join(first.argv)}` {'in the background' if first.background else 'handled by && or ||'}, "
                "so its failure carries on",
                f"{SCRIPT}:{first.line}",
            )
    lines = [c.line for c in steps(sources) if c.program == "set" and not c.conditional]
    return [f"{SCRIPT}:1", *(f"{SCRIPT}:{n}" for n in lines)]


def default_line(sources: Sources, variable: str) -> tuple[int, str] | None:
    """`: "${VAR:=30}"` or `VAR="${VAR:-30}"`: the line and the default."""
    pattern = re.compile(rf"\$\{{{variable}:?[=-](?P<default>[^}}]*)\}}")
    for number, line in enumerate(sources.lines(SCRIPT), start=1):
        code = line.split("#", 1)[0]
        match = pattern.search(code)
        if match:
            return number, match["default"]
    return None


def database_wait_static(claim: Claim, sources: Sources) -> Cites:
    command, variable, default = claim.values[0], claim.values[1], claim.values[2]
    found = step(claim, sources, command)
    if not any(f"${variable}" in w or f"${{{variable}" in w for w in found.argv):
        fail(claim, f"{command} bounded by {variable}", f"`{' '.join(found.argv)}`", f"{SCRIPT}:{found.line}")
    defaulted = default_line(sources, variable)
    if defaulted is None or defaulted[1] != default:
        fail(
            claim,
            f"{variable} defaulting to {default}",
            defaulted and f"default {defaulted[1]}" or "no default",
            SCRIPT,
        )
    for command in steps(sources):
        for assignment in command.assignments if not command.argv else ():
            if assignment.split("=", 1)[0] == variable:
                said = f"{variable} defaulting to {default}"
                fail(claim, said, f"`{assignment}` overriding it", f"{SCRIPT}:{command.line}")
    return [f"{SCRIPT}:{found.line}", f"{SCRIPT}:{defaulted[0]}"]


def step_static(claim: Claim, sources: Sources) -> Cites:
    return [f"{SCRIPT}:{step(claim, sources, claim.values[0]).line}"]


def migrations_running(claim: Claim, stack: Stack) -> Cites:
    check = stack.service.facts.extra.get("django_running", {}).get("migrations_pending")
    if not check or check.get("code") != 0:
        fail(claim, "every migration applied", (check or {}).get("stdout", "no answer")[-300:], stack.service.where)
    return []


def static_files_running(claim: Claim, stack: Stack) -> Cites:
    collected = stack.service.facts.extra.get("django_running", {}).get("static_files")
    if not isinstance(collected, int) or collected == 0:
        fail(claim, "collected static files", "an empty STATIC_ROOT", stack.service.where)
    return []


ALL_ARGUMENTS = ("$@", "${@}")


def _words(argv: tuple[str, ...]) -> tuple[str, ...]:
    """`${@}` spelled `$@`: one spelling for all the arguments."""
    return tuple("$@" if word in ALL_ARGUMENTS else word for word in argv)


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
        if word in ("-o", "+o"):
            words = words[1:]  # the option's name
        elif not word.startswith(("-", "+")):
            return [word, *words]
    return None


def _signal(name: object) -> str:
    """`SIGTERM`, `TERM` and `15` are one signal."""
    text = str(name).upper()
    numbers = {"15": "SIGTERM", "9": "SIGKILL", "2": "SIGINT", "3": "SIGQUIT", "1": "SIGHUP"}
    return numbers.get(text, text if text.startswith("SIG") else f"SIG{text}")


def _server_values(claim: Claim) -> tuple[tuple[str, ...], str, str]:
    """(the hand-over's words, the PID, the signal) the sentence names; `${@}` spelled `$@`."""
    words = _words(shell.commands(claim.values[0])[0].argv)
    return words, claim.values[1], _signal(claim.values[2])


def _pid_one(claim: Claim, pid: str, where: str) -> None:
    if pid != "1":  # a shell replaced by `exec` leaves its PID, 1, to the command
        fail(claim, f"the server as PID {pid}", "the container command replacing PID 1's shell", where)


def server_static(claim: Claim, sources: Sources) -> Cites:
    words, pid, signal = _server_values(claim)
    hand_over = None
    for command in steps(sources):
        problem = _ends_the_start(command)
        if problem:
            said = f"`{' '.join(command.argv)}` {problem}"
            fail(claim, f"the container command run by `{claim.values[0]}`", said, f"{SCRIPT}:{command.line}")
        if command.program == "exec" and len(command.argv) > 1:  # `exec 2>&1` only redirects
            hand_over = command
            break
    found = _words(hand_over.argv) if hand_over else ()
    if hand_over is None or found != words or words != ("exec", "$@"):
        shown = f"`{' '.join(hand_over.argv)}`" if hand_over else "no `exec` of the command"
        fail(claim, f"`{claim.values[0]}` replacing the shell with the container command", shown, SCRIPT)
    # After `&&` is fine: when the step before fails, the start fails, as the Shell claim promises.
    if hand_over.conditional or hand_over.background:
        how = "in the background" if hand_over.background else "only on a condition"
        fail(claim, f"`{claim.values[0]}` replacing the shell", f"`exec` run {how}", f"{SCRIPT}:{hand_over.line}")
    _pid_one(claim, pid, f"{SCRIPT}:{hand_over.line}")
    if sources.compose.built().spec.get("pid") == "host":  # the host's PID namespace: its init is PID 1
        fail(claim, f"the server as PID {pid}", "pid: host, where PID 1 is the host's", sources.compose.cite("pid:"))
    stop = sources.compose.built().spec.get("stop_signal")
    if _signal(stop or "SIGTERM") != signal:
        fail(
            claim,
            f"the server stopped with {signal}",
            f"stop_signal: {stop or 'SIGTERM'}",
            sources.compose.cite("stop_signal"),
        )
    instruction = sources.dockerfile.final.last("STOPSIGNAL")
    if _signal(instruction.value if instruction else "SIGTERM") != signal:
        where = instruction.where if instruction else sources.dockerfile.final.where()
        fail(
            claim,
            f"the server stopped with {signal}",
            f"STOPSIGNAL {instruction.value if instruction else 'SIGTERM'}",
            where,
        )
    return [f"{SCRIPT}:{hand_over.line}"]


def server_running(claim: Claim, stack: Stack) -> Cites:
    _, pid, signal = _server_values(claim)
    _pid_one(claim, pid, stack.service.where)
    pid1 = stack.service.pid1.argv
    expected = stack.service.config.cmd
    running = pid1[-len(expected) :] if expected else ()
    if not expected or (running[0].rsplit("/", 1)[-1], *running[1:]) != expected:
        fail(claim, f"the command {list(expected)} as PID 1", f"PID 1 `{' '.join(pid1)}`", stack.service.where)
    stop = stack.service.inspect["Config"].get("StopSignal")
    if _signal(stop or "SIGTERM") != signal:
        fail(claim, f"the server stopped with {signal}", f"stop signal {stop}", stack.service.where)
    return []


def register(registry: Registry) -> None:
    registry.entry("Shell", least=2, forms=("POSIX {} with {}, so a failed step stops the start-up",)).on(
        "static", "the shebang, and the options a shell parser sees `set` turn on, in effect at every step"
    )(shell_static)
    wait = registry.entry("Database Wait", least=3, forms=("Runs {}, bounded by {} (default {} seconds). ...",))
    wait.on("static", "the unconditional wait step reads the variable, whose default is the value")(
        database_wait_static
    )
    migrations = registry.entry("Migrations", least=1, most=1, forms=("Runs {}",))
    migrations.on("static", "an unconditional step")(step_static)
    migrations.on("running", "`manage.py migrate --check` passes in the running container")(migrations_running)
    static = registry.entry("Static Files", least=1, most=1, forms=("Runs {}",))
    static.on("static", "an unconditional step")(step_static)
    static.on("running", "STATIC_ROOT holds collected files in the running container")(static_files_running)
    server = registry.entry(
        "Server",
        least=3,
        forms=("Replaces the shell with the container command ({}), so the server is PID {} and receives {} directly",),
    )
    server.on(
        "static",
        "the first `exec` of the command is that one, in the foreground and on no condition, with no `exit`, "
        "`shift` or `set --` before it; compose's and the image's stop signal is the one named",
    )(server_static)
    server.on("running", "PID 1 is the image's command; the container's stop signal is the one named")(server_running)
