"""Values that must not be in an image: every file of it searched for each, byte for byte.

The request names each value by what it is (a variable of the stack), so a finding never repeats
the value itself. Kernel file systems are not searched; every other regular file is, whatever its
size, in overlapping blocks so a value split across two blocks is still found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer


@dataclass(frozen=True)
class Found:
    files: dict[str, tuple[str, ...]]  # what the value is -> files holding it (the first few)

    def holding(self, name: str) -> tuple[str, ...]:
        return self.files.get(name, ())


def merge(requests: Sequence[tuple[tuple[str, str], ...]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({pair for request in requests for pair in request}))


def load(raw: dict[str, Any]) -> Found:
    return Found({name: tuple(paths) for name, paths in raw.items()})


def inside(request: list[list[str]], context: dict[str, Any]) -> dict[str, Any]:
    import os
    import stat

    kernel = ("/proc", "/sys", "/dev")
    needles = [(name, value.encode()) for name, value in request if value]
    found: dict[str, list[str]] = {name: [] for name, _ in needles}
    if not needles:
        return found
    overlap = max(len(value) for _, value in needles)
    for directory, dirs, files in os.walk("/", onerror=lambda error: None):
        dirs[:] = sorted(d for d in dirs if os.path.join(directory, d) not in kernel)
        for name in sorted(files):
            path = os.path.join(directory, name)
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
                with open(path, "rb") as handle:
                    tail = b""
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        window = tail + block
                        for what, value in needles:
                            if value in window and path not in found[what]:
                                found[what].append(path)
                        tail = window[-overlap:]
            except OSError:
                continue
    return {what: paths[:5] for what, paths in found.items()}


# The values are the stack's: compose's model is an input too.
SECRETS: Observer[tuple[tuple[str, str], ...], Found] = Observer(
    "secrets", load, merge, inside=inside, where=("image",), inputs=("compose",)
)


def need(values: Sequence[tuple[str, str]]) -> Need:
    """`values`: (what it is, the value), e.g. ("POSTGRES_PASSWORD of service db", "…")."""
    return SECRETS.need(tuple(values))
