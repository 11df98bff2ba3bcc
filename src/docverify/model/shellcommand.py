"""One simple command of a shell script, as the parser found it: its words, where it runs, how its failure counts."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

# `$NAME`, `${NAME}`, `${NAME:-x}`, `${#NAME}`: a parameter read by name, whole (`$NAME2` is another).
PARAMETER = re.compile(r"\$(?:\{[#!]?(?P<braced>[A-Za-z_][A-Za-z0-9_]*)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
# Programs that are a POSIX-like shell: `sh -c script`, or an ENTRYPOINT that runs a script with one.
SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "zsh", "busybox"})
# Tools whose `python -m` form is the tool itself.
MODULE_TOOLS = ("pip", "poetry")
# Options before a subcommand that take a value as the next word.
GLOBAL_VALUE_OPTIONS = {"--python", "--cache-dir", "--log", "--proxy", "--directory", "-C", "--project", "-P", "-o"}


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
    subshell: bool = False  # in `( … )` or a pipeline: what its `set`, `exec`, `exit` or `shift` does ends with it
    call: bool = False  # a call of a function the script defines: the body's commands follow, as they run
    writes: tuple[str, ...] = ()  # the files its output redirections write (`>> /etc/hosts`; not /dev/…)
    rescue: bool = False  # right after `||`: its `$?` is the status of what failed before it

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
        """`--help` or `--version` among its options: the tool prints and exits, doing nothing else. After a shell's
        or Python's `-c` they are the script's arguments (`sh -c 'step' --version` runs the step)."""
        words = self.argv[1 : self.argv.index("--")] if "--" in self.argv else self.argv[1:]
        scripted = self.program in SHELLS or re.fullmatch(r"python[0-9.]*", self.program)
        words = words[: words.index("-c")] if scripted and "-c" in words else words
        return "--help" in words or "--version" in words

    def invocation(self) -> tuple[str, ...]:
        """The argv as it runs behind a wrapper (`exec`, `nice`, `timeout 5`, `env A=1`), with `python -m pip` spelled
        `pip` (and `python -m poetry`, `poetry`): one name for one tool."""
        argv = unwrapped(self.argv)
        if (
            len(argv) > 2
            and re.fullmatch(r"python3?(\.\d+)?", PurePosixPath(argv[0]).name)
            and argv[1] == "-m"
            and argv[2] in MODULE_TOOLS
        ):
            prefix = str(PurePosixPath(argv[0]).parent)
            tool = argv[2] if prefix in (".", "") else f"{prefix}/{argv[2]}"
            return (tool, *argv[3:])
        return argv

    @property
    def exported(self) -> tuple[str, ...]:
        """The NAME=value words the program runs with beyond the shell's: prefix assignments, and an `env`'s."""
        given = list(self.assignments)
        if self.argv and PurePosixPath(self.argv[0]).name == "env":
            for word in self.argv[1:]:
                if not word.startswith("-") and "=" not in word:
                    break
                given += [word] if "=" in word and not word.startswith("-") else []
        return tuple(given)

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


# Programs that run the command after their own words and hand on its exit status (or a failure of their own):
# each maps its options that take a value as the next word; `timeout` then takes a duration.
WRAPPERS: dict[str, frozenset[str]] = {
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
}


def unwrapped(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The command a wrapper runs: `exec pg_isready`, `timeout 5 curl …` and `env A=1 curl …` run
    `pg_isready` and `curl`, whose status becomes the wrapper's. Others stay as they are."""
    while argv and PurePosixPath(argv[0]).name in WRAPPERS:
        name, rest = PurePosixPath(argv[0]).name, list(argv[1:])
        if name == "command" and any(w[:1] == "-" and set(w[1:]) & {"v", "V"} for w in rest[:2]):
            return argv  # `command -v X` only says where X is
        while rest and rest[0].startswith("-") and rest[0] != "-":
            option = rest.pop(0)
            if option == "--":
                break
            if option in WRAPPERS[name] and rest:
                rest.pop(0)
        if name == "env":
            while rest and "=" in rest[0]:
                rest.pop(0)
        elif name == "timeout" and rest:
            rest.pop(0)  # the duration
        if not rest:
            return argv  # a wrapper alone (`exec` with redirections only, `env`) runs nothing else
        argv = tuple(rest)
    return argv


def past_command(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The words past the builtin `command` (and its `-p`), which runs a builtin as it is: `command exec "$@"`
    execs as `exec "$@"` does. `command -v` only says what a name is: left as it is."""
    words = argv
    while words[:1] == ("command",):
        rest = words[1:]
        while rest[:1] in (("-p",), ("--",)):
            rest = rest[1:]
        if rest[:1] in (("-v",), ("-V",)):
            return argv
        words = rest
    return words


def each_word(argv: tuple[str, ...], loops: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, ...]]:
    """The argv once for each word an enclosing loop's variable it names takes (`$pkg`, `${pkg}`), else as it is:
    `for pkg in gcc make; do apt-get install "$pkg"; done` installs gcc, then make."""
    found = [argv]
    for name, items in (loop for loop in loops if any(re.search(rf"\${{?{loop[0]}\b", w) for w in argv)):
        escaped = [item.replace("\\", "\\\\") for item in items]  # re.sub reads a replacement's backslashes
        found = [tuple(re.sub(rf"\${{?{name}\b}}?", item, w) for w in a) for a in found for item in escaped]
    return found


# Programs that run the words after their own: the options that take a value, and how many words (a user) follow.
INITS: dict[str, tuple[frozenset[str], int]] = {
    "tini": (frozenset({"-p", "-e"}), 0),
    "dumb-init": (frozenset({"-r", "--rewrite"}), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
}


def past_init(words: list[str]) -> list[str]:
    """The words a wrapper runs (`tini --`, `dumb-init`, `gosu USER`, `su-exec USER`): the program and its own."""
    while words and posixpath.basename(words[0]) in INITS:
        takes, users = INITS[posixpath.basename(words[0])]
        queue = words[1:]
        while queue and queue[0].startswith("-"):
            option = queue.pop(0)
            if option == "--":
                break
            if option in takes and queue:
                queue.pop(0)
        words = queue[users:]
    return words
