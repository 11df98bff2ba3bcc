#!/usr/bin/env python3
"""Benchmarks: build times, image sizes, verification and start-up, in one run.

Run it from anywhere, with the project's venv (`python3 scripts/dev test` makes
it, with the `docverify` package installed), a Docker engine, the Compose v2
plugin and the base images (`bash scripts/base-images.sh`):

    .venv/bin/python benchmarks/run.py            # every figure, 10 to 25 minutes
    .venv/bin/python benchmarks/run.py --render   # only rewrite results.md from results.json
    .venv/bin/python benchmarks/run.py --only static_s,docs_build_s
                                                  # some figures, printed; writes nothing
    .venv/bin/python benchmarks/run.py --only suite_profile --suite-args='-m "not docker"'
                                                  # where the test suite's time goes, static tests only
    .venv/bin/python benchmarks/run.py --only mutate_changed --update
                                                  # some figures, merged into the files a full run writes

A full run writes `benchmarks/results.json` (the figures), `benchmarks/runs.json`
(every single timing, the claim and test counts, the slowest build steps, the
floor's parts and what the runtime image carries beyond them, the test suite's
time per test file and per fixture) and
`benchmarks/results.md` (the tables `docs/verification/performance.md` embeds).
Figures are compared as ratios taken in the same run, so a busy machine moves
both sides of a ratio alike.

The engine's settings come from `[tool.docverify]` in pyproject.toml, as for the
tests: the build arguments (the package index is derived at run time), the image
prefix, the compose environment. Images are tagged `backend-django-bench:*`, the
compose project is `backend-django-bench` on a free 127.0.0.1 port, and the docs'
own images (`<image_prefix>:<stage>`) are rebuilt (from cache) for the
verification timings. Progress goes to stdout as `[bench +SECONDS] ...`, at least
every few seconds.

This file is the entry point (options, order, output); the measurements live in
`benchmarks/measure/`, one module per kind of figure.
"""

from __future__ import annotations

import argparse
import functools
import json
import shlex
import sys
import time
from collections.abc import Callable
from typing import Any

from measure.build_times import cold_build_s, rebuild_s
from measure.common import ROOT, Bench, Failed, Results, load_bench
from measure.docs_build import docs_build_s
from measure.host import machine, preflight
from measure.image_level import cst_verify_s, verify_s
from measure.image_sizes import image_mb
from measure.mutate_changed import mutate_changed
from measure.progress import say
from measure.results import RESULTS_JSON, RESULTS_MD, RUNS_JSON, ordered, render, write
from measure.stack import healthy_s
from measure.static_level import static_s
from measure.suite_profile import suite_profile
from measure.suite_speed import suite_speed

from docverify.errors import DocverifyError

# The figures, in the order they are measured; --only takes these names.
FIGURES = ("static_s", "docs_build_s", "cold_build_s", "image_mb", "rebuild_s", "verify_s", "cst_verify_s", "healthy_s",
           "suite_profile", "mutate_changed", "suite_speed")  # fmt: skip

MEASURES: dict[str, Callable[[Bench, Results], Any]] = {
    "static_s": static_s,
    "docs_build_s": docs_build_s,
    "cold_build_s": cold_build_s,
    "image_mb": image_mb,
    "rebuild_s": rebuild_s,
    "verify_s": verify_s,
    "cst_verify_s": cst_verify_s,
    "healthy_s": healthy_s,
    "suite_profile": suite_profile,
    "mutate_changed": mutate_changed,
    "suite_speed": suite_speed,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--render", action="store_true", help="only rewrite results.md from results.json")
    parser.add_argument(
        "--only", help=f"comma-separated figures to measure and print, writing nothing: {', '.join(FIGURES)}"
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="with --only: merge the figures into results.json and runs.json and rewrite results.md",
    )
    parser.add_argument(
        "--suite-args",
        default="",
        help="pytest arguments for suite_profile, one shell-quoted string (default: the whole suite)",
    )
    options = parser.parse_args(argv)
    if options.render:
        recorded = json.loads(RUNS_JSON.read_text()) if RUNS_JSON.exists() else None
        RESULTS_MD.write_text(render(json.loads(RESULTS_JSON.read_text()), recorded))
        say(f"rewrote {RESULTS_MD.relative_to(ROOT)}")
        return 0
    if options.update and not options.only:
        parser.error("--update goes with --only: a full run writes every file anyway")
    wanted = FIGURES if not options.only else tuple(options.only.split(","))
    unknown = [name for name in wanted if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figures {unknown}; known: {', '.join(FIGURES)}")
    suite = functools.partial(suite_profile, pytest_args=shlex.split(options.suite_args))
    measures: dict[str, Callable[[Bench, Results], Any]] = {**MEASURES, "suite_profile": suite}
    results: Results = {}
    runs: Results = {}
    try:
        preflight()
        bench = load_bench()
        say(
            f"engine settings from [tool.docverify]: image prefix {bench.settings.image_prefix}, tags "
            f"{bench.docs_tags}, build arguments {sorted(bench.build_args)} (the index derived at run time)"
        )
        results["machine"] = machine()
        say(f"machine: {results['machine']}")
        for name in FIGURES:
            if name in wanted:
                began = time.monotonic()
                say(f"== {name}")
                results[name] = measures[name](bench, runs)
                say(f"== {name} = {results[name]} ({time.monotonic() - began:.0f}s)")
    except (Failed, DocverifyError) as error:
        say(f"FAILED: {error}")
        return 1
    if options.update:  # the other figures stay as the last run measured them, on the machine it names
        old = json.loads(RESULTS_JSON.read_text())
        dates = {**old.get("updated", {}), **dict.fromkeys(wanted, results["machine"]["date"])}
        results = {**old, **results, "machine": old.get("machine", results["machine"]), "updated": dates}
        runs = {**json.loads(RUNS_JSON.read_text()), **runs}
    final = ordered(results, runs)
    if options.only and not options.update:
        print(json.dumps({"results": final, "runs": runs}, indent=2, ensure_ascii=False))
        say("a partial run: nothing written")
        return 0
    write(final, runs)
    print(RESULTS_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
