"""The running pass: which running checks may run beside which (docverify.run.running), with timed stand-ins."""

from __future__ import annotations

import threading
import time

import pytest

from docverify.run.running import Pass, uses_of
from docverify.vocabulary.label import Uses

STEP = 0.3  # seconds each stand-in check takes


def _run(claims: list[tuple[str, Uses]]) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Every claim through a pass: when each check ran, and its outcome."""
    spans: dict[str, tuple[float, float]] = {}
    lock = threading.Lock()

    def check(claim: str) -> str:
        started = time.monotonic()
        time.sleep(STEP * (2 if claim.startswith("own") else 1))
        with lock:
            spans[claim] = (started, time.monotonic())
        return f"checked {claim}"

    running = Pass(claims, check)
    outcomes = {claim: running.outcome(claim) for claim, _ in reversed(claims)}  # items in any order
    running.finish()
    return spans, outcomes


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_a_check_that_breaks_the_stack_runs_alone_among_readers_and_beside_own_checks() -> None:
    claims: list[tuple[str, Uses]] = [
        ("reads-1", "reads"), ("breaks-1", "breaks"), ("reads-2", "reads"), ("own-1", "own"), ("breaks-2", "breaks"),
    ]  # fmt: skip
    spans, outcomes = _run(claims)
    assert outcomes == {claim: f"checked {claim}" for claim, _ in claims}
    for breaker in ("breaks-1", "breaks-2"):
        for reader in ("reads-1", "reads-2"):
            assert not _overlap(spans[breaker], spans[reader]), f"{breaker} ran beside {reader}: {spans}"
    assert not _overlap(spans["breaks-1"], spans["breaks-2"]), f"two breaking checks at once: {spans}"
    assert _overlap(spans["own-1"], spans["breaks-1"]), f"the own check waited for the breaking one: {spans}"
    assert _overlap(spans["reads-1"], spans["reads-2"]), f"the readers ran one after the other: {spans}"


def test_a_check_that_raises_raises_in_its_own_item_only() -> None:
    def check(claim: str) -> str:
        if claim == "bad":
            raise RuntimeError("compose said no")
        return claim

    running = Pass([("bad", "reads"), ("good", "breaks")], check)
    with pytest.raises(RuntimeError, match="compose said no"):
        running.outcome("bad")
    assert running.outcome("good") == "good"
    running.finish()
    assert "good" in running and "other" not in running


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["reads", "breaks"], "breaks"),
        (["own"], "own"),
        (["own", "reads"], "reads"),
        (["own", "own"], "own"),
        ([], "reads"),
    ],
)
def test_a_claim_does_to_the_stack_what_its_checks_do(kinds: list[Uses], expected: Uses) -> None:
    assert uses_of(kinds) == expected
