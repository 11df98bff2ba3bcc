"""The script the image's ENTRYPOINT runs, found the way the builder put it there (a COPY)."""

from __future__ import annotations

from pathlib import PurePosixPath

from .copies import copies_of
from .sources import Sources

SHELLS = {"sh", "bash", "dash", "ash", "busybox"}


def entrypoint_script(sources: Sources) -> str | None:
    """The repository file the final stage's ENTRYPOINT runs, when the stage copies it in."""
    stage = sources.dockerfile.final
    entry = stage.exec_list("ENTRYPOINT")
    if entry is None or not entry[0]:
        return None
    argv = entry[0]
    runs = argv[1] if PurePosixPath(argv[0]).name in SHELLS and len(argv) > 1 else argv[0]
    for row in copies_of(stage):
        if row.destination == runs and not row.from_stage:
            path = sources.settings.context / row.source
            if path.is_file():
                return sources.settings.relative(path)
    return None
