"""A container's health test as Docker runs it: which command's exit status becomes the test's.

`["CMD-SHELL", script]` and `["CMD", "sh", "-c", script]` are scripts a shell runs; `["CMD", argv…]` runs argv.
Wrappers that hand on the status of what they run (`exec`, `timeout 5`, `env A=1`) are looked through.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import shell
from .shellcommand import SHELLS, unwrapped

# Shell options that take the next word: `bash -o pipefail -c …`.
SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


@dataclass(frozen=True)
class Reading:
    """The command that decides the test (`argv`, wrappers looked through), or why none does (`problem`)."""

    shown: str
    argv: tuple[str, ...] = ()
    problem: str | None = None


def shell_script(argv: Sequence[str]) -> str | None:
    """The script of `sh -c script` (and `bash -ec`, `/bin/sh -o pipefail -c`), else None."""
    argv = unwrapped(tuple(argv))
    if not argv or PurePosixPath(argv[0]).name not in SHELLS:
        return None
    words, reads_script = list(argv[1:]), False
    while words and words[0][:1] in "-+" and words[0] not in ("-", "--"):
        option = words.pop(0)
        if option in SHELL_VALUE_OPTIONS and words:
            words.pop(0)
        elif not option.startswith("--") and "c" in option[1:]:
            reads_script = True
    if words and words[0] == "--":
        words.pop(0)
    return words[0] if reads_script and words else None


def read(test: Sequence[str], tool: str, runs: Callable[[tuple[str, ...]], bool]) -> Reading:
    """The health test read for the command `runs` recognises (`tool` names it in the problems)."""
    if not test or test[0] == "NONE":
        return Reading("", problem="no health check")
    argv = tuple(test[1:]) if test[0] in ("CMD", "CMD-SHELL") else tuple(test)
    # Docker runs CMD-SHELL as `/bin/sh -c test[1] test[2]…`: the script is the first, the rest its `$0`, `$1`…
    script = (argv[0] if argv else "") if test[0] == "CMD-SHELL" else shell_script(argv)
    if script is None:
        shown = " ".join(argv)
        argv = unwrapped(argv)
        if not argv or not runs(argv):
            return Reading(shown, problem=f"`{shown}`, which does not run {tool}")
        return Reading(shown, argv)
    try:
        used = [unwrapped(c.argv) for c in shell.commands(script) if unwrapped(c.argv) and runs(unwrapped(c.argv))]
        if not used:
            return Reading(script, problem=f"`{script}`, which does not run {tool}")
        if not shell.failure_propagates(script, PurePosixPath(used[-1][0]).name):
            return Reading(script, problem=f"`{script}`, whose exit status is not {tool}'s: it can never fail")
    except shell.ShellError as error:
        return Reading(script, problem=f"`{script}`, which no shell parser reads ({error})")
    return Reading(script, used[-1])


def disabled(test: object) -> bool:
    """A health test that switches the check off (`NONE`, in the image config or compose's `test:`)."""
    words = [test] if isinstance(test, str) else list(test) if isinstance(test, (list, tuple)) else []
    return bool(words) and str(words[0]).upper() == "NONE"


def compose_test(test: object) -> tuple[str, ...]:
    """Compose's `test:` as the engine's config holds it: a string is `CMD-SHELL` (`$$` is one `$`)."""
    if isinstance(test, str):
        return ("CMD-SHELL", test.replace("$$", "$"))
    return tuple(str(word).replace("$$", "$") for word in test) if isinstance(test, (list, tuple)) else ()
