"""The docs build: `mkdocs build --strict` into a scratch directory."""

from __future__ import annotations

import tempfile

from .common import VENV_BIN, Bench, Results, median, timed
from .progress import say


def docs_build_s(bench: Bench, runs: Results) -> float:
    times = []
    for n in range(3):
        with tempfile.TemporaryDirectory(prefix="bench-site-") as site:
            elapsed, _ = timed(
                [VENV_BIN / "mkdocs", "build", "--strict", "--quiet", "-d", site],
                f"mkdocs build --strict, run {n + 1}/3",
            )
        times.append(elapsed)
        say(f"mkdocs build --strict, run {n + 1}/3: {elapsed:.2f}s")
    runs["docs_build_s"] = {"runs": times}
    return median(times)
