"""entrypoint.sh's wait for the database: a project command, bounded by a variable with a default.

Running, the wait is timed where it lands: a one-off start of the backend with the database out of
reach, bounded by a few seconds, against one bounded by none, by Docker's own clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from docverify.model.sources import Sources
from docverify.observe import oneoff
from docverify.observe.subjects import Stack
from docverify.packs.django import spelling
from docverify.vocabulary import script
from docverify.vocabulary.label import Cites, Claim, Label, fail
from docverify.vocabulary.registry import Registry
from docverify.vocabulary.startup import default_of


@dataclass(frozen=True)
class WaitArgs:
    command: str
    variable: str
    default: int


DATABASE_WAIT = Label(
    "Database Wait",
    WaitArgs,
    ["Runs {command}, bounded by {variable} (default {default} seconds)[. ...]"],
    example=WaitArgs("python manage.py wait_for_db", "DB_WAIT_TIMEOUT", 30),
    summary="The entrypoint waits for the database with the project's command, bounded by a variable's seconds.",
    scope="image",
)


@DATABASE_WAIT.static("the unconditional wait step reads the variable, whose default is the value and stays so")
def database_wait_static(claim: Claim[WaitArgs], sources: Sources) -> Cites:
    args = claim.args
    name, found = script.step(claim, sources, args.command, spelling)
    if not any(f"${args.variable}" in w or f"${{{args.variable}" in w for w in found.argv):
        fail(claim, f"{args.command} bounded by {args.variable}", f"`{' '.join(found.argv)}`", f"{name}:{found.line}")
    defaulted = default_of(sources.script(name), args.variable)
    if defaulted is None or defaulted[1] != str(args.default):
        fail(
            claim,
            f"{args.variable} defaulting to {args.default}",
            f"default {defaulted[1]}" if defaulted else "no default",
            name,
        )
    for command in script.steps(sources, name):
        for assignment in command.assignments if not command.argv else ():
            if assignment.split("=", 1)[0] == args.variable:
                fail(
                    claim,
                    f"{args.variable} defaulting to {args.default}",
                    f"`{assignment}` overriding it",
                    f"{name}:{command.line}",
                )
    return [f"{name}:{found.line}", f"{name}:{defaulted[0]}"]


# Nothing listens on port 9 of the container's own loopback: every attempt is refused at once.
UNREACHABLE = "postgres://probe:probe@127.0.0.1:9/probe"
BOUND = 3  # seconds the timed start is given
SLACK = 2.0  # seconds a start may differ from another (interpreter start-up, one last attempt)


@DATABASE_WAIT.running(
    "with the database out of reach, a start bounded by a few seconds exits non-zero within them (timed against a "
    "start bounded by none) and its log names the database"
)
def database_wait_running(claim: Claim[WaitArgs], stack: Stack) -> Cites:
    service = stack.service.service

    def started(seconds: int) -> oneoff.Ended:
        environment = {"DATABASE_URL": UNREACHABLE, claim.args.variable: str(seconds)}
        return oneoff.start(compose, service, environment, ("true",))

    # The image the stack runs, whatever another build has since tagged with the name compose gives it.
    with stack.compose.pinned(service, stack.service.inspect["Image"]) as compose:
        at_once, bounded = started(0), started(BOUND)
    where = f"a one-off start of {stack.service.where} with DATABASE_URL={UNREACHABLE}"
    for ended, seconds in ((at_once, 0), (bounded, BOUND)):
        if ended.code in (0, None) or "127.0.0.1:9" not in ended.text:
            fail(claim, "a start that gives up, exits non-zero and says why", f"exit {ended.code} with "
                 f"{claim.args.variable}={seconds}, its log ending {ended.text[-300:]!r}", where)  # fmt: skip
    took, baseline = bounded.since_first_line(), at_once.since_first_line()
    if took - baseline > BOUND + SLACK:
        has = (
            f"a wait of {took - baseline:.1f} s ({took:.1f} s from its first line to its exit, {baseline:.1f} s with 0)"
        )
        fail(claim, f"a wait bounded by {claim.args.variable}={BOUND} seconds", has, where)
    return []


def extend(registry: Registry) -> None:
    """Nothing of the core's to extend here."""
