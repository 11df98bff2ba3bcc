"""The static level's speed: the docs' claims without Docker, against the engine at BEFORE in the same run."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .common import BEFORE, ROOT, Bench, Results, median, summary, timed
from .progress import say


@contextmanager
def engine_before() -> Iterator[Path | None]:
    """A checkout of BEFORE, the last commit benchmarked before the engine became a package
    (issues 9 and 10): its static level is the same-run reference for ours. None without history."""
    with tempfile.TemporaryDirectory(prefix="bench-before-") as scratch:
        tree = Path(scratch) / "before"
        added = subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), BEFORE], cwd=ROOT, capture_output=True, text=True
        )
        if added.returncode != 0:
            say(f"no checkout of {BEFORE} ({added.stderr.strip()[-200:]}): the static level has no same-run reference")
            yield None
            return
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)


def static_s(bench: Bench, runs: Results) -> float:
    command: list[str | Path] = [
        sys.executable,
        "-m",
        "pytest",
        "docs",
        "-m",
        "not docker",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    times: list[float] = []
    before: list[float] = []
    last = ""
    with engine_before() as tree:
        for n in range(5):  # interleaved, so both see the same machine
            elapsed, result = timed(command, f"static level, run {n + 1}/5")
            times.append(elapsed)
            last = summary(result.stdout)
            say(f"static level, run {n + 1}/5: {elapsed:.2f}s ({last})")
            if tree is not None:
                # The old engine is a conftest plugin; the installed one must stay out of its way.
                what = f"static level at {BEFORE}, run {n + 1}/5"
                then, old = timed([*command, "-p", "no:docverify"], what, cwd=tree)
                before.append(then)
                say(f"{what}: {then:.2f}s ({summary(old.stdout)})")
    runs["static_s"] = {"runs": times, "summary": last, "before": {"commit": BEFORE, "runs": before}}
    if before:
        runs["static_s"]["vs_before"] = round(median(times) / median(before), 3)
    return median(times)
