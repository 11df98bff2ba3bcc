"""entrypoint.sh's wait for the database: a project command, bounded by a variable with a default.

Running, the wait is timed where it lands: a one-off start of the backend with the database out of
reach, bounded by a few seconds, against one bounded by none started beside it (both meet the same
load), by Docker's own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass

from docverify.errors import ProbeFailed
from docverify.model.sources import Sources
from docverify.observe import oneoff
from docverify.observe.stack import Compose
from docverify.observe.subjects import Stack
from docverify.packs.django import spelling
from docverify.vocabulary import script
from docverify.vocabulary.label import Cites, Claim, Label, fail
from docverify.vocabulary.registry import Registry
from docverify.vocabulary.startup import defaulted


@dataclass(frozen=True)
class WaitArgs:
    command: str
    variable: str
    default: int


DATABASE_WAIT = Label(
    "Database Wait",
    WaitArgs,
    [
        "Runs {command}, bounded by {variable} (default {default} seconds)[. ...]",
        "Runs {command}, bounded by {variable} ({default} seconds by default)[. ...]",
    ],
    example=WaitArgs("python manage.py wait_for_db", "DB_WAIT_TIMEOUT", 30),
    summary="The entrypoint waits for the database with the project's command, bounded by a variable's seconds.",
    scope="image",
)
script.ordered(DATABASE_WAIT)


def _options(rest: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """`--timeout "$VAR" --interval 2` as (option, value) pairs; None when a word is no option's."""
    words = [w for word in rest for w in (word.split("=", 1) if word.startswith("-") else [word])]
    pairs = []
    while words:
        name = words.pop(0)
        if not name.startswith("-") or not words or words[0].startswith("-"):
            return None
        pairs.append((name, words.pop(0)))
    return pairs


# The wait's own options, and Django's that change nothing about it. argparse would read any other word that
# starts one of them (`--time`) as that option, and `--settings` or `--pythonpath` make it another program.
TIMEOUT = "--timeout"
HARMLESS = {TIMEOUT, "--interval", "--verbosity", "-v", "--no-color", "--force-color", "--traceback", "--skip-checks"}


def _bounded(variable: str, default: int) -> Callable[[tuple[str, ...]], str | None]:
    """The words after the command bound it by the variable: `--timeout` takes `$VAR` (`"$VAR"`, `--timeout=$VAR`,
    or `${VAR:-30}` with the documented default), once; other options are the wait's own or Django's harmless."""
    values = {f"${variable}", f"${{{variable}}}", *(f"${{{variable}{op}{default}}}" for op in (":-", ":=", "-", "="))}

    def problem(rest: tuple[str, ...]) -> str | None:
        pairs = _options(rest)
        if pairs is None:
            return f"not bounded by {variable} alone: {' '.join(rest) or 'no bound'}"
        other = [name for name, _ in pairs if name not in HARMLESS]
        if other:
            return f"{other[0]}, an option the wait does not take as it is (argparse reads a prefix as the option)"
        # `$VAR` itself: `${VAR}0`, `${VAR:+300}` and `${VAR#3}` read it too, but bound the wait by something else.
        bounds = [value for name, value in pairs if name == TIMEOUT]
        if not any(value in values for value in bounds):
            return f"not bounded by {variable} alone: {TIMEOUT} {bounds[-1] if bounds else '(none)'}"
        if bounds[-1] not in values:  # argparse keeps the last one
            return f"{TIMEOUT} {variable} overridden by a later {TIMEOUT} {bounds[-1]}"
        return None

    return problem


@DATABASE_WAIT.static("the unconditional wait step reads the variable, whose default is the value and stays so")
def database_wait_static(claim: Claim[WaitArgs], sources: Sources) -> Cites:
    args = claim.args
    name, found = script.step(claim, sources, args.command, spelling, rest=_bounded(args.variable, args.default))
    return [f"{name}:{found.line}", *defaulted(claim, sources, args.variable, str(args.default))]


# Nothing listens on port 9 of the container's own loopback: every attempt is refused at once.
UNREACHABLE = "postgres://probe:probe@127.0.0.1:9/probe"
BOUND = 3  # seconds the timed start is given
SLACK = 2.0  # seconds a start may differ from another (interpreter start-up, one last attempt)
DEADLINE = 90  # seconds a one-off start may take at all, start-up included, before it counts as not giving up


@DATABASE_WAIT.running(
    "with the database out of reach, a start bounded by a few seconds exits non-zero within them (timed against a "
    "start bounded by none) and its log names the database",
    uses="own",  # one-off containers that reach no service of the stack
)
def database_wait_running(claim: Claim[WaitArgs], stack: Stack) -> Cites:
    service = stack.service.service

    def started(compose: Compose, seconds: int) -> oneoff.Ended:
        environment = {"DATABASE_URL": UNREACHABLE, claim.args.variable: str(seconds)}
        try:
            return oneoff.start(compose, service, environment, ("true",), deadline=DEADLINE)
        except ProbeFailed as error:  # still waiting long past its bound: the bound is not what bounds it
            fail(claim, f"a start that gives up within {claim.args.variable}={seconds} seconds", str(error), where)

    where = f"a one-off start of {stack.service.where} with DATABASE_URL={UNREACHABLE}"

    def timed_pair() -> tuple[float, float]:
        # The image the stack runs, whatever another build has since tagged with the name compose gives it.
        # Side by side, so both starts meet the same load: the bounded one is timed against the other.
        with stack.compose.pinned(service, stack.service.inspect["Image"]) as compose, ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(copy_context().run, started, compose, seconds) for seconds in (0, BOUND)]
            at_once, bounded = (run.result() for run in runs)
        for ended, seconds in ((at_once, 0), (bounded, BOUND)):
            if ended.code in (0, None) or "127.0.0.1:9" not in ended.text:
                fail(claim, "a start that gives up, exits non-zero and says why", f"exit {ended.code} with "
                     f"{claim.args.variable}={seconds}, its log ending {ended.text[-300:]!r}", where)  # fmt: skip
        return bounded.since_first_line(), at_once.since_first_line()

    # A wait past its bound must be seen twice: one pair under a burst of load elsewhere proves nothing.
    pairs = [timed_pair()]
    if pairs[0][0] - pairs[0][1] > BOUND + SLACK:
        pairs.append(timed_pair())
    took, baseline = min(pairs, key=lambda pair: pair[0] - pair[1])
    if took - baseline > BOUND + SLACK:
        has = (
            f"a wait of {took - baseline:.1f} s ({took:.1f} s from its first line to its exit, {baseline:.1f} s with 0)"
            + (f", {len(pairs)} times" if len(pairs) > 1 else "")
        )
        fail(claim, f"a wait bounded by {claim.args.variable}={BOUND} seconds", has, where)
    return []


def extend(registry: Registry) -> None:
    """Nothing of the core's to extend here."""
