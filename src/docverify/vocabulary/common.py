"""Small helpers the vocabulary modules share."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..claims import Claim, read
from ..dockerfile import Instruction, Stage
from ..shell import Command
from ..subjects import Sources


def plain(words: Iterable[str]) -> list[str]:
    """Operands without options and version pins: `poetry==2.5.1` -> `poetry`."""
    return [re.split(r"[=<>~!\[;@ ]", w)[0] for w in words if not w.startswith(("-", "$"))]


def cites(found: Iterable[tuple[Instruction, object]]) -> list[str]:
    return sorted({instruction.cite for instruction, _ in found}, key=lambda c: int(c.rsplit(":", 1)[1]))


def unconditional(found: list[tuple[Instruction, Command]]) -> list[tuple[Instruction, Command]]:
    """Commands that always run: not inside an `if`, nor after `||`."""
    return [(i, c) for i, c in found if not c.conditional]


def installed_by(stage: Stage, tool: str) -> tuple[list[tuple[Instruction, Command]], list[str]]:
    """`apt-get install` / `pip install` commands that always run, and what they install."""
    if tool == "apt-get":
        found = [(i, c) for i, c in stage.running("apt-get", "install") + stage.running("apt", "install")]
    else:
        # A bare `pip` (or `python -m pip`) is the base image's; /venv/bin/pip is a venv's.
        found = [
            (i, c)
            for i, c in stage.running("pip", "install")
            if "/" not in c.invocation()[0] and "--python" not in c.argv
        ]
    found = unconditional(found)
    names: list[str] = []
    for _, command in found:
        argv = list(command.invocation())
        operands = argv[argv.index("install") + 1 :]
        skip = False
        for word in operands:
            if skip:
                skip = False
                continue
            if word in ("-r", "--requirement", "-c", "--constraint", "-t", "--target", "-o", "--option"):
                skip = True
                continue
            names += plain([word])
    return found, names


def matches(value: str, words: Iterable[str]) -> bool:
    """A value is in an argv as a word, or as `--opt=value`."""
    return any(w == value or w.endswith(f"={value}") for w in words)


def same_group(claim: Claim, sources: Sources, label: str | None = None, any_label: bool = False) -> list[Claim]:
    """Claims of the claim's page under the same stage heading, with its label (or `label`, or any)."""
    found, _ = read(claim.page, sources.text(claim.page))
    wanted = label or claim.label
    return [c for c in found if c.stage() == claim.stage() and (any_label or c.label == wanted)]
