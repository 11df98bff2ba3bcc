"""Incremental mutation runs: `scripts/mutate --changed` after a one-line Dockerfile change, against the
whole catalogue at the same levels (static and image), both timed in one copy of the repository in one run.

The full run writes the copy's baseline; then one line of the copy's Dockerfile changes and --changed
runs what that touched. Other one-line changes are only listed (`--changed --list`), to show what each
would select.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .common import ROOT, Results, timed
from .progress import say

LEVELS = ("--images",)  # static and image: the levels both runs share
JOBS = ("--jobs", "2")
# The change timed: more gunicorn workers, a line no claim states (the docs stay true).
CHANGE = ('"--workers", "2"', '"--workers", "3"')
# Other one-line changes, listed only: what each selects at the same levels.
LISTED = {
    "a comment above EXPOSE": ("\nEXPOSE 8000\n", "\n# The port gunicorn binds.\nEXPOSE 8000\n"),
    "the health check's interval": ("--interval=2s", "--interval=10s"),
    "a runtime RUN line (one more package)": ("libpq5 curl", "libpq5 curl procps"),
    "the builder's Poetry pin": ("poetry==2.5.1 poetry-plugin-export", "poetry==2.5.0 poetry-plugin-export"),
}
SELECTED = re.compile(r"^mutate: (\d+) of (\d+) entries to run:|^mutate: nothing to run", re.M)


def repository_copy(into: Path) -> Path:
    """The files a checkout has (tracked and new, not ignored): the copy's scripts/mutate runs on them."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if text.count(old) != 1:
        raise ValueError(f"{path.name}: {old!r} occurs {text.count(old)} times")
    path.write_text(text.replace(old, new))


def counted(output: str) -> int:
    match = SELECTED.search(output)
    return int(match[1]) if match and match[1] else 0


def mutate_changed(_bench: Any, runs: Results) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-mutate-") as scratch:
        copy = repository_copy(Path(scratch))
        mutate: list[str | Path] = [sys.executable, copy / "scripts" / "mutate", *LEVELS, *JOBS]
        what = "the whole catalogue, static and image levels"
        full_s, full = timed(mutate, what, cwd=copy, check=False, timeout=14400)
        total = len([line for line in full.stdout.splitlines() if line.startswith("[mutate +")])
        say(f"whole catalogue: {full_s:.0f}s for {total} entries (exit {full.returncode})")
        dockerfile = copy / "Dockerfile"
        pristine = dockerfile.read_text()
        listed: dict[str, int] = {}
        for what, (old, new) in LISTED.items():
            edit(dockerfile, old, new)
            _, result = timed([*mutate, "--changed", "--list"], f"--changed --list after {what}", cwd=copy)
            listed[what] = counted(result.stdout)
            dockerfile.write_text(pristine)
        edit(dockerfile, *CHANGE)
        _, chosen = timed([*mutate, "--changed", "--list"], "--changed --list after the timed change", cwd=copy)
        changed_s, changed = timed([*mutate, "--changed"], "--changed after a one-line Dockerfile change", cwd=copy,
                                   check=False, timeout=14400)  # fmt: skip
    selected = counted(changed.stdout)
    reasons = [line.strip() for line in chosen.stdout.splitlines() if line.startswith("  ")]
    say(f"--changed: {changed_s:.0f}s for {selected} of {total} entries (exit {changed.returncode})")
    runs["mutate_changed"] = {
        "levels": ["static", "image"],
        "jobs": int(JOBS[1]),
        "change": {"file": "Dockerfile", "old": CHANGE[0], "new": CHANGE[1]},
        "full": {"seconds": round(full_s, 1), "entries": total, "exit_code": full.returncode,
                 "tail": full.stderr.strip().splitlines()[-10:]},
        "changed": {"seconds": round(changed_s, 1), "entries": selected, "exit_code": changed.returncode,
                    "reasons": reasons},
        "listed": {what: {"entries": n, "of": total} for what, n in listed.items()},
    }  # fmt: skip
    return {
        "full_s": round(full_s, 1),
        "changed_s": round(changed_s, 1),
        "entries": total,
        "selected": selected,
        "ratio": round(changed_s / full_s, 3) if full_s else None,
    }
