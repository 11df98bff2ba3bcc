"""Shell scripts read by a real parser (bashlex, via `shelltree`): simple commands, `set` options, exit status.

Comments, quoting, `&&`/`||`, `if` bodies and assignments are understood: `set -u  # was: set -eu` sets `u` only.
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from . import shelltree, shellwalk
from .shellcommand import Command as Command
from .shellcommand import parameters as parameters
from .shellcommand import unwrapped as unwrapped
from .shelltree import ShellError as ShellError

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def trees(script: str) -> list[Any]:
    return list(_trees(script))


@lru_cache(maxsize=512)
def _trees(script: str) -> tuple[Any, ...]:
    return tuple(shelltree.parse(shelltree.readable(script)))


def commands(script: str) -> list[Command]:
    """Every simple command, in order. Falls back to a plain split when bashlex cannot read it."""
    return list(_commands(script))


@lru_cache(maxsize=512)
def _commands(script: str) -> tuple[Command, ...]:
    walker = _walked(script)
    return tuple(walker.found) if walker else tuple(_fallback(shelltree.joined(script)))


@lru_cache(maxsize=512)
def _walked(script: str) -> shellwalk.Walker | None:
    """The script walked once, for its commands and the functions it defines; None when bashlex cannot read it."""
    try:
        parsed = trees(script)
    except ShellError:
        return None
    walker = shellwalk.Walker(shelltree.readable(script))
    for tree in parsed:
        walker.walk(tree)
    return walker


def _fallback(text: str) -> list[Command]:
    found = []
    for part in re.split(r"\s*(?:&&|\|\||;|\|)\s*", text):
        try:
            words = shlex.split(part, comments=True)
        except ValueError:
            words = part.split()
        assignments = tuple(w for w in words if ASSIGNMENT.match(w))
        words = [w for w in words if not ASSIGNMENT.match(w)]
        if words:
            found.append(Command(tuple(words), assignments))
    return found


SET_LONG = {"errexit": "e", "nounset": "u", "pipefail": "pipefail", "xtrace": "x"}


def shadowed(script: str) -> set[str]:
    """Command names the script redefines: shell functions and aliases (`python() { :; }`)."""
    walker = _walked(script)
    if walker is None:
        return set()
    aliases = {w.split("=", 1)[0] for c in walker.found if c.program == "alias" for w in c.argv[1:] if "=" in w}
    return set(walker.functions) | aliases


def sets_options(command: Command) -> bool:
    """A `set` that changes the script's own options: run on no condition, and not in a subshell."""
    return command.program == "set" and not command.conditional and not command.subshell


def set_options(script: str, initial: str = "") -> set[str]:
    """Options the script turns on with unconditional top-level `set` commands, from `initial` (`-eu`) on."""
    options: set[str] = set()
    _apply_set(options, initial.split())
    for command in commands(script):
        if sets_options(command):
            _apply_set(options, list(command.argv[1:]))
    return options


def options_at(script: str, initial: str = "") -> list[tuple[Command, frozenset[str]]]:
    """Each command with the options in effect when it runs: `initial`'s, then the unconditional `set`s before it."""
    options: set[str] = set()
    _apply_set(options, initial.split())
    found = []
    for command in commands(script):
        found.append((command, frozenset(options)))
        if sets_options(command):
            _apply_set(options, list(command.argv[1:]))
    return found


def _apply_set(options: set[str], words: list[str]) -> None:
    while words:
        word = words.pop(0)
        if word in ("-o", "+o") and words:
            name = SET_LONG.get(words.pop(0))
            if name:
                (options.add if word == "-o" else options.discard)(name)
        elif word == "--" or not word.startswith(("-", "+")):
            return  # the rest are positional parameters
        else:  # `-eu`, `+e`, and `-euo pipefail`: an `o` among the letters takes the next word
            change = options.add if word.startswith("-") else options.discard
            for letter in word[1:]:
                if letter != "o":
                    change(letter)
                elif words and words[0] in SET_LONG:
                    change(SET_LONG[words.pop(0)])


def failure_propagates(script: str, program: str) -> bool:
    """Whether `program` failing makes the whole script exit non-zero.

    True for `prog`, `a && prog`, `prog && b`, `prog || exit 1`, `exec prog` (or `timeout 5 prog`: a wrapper
    hands on its status), `set -e; prog; b` and `if prog; then …; else exit 1; fi`; false for `prog || true`,
    `prog; true`, `prog | cat` and `trap 'exit 0' EXIT`, where something else has the last word.
    """
    parsed = trees(script)
    if not parsed or any(_exit_trap(c) for c in commands(script)):
        return False
    last = parsed[-1]
    if last.kind == "pipeline":
        return False
    if last.kind == "compound":
        return _if_fails(last, program)
    parts = last.parts if last.kind == "list" else [last]
    sequence = [p for p in parts if not (p.kind == "operator" and p.op == ";" and p is parts[-1])]
    for index, part in enumerate(sequence):
        if part.kind == "command" and _program(part, unwrap=True) == program:
            before = sequence[:index]
            # `true || prog` never runs it, and `exit 0; prog` ends first: something else has the last word.
            if any(p.kind == "operator" and p.op == "||" for p in before) or any(
                p.kind == "command" and _program(p) in ("exit", "return", "exec") for p in before
            ):
                return False
            rest = sequence[index + 1 :]
            # `prog || exit 1` (or `|| false`) hands on a failure as its own: the status stays non-zero.
            if len(rest) == 2 and rest[0].kind == "operator" and rest[0].op == "||" and not shelltree.rescues(rest[1]):
                return True
            if all(p.op == "&&" for p in rest if p.kind == "operator"):
                return True
            # Under `set -e` a failure that ends its and-or list ends the script with the failure's status.
            options: set[str] = set()
            for p in before:
                if shelltree.command_words(p)[:1] == ["set"]:
                    _apply_set(options, shelltree.command_words(p)[1:])
            return "e" in options and rest[0].kind == "operator" and rest[0].op in (";", "\n")
    return False


def _exit_trap(command: Command) -> bool:
    """`trap 'exit 0' EXIT`: the trap's `exit 0` (or 256, …), not the script's last command, sets the status; a
    bare `exit` or `exit $?` in it keeps the status."""
    argv = list(command.argv)
    if argv[:1] != ["trap"] or len(argv) < 3 or not {"EXIT", "0"} & set(argv[2:]):
        return False
    return any(shelltree.zero(m[1]) for m in re.finditer(r"(?:^|[;&|\s])exit\s+(\d+)", argv[1]))


def _if_fails(node: Any, program: str) -> bool:
    """`if prog; then …; else exit 1; fi` (or `if ! prog; then exit 1; fi`): the branch taken on a failure fails."""
    found = [p for p in node.list if p.kind == "if"]
    parts = found[0].parts if len(found) == 1 else []
    marks = [p.word if p.kind == "reservedword" else None for p in parts]
    if not parts or "elif" in marks:
        return False
    condition = [p for p in getattr(parts[1], "parts", [parts[1]]) if p.kind not in ("operator",)]
    inner = condition[0] if len(condition) == 1 else None
    negated = (
        inner is not None
        and inner.kind == "pipeline"
        and any(p.word == "!" for p in inner.parts if p.kind == "reservedword")
    )
    if negated and inner is not None:
        commands_in = [p for p in inner.parts if p.kind == "command"]
        inner = commands_in[0] if len(commands_in) == 1 else None
    if inner is None or inner.kind != "command" or _program(inner, unwrap=True) != program:
        return False
    branch = parts[3] if negated else (parts[marks.index("else") + 1] if "else" in marks else None)
    # In the `then` of `if ! prog`, `$?` is the negation's 0; in the `else` of `if prog`, prog's failure.
    return branch is not None and shelltree.fails(branch, kept_fails=not negated)


def _program(node: Any, unwrap: bool = False) -> str:
    words = tuple(p.word for p in node.parts if p.kind == "word")
    words = unwrapped(words) if unwrap else words
    return PurePosixPath(words[0]).name if words else ""
