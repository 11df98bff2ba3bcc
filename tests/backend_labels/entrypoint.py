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


def steps(sources: Sources) -> list[Command]:
    return shell.commands(sources.text(SCRIPT))


def step(claim: Claim, sources: Sources, wanted: str) -> Command:
    """The unconditional command the claim names (`python manage.py migrate --noinput`), run for real."""
    words = shell.commands(wanted)[0].argv
    script = sources.text(SCRIPT)
    redefined = shell.shadowed(script) & {words[0]}
    if redefined:
        fail(claim, f"`{wanted}` run at every start", f"{words[0]} redefined by the script (function or alias)", SCRIPT)
    for command in steps(sources):
        if command.argv[: len(words)] == words and not command.conditional:
            idle = never_checks(command.argv[len(words) - 1 :])
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
    if "failed step stops" in claim.sentence:
        handled = [c for c in steps(sources) if c.guarded and c.program not in ("echo", ":")]
        if handled:
            first = handled[0]
            fail(
                claim,
                "a failed step stops the start-up",
                f"`{' '.join(first.argv)} || ...` carrying on",
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


def server_static(claim: Claim, sources: Sources) -> Cites:
    code = [c for c in steps(sources) if c.program not in ("echo", ":")]
    last = code[-1] if code else None
    if last is None or last.argv[:2] != ("exec", '"$@"') and list(last.argv) != ["exec", "$@"]:
        found = " ".join(last.argv) if last else "nothing"
        fail(claim, '`exec "$@"` as the last step', f"last step `{found}`", SCRIPT)
    cites = [f"{SCRIPT}:{last.line}"]
    if "SIGTERM" in claim.sentence:
        stop = sources.compose.built().spec.get("stop_signal")
        if stop not in (None, "SIGTERM", "TERM", "15"):
            fail(claim, "the server stopped with SIGTERM", f"stop_signal: {stop}", sources.compose.cite("stop_signal"))
        signal = sources.dockerfile.final.last("STOPSIGNAL")
        if signal and signal.value not in ("SIGTERM", "TERM", "15"):
            fail(claim, "the server stopped with SIGTERM", f"STOPSIGNAL {signal.value}", signal.where)
    return cites


def server_running(claim: Claim, stack: Stack) -> Cites:
    pid1 = stack.service.pid1.argv
    expected = stack.service.config.cmd
    running = pid1[-len(expected) :] if expected else ()
    if not expected or (running[0].rsplit("/", 1)[-1], *running[1:]) != expected:
        fail(claim, f"the command {list(expected)} as PID 1", f"PID 1 `{' '.join(pid1)}`", stack.service.where)
    signal = stack.service.inspect["Config"].get("StopSignal")
    if "SIGTERM" in claim.sentence and signal not in (None, "SIGTERM", "15"):
        fail(claim, "the server stopped with SIGTERM", f"stop signal {signal}", stack.service.where)
    return []


def register(registry: Registry) -> None:
    registry.entry("Shell", least=2, forms=("POSIX {} with {}, so a failed step stops the start-up",)).on(
        "static", "the shebang and the options a shell parser sees `set` turn on"
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
    server.on("static", '`exec "$@"` is the last step; no stop signal but SIGTERM')(server_static)
    server.on("running", "PID 1 is the image's command; the container's stop signal is SIGTERM")(server_running)
