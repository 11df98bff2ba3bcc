"""What gives a build argument another value before a command of a RUN reads it."""

from __future__ import annotations

from .dockerfile import Stage
from .instruction import Instruction
from .shellcommand import Command

# Builtins whose `NAME=value` operands assign; `read NAME`, `getopts spec NAME` and `unset NAME` change it too.
SETTERS = {"export", "readonly", "local", "declare", "typeset"}


def set_over(name: str, stage: Stage, run: Instruction, reader: Command) -> tuple[str, Instruction] | None:
    """What gives `name` another value before `reader` (a command of `run`) reads it, and where: an ENV of the
    stage after the ARG (ENV wins over ARG), or an earlier command of the same RUN (`NAME=…`, `export NAME=…`,
    `unset NAME`, `read NAME`, `for NAME in …`), even on a condition: the argument then reaches it only sometimes."""
    declared = [i for i in stage.all("ARG") if i.value.split("=")[0].strip() == name]
    after = declared[-1].line if declared else 0
    for env in stage.all("ENV"):
        if name in env.env() and after < env.line < run.line:
            return f"ENV {name}={env.env()[name]} over the ARG", env
    for command in run.commands():
        if command == reader:
            break
        argv = command.argv
        given = [*command.assignments] if not argv else [w for w in argv[1:] if argv[0] in SETTERS and "=" in w]
        if any(word.split("=", 1)[0] == name for word in given):
            return f"`{' '.join([*command.assignments, *argv])}` setting {name} first", run
        changing = argv[:1] in (("unset",), ("read",)) and name in argv[1:]
        if changing or argv[:1] == ("getopts",) and argv[2:3] == (name,):
            return f"`{' '.join(argv)}` changing {name} first", run
    return None
