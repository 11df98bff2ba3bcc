"""Options with which a server program does not stay in the foreground serving: it checks, prints or forks, and
the process the container runs exits. A page that says the container serves, or that the server is PID 1, is
false with any of them, whatever else the command says.

Options are read as the server's own parser reads them: `--` ends them, a long one may be cut short while it
stays unique (argparse), and single-dash flags may be clustered (`-Dw2`). A `sh -c` script is read command by
command."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import PurePosixPath

from ..model import shell
from ..model.dockerfile import Stage
from ..model.instruction import option_values
from ..model.shellcommand import SHELLS
from ..model.sources import Sources
from ..observe import gunicorn
from ..observe.observer import Need
from ..observe.subjects import Image

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
# The settings a configuration file may set that make gunicorn leave, and what it then does.
SETTINGS = {
    "daemon": f"gunicorn {_FORKS}",
    "check_config": f"gunicorn {LEAVES['gunicorn']['--check-config']}",
    "print_config": f"gunicorn {LEAVES['gunicorn']['--print-config']}",
}
# Single-dash options that take no value, so a cluster goes on after them (`-Rw2`: `-R`, then `-w 2`).
NO_VALUE = {"gunicorn": {"-R", "-D", "-v", "-h"}}


def _option(program: str, word: str) -> str | None:
    """The leaving option `word` is for `program`'s parser, if any."""
    options = LEAVES[program]
    name = word.split("=", 1)[0]
    if name.startswith("--") and len(name) > 2:
        # Cut short: a prefix of one leaving option is it, or ambiguous, and argparse then exits with an error.
        return next((o for o in options if o.startswith("--") and o.startswith(name)), None)
    if name.startswith("-") and not name.startswith("--"):
        for letter in name[1:]:
            if f"-{letter}" in options:
                return f"-{letter}"
            if f"-{letter}" not in NO_VALUE[program]:
                return None  # the rest of the cluster is this option's value
    return None


def script_of(words: Sequence[str]) -> str | None:
    """The script a shell's `-c` runs (`sh -ec 'script'`, `sh -o pipefail -c 'script'`, `sh -c -- 'script'`)."""
    at = 0
    while at < len(words):
        word = words[at]
        if word in ("-o", "+o"):
            at += 2
            continue
        if not word.startswith(("-", "+")) or word in ("-", "--"):
            return None
        if "c" in word[1:] and not word.startswith("--"):
            rest = [w for w in words[at + 1 :] if w != "--"]
            return rest[0] if rest else None
        at += 1
    return None


def from_environment(value: str | None) -> tuple[str, str] | None:
    """What `GUNICORN_CMD_ARGS` (gunicorn reads it as more options) makes gunicorn do, if it leaves."""
    try:
        words = shlex.split(value or "")
    except ValueError:
        return None
    found = leaves(["gunicorn", *words])
    return (f"GUNICORN_CMD_ARGS={value}", found[1]) if found else None


def leaves(argv: Sequence[str]) -> tuple[str, str] | None:
    """(the word, what the server does with it) for the first server in `argv` given a leaving option, else None.
    A shell's `-c` script is read for the server's command in it."""
    for at, word in enumerate(argv):
        program = PurePosixPath(word).name
        if program in SHELLS:
            script = script_of(argv[at + 1 :])
            found = [leaves(command.argv) for command in shell.commands(script)] if script else []
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


def configured(sources: Sources, stage: Stage) -> tuple[str | None, str]:
    """`GUNICORN_CMD_ARGS` as the stage's container gets it (compose's `environment:` over the stage's ENV), and
    where it is set."""
    value, instruction = stage.env().get("GUNICORN_CMD_ARGS", (None, None))
    where = stage.where(instruction) if instruction is not None else stage.where()
    if stage is sources.dockerfile.final and sources.settings.runs_stack:
        service = sources.under_test()
        if "GUNICORN_CMD_ARGS" in service.environment:
            value = service.environment["GUNICORN_CMD_ARGS"]
            where = sources.compose.cite("GUNICORN_CMD_ARGS", service=service.name)
    return value, where


def found(argv: Sequence[str], options: tuple[str | None, str], where: str) -> tuple[str, str, str] | None:
    """(the word, what the server does with it, where it is) from the command line, else from the options a
    gunicorn in it reads from its environment."""
    left = leaves(argv)
    if left is not None:
        return (*left, where)
    gunicorn = any(PurePosixPath(w).name == "gunicorn" or "gunicorn" in w.split() for w in argv)
    left = from_environment(options[0]) if gunicorn else None
    return (*left, options[1]) if left is not None else None


def gunicorn_words(argv: Sequence[str]) -> list[str] | None:
    """gunicorn's own words in a command (from its name on), also inside a shell's `-c` script."""
    for at, word in enumerate(argv):
        name = PurePosixPath(word).name
        if name in SHELLS:
            script = script_of(argv[at + 1 :])
            found = (gunicorn_words(c.invocation()) for c in shell.commands(script)) if script else iter(())
            return next((f for f in found if f is not None), None)
        if name == "gunicorn":
            return list(argv[at:])
    return None


def asked_needs(argv: Sequence[str]) -> list[Need]:
    """gunicorn's own reading of its settings in the image, when `argv` runs it."""
    words = gunicorn_words(argv)
    return [gunicorn.need(words)] if words else []


def asked(image: Image, argv: Sequence[str], where: str) -> tuple[str, str, str] | None:
    """(the setting, what gunicorn does, where) when gunicorn in `argv`, asked in the image, reads a setting from its
    command line, environment or configuration file that makes it leave (or exits reading them)."""
    words = gunicorn_words(argv)
    if not words:
        return None
    read = image.observed(gunicorn.GUNICORN).of(words)
    if read.exits is not None:
        return shlex.join(words), f"gunicorn exits reading its settings (status {read.exits})", where
    if read.error is not None:
        return shlex.join(words), f"gunicorn could not be asked in the image: {read.error}", where
    setting = next((name for name in SETTINGS if getattr(read, name)), None)
    given = f" (from {read.config})" if read.config else ""
    return (f"{setting} = True{given}", SETTINGS[setting], where) if setting else None


def server_env(argv: Sequence[str]) -> dict[str, str]:
    """What gunicorn's `--env NAME=VALUE` (`-e`) puts in the server's own environment, over the container's: from
    its command line, a shell's `-c` script read command by command."""
    found: dict[str, str] = {}
    for at, word in enumerate(argv):
        program = PurePosixPath(word).name
        if program in SHELLS:
            script = script_of(argv[at + 1 :])
            for command in shell.commands(script) if script else []:
                found.update(server_env(command.argv))
            return found
        if program == "gunicorn":
            for pair in option_values(list(argv[at + 1 :]), "--env", "-e"):
                name, _, value = pair.partition("=")
                found[name] = value
            return found
    return found


def exec_of(argv: Sequence[str]) -> list[str]:
    """The program a shell's `-c` script replaces itself with as its one command (`sh -c 'exec gunicorn …'`: PID 1
    is gunicorn, its words as the script writes them), else the argv as it is."""
    program = PurePosixPath(argv[0]).name if argv else ""
    script = script_of(argv[1:]) if program in SHELLS else None
    found = shell.commands(script) if script else []
    if len(found) == 1 and found[0].argv[:1] == ("exec",) and len(found[0].argv) > 1:
        return list(found[0].argv[1:])
    return list(argv)


def bound_address(value: str) -> str:
    """A `--bind` value as gunicorn reads it: `tcp://` dropped, no host the wildcard (`:8000` binds `0.0.0.0`), no
    port its 8000; a socket path or a descriptor as written."""
    if value.startswith(("unix:", "fd://")):
        return value
    address = value.removeprefix("tcp://")
    if "[" in address and "]" in address:
        host, _, rest = address.partition("]")
        return f"{host}]:8000" if not rest else f"{host}]{rest}" if rest.startswith(":") and rest[1:] else value
    if ":" not in address:  # gunicorn's default port stands in only where no colon is written
        return f"{address or '0.0.0.0'}:8000"
    host, _, port = address.partition(":")
    return f"{host or '0.0.0.0'}:{port}" if port else value  # `0.0.0.0:` is no port: gunicorn refuses it


def bind_spelled(words: list[str], at: int) -> str:
    """The word at `at` with a `--bind` value in it as gunicorn reads it (`--bind :8000`, `-b:8000`, `--bind=…`)."""
    word, before = words[at], words[at - 1] if at else ""
    if before in ("--bind", "-b"):
        return bound_address(word)
    for option in ("--bind=", "-b"):
        if word.startswith(option) and len(word) > len(option):
            return option + bound_address(word[len(option) :])
    return word
