"""The health check's timing: how often Docker runs it, how long each run may take, how long a start
may take before failures count, and how many failures in a row turn the container unhealthy.

Durations are read as Docker reads them (`5s`, `1m30s`, `500ms`; a bare number is seconds). Docker's
defaults (30 s, 30 s, 0 s, 3) hold where nothing is set, and compose's `healthcheck:` overrides the
image's: the static level reads both, the running level the container Docker started.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.dockerfile import Stage
from ..model.healthtest import disabled
from ..model.instruction import Healthcheck as DockerHealthcheck
from ..model.sources import Sources
from ..observe.imageconfig import Healthcheck
from ..observe.subjects import Images, Stack
from .compose import service_under_test
from .label import Cites, Claim, Label, fail

UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
NUMBER = r"(?:\d+\.?\d*|\.\d+)"  # Go's: `5`, `5.`, `.5`, `5.5`
PART = re.compile(rf"({NUMBER})(ns|us|µs|ms|s|m|h)")
# Setting -> (HEALTHCHECK option, compose key, Docker's default).
SETTINGS = {
    "interval": ("interval", "interval", 30.0),
    "timeout": ("timeout", "timeout", 30.0),
    "start": ("start-period", "start_period", 0.0),
    "retries": ("retries", "retries", 3.0),
}
NAMED = {"interval": "interval", "timeout": "timeout", "start": "start period", "retries": "retries"}


def seconds(text: str, bare: bool = True) -> float | None:
    """A duration as Docker reads one (Go's spelling: `5s`, `1m30s`, `.5s`, `+5s`), or (`bare`: as a page may
    write it) a number of seconds; whole nanoseconds, as Go counts them, so `2800ms` is `2.8s`."""
    text = text.strip().removeprefix("+")
    if re.fullmatch(NUMBER, text) and (bare or float(text) == 0):
        return round(float(text), 9)
    parts = PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return round(sum(float(n) * UNITS[u] for n, u in parts), 9)


def count(text: str) -> float | None:
    """`--retries` as Docker reads it (a whole number, a sign allowed)."""
    return float(text) if re.fullmatch(r"\s*\+?\d+\s*", text) else None


@dataclass(frozen=True)
class TimingArgs:
    interval: str
    retries: int | None = None
    timeout: str | None = None
    start: str | None = None


def said(claim: Claim[TimingArgs]) -> dict[str, float]:
    """What the sentence sets, in seconds (retries a count); a value that is no duration fails the claim."""
    found = {}
    for name in SETTINGS:
        value = getattr(claim.args, name)
        if value is None:
            continue
        number = float(value) if name == "retries" else seconds(str(value))
        if number is None:
            fail(claim, f"a duration for the {name}", f"`{value}`, which is none (`5s`, `1m30s`, `500ms`)", "the page")
        found[name] = number
    return found


def _compare(claim: Claim[TimingArgs], has: dict[str, float], where: str) -> None:
    wanted = said(claim)
    wrong = {name: value for name, value in wanted.items() if round(has[name], 9) != value}
    if wrong:
        fail(claim, _shown(wanted), _shown(has, only=wrong), where)


def _shown(values: dict[str, float], only: Iterable[str] | None = None) -> str:
    names = list(only) if only is not None else list(values)
    return ", ".join(f"{NAMED[n]} {values[n]:g}" + ("" if n == "retries" else " s") for n in names)


def _suggest(sources: Sources) -> Iterable[tuple[int | None, TimingArgs]]:
    stage = sources.dockerfile.final
    check = stage.healthcheck()
    if check is None or check.disabled or "interval" not in check.options:
        return
    retries = check.options.get("retries")
    yield (
        stage.index,
        TimingArgs(
            check.options["interval"],
            int(retries) if retries and retries.isdigit() else None,
            check.options.get("timeout"),
            check.options.get("start-period"),
        ),
    )


TIMING = Label(
    "Health Timing",
    TimingArgs,
    [
        "Checks every {interval} [seconds][, gives each check {timeout} [seconds]][, allows a start period of "
        "{start} [seconds]][, and turns unhealthy after {retries} failures in a row]",
        "Every {interval} [seconds][, with a timeout of {timeout} [seconds]][, a start period of {start} [seconds]]"
        "[, and {retries} retries]",
    ],
    example=TimingArgs("5s", 3, "3s", "30s"),
    summary="How often the health check runs, its timeout, its start period and the failures in a row that turn "
    "the container unhealthy (Docker's defaults where unset; compose's `healthcheck:` wins).",
    suggest=_suggest,
)


@TIMING.static(
    "the effective HEALTHCHECK's options (Docker's defaults where unset), then the stage compose builds, "
    "then compose's healthcheck"
)
def timing_static(claim: Claim[TimingArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    check = _stage_timing(claim, stage)
    cites = [check.instruction.cite] if check.instruction else []
    # The claim on the stage the stack runs (or on the last one, where compose builds another) holds there too.
    if sources.settings.runs_stack:
        runs = sources.stack_runs()
        if runs is None or runs is stage or stage is sources.dockerfile.final:
            cites += _compose(claim, sources, stage, runs)
    return cites


def _stage_timing(claim: Claim[TimingArgs], stage: Stage, why: str = "") -> DockerHealthcheck:
    """The stage's effective HEALTHCHECK, its timings compared with the sentence's."""
    check = stage.healthcheck()
    if check is None or check.disabled:
        fail(claim, "a health check", "none" + why, stage.where(check.instruction if check else None))
    timing: dict[str, float] = {}
    for name, (option, _, default) in SETTINGS.items():
        written = check.options.get(option)
        found = default if written is None else count(written) if name == "retries" else seconds(written, False)
        if found is None:
            fail(claim, _shown(said(claim)), f"--{option}={written}, which Docker does not read",
                 stage.where(check.instruction))  # fmt: skip
        if written is not None and (found == 0 or (name != "retries" and found < 0.001)):
            fail(claim, _shown(said(claim)), f"--{option}={written}, {_refused(found, default, name)}",
                 stage.where(check.instruction))  # fmt: skip
        timing[name] = found
    wanted = said(claim)
    wrong = {name: value for name, value in wanted.items() if round(timing[name], 9) != value}
    if wrong:
        fail(claim, _shown(wanted), _shown(timing, only=wrong) + why, stage.where(check.instruction))
    # Docker 25's `--start-interval` checks at another pace during the start period than the sentence says.
    pace = check.options.get("start-interval")
    if pace is not None and seconds(pace, False) != timing["interval"]:
        fail(claim, _shown(wanted), f"--start-interval={pace}: another pace during the start period" + why,
             stage.where(check.instruction))  # fmt: skip
    return check


def _refused(found: float, default: float, name: str) -> str:
    """Why the builder's reading of a zero or a duration below 1ms is no timing a page can state."""
    if found:
        return "which Docker's builder refuses (less than 1ms)"
    shown = f"{default:g}" + ("" if name == "retries" else " s")
    return f"which Docker 20.10's builder refuses and later builders read as the default ({shown}): write the value"


def _compose(claim: Claim[TimingArgs], sources: Sources, stage: Stage, built: Stage | None) -> list[str]:
    """The service under test: the stage compose builds it from (`build.target`), then its `healthcheck:`,
    which may switch the check off, and whose values win (a zero keeps the image's); each cited at its line."""
    service = service_under_test(sources)
    given = service.spec.get("healthcheck") or {}

    def cite(*words: str) -> str:
        return sources.compose.cite(*words, service=service.name)

    cites = []
    if built is None:
        where = cite("target:", service.target or "")
        fail(claim, _shown(said(claim)), f"target: {service.target}, a stage the Dockerfile does not have", where)
    if built is not stage:
        # The stack runs that stage's image, not this one: its health check is the one Docker runs.
        cites.append(cite("target:", service.target or ""))
        check = _stage_timing(claim, built, f" in stage {built.label}, which {cites[0]} has the stack run")
        cites += [check.instruction.cite] if check.instruction else []
    if given.get("disable") or disabled(given.get("test")):
        written, words = ("disable: true", ("disable:",)) if given.get("disable") else ("test: NONE", ("test", "NONE"))
        fail(claim, _shown(said(claim)), f"the health check switched off ({written})", cite(*words))
    for name, (_, key, _) in SETTINGS.items():
        if key not in given:
            continue
        written = str(given[key])
        value = count(written) if name == "retries" else seconds(written)
        if value != 0 and value != said(claim).get(name, value):
            fail(claim, _shown(said(claim)), f"{key}: {written}", cite(f"{key}:", written))
    return cites


def _timing(check: Healthcheck | None) -> dict[str, float]:
    found = {
        "interval": check.interval if check else None,
        "timeout": check.timeout if check else None,
        "start": check.start_period if check else None,
        "retries": float(check.retries) if check and check.retries else None,
    }
    return {name: value if value is not None else SETTINGS[name][2] for name, value in found.items()}


def _checks(claim: Claim[TimingArgs], check: Healthcheck | None, where: str) -> None:
    """Timings of a check that never runs are no timings: Docker keeps them beside `NONE`."""
    if check is None or disabled(check.test):
        fail(claim, _shown(said(claim)), "no health check that runs" + (" (NONE)" if check else ""), where)


@TIMING.image("the image config's health check settings (Docker's defaults where zero)")
def timing_image(claim: Claim[TimingArgs], images: Images) -> Cites:
    image = images.image(claim)
    _checks(claim, image.config.healthcheck, image.where)
    _compare(claim, _timing(image.config.healthcheck), image.where)
    return []


@TIMING.running("the health check settings of the container Docker started (compose's included)")
def timing_running(claim: Claim[TimingArgs], stack: Stack) -> Cites:
    _checks(claim, stack.service.config.healthcheck, stack.service.where)
    _compare(claim, _timing(stack.service.config.healthcheck), stack.service.where)
    return []
