"""pip's settings that send an install out of the place it names, or nowhere: an install into a venv with
`PIP_TARGET` or `PIP_DRY_RUN` set, or given `--target`, `--prefix` or `--root`, fills no venv."""

from __future__ import annotations

from ..model.dockerfile import Instruction, Stage, clean_path
from ..model.instruction import option_values
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


def elsewhere(argv: list[str], venv: str) -> str | None:
    """The option of the install's own command line that puts the packages outside the venv (pip's and uv's):
    `--target` (`-t`) anywhere, `--prefix` other than the venv, `--root` other than `/`."""
    for names, keeps in ((("--target", "-t"), ()), (("--prefix",), (venv,)), (("--root",), ("/",))):
        for value in option_values(argv, *names, clusters=False):
            if clean_path(value) not in keeps:
                return f"`{names[0]} {value}`"
    return None
