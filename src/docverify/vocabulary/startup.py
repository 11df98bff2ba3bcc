"""Start-up steps: commands the entrypoint script runs every time a container starts, for real."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from ..model.scripts import default_of, entrypoint_script
from ..model.shellcommand import past_command
from ..model.sources import Sources
from ..observe import failing
from ..observe.subjects import Stack
from . import script, shellopts
from .compose import service_under_test
from .label import Cites, Claim, Label, fail, words

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
        # A function's call is no step of its own: its body's commands are (and the step check refuses a name the
        # script redefines).
        if command.program not in QUIET and not command.conditional and command.argv and not command.call:
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
script.ordered(START_UP_STEP)


@START_UP_STEP.static("an unconditional step of the entrypoint script, the same words, not one that only prints")
def start_up_step_static(claim: Claim[StepArgs], sources: Sources) -> Cites:
    name, found = script.step(claim, sources, claim.args.command, _same)
    return [f"{name}:{found.line}"]


@dataclass(frozen=True)
class DefaultArgs:
    variable: str
    value: str


def defaulted(claim: Claim[Any], sources: Sources, variable: str, value: str) -> Cites:
    """The script defaults the variable to the value, as the shell reads it (`: "${VAR:=v}"`, `VAR=${VAR:-v}`,
    `export VAR="${VAR:-v}"`), and sets it nowhere else."""
    name = script.script_of(claim, sources)
    default, override = default_of(sources.script(name), variable)
    if override is not None:
        fail(claim, f"{variable} defaulting to {value}", f"`{override.text}` setting it", f"{name}:{override.line}")
    if default is None or default.value != value:
        has = f"`{default.text}`, a default of {default.value}" if default else "no default"
        fail(claim, f"{variable} defaulting to {value}", has, f"{name}:{default.line}" if default else name)
    cites = [f"{name}:{default.line}"]
    if sources.settings.runs_stack:  # the stack the docs run: compose's own default comes first, when it has one
        service = service_under_test(sources)
        given = service.environment.get(variable)
        where = sources.compose.cite(variable, service=service.name)
        # `${VAR:=v}` or `[ -z "$VAR" ]`: compose's empty value takes the default too.
        empty_too = f"${{{variable}:" in default.text or "-z" in default.text
        if given is not None and str(given) != value and not (str(given) == "" and empty_too):
            fail(claim, f"{variable} defaulting to {value}", f"{variable}: {given} in compose, with it unset", where)
        cites += [where] if given is not None else []
    return cites


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
    return defaulted(claim, sources, claim.args.variable, claim.args.value)


def _dependencies_up(claim: Claim[Any], compose: Any, stack: Stack) -> None:
    """The service's dependencies up in the project as compose would start them: a one-off service run to its
    end (`up --wait` fails on one that exits, compose#10596), the others up and healthy where they check."""
    depends = stack.sources.compose.services[stack.service.service].depends_on
    once = [name for name, how in depends.items() if (how or {}).get("condition") == "service_completed_successfully"]
    for name in once:
        done = compose("run", "--rm", "-T", name, check=False)
        if done.returncode != 0:
            fail(claim, f"{name} run to its end for the one-offs", done.stderr.strip()[-300:], stack.service.where)
    waiting = [name for name in depends if name not in once]
    up = compose("up", "--detach", "--wait", *waiting, check=False) if waiting else None
    if up is not None and up.returncode != 0:
        fail(claim, f"{words(waiting)} up for the one-off starts", up.stderr.strip()[-300:], stack.service.where)


@shellopts.SHELL.running(
    "each unconditional step made to fail in a one-off container of the service (a stand-in for its program on "
    "PATH), in a compose project of its own with the service's dependencies up: the container exits non-zero and "
    "never reaches its command",
    uses="own",  # the steps before the failing one run for real, so they get a database no other check stops
)
def shell_running(claim: Claim[shellopts.ShellArgs], stack: Stack) -> Cites:
    name = script.script_of(claim, stack.sources)
    # `command exec "$@"` is the builtin `exec`, and `command foo` runs foo: the stand-in is for what runs.
    ran = [dataclasses.replace(c, argv=past_command(c.argv)) for c in script.steps(stack.sources, name) if c.argv]
    steps = [c for c in ran if c.argv and not c.conditional and not c.call and c.program not in BUILTINS]
    by_path = [c for c in steps if "/" in c.argv[0]]
    if by_path:
        fail(claim, "a failed step stops the start-up", f"`{' '.join(by_path[0].argv)}`, whose program is named by "
             "path, so docverify cannot make it fail", f"{name}:{by_path[0].line}")  # fmt: skip
    path = stack.service.config.env.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    chosen = [failing.Step(c.program, failing.literal(c.argv[1:]), c.line) for c in steps]
    service = stack.service.service
    with ExitStack() as held:
        compose = held.enter_context(stack.compose.pinned(service, stack.service.inspect["Image"]))
        for other in stack.others.values():  # the images the stack runs, never a build of their own
            compose = held.enter_context(compose.pinned(other.service, other.inspect["Image"]))
        compose = held.enter_context(compose.apart("steps"))
        _dependencies_up(claim, compose, stack)
        outcomes = failing.fail_each(compose, service, path, chosen)
    for outcome in outcomes:
        step = f"`{' '.join((outcome.step.program, *outcome.step.words))}`"
        where = f"{name}:{outcome.step.line}, in a one-off container of {stack.service.where}"
        if not outcome.reached:
            fail(claim, f"{step} made to fail", f"a start-up that never ran it: {outcome.output[-300:]!r}", where)
        if not outcome.stopped:
            fail(claim, "a failed step stops the start-up", f"{step} failing and the start-up going on to the "
                 f"container command (exit {outcome.code})", where)  # fmt: skip
    return [f"{name}:{c.line}" for c in steps]
