"""A pytest plugin that records where a test run's time goes; benchmarks/measure/suite_profile.py loads it
with `-p benchmarks.measure.suite_plugin` and reads the JSON it writes to the file named by $BENCH_SUITE_PROFILE.

It records each test's setup, call and teardown (pytest's own report durations), collection, and each
fixture's own setup and teardown. A fixture's dependencies are set up before its setup hook runs, so
each fixture's time is its own; a fixture that calls `request.getfixturevalue` has that time subtracted.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

OUTPUT = "BENCH_SUITE_PROFILE"

_began = time.monotonic()  # at -p import: before collection and every session fixture
_collection: list[float] = []
_reports: list[dict[str, Any]] = []
_fixtures: list[dict[str, Any]] = []
_nested: list[float] = []  # per fixture being set up: seconds spent setting up fixtures inside it
_tearing_down: dict[int, tuple[int, float]] = {}  # id(fixturedef) -> (record index, when teardown began)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    began = time.monotonic()
    try:
        return (yield)
    finally:
        _collection.append(time.monotonic() - began)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    began = time.monotonic()
    _nested.append(0.0)
    failed = True
    try:
        result = yield
        failed = False
        return result
    finally:
        elapsed = time.monotonic() - began
        inside = _nested.pop()
        if _nested:
            _nested[-1] += elapsed
        record = {
            "name": fixturedef.argname,
            "scope": fixturedef.scope,
            "module": getattr(fixturedef.func, "__module__", None) or fixturedef.baseid or "?",
            "setup": elapsed - inside,
            "teardown": 0.0,
            "failed": failed,
        }
        _fixtures.append(record)
        if not failed:
            # Finalizers run last-in first-out: this one runs just before the fixture's own teardown.
            index = len(_fixtures) - 1
            fixturedef.addfinalizer(lambda: _tearing_down.__setitem__(id(fixturedef), (index, time.monotonic())))


def pytest_fixture_post_finalizer(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> None:
    began = _tearing_down.pop(id(fixturedef), None)
    if began is not None:
        index, at = began
        _fixtures[index]["teardown"] += time.monotonic() - at


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _reports.append(
        {"nodeid": report.nodeid, "when": report.when, "seconds": report.duration, "outcome": report.outcome}
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get(OUTPUT)
    if not target:
        return
    profile = {
        "session_s": time.monotonic() - _began,
        "collection_s": sum(_collection),
        "exitstatus": int(exitstatus),
        "reports": _reports,
        "fixtures": _fixtures,
    }
    Path(target).write_text(json.dumps(profile))
