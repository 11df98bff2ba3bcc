"""The script the image's ENTRYPOINT runs, found the way the builder put it there (a COPY), and the
values its variables get, as a POSIX shell gives them."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import shelltree
from .copies import copies_of
from .dockerfile import Stage
from .instruction import clean_path
from .shell import commands
from .shellcommand import SHELLS as SHELLS
from .shellcommand import past_init
from .sources import Sources

# Where a program named without a path is looked for when the image's PATH says nothing more (Docker's default).
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def entrypoint_script(sources: Sources) -> str | None:
    """The repository file the final stage's ENTRYPOINT runs, when the stage copies it in."""
    stage = sources.dockerfile.final
    entry = stage.exec_list("ENTRYPOINT")
    if entry is None or not entry[0]:
        return None
    runs = script_path(entry[0], stage)
    for row in copies_of(stage):
        if clean_path(row.destination) == runs and not row.from_stage:
            path = sources.settings.context / row.source
            if path.is_file():
                return sources.settings.relative(path)
    return None


def script_path(argv: list[str], stage: Stage | None = None) -> str:
    """The path an ENTRYPOINT runs: its program past an init (`tini --`, `dumb-init`), or the script a shell it
    names is given (`["sh", "/run.sh"]`); a program named without a path is looked up on the stage's PATH, among
    the files the stage copies in (`docker-entrypoint.sh` in /usr/local/bin)."""
    words = past_init(list(argv)) or list(argv)
    named = words[1] if PurePosixPath(words[0]).name in SHELLS and len(words) > 1 else words[0]
    if "/" in named or stage is None or named is not words[0]:
        return clean_path(named)
    copied = {clean_path(row.destination) for row in copies_of(stage) if not row.from_stage}
    path = stage.env().get("PATH", (DEFAULT_PATH, None))[0]
    folders = [f for f in f"{path}:{DEFAULT_PATH}".split(":") if f.startswith("/")]
    return next((f"{f.rstrip('/')}/{named}" for f in folders if f"{f.rstrip('/')}/{named}" in copied), named)


@dataclass(frozen=True)
class Interpreter:
    """The shell that runs the entrypoint script, and the options it starts with."""

    program: str  # `sh`, or "" when nothing names one
    options: str  # `-eu` from the `#!` line; "" for none
    where: str  # the line that names it
    problem: str | None = None  # why it cannot start the script as written


def interpreter(sources: Sources, script: str) -> Interpreter:
    """ENTRYPOINT's shell when it names one (`["sh", "/entrypoint.sh"]`: the `#!` line is then a comment),
    else the script's `#!` line as the kernel reads it: the interpreter, then at most one word for it."""
    entry = sources.dockerfile.final.exec_list("ENTRYPOINT")
    if entry is not None and PurePosixPath(entry[0][0]).name in SHELLS and len(entry[0]) > 1:
        return Interpreter(PurePosixPath(entry[0][0]).name, "", entry[1].where)
    first = sources.script(script).split("\n", 1)[0]  # the kernel reads to `\n` only, and splits at spaces and tabs
    where = f"{script}:1"
    if not first.startswith("#!") or not first[2:].split():
        return Interpreter("", "", where, f"no `#!` line, the first line {first!r}")
    if set(first) & set("\r\v\f"):  # the kernel splits at spaces and tabs only: the character is in a word
        return Interpreter(first[2:].strip(), "", where, f"`{first!r}`: a control character in a word the kernel "
                           "passes on (a program's name, or its argument)")  # fmt: skip
    words = first[2:].split(None, 1)
    program, options = PurePosixPath(words[0]).name, (words[1].strip() if len(words) > 1 else "")
    split = re.fullmatch(r"(?:-S\s*|--split-string[=\s])(.*)", options) if program == "env" else None
    if split and split[1].split():  # `env -S sh -e -u`: env splits its word, and runs the program with the rest
        program, options = PurePosixPath(split[1].split()[0]).name, " ".join(split[1].split()[1:])
    elif program == "env" and options and not options.startswith("-"):  # env runs its one word as a program's name
        if len(options.split()) > 1:
            return Interpreter(options, "", where, f"env looking for a program named `{options}`")
        program, options = options, ""
    elif len(options.split()) > 1:  # the kernel passes it as one word: `sh '-e -u'` refuses to start
        return Interpreter(program, options, where, f"`{options}` given to {program} as one word, which it refuses")
    if any(re.fullmatch(r"-[A-Za-z]*[sc][A-Za-z]*", o) for o in options.split()):  # the script's path is no script
        return Interpreter(program, options, where, f"`{options}`, with which {program} never runs the script's lines")
    if re.fullmatch(r"-[A-Za-z]*o", options.split()[-1] if options else ""):  # `-o` then takes the path as a name
        return Interpreter(program, options, where, f"`{options}`, which takes the script's path as an option's name")
    return Interpreter(program, options, where)


@dataclass(frozen=True)
class Setting:
    """A value the script gives a variable: a `default` (only when it is unset or empty) or a plain `set`."""

    kind: str  # "default" | "set"
    value: str
    line: int
    text: str  # the words that give it, for a message


def expansion(variable: str, operators: str) -> re.Pattern[str]:
    """`${VARIABLE<op>value}` for the operators given (`:?=` a default it assigns, `:?[-=]` one it uses)."""
    return re.compile(rf"\$\{{{re.escape(variable)}(?P<op>{operators})(?P<value>[^}}]*)\}}")


def settings_of(script: str, variable: str) -> list[Setting]:
    """What the script's unconditional commands do to `variable`, in order, as the shell reads them.

    `${VAR:=v}` (or `${VAR=v}`) in any word defaults it; `VAR=${VAR:-v}` (also `:=`, with `export` or
    `readonly` before it) defaults it too; any other `VAR=…` sets it, even on a condition (then the default
    holds only sometimes). Assignments before a command's program (`VAR=1 cmd`) are that command's only.
    """
    assigning, reading = expansion(variable, ":?="), expansion(variable, ":?[-=]")
    tested = _empty_tested(script, variable)
    found = []
    for command in commands(script):
        words = [*command.argv, *command.assignments]
        for word in words if not command.conditional else ():
            for match in assigning.finditer(word):
                found.append(Setting("default", _unquoted(match["value"]), command.line, word))
        plain = [] if command.argv else list(command.assignments)
        if command.argv[:1] in (("export",), ("readonly",)):
            plain = [w for w in command.argv[1:] if "=" in w]
        for word in plain:
            name, _, value = word.partition("=")
            if name != variable:
                continue
            whole = reading.fullmatch(value) if not command.conditional else None
            if whole is None and command.line in tested and tested[command.line][0] == value:  # what `:=` does
                found.append(Setting("default", _unquoted(value), command.line, tested[command.line][1]))
                continue
            found.append(Setting("default" if whole else "set", whole["value"] if whole else value, command.line, word))
    # `$((NAME=1))`, `$((NAME+=1))`, `$((NAME++))`: arithmetic assigns in the shell itself.
    assigns = re.compile(rf"(?<![\w$]){re.escape(variable)}\s*(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)|(?:\+\+|--)\s*"
                         rf"{re.escape(variable)}\b")  # fmt: skip
    text = shelltree.unescape_continuations(script)
    for match in shelltree.ARITHMETIC.finditer(text):
        if assigns.search(match[0]):
            found.append(Setting("set", match[0], text.count("\n", 0, match.start()) + 1, match[0]))
    return found


def _empty_tested(script: str, variable: str) -> dict[int, tuple[str, str]]:
    """`if [ -z "$VAR" ]; then VAR=v; fi` and `[ -z "${VAR:-}" ] && VAR=v`, which give VAR v when it is unset or
    empty, as `${VAR:=v}` does: {the assignment's line: (v, the words)}."""
    name = re.escape(variable)
    empty = rf'(?:\[|test)\s+-z\s+"\$(?:{name}|\{{{name}(?::?-)?\}})"\s*\]?'
    idiom = re.compile(
        rf"(?:\bif\s+{empty}\s*;?\s*then\s+|{empty}\s*&&\s*){name}=(?P<value>[^\s;&|]+)(?=\s*(?:;\s*fi\b|\n|$))"
    )
    text = shelltree.unescape_continuations(script)
    return {text.count("\n", 0, m.start("value")) + 1: (m["value"], m[0]) for m in idiom.finditer(text)}


def _unquoted(value: str) -> str:
    """A default as the shell gives it: `${VAR:="30"}` is 30."""
    try:
        return "".join(shlex.split(value)) if set(value) & set("'\"\\") else value
    except ValueError:
        return value


def default_of(script: str, variable: str) -> tuple[Setting | None, Setting | None]:
    """(the first default the script gives the variable, the first plain setting of it): a plain setting,
    before the default or after it, decides the value whatever the environment says."""
    found = settings_of(script, variable)
    default = next((s for s in found if s.kind == "default"), None)
    return default, next((s for s in found if s.kind == "set"), None)
