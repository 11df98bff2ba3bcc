"""Shell scripts read by a real parser (bashlex, via `shelltree`): simple commands, `set` options, exit status.

Comments, quoting, `&&`/`||`, `if` bodies and assignments are understood: `set -u  # was: set -eu` sets `u` only.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from . import shelltree
from .shelltree import ShellError as ShellError

ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# `$NAME`, `${NAME}`, `${NAME:-x}`, `${#NAME}`: a parameter read by name, whole (`$NAME2` is another).
PARAMETER = re.compile(r"\$(?:\{[#!]?(?P<braced>[A-Za-z_][A-Za-z0-9_]*)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
# Options before a subcommand that take a value as the next word.
GLOBAL_VALUE_OPTIONS = {"--python", "--cache-dir", "--log", "--proxy", "--directory", "-C", "--project", "-P"}


@dataclass(frozen=True)
class Command:
    """One simple command: its words (quotes removed), env prefixes and context."""

    argv: tuple[str, ...]
    assignments: tuple[str, ...] = ()
    conditional: bool = False  # inside if/case/loops, after `||`, or `b` of `a && b || c`: may not run
    line: int = 1  # 1-based line in the script
    guarded: bool = False  # followed by `||`: its failure is handled, `set -e` never sees it
    background: bool = False  # followed by `&`: the script goes on without it
    chained: bool = False  # after `&&` or `||`: runs only as the command before it turns out
    negated: bool = False  # in a `! …` pipeline: `set -e` never sees it fail
    piped: bool = False  # not the last of a pipeline: its status is lost unless `pipefail` is on
    expands: frozenset[str] | None = None  # the parameters the shell expands ('$X' in single quotes is none)

    @property
    def program(self) -> str:
        return PurePosixPath(self.argv[0]).name if self.argv else ""

    def failure_ignored(self, options: frozenset[str] = frozenset()) -> str | None:
        """Why the script goes on when this command fails, even under `set -e` (with `options` in effect)."""
        if self.background:
            return "in the background"
        if self.negated:
            return "negated by `!`"
        if self.guarded:
            return "handled by && or ||"
        if self.piped and "pipefail" not in options:
            return "piped without `pipefail`"
        return None

    @property
    def inert(self) -> bool:
        """`--help` or `--version` among its options: the tool prints and exits, doing nothing else."""
        words = self.argv[1 : self.argv.index("--")] if "--" in self.argv else self.argv[1:]
        return "--help" in words or "--version" in words

    def invocation(self) -> tuple[str, ...]:
        """The argv with `python -m pip` spelled `pip`: one name for one tool."""
        argv = self.argv
        if (
            len(argv) > 2
            and re.fullmatch(r"python3?(\.\d+)?", PurePosixPath(argv[0]).name)
            and argv[1:3] == ("-m", "pip")
        ):
            prefix = str(PurePosixPath(argv[0]).parent)
            tool = argv[2] if prefix in (".", "") else f"{prefix}/{argv[2]}"
            return (tool, *argv[3:])
        return argv

    def runs(self, program: str, *subcommand: str) -> bool:
        argv = self.invocation()
        if not argv or PurePosixPath(argv[0]).name != program:
            return False
        words, skip = [], False
        for word in argv[1:]:
            if skip:
                skip = False
            elif word in GLOBAL_VALUE_OPTIONS:
                skip = True  # `pip --python /venv/bin/python install`: the value is no subcommand
            elif not word.startswith("-"):
                words.append(word)
        return list(words[: len(subcommand)]) == list(subcommand)

    def reads(self, name: str) -> bool:
        """Whether a word or an assignment of the command expands the parameter `name` (by its whole name)."""
        if self.expands is not None:
            return name in self.expands
        return any(name in parameters(word) for word in (*self.argv, *self.assignments))

    def operands(self, after: int = 1) -> list[str]:
        """Arguments that are neither options nor option values we know take one."""
        return [w for w in self.invocation()[after:] if not w.startswith("-")]


def parameters(word: str) -> set[str]:
    """The parameters a word expands: `--timeout=${DB_WAIT_TIMEOUT:-30}` -> {DB_WAIT_TIMEOUT}."""
    return {m["braced"] or m["plain"] for m in PARAMETER.finditer(word)}


def _line_of(script: str, offset: int) -> int:
    return script.count("\n", 0, offset) + 1


class _Walker:
    def __init__(self, script: str) -> None:
        self.script = script
        self.found: list[Command] = []
        self.functions: set[str] = set()

    def walk(
        self, node: Any, conditional: bool, guarded: bool = False, background: bool = False, chained: bool = False
    ) -> None:
        kind = node.kind
        if kind == "command":
            words = [p.word for p in node.parts if p.kind == "word"]
            assignments = tuple(p.word for p in node.parts if p.kind == "assignment")
            if words or assignments:
                line = _line_of(self.script, node.pos[0])
                expands = shelltree.expanded(node)
                self.found.append(
                    Command(tuple(words), assignments, conditional, line, guarded, background, chained, expands=expands)
                )
            for part in node.parts:  # $(...) inside words
                for child in getattr(part, "parts", []) or []:
                    if child.kind == "commandsubstitution":
                        self.walk(child.command, True)
            return
        if kind == "list":
            after_or = after_and = False
            parts = list(node.parts)
            for index, part in enumerate(parts):
                if part.kind == "operator":
                    after_or, after_and = part.op == "||", part.op == "&&"
                    continue
                following = parts[index + 1] if index + 1 < len(parts) else None
                # `a || b` (b no exit), `a && b` (a not last), `a &`: `set -e` does not stop when `a` fails.
                op = following.op if following is not None and following.kind == "operator" else None
                handled = op in ("&&", "&") or (op == "||" and shelltree.rescues(parts[index + 2]))
                after = after_or or after_and
                # `a && b || c`: when `a` fails, `b` never runs and `c` rescues the list (unless `c` exits).
                later = enumerate(parts[index + 1 :], index + 1)
                ends = [n for n, p in later if p.kind == "operator" and p.op in shelltree.STOPS]
                rescued = bool(ends) and parts[ends[0]].op == "||" and shelltree.rescues(parts[ends[0] + 1])
                skipped = after_or or (after_and and rescued)
                self.walk(part, conditional or skipped, guarded or handled, background or op == "&", chained or after)
            return
        if kind == "pipeline":
            negated = any(p.kind == "reservedword" and p.word == "!" for p in node.parts)
            members = [p for p in node.parts if p.kind not in ("reservedword", "pipe")]
            for index, part in enumerate(members):
                start = len(self.found)
                self.walk(part, conditional, guarded, background, chained)
                piped = index < len(members) - 1
                self.found[start:] = [
                    dataclasses.replace(c, negated=c.negated or negated, piped=c.piped or piped)
                    for c in self.found[start:]
                ]
            return
        if kind == "function":
            name = next((p.word for p in node.parts if p.kind == "word"), "")
            self.functions.add(name)
            for part in node.parts:
                if part.kind == "compound":
                    self.walk(part, True)  # a function body runs only where it is called
            return
        if kind in ("if", "while", "until", "for", "case"):
            for part in node.parts:
                if part.kind not in ("reservedword", "operator"):
                    self.walk(part, True)
            return
        for part in getattr(node, "parts", None) or getattr(node, "list", None) or []:
            if part.kind not in ("reservedword", "operator"):
                self.walk(part, conditional, guarded, background, chained)


def trees(script: str) -> list[Any]:
    return list(_trees(script))


@lru_cache(maxsize=512)
def _trees(script: str) -> tuple[Any, ...]:
    return tuple(shelltree.parse(shelltree.unescape_continuations(script)))


def commands(script: str) -> list[Command]:
    """Every simple command, in order. Falls back to a plain split when bashlex cannot read it."""
    return list(_commands(script))


@lru_cache(maxsize=512)
def _commands(script: str) -> tuple[Command, ...]:
    text = shelltree.unescape_continuations(script)
    try:
        parsed = trees(script)
    except ShellError:
        return tuple(_fallback(text))
    walker = _Walker(text)
    for tree in parsed:
        walker.walk(tree, False)
    return tuple(walker.found)


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
    try:
        parsed = trees(script)
    except ShellError:
        return set()
    walker = _Walker(shelltree.unescape_continuations(script))
    for tree in parsed:
        walker.walk(tree, False)
    aliases = {w.split("=", 1)[0] for c in walker.found if c.program == "alias" for w in c.argv[1:] if "=" in w}
    return walker.functions | aliases


def set_options(script: str) -> set[str]:
    """Options the script turns on with unconditional top-level `set` commands."""
    options: set[str] = set()
    for command in commands(script):
        if command.program == "set" and not command.conditional:
            _apply_set(options, list(command.argv[1:]))
    return options


def options_at(script: str) -> list[tuple[Command, frozenset[str]]]:
    """Each command with the options in effect when it runs: the unconditional `set`s before it."""
    options: set[str] = set()
    found = []
    for command in commands(script):
        found.append((command, frozenset(options)))
        if command.program == "set" and not command.conditional:
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

    True for `prog`, `a && prog` and `prog && b`; false for `prog || true`,
    `prog; true` and `prog | cat`, where something else has the last word.
    """
    parsed = trees(script)
    if not parsed:
        return False
    last = parsed[-1]
    if last.kind == "pipeline":
        return False
    parts = last.parts if last.kind == "list" else [last]
    sequence = [p for p in parts if not (p.kind == "operator" and p.op == ";" and p is parts[-1])]
    for index, part in enumerate(sequence):
        if part.kind == "command" and _program(part) == program:
            rest = [p.op for p in sequence[index + 1 :] if p.kind == "operator"]
            return all(op == "&&" for op in rest)
    return False


def _program(node: Any) -> str:
    words = [p.word for p in node.parts if p.kind == "word"]
    return PurePosixPath(words[0]).name if words else ""
