"""pip's settings from its environment that send an install out of the place it names, or nowhere: an install
into a venv with `PIP_TARGET` or `PIP_DRY_RUN` set fills no venv."""

from __future__ import annotations

from ..model.dockerfile import Instruction, Stage
from ..model.overrides import set_over
from ..model.shell import Command

# pip's settings from the environment that send an install elsewhere (`PIP_TARGET`), or nowhere (`PIP_DRY_RUN`).
DIVERTING = ("PIP_DRY_RUN", "PIP_TARGET", "PIP_ROOT", "PIP_PREFIX", "PIP_USER")


def diverted(stage: Stage, instruction: Instruction, command: Command) -> str | None:
    """What in pip's environment sends this install elsewhere: the command's own `PIP_TARGET=…`, an ENV, or an
    earlier assignment or export in the RUN."""
    for name in DIVERTING:
        own = [word for word in command.exported if word.partition("=")[0] == name]
        if own:
            return f"`{own[0]}`"
        if over := set_over(name, stage, instruction, command):
            return over[0].removesuffix(" over the ARG")
    return None
