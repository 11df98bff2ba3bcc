"""Build times: the cold build of both stages, and the rebuild after a one-line `.py` change."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from .common import BENCH, CHANGED_FILE, CONTEXT_FILES, ROOT, Bench, Results, drop_if_untagged, image_id, median
from .docker_build import build, build_command, slowest


def cold_build_s(bench: Bench, runs: Results) -> float:
    old = image_id(f"{BENCH}:runtime")
    result = build(build_command(bench, f"{BENCH}:runtime", ROOT, "--no-cache"), "cold build (both stages, --no-cache)")
    drop_if_untagged(old)
    runs["cold_build_s"] = {"runs": [result.seconds], "slowest_steps": slowest(result.steps)}
    return round(result.seconds, 2)


def rebuild_s(bench: Bench, runs: Results) -> float:
    tag = f"{BENCH}:rebuild"
    with tempfile.TemporaryDirectory(prefix="bench-context-") as tmp:
        context = Path(tmp)
        for name in CONTEXT_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    context / name,
                    ignore=shutil.ignore_patterns(
                        "__pycache__", "*.pyc", "logs", "staticfiles", "mediafiles", "db.sqlite3"
                    ),
                )
            else:
                shutil.copy2(source, context / name)
        old = image_id(tag)
        build(build_command(bench, tag, context), "rebuild: warming the cache on a copy of the context")
        drop_if_untagged(old)
        times, steps = [], []
        for n in range(3):
            changed = context / CHANGED_FILE
            changed.write_text(changed.read_text() + f"# benchmark rebuild {n + 1} at {time.time():.6f}\n")
            old = image_id(tag)
            result = build(
                build_command(bench, tag, context), f"rebuild {n + 1}/3 after a one-line change to {CHANGED_FILE}"
            )
            drop_if_untagged(old)
            times.append(result.seconds)
            steps.append(result.steps)
    middle = steps[times.index(sorted(times)[1])]
    runs["rebuild_s"] = {
        "runs": times,
        "uncached_steps": [{"step": t[:100], "seconds": s} for t, s, c in middle if not c],
        "cached_steps_seconds": round(sum(s for _, s, c in middle if c), 2),
    }
    return median(times)
