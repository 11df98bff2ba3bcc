"""Start-up steps: commands the entrypoint script runs every time a container starts, for real."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.scripts import entrypoint_script
from ..model.sources import Sources
from ..observe import failing
from ..observe.subjects import Stack
from . import script
from .label import Cites, Claim, Label, fail

QUIET = {"echo", "printf", ":", "set", "exec", "[", "test", "true"}
# The shell's own commands: no program on PATH stands in for them.
BUILTINS = QUIET | {"cd", "export", "unset", "shift", "trap", "umask", "wait", "read", "eval", ".", "exit", "return"}


@dataclass(frozen=True)
class StepArgs:
    command: str


def _same(argv: tuple[str, ...]) -> tuple[str, ...]:
    return argv


def _steps(sources: Sources) -> Iterable[tuple[int | None, StepArgs]]:
    name = entrypoint_script(sources)
    lines = sources.script(name).splitlines() if name else []
    for command in script.steps(sources, name) if name else ():
        if command.program not in QUIET and not command.conditional and command.argv:
            yield None, StepArgs(" ".join(lines[command.line - 1].split("#")[0].split()))


START_UP_STEP = Label(
    "Start-up Step",
    StepArgs,
    ["Runs {command} [at every start]", "{command}"],
    example=StepArgs("python manage.py migrate --noinput"),
    summary="A command the entrypoint script runs at every start: not behind a condition, not only printing.",
    scope="image",
    suggest=_steps,
)


@START_UP_STEP.static("an unconditional step of the entrypoint script, the same words, not one that only prints")
def start_up_step_static(claim: Claim[StepArgs], sources: Sources) -> Cites:
    name, found = script.step(claim, sources, claim.args.command, _same)
    return [f"{name}:{found.line}"]


@dataclass(frozen=True)
class DefaultArgs:
    variable: str
    value: str


def default_of(text: str, variable: str) -> tuple[int, str] | None:
    """`: "${VAR:=30}"` or `VAR="${VAR:-30}"`: the line and the default."""
    pattern = re.compile(rf"\$\{{{re.escape(variable)}:?[=-](?P<default>[^}}]*)\}}")
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.search(line.split("#", 1)[0])
        if match:
            return number, match["default"]
    return None


def _defaults(sources: Sources) -> Iterable[tuple[int | None, DefaultArgs]]:
    name = entrypoint_script(sources)
    for line in sources.script(name).splitlines() if name else ():
        match = re.match(r'^\s*:\s+"?\$\{(?P<name>\w+):?=(?P<value>[^}]*)\}"?\s*$', line)
        if match:
            yield None, DefaultArgs(match["name"], match["value"])


START_UP_DEFAULT = Label(
    "Start-up Default",
    DefaultArgs,
    ["{variable} defaults to {value} [at start-up]"],
    example=DefaultArgs("DB_WAIT_TIMEOUT", "30"),
    summary='A variable the entrypoint script gives a default (`: "${VAR:=value}"`) and nothing later overrides.',
    scope="image",
    suggest=_defaults,
)


@START_UP_DEFAULT.static("the script's default for the variable, and no later assignment overriding it")
def start_up_default_static(claim: Claim[DefaultArgs], sources: Sources) -> Cites:
    name = script.script_of(claim, sources)
    found = default_of(sources.script(name), claim.args.variable)
    if found is None or found[1] != claim.args.value:
        fail(claim, f"{claim.args.variable} defaulting to {claim.args.value}",
             f"default {found[1]}" if found else "no default", name)  # fmt: skip
    for command in script.steps(sources, name):
        for assignment in command.assignments if not command.argv else ():
            if assignment.split("=", 1)[0] == claim.args.variable:
                fail(claim, f"{claim.args.variable} defaulting to {claim.args.value}", f"`{assignment}` overriding it",
                     f"{name}:{command.line}")  # fmt: skip
    return [f"{name}:{found[0]}"]


@script.SHELL.running(
    "each unconditional step made to fail in a one-off container of the service (a stand-in for its program on "
    "PATH): the container exits non-zero and never reaches its command"
)
def shell_running(claim: Claim[script.ShellArgs], stack: Stack) -> Cites:
    name = script.script_of(claim, stack.sources)
    steps = [c for c in script.steps(stack.sources, name) if c.argv and not c.conditional and c.program not in BUILTINS]
    by_path = [c for c in steps if "/" in c.argv[0]]
    if by_path:
        fail(claim, "a failed step stops the start-up", f"`{' '.join(by_path[0].argv)}`, whose program is named by "
             "path, so docverify cannot make it fail", f"{name}:{by_path[0].line}")  # fmt: skip
    path = stack.service.config.env.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    chosen = [failing.Step(c.program, failing.literal(c.argv[1:]), c.line) for c in steps]
    with stack.compose.pinned(stack.service.service, stack.service.inspect["Image"]) as compose:
        outcomes = failing.fail_each(compose, stack.service.service, path, chosen)
    for outcome in outcomes:
        step = f"`{' '.join((outcome.step.program, *outcome.step.words))}`"
        where = f"{name}:{outcome.step.line}, in a one-off container of {stack.service.where}"
        if not outcome.reached:
            fail(claim, f"{step} made to fail", f"a start-up that never ran it: {outcome.output[-300:]!r}", where)
        if not outcome.stopped:
            fail(claim, "a failed step stops the start-up", f"{step} failing and the start-up going on to the "
                 f"container command (exit {outcome.code})", where)  # fmt: skip
    return [f"{name}:{c.line}" for c in steps]
