"""Where the test suite's time goes: one pytest run with suite_plugin, its durations summed per test
file (setup, call, teardown) and per fixture (its own setup and teardown, every instance summed)."""

from __future__ import annotations

import collections
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

from .common import VENV_BIN, Bench, Failed, Results, summary, timed
from .progress import say

PLUGIN = "benchmarks.measure.suite_plugin"  # importable because `python -m` puts ROOT on sys.path
TOP = 8  # rows per table in results.md, entries per list in results.json
# pytest's exit codes that still leave a profile worth keeping: all passed, some tests failed.
PROFILED = (0, 1)


def suite_profile(bench: Bench, runs: Results, pytest_args: list[str] | None = None) -> dict[str, Any]:
    arguments = ["-m", "pytest", "-p", "no:cacheprovider", "-p", PLUGIN, *(pytest_args or [])]
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        output = Path(scratch) / "profile.json"
        # As `scripts/dev test` runs it: the venv's tools first on PATH, for the tests that call them.
        env = {"BENCH_SUITE_PROFILE": str(output), "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        wall, result = timed(
            [sys.executable, *arguments], "the test suite (pytest)", env=env, check=False, timeout=3600
        )
        if result.returncode not in PROFILED or not output.exists():
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])
            raise Failed(f"the test suite exited {result.returncode} without a profile:\n{tail}")
        profile = json.loads(output.read_text())
    files, fixtures = by_file(profile["reports"]), by_fixture(profile["fixtures"])
    tests_s = sum(report["seconds"] for report in profile["reports"])
    said = summary(result.stdout)
    say(f"test suite: {wall:.1f}s wall, {profile['collection_s']:.1f}s collecting, {tests_s:.1f}s in tests ({said})")
    runs["suite_profile"] = {
        "command": ["python", *arguments],
        "summary": said,
        "exit_code": result.returncode,
        "wall_s": round(wall, 2),
        "session_s": round(profile["session_s"], 2),
        "collection_s": round(profile["collection_s"], 2),
        "tests_s": round(tests_s, 2),
        "files": files,
        "fixtures": fixtures,
        "slowest_tests": slowest_tests(profile["reports"]),
    }
    return {
        "wall_s": round(wall, 2),
        "collection_s": round(profile["collection_s"], 2),
        "tests_s": round(tests_s, 2),
        "top_files_s": {name: row["total_s"] for name, row in list(files.items())[:TOP]},
        "top_fixtures_setup_s": {name: row["setup_s"] for name, row in list(fixtures.items())[:TOP]},
    }


def by_file(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per test file (a docs page for the claims), slowest first; setup includes the fixtures set up first there."""
    sums: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    tests: dict[str, set[str]] = collections.defaultdict(set)
    for report in reports:
        name = report["nodeid"].split("::")[0]
        sums[name][report["when"]] += report["seconds"]
        tests[name].add(report["nodeid"])
    rows = {
        name: {
            "tests": len(tests[name]),
            **{f"{when}_s": round(sums[name][when], 2) for when in ("setup", "call", "teardown")},
            "total_s": round(sum(sums[name].values()), 2),
        }
        for name in sums
    }
    return dict(sorted(rows.items(), key=lambda kv: -kv[1]["total_s"]))


def by_fixture(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per fixture (`name (module)`), most setup time first; a session fixture is set up once."""
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        row = rows.setdefault(
            f"{record['name']} ({record['module']})",
            {"scope": record["scope"], "setups": 0, "failed": 0, "setup_s": 0.0, "teardown_s": 0.0},
        )
        row["setups"] += 1
        row["failed"] += int(record["failed"])
        row["setup_s"] += record["setup"]
        row["teardown_s"] += record["teardown"]
    for row in rows.values():
        row["setup_s"], row["teardown_s"] = round(row["setup_s"], 3), round(row["teardown_s"], 3)
    return dict(sorted(rows.items(), key=lambda kv: -kv[1]["setup_s"]))


def slowest_tests(reports: list[dict[str, Any]], count: int = 10) -> dict[str, float]:
    totals: collections.Counter[str] = collections.Counter()
    for report in reports:
        totals[report["nodeid"]] += report["seconds"]
    return {nodeid: round(seconds, 2) for nodeid, seconds in totals.most_common(count)}


def render_suite(runs: Results | None) -> list[str]:
    """results.md's "where the time goes" tables, from runs.json; nothing when the suite was not profiled."""
    profile = (runs or {}).get("suite_profile")
    if not profile:
        return []
    files, fixtures = list(profile["files"].items())[:TOP], list(profile["fixtures"].items())[:TOP]
    return [
        "",
        f"Where the test suite's time goes (`{shlex.join(profile['command'])}`: {profile['summary']}): "
        f"{profile['wall_s']:.1f} s wall, {profile['collection_s']:.1f} s of it collecting and "
        f"{profile['tests_s']:.1f} s in tests' setup, call and teardown. A file's setup includes the "
        "session fixtures it happened to set up first.",
        "",
        "| Test file | Tests | Setup | Call | Teardown | Total |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| `{name}` | {r['tests']} | {r['setup_s']:.1f} s | {r['call_s']:.1f} s | {r['teardown_s']:.1f} s "
            f"| {r['total_s']:.1f} s |"
            for name, r in files
        ),
        "",
        "| Fixture | Scope | Set up | Setup, summed | Teardown, summed |",
        "| --- | --- | ---: | ---: | ---: |",
        *(
            f"| `{name}` | {r['scope']} | {r['setups']} × | {r['setup_s']:.2f} s | {r['teardown_s']:.2f} s |"
            for name, r in fixtures
        ),
    ]
