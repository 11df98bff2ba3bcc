"""What gives a build argument another value before a command of a RUN reads it: an ENV, a default, an assignment."""

from __future__ import annotations

from .dockerfile import Stage
from .instruction import Instruction
from .scripts import expansion
from .shellcommand import Command

# Builtins whose `NAME=value` operands assign; `read NAME`, `getopts spec NAME` and `unset NAME` change it too.
SETTERS = {"export", "readonly", "local", "declare", "typeset"}


def set_over(name: str, stage: Stage, run: Instruction, reader: Command) -> tuple[str, Instruction] | None:
    """What gives `name` another value before `reader` (a command of `run`) reads it, and where: an ENV before
    the RUN (ENV wins over ARG), a default it takes when empty (`${NAME:=x}`), or an earlier command of the same
    RUN (`NAME=…`, `export NAME=…`, `unset NAME`, `read NAME`, `for NAME in …`), even on a condition: the argument
    then reaches it only sometimes."""
    environment = stage.env(run)  # ENV wins over ARG wherever it stands before the RUN, a parent stage's too
    if name in environment:
        value, env = environment[name]
        return f"ENV {name}={value} over the ARG", env
    for command in run.commands():
        given = [w for w in (*command.argv, *command.assignments) if _defaulted(name, w, reader=command == reader)]
        if given:  # `: "${NAME:=x}"` before it, or `"${NAME:-x}"` in its own words: empty, the tool gets x
            return f"`{given[0]}` giving {name} a value of its own when it is empty", run
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


def _defaulted(name: str, word: str, reader: bool) -> bool:
    """Whether a word assigns `name` a default (`${NAME:=x}`, `${NAME=x}`) or, in the reader's own words, uses one
    (`${NAME:-x}`, `${NAME-x}`)."""
    return expansion(name, ":?[-=]" if reader else ":?=").search(word) is not None
