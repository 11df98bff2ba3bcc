"""The whole suite's speed against the commit before issue 20, in one run: a fresh clone's first run,
then a warm run, then `pytest docs` warm (as typed: one process on both sides), then the static level
alone (the claims whose id says `static`, in one process), each as the suite ran then and as it runs
now.

Each checkout gets its own venv first (`scripts/dev setup`, untimed: the tests only are timed), so
each runs its own locked packages, engine and tests, as a fresh clone does. The first run of each is
cold where a fresh clone is cold: its own image prefix and compose project (no tagged images, no
stack), an empty docverify cache. Docker's layer cache is the machine's, for both alike (a CI runner
restores it from its cache).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .common import ROOT, Bench, Failed, Results, summary, timed
from .progress import say

# HEAD when issue 20 was filed: the suite as it ran before its work began.
BEFORE_SPEED = "7bb23d2"
# How the suite runs now (scripts/dev test: one worker more than the cores) and how it ran then.
NOW = ["-n", str((os.cpu_count() or 1) + 1), "--dist", "loadgroup"]
KEYS = ("first", "warm", "docs_warm", "static")
# The static level by the claims' ids (`static:L12:…`): the commit before had no `static` marker yet.
STATIC = ["docs", "-k", "static and not image and not running"]


@contextmanager
def checkouts() -> Iterator[dict[str, Path]]:
    """A clean clone of HEAD and a worktree of BEFORE_SPEED, removed after."""
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        now, then = Path(scratch) / "now", Path(scratch) / "before"
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(now)], check=True)
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(then), BEFORE_SPEED], cwd=ROOT, check=True)
        try:
            for tree in (now, then):
                say(f"setting up {tree.name}: its own .venv (scripts/dev setup)")
                subprocess.run(["python3", "scripts/dev", "setup"], cwd=tree, check=True, capture_output=True)
            yield {"now": now, "before": then}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(then)], cwd=ROOT, capture_output=True)


def _run(
    tree: Path, side: str, what: str, cache: Path, prefix: str, extra: list[str], workers: bool = True
) -> dict[str, Any]:
    parallel = NOW if side == "now" and workers else []
    arguments = ["-m", "pytest", *parallel, "-p", "no:cacheprovider", "-q", "-o", f"docverify_image_prefix={prefix}"]
    arguments += extra
    env = {
        "CI": "true",  # nothing skips
        "DOCVERIFY_CACHE": str(cache),
        "PATH": f"{tree / '.venv/bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    wall, result = timed([str(tree / ".venv/bin/python"), *arguments], f"{what} ({side})", env=env, cwd=tree,
                         check=False, timeout=3600)  # fmt: skip
    said = summary(result.stdout)
    say(f"{what} ({side}): {wall:.1f}s, exit {result.returncode} ({said})")
    for line in result.stdout.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):  # a failed run says which tests, not only how many
            say(f"  {line[:300]}")
    return {"wall_s": round(wall, 1), "exit_code": result.returncode, "summary": said}


def suite_speed(bench: Bench, runs: Results) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {}
    with checkouts() as trees, tempfile.TemporaryDirectory(prefix="bench-cache-") as caches:
        for side, tree in trees.items():
            prefix = f"bench-first-{side}-{uuid.uuid4().hex[:6]}"
            cache = Path(caches) / side
            found.setdefault(side, {})["first"] = _run(tree, side, "first run in a fresh clone", cache, prefix, [])
            found[side]["warm"] = _run(tree, side, "the whole suite, warm", cache, prefix, [])
            # `pytest docs` as typed, in one process: so `scripts/dev test docs` runs it too (the docs are one
            # xdist group, which other workers would only wait beside).
            found[side]["docs_warm"] = _run(tree, side, "pytest docs, warm", cache, prefix, ["docs"], workers=False)
            found[side]["static"] = _run(tree, side, "the static level", cache, prefix, STATIC, workers=False)
            subprocess.run(["docker", "image", "rm", "-f", *_tags(prefix)], capture_output=True)
    runs["suite_speed"] = {"before": BEFORE_SPEED, "now_arguments": NOW, **found}
    ratios = {
        f"{key}_vs_before": round(found["now"][key]["wall_s"] / found["before"][key]["wall_s"], 2) for key in KEYS
    }
    failed = {
        f"{side} {key}": run["summary"]
        for side, runs_ in found.items()
        for key, run in runs_.items()
        if run["exit_code"]
    }
    if failed:  # a ratio of runs that did not pass compares nothing
        raise Failed(f"suite runs that did not pass: {failed}")
    return {**{f"{key}_s": found["now"][key]["wall_s"] for key in KEYS}, **ratios}


def _tags(prefix: str) -> list[str]:
    listed = subprocess.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", prefix],
                            capture_output=True, text=True)  # fmt: skip
    return listed.stdout.split()
