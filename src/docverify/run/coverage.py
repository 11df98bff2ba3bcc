"""Reverse coverage: every Dockerfile instruction and every step of the entrypoint script is claimed.

The static pass returns the lines each check relied on; whatever no claim cites is undocumented.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ..model import shell
from ..model.scripts import entrypoint_script
from .walk import Walk


def cited(walk: Walk) -> set[str]:
    """The lines the static proofs cite; a failing claim cites nothing, so what it read counts as covered
    (its own failure says what is wrong; coverage would only repeat it)."""
    found = {cite for outcome in walk.static().values() for cite in outcome.cites}
    stages = walk.sources.dockerfile.stages
    for outcome in walk.static().values():
        if outcome.failure is None:
            continue
        for name in outcome.inputs:
            kind, _, rest = name.partition(":")
            if name == "dockerfile:stages":
                found |= {stage.from_instruction.cite for stage in stages}
            elif name == "dockerfile:args":
                found |= {arg.cite for arg in walk.sources.dockerfile.global_args}
            elif (kind == "dockerfile" and rest.count(":") == 1) or kind == "argv":
                # `dockerfile:N:CMD?` read whether there is one, `argv:N:…` a CMD's words: those instructions
                key, _, keyword = rest.partition(":")
                keyword = "CMD" if kind == "argv" else keyword.rstrip("?")
                stage = stages[int(key)] if key.isdigit() and int(key) < len(stages) else None
                found |= {i.cite for i in stage.body if keyword in ("*", i.keyword)} if stage else set()
            elif kind == "script":
                lines = len((walk.sources.root / rest).read_text().splitlines()) if rest != "entrypoint" else 0
                found |= {f"{PurePosixPath(rest).name}:{n}" for n in range(1, lines + 1)}
    return found


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
    script = entrypoint_script(walk.sources)
    if script:
        name = PurePosixPath(script).name
        for number, code in script_steps(walk.sources.text(script)):
            if f"{name}:{number}" not in seen:
                missing.append(f"{name}:{number} {code}")
    return missing
