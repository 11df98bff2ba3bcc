"""Made once a run, not once per xdist worker: the first worker makes it under a lock, in the directory
the workers share; the others wait for it and read it."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Made = dict[str, Any]  # what a make returns: JSON, read back by the workers that did not make it


def once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Made]) -> tuple[Path, Made]:
    """`make(folder)` run once per run: the first worker to get here makes it under a lock, the others wait
    and read it. Returns the folder and what `make` returned. A make that raised is made again."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = shared / f"once-{name}", shared / f"once-{name}.json"
    with (shared / f"once-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when a worker dies
        if record.is_file():
            return folder, json.loads(record.read_text())
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        made = make(folder)
        record.write_text(json.dumps(made))
        return folder, made
