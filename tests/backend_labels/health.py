"""The health endpoint, asked over HTTP from the host and, with the database down, inside the image."""

from __future__ import annotations

import json
import time

from docverify.claims import Claim
from docverify.registry import Cites, Registry, fail
from docverify.subjects import Images, Stack


def endpoint_running(claim: Claim, stack: Stack) -> Cites:
    status, body = stack.get(claim.values[0])
    try:
        json.loads(body)
    except ValueError:
        fail(claim, f"JSON at {claim.values[0]}", f"HTTP {status}: {body[:200]!r}", stack.base_url)
    return []


def healthy_running(claim: Claim, stack: Stack) -> Cites:
    status, body = stack.get("/health/")
    if str(status) != claim.values[0] or json.loads(body) != json.loads(claim.values[1]):
        fail(claim, f"{claim.values[0]} {claim.values[1]}", f"{status} {body}", f"GET {stack.base_url}/health/")
    return []


def unhealthy_image(claim: Claim, images: Images) -> Cites:
    response = images.final.facts.extra.get("django", {}).get("database_down", {}).get("health", {})
    body = response.get("body", "")
    ok = str(response.get("status")) == claim.values[0] and claim.values[1].replace(" ", "") in body.replace(" ", "")
    if not ok or "reason" not in body:
        fail(claim, f"{claim.values[0]} with {claim.values[1]} and a reason", f"{response.get('status')} {body}",
             f"{images.final.where}, /health/ with the database unreachable")  # fmt: skip
    return []


def _health(stack: Stack) -> str | None:
    import docverify.docker as docker

    state = docker.inspect(stack.service.inspect["Id"], "container")["State"]
    return (state.get("Health") or {}).get("Status")


def _wait(stack: Stack, wanted: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _health(stack) == wanted:
            return True
        time.sleep(1)
    return False


def healthcheck_bites_running(claim: Claim, stack: Stack) -> Cites:
    """Make /health/ fail for real (stop the database) and watch Docker turn the backend unhealthy."""
    if stack.compose is None:
        return []
    db = next(iter(stack.others))
    stack.compose("stop", db)
    try:
        status = stack.get("/health/")[0]
        turned = _wait(stack, "unhealthy", 60)
    finally:
        stack.compose("start", db)
    recovered = _wait(stack, "healthy", 90)
    if status != 503 or not turned:
        fail(claim, "a health check that turns unhealthy when /health/ fails",
             f"/health/ {status}, health {_health(stack)} 60 s after {db} stopped", stack.service.where)  # fmt: skip
    if not recovered:
        fail(
            claim,
            "a health check that recovers",
            f"health {_health(stack)} 90 s after {db} restarted",
            stack.service.where,
        )
    return []


def register(registry: Registry) -> None:
    registry.entry("Endpoint", least=1, most=1, forms=("{}",)).on("running", "GET from the host answers JSON")(
        endpoint_running
    )
    registry.entry("Healthy Response", least=2, most=2, forms=("{} with {}",)).on(
        "running", "GET from the host: status and body"
    )(healthy_running)
    registry.entry(
        "Unhealthy Response", least=2, forms=("{} with {} and the reason, when the database does not answer",)
    ).on("image", "/health/ through Django's test client in the image, database unreachable")(unhealthy_image)
    registry.extend("Healthcheck", "running", "with the database stopped, Docker turns the backend unhealthy")(
        healthcheck_bites_running
    )
