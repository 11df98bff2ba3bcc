"""The health endpoint, asked over HTTP from the host and, with the database down, inside the image."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docverify.model import reads
from docverify.model.sources import Sources
from docverify.observe import http
from docverify.observe.oneoff import moment
from docverify.observe.subjects import Images, Stack
from docverify.packs.django_app import DJANGO, DjangoRequest
from docverify.vocabulary.health import HEALTHCHECK, HealthcheckArgs
from docverify.vocabulary.label import Cites, Claim, Label, fail
from docverify.vocabulary.registry import Registry

POLL = 0.25  # seconds between two looks at the backend's health status
UNREACHABLE = (("DATABASE_URL", "postgres://probe:probe@127.0.0.1:9/probe"),)


@dataclass(frozen=True)
class EndpointArgs:
    path: str


ENDPOINT = Label(
    "Endpoint",
    EndpointArgs,
    ["{path}"],
    example=EndpointArgs("/health/"),
    summary="The path of the backend's health endpoint, answering JSON.",
    scope="stack",
)


@ENDPOINT.running("GET from the host answers JSON", needs=lambda c, s: [http.need(c.args.path)])
def endpoint_running(claim: Claim[EndpointArgs], stack: Stack) -> Cites:
    answer = stack.service.observed(http.HTTP).get(claim.args.path)
    try:
        json.loads(answer.body)
    except ValueError:
        fail(
            claim,
            f"JSON at {claim.args.path}",
            f"HTTP {answer.status}: {answer.body[:200]!r} {answer.error}",
            stack.service.base_url,
        )
    return []


@dataclass(frozen=True)
class ResponseArgs:
    status: int
    body: str


HEALTHY = Label(
    "Healthy Response",
    ResponseArgs,
    ["[HTTP] {status} with {body}"],
    example=ResponseArgs(200, '{"status": "ok"}'),
    summary="What /health/ answers while the database is up: the status and the whole JSON body.",
    scope="stack",
)


@HEALTHY.running("GET /health/ from the host: the status and the JSON body", needs=lambda c, s: [http.need("/health/")])
def healthy_running(claim: Claim[ResponseArgs], stack: Stack) -> Cites:
    answer = stack.service.observed(http.HTTP).get("/health/")
    try:
        same = answer.status == claim.args.status and json.loads(answer.body) == json.loads(claim.args.body)
    except ValueError:
        same = False
    if not same:
        fail(
            claim,
            f"{claim.args.status} {claim.args.body}",
            f"{answer.status} {answer.body}",
            f"GET {stack.service.base_url}/health/",
        )
    return []


@dataclass(frozen=True)
class UnhealthyArgs:
    status: int
    body: str


UNHEALTHY = Label(
    "Unhealthy Response",
    UnhealthyArgs,
    ["[HTTP] {status} with {body} and <the|a> reason, when the database does not answer"],
    example=UnhealthyArgs(503, '"database": "unavailable"'),
    summary="What /health/ answers when the database does not: the status, that part of the body, and a reason.",
    scope="image",
)


def _down(claim: Claim[UnhealthyArgs], sources: Sources) -> list[object]:
    return [DJANGO.need(DjangoRequest(environment=UNREACHABLE, get=("/health/",)))]


def _unhealthy(claim: Claim[UnhealthyArgs], status: object, body: str) -> bool:
    """The status, and the page's part of the body as members of the JSON object (each with its value) with a
    non-empty reason beside them."""
    try:
        said, got = json.loads("{" + claim.args.body + "}"), json.loads(body)
        part = isinstance(got, dict) and all(got.get(key) == value for key, value in said.items())
        reason = isinstance(got, dict) and isinstance(got.get("reason"), str) and bool(got["reason"].strip())
    except ValueError:
        part = reason = False
    return status == claim.args.status and part and reason


@UNHEALTHY.image("/health/ through Django's test client in the image, the database unreachable", needs=_down)  # type: ignore[arg-type]
def unhealthy_image(claim: Claim[UnhealthyArgs], images: Images) -> Cites:
    answer = images.final.observed(DJANGO).setting("responses").get("/health/", {})
    body = str(answer.get("body", ""))
    if not _unhealthy(claim, answer.get("status"), body):
        fail(
            claim,
            f"{claim.args.status} with {claim.args.body} and a reason",
            f"{answer.get('status')} {body}",
            f"{images.final.where}, /health/ with the database unreachable",
        )
    return []


@dataclass(frozen=True)
class Outage:
    """What the backend did with its database paused, then stopped, then started again (one experiment for the
    two claims that break the stack: the second reads what the first saw, and what it read)."""

    db: str
    read: frozenset[str]  # the inputs the experiment read (`reads`), noted for each claim that uses it
    answer: dict[str, Any]  # GET /health/ from the host while the database was paused
    first: int | None  # GET /health/ once it was stopped
    turned: bool  # Docker turned the backend unhealthy, with a failed check begun after the stop, within the window
    recovered: bool  # and healthy again once the database was started
    window: float
    health: str  # the backend's health when it did not turn (or its last checks), or when it did not recover
    error: str = ""  # the experiment itself could not run


_outages: dict[str, Outage] = {}  # by the backend container's ID: each stack has its own
_lock = threading.Lock()


def _outage(claim: Claim[Any], stack: Stack) -> Outage:
    db = next(iter(stack.others), None)
    if db is None:
        fail(claim, "a database service to pause and stop", "no service beside the backend", stack.service.where)
    with _lock:
        if stack.service.id not in _outages:
            with reads.tracking() as read:
                try:
                    _outages[stack.service.id] = _run_outage(stack, db, read)
                except (RuntimeError, subprocess.TimeoutExpired) as error:  # compose failed or hung
                    _outages[stack.service.id] = Outage(db, frozenset(read), {}, None, False, False, 0, "", str(error))
        outage = _outages[stack.service.id]
    reads.note(*outage.read)
    if outage.error:
        fail(claim, f"{db} paused, stopped and started again", outage.error[-500:], stack.service.where)
    return outage


def _failed_since(stack: Stack, since: float) -> bool:
    """The backend unhealthy, with a failed check begun after `since`: not only the pause's checks failed."""
    state = stack.service.refreshed()["State"].get("Health") or {}
    failed = [entry for entry in state.get("Log") or [] if entry.get("ExitCode") != 0]
    return state.get("Status") == "unhealthy" and any(moment(entry["Start"]) > since for entry in failed)


def _checks(stack: Stack) -> str:
    state = stack.service.refreshed()["State"].get("Health") or {}
    codes = [str(entry.get("ExitCode")) for entry in state.get("Log") or []]
    return f"{state.get('Status')} (last checks exited {', '.join(codes) or 'never'})"


def _pause(stack: Stack, db: str, patience: float = 30.0) -> None:
    """`docker pause`, again when runc gives up freezing a busy container (it thaws it first): a loaded host, or
    a database just initialised, may refuse several times in a row."""
    deadline, attempt = time.monotonic() + patience, 0
    while True:
        attempt += 1
        paused = stack.compose("pause", db, check=False)
        if paused.returncode == 0:
            return
        if "unable to freeze" not in paused.stderr or time.monotonic() > deadline:
            raise RuntimeError(f"`docker compose pause {db}` failed (exit {paused.returncode}), {attempt} time(s) "
                               f"in {patience:.0f} s:\n{paused.stdout[-3000:]}{paused.stderr[-3000:]}")  # fmt: skip
        time.sleep(min(attempt, 3))


def _run_outage(stack: Stack, db: str, read: set[str]) -> Outage:
    """Paused first (its port takes connections, nothing answers), then stopped as it is: the check in flight
    fails too and counts towards the backend's unhealthy turn, so the two experiments take the time of one."""
    window, answer, first, turned, health = _window(stack), {}, None, False, ""
    _pause(stack, db)
    try:
        answer = http.get(f"{stack.service.base_url}/health/")
        if stack.compose("stop", db, check=False).returncode != 0:  # Docker stops a paused container; in case not
            stack.compose("unpause", db)
            stack.compose("stop", db)
        stopped = moment(stack.others[db].refreshed()["State"]["FinishedAt"])  # Docker's clock, as its log's
        first = http.get(f"{stack.service.base_url}/health/")["status"]
        turned = _wait(stack, lambda: _failed_since(stack, stopped), window)
        health = _checks(stack)
    finally:
        stack.compose("unpause", db, check=False)  # still paused if the stop failed; else a no-op
        stack.compose("start", db)
    recovered = _wait(stack, lambda: _health(stack) == "healthy", window + 30)
    return Outage(db, frozenset(read), answer, first, turned, recovered, window, health if turned else _checks(stack))


@UNHEALTHY.running(
    "with the database paused (its port takes connections, nothing answers), GET /health/ from the host answers "
    f"within {http.TIMEOUT:.0f} s",
    uses="breaks",
)
def unhealthy_running(claim: Claim[UnhealthyArgs], stack: Stack) -> Cites:
    outage = _outage(claim, stack)
    answer = outage.answer
    if not _unhealthy(claim, answer["status"], answer["body"]):
        shown = f"{answer['status']} {answer['body'][:200]}" if answer["status"] else answer.get("error", "no answer")
        fail(
            claim,
            f"{claim.args.status} with {claim.args.body} and a reason",
            shown,
            f"GET {stack.service.base_url}/health/ with {outage.db} paused",
        )
    return []


def _health(stack: Stack) -> str | None:
    return (stack.service.refreshed()["State"].get("Health") or {}).get("Status")


def _wait(stack: Stack, done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(POLL)
    return False


def _window(stack: Stack) -> float:
    """How long Docker may take to turn the container unhealthy, by its own health settings (Docker's defaults
    where unset): a check every interval, each up to its timeout, `retries` of them failing in a row."""
    check = stack.service.config.healthcheck
    interval = (check.interval if check else None) or 30.0
    timeout = (check.timeout if check else None) or 30.0
    retries = (check.retries if check else None) or 3
    return (interval + timeout) * (retries + 1) + 10


def healthcheck_bites_running(claim: Claim[HealthcheckArgs], stack: Stack) -> Cites:
    """Make /health/ fail for real (the database stopped) and watch Docker turn the backend unhealthy."""
    outage = _outage(claim, stack)
    if outage.first != 503 or not outage.turned:
        fail(
            claim,
            "a health check that turns unhealthy when /health/ fails",
            f"/health/ {outage.first} with {outage.db} stopped, and health {outage.health} within "
            f"{outage.window:.0f} s",
            stack.service.where,
        )
    if not outage.recovered:
        fail(
            claim,
            "a health check that recovers",
            f"health {outage.health} {outage.window + 30:.0f} s after {outage.db} restarted",
            stack.service.where,
        )
    return []


def extend(registry: Registry) -> None:
    registry.extend(HEALTHCHECK).running(
        "with the database stopped, Docker turns the backend unhealthy, and healthy again once it is started",
        uses="breaks",
    )(healthcheck_bites_running)
