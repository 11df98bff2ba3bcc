"""Options with which a server program does not stay in the foreground serving: it checks, prints or forks, and
the process the container runs exits. A page that says the container serves, or that the server is PID 1, is
false with any of them, whatever else the command says.

Options are read as the server's own parser reads them: `--` ends them, a long one may be cut short while it
stays unique (argparse), and single-dash flags may be clustered (`-Dw2`). A `sh -c` script is read command by
command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from ..model import shell
from ..model.shellcommand import SHELLS

_EXITS = "prints {} and exits"
_FORKS = "forks into the background, and the process the container runs exits"
LEAVES: dict[str, dict[str, str]] = {
    "gunicorn": {
        "--check-config": "checks its configuration and exits",
        "--print-config": _EXITS.format("its configuration"),
        "-D": _FORKS,
        "--daemon": _FORKS,
        "-v": _EXITS.format("its version"),
        "--version": _EXITS.format("its version"),
        "-h": _EXITS.format("its help"),
        "--help": _EXITS.format("its help"),
    },
}
# Single-dash options that take no value, so a cluster goes on after them (`-Rw2`: `-R`, then `-w 2`).
NO_VALUE = {"gunicorn": {"-R", "-D", "-v", "-h"}}


def _option(program: str, word: str) -> str | None:
    """The leaving option `word` is for `program`'s parser, if any."""
    options = LEAVES[program]
    name = word.split("=", 1)[0]
    if name.startswith("--") and len(name) > 3:
        # Cut short: a prefix of one leaving option is it, or ambiguous, and argparse then exits with an error.
        return next((o for o in options if o.startswith("--") and o.startswith(name)), None)
    if name.startswith("-") and not name.startswith("--"):
        for letter in name[1:]:
            if f"-{letter}" in options:
                return f"-{letter}"
            if f"-{letter}" not in NO_VALUE[program]:
                return None  # the rest of the cluster is this option's value
    return None


def leaves(argv: Sequence[str]) -> tuple[str, str] | None:
    """(the word, what the server does with it) for the first server in `argv` given a leaving option, else None.
    A shell's `-c` script is read for the server's command in it."""
    for at, word in enumerate(argv):
        program = PurePosixPath(word).name
        if program in SHELLS and "-c" in argv[at + 1 :]:
            script = argv[at + 1 :][argv[at + 1 :].index("-c") + 1 :]
            found = [leaves(command.argv) for command in shell.commands(script[0])] if script else []
            return next((f for f in found if f is not None), None)
        if program not in LEAVES:
            continue
        for option in argv[at + 1 :]:
            if option == "--":
                return None
            name = _option(program, option)
            if name is not None:
                return option, f"{program} {LEAVES[program][name]}"
        return None
    return None
