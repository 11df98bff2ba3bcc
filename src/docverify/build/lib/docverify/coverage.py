"""Reverse coverage: every Dockerfile instruction and every step of the entrypoint script is claimed.

The static pass returns the lines each check relied on; whatever no claim cites is undocumented.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from . import shell
from .walk import Walk


def cited(walk: Walk) -> set[str]:
    return {cite for outcome in walk.static().values() for cite in outcome.cites}


def entrypoint_script(walk: Walk) -> str | None:
    """The repository file the final stage copies to its ENTRYPOINT, when it is a shell script."""
    from .vocabulary.files import copies_of

    stage = walk.sources.dockerfile.final
    entry = stage.exec_list("ENTRYPOINT")
    if entry is None or not entry[0]:
        return None
    for row in copies_of(stage):
        if row.destination == entry[0][0] and not row.from_stage:
            path = walk.settings.dockerfile.parent / row.source
            if path.is_file() and path.read_text().startswith("#!"):
                return walk.settings.relative(path)
    return None


def script_steps(text: str) -> list[tuple[int, str]]:
    """Lines of a script that do something: the shebang and every command but `echo`."""
    lines = text.splitlines()
    steps = [(1, lines[0].strip())] if lines and lines[0].startswith("#!") else []
    seen = set()
    for command in shell.commands(text):
        if command.program in ("echo", "printf", ":") or command.line in seen:
            continue
        seen.add(command.line)
        steps.append((command.line, lines[command.line - 1].strip()))
    # `: "${VAR:=default}"` sets a default: a step of its own.
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith(': "${') and number not in seen:
            steps.append((number, line.strip()))
    return sorted(steps)


def undocumented(walk: Walk) -> list[str]:
    seen = cited(walk)
    dockerfile = walk.sources.dockerfile
    missing = [f"{i.where} {i.keyword} {i.value[:70]}" for i in dockerfile.instructions if i.cite not in seen]
    script = entrypoint_script(walk)
    if script:
        name = PurePosixPath(script).name
        for number, code in script_steps(walk.sources.text(script)):
            if f"{name}:{number}" not in seen:
                missing.append(f"{name}:{number} {code}")
    return missing
