"""Answers of deterministic readers (bashlex, Python-Markdown), kept on disk by content.

Building bashlex's parser tables and Python-Markdown's extensions costs a third of a static
run, while the scripts and pages rarely change between runs. An answer is stored under
~/.cache/docverify keyed by everything it depends on: its input, the reader's settings and
the reader's own installed files. A hit is what the reader would answer; an unwritable or
damaged cache only costs the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

# DOCVERIFY_CACHE moves it (a CI cache directory, or an empty one for a cold run).
ROOT = Path(os.environ.get("DOCVERIFY_CACHE") or Path.home() / ".cache" / "docverify")


@cache
def stamp(package: str) -> str:
    """Where `package` is installed and when its files last changed, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        return f"{package}:absent"
    folder = Path(spec.origin).parent
    newest = max((entry.stat().st_mtime_ns for entry in os.scandir(folder) if entry.name.endswith(".py")), default=0)
    return f"{package}:{folder}:{newest}"


def cached(
    kind: str,
    parts: list[str],
    compute: Callable[[], Any],
    object_hook: Callable[[dict[str, Any]], Any] | None = None,
    still: Callable[[Any], bool] | None = None,
    keep: int | None = None,
) -> Any:
    """`compute()` (JSON-able), or what it answered before for the same `parts` while `still(answer)` holds:
    an answer that depends on files found as it was computed says which, and `still` looks at them again.
    `keep`: at most that many answers of this kind stay, the least recently used going first."""
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    path = ROOT / kind / f"{key}.json"
    try:
        found = json.loads(path.read_text(), object_hook=object_hook)
        if still is None or still(found):
            if keep is not None:
                _touch(path)
            return found
        raise ValueError("the files it depends on changed")
    except (OSError, ValueError):  # not stored yet, a damaged entry, or an outdated one
        text = json.dumps(compute())
        _store(path, text)
        if keep is not None:
            _trim(path.parent, keep)
        return json.loads(text, object_hook=object_hook)


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to go


def _trim(folder: Path, keep: int) -> None:
    """The oldest entries beyond `keep` removed (runs side by side may remove the same one: no matter)."""
    try:
        entries = sorted(folder.glob("*.json"), key=lambda entry: entry.stat().st_mtime, reverse=True)
        for entry in entries[keep:]:
            entry.unlink(missing_ok=True)
    except OSError:
        pass


def _store(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, path)  # atomic: runs side by side never read half an entry
    except OSError:
        pass
