"""The entrypoint script's steps: found by their words, whole, run for real, in the order a page lists them.

A step is an unconditional command of the script the final stage's ENTRYPOINT runs. The page's
command is compared whole (after one spelling per meaning: `python3` is `python`); a label whose
sentence names only the start of a command says how the rest must read (`rest=`). A step after the
hand-over (`exec "$@"`) or an `exit` never runs. Step claims listed one after another in a page's
list run in that order: a label joins the list with `ordered(LABEL)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from ..errors import ClaimFailed
from ..model import shell
from ..model.scripts import entrypoint_script
from ..model.shell import Command
from ..model.shellcommand import past_command
from ..model.sources import Sources
from ..read import items as item_reader
from .health import never_checks
from .label import Claim, Label, fail

Spelling = Callable[[tuple[str, ...]], tuple[str, ...]]
# Labels whose claims are entrypoint steps: listed one after another, they run in that order.
ORDERED: set[str] = set()


def ordered(label: Label[Any]) -> Label[Any]:
    """Make `label`'s claims steps whose order the page's list gives."""
    ORDERED.add(label.name)
    return label


def script_of(claim: Claim[Any], sources: Sources) -> str:
    found = entrypoint_script(sources)
    if found is None:
        where = sources.dockerfile.final.where()
        raise ClaimFailed(
            f"{claim.where()} {claim.title}: docs describe an entrypoint script; {where} has no "
            "ENTRYPOINT that runs a script the Dockerfile copies in"
        )
    return found


def steps(sources: Sources, script: str) -> list[Command]:
    return shell.commands(sources.script(script))


def _ends(command: Command) -> bool:
    """Nothing after it runs: an unconditional `exec` of a program, or an unconditional `exit`."""
    if command.conditional or command.chained or command.background or command.subshell:
        return False
    run = past_command(command.argv)  # `command exec …` execs too
    return (run[:1] == ("exec",) and len(run) > 1) or run[:1] == ("exit",)


def _run(sources: Sources, script: str) -> list[tuple[Command, Command | None]]:
    """Each unconditional command, with the command before it that ended the script (None: it runs)."""
    found: list[tuple[Command, Command | None]] = []
    ended: Command | None = None
    for command in steps(sources, script):
        if not command.conditional:
            found.append((command, ended))
        ended = ended or (command if _ends(command) else None)
    return found


def _from(workdir: str, spelling: Spelling) -> Spelling:
    """A path under the working directory the script starts in names the file its relative name does
    (`python /app/manage.py` in /app is `python manage.py`; `/app/manage.py` run by its `#!` line, `./manage.py`)."""
    prefix = workdir.rstrip("/") + "/"

    def spelled(argv: tuple[str, ...]) -> tuple[str, ...]:
        # The program, or the script an interpreter runs: other words are its arguments, whatever they look like.
        script = 1 if argv and re.fullmatch(r"(python|sh|bash|dash)[0-9.]*", argv[0].rsplit("/", 1)[-1]) else 0
        inside = [n in (0, script) and w.startswith(prefix) and len(w) > len(prefix) for n, w in enumerate(argv)]
        words = (("./" if n == 0 else "") + w[len(prefix) :] if inside[n] else w for n, w in enumerate(argv))
        return spelling(tuple(words))

    return spelled


def _exact(rest: tuple[str, ...]) -> str | None:
    return f"more words, {' '.join(rest)}" if rest else None


def step(
    claim: Claim[Any],
    sources: Sources,
    wanted: str,
    spelling: Spelling,
    idle: Collection[str] = frozenset(),
    rest: Callable[[tuple[str, ...]], str | None] = _exact,
) -> tuple[str, Command]:
    """The unconditional step the claim names, run for real, whole: (the script, the command).

    `rest` says why the words after the named ones do not belong to the sentence (None: they do);
    by default there may be none."""
    script = script_of(claim, sources)
    home = sources.stage(claim).workdir()
    spelling = _from(home[0], spelling) if home and home[0] != "/" else spelling  # `/usr/bin/x` stays a path
    words = spelling(tuple(shell.commands(wanted)[0].argv))
    redefined = {spelling((name,))[0] for name in shell.shadowed(sources.script(script))} & {words[0]}
    if redefined:
        fail(claim, f"`{wanted}` run at every start", f"{words[0]} redefined by the script (function or alias)", script)
    problems = []  # (what the script has, where) for each command that starts with the words but is not the step
    for command, ended in _run(sources, script):
        if spelling(command.argv)[: len(words)] != words:
            continue
        shown, where = f"`{' '.join(command.argv)}`", f"{script}:{command.line}"
        printing = never_checks(command.argv[len(words) - 1 :]) or next(
            (w for w in command.argv[len(words) :] if w in idle), None
        )
        extra = rest(tuple(spelling(command.argv)[len(words) :]))
        if printing:
            problems.append((f"{shown}, which only prints ({printing})", where))
        elif command.assignments:  # `DATABASE_URL=… migrate`: the step runs against something else
            written = " ".join((*command.assignments, *command.argv))
            problems.append((f"`{written}`, its environment set apart from the start-up's", where))
        elif extra:
            problems.append((f"{shown} ({extra})", where))
        elif ended is not None:
            problems.append((f"{shown} after `{' '.join(ended.argv)}` (line {ended.line}), so it never runs", where))
        else:
            _in_order(claim, sources, script, command, spelling)
            return script, command
    has, where = problems[0] if problems else ("no such unconditional step", script)
    fail(claim, f"`{wanted}` run at every start, these words whole", has, where)


def _in_order(claim: Claim[Any], sources: Sources, script: str, found: Command, spelling: Spelling) -> None:
    """The step listed just before this claim (in the same list of the page) runs before it."""
    page = item_reader.read(claim.page, sources.text(claim.page))
    before = [
        i
        for i in page.items
        if i.line < claim.line and i.label in ORDERED and not i.nested and i.headings == claim.item.headings
    ]
    if not before or not before[-1].values:
        return
    previous = before[-1].values[0]
    words = spelling(tuple(shell.commands(previous)[0].argv))
    run = [c for c, _ in _run(sources, script)]  # in the order they run: a function's body runs at its call
    lines = [c.line for c in run if spelling(c.argv)[: len(words)] == words]
    firsts = [n for n, c in enumerate(run) if spelling(c.argv)[: len(words)] == words]
    if firsts and firsts[0] > run.index(found):
        fail(
            claim,
            f"`{' '.join(found.argv)}` after `{previous}`, as {before[-1].where()} lists them",
            f"it first, at line {found.line}, and `{previous}` at line {lines[0]}",
            f"{script}:{found.line}",
        )
