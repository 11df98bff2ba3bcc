"""The entrypoint script's shell and the options in effect at every step, so that a failed step stops the start.

The shell is the one ENTRYPOINT names, else the script's `#!` line, whose one word of options counts too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import shell
from ..model.scripts import entrypoint_script, interpreter
from ..model.sources import Sources
from .label import Cites, Claim, Label, fail
from .steps import script_of, steps


@dataclass(frozen=True)
class ShellArgs:
    shell: str
    options: str
    posix: bool = False  # "POSIX `sh`": a POSIX shell, not bash or zsh


POSIX_SHELLS = {"sh", "dash", "ash", "posh", "busybox"}


def _shell(sources: Sources) -> Iterable[tuple[int | None, ShellArgs]]:
    script = entrypoint_script(sources)
    if script is None:
        return
    run = interpreter(sources, script)
    options = shell.set_options(sources.script(script), run.options)
    if run.program and not run.problem and "e" in options:
        yield None, ShellArgs(run.program, shown_options(options).strip("`"))  # `set -eu -o pipefail`: all of them


SHELL = Label(
    "Shell",
    ShellArgs,
    ["[{posix=POSIX}] {shell} with {options}, so a failed step stops the start-up"],
    example=ShellArgs("sh", "set -eu"),
    summary="The entrypoint script's shell and the options in effect at every step; a failed step stops the start.",
    scope="image",
    suggest=_shell,
)


def shown_options(options: Iterable[str]) -> str:
    """`set -eu -o pipefail`, as a script turns them on; `no option` for none."""
    letters = "".join(sorted(o for o in options if len(o) == 1))
    words = [f"-{letters}"] if letters else []
    words += [f"-o {name}" for name in sorted(o for o in options if len(o) > 1)]
    return f"`set {' '.join(words)}`" if words else "no option"


@SHELL.static(
    "the shell ENTRYPOINT names, else the `#!` line and its options; the options a shell parser sees `set` turn on "
    "(not in a subshell), in effect at every step; no step's failure handled by `||`, `&&`, `&` or `if`, nor "
    "turned into success by an EXIT trap"
)
def shell_static(claim: Claim[ShellArgs], sources: Sources) -> Cites:
    script = script_of(claim, sources)
    program, options, text = claim.args.shell, claim.args.options, sources.script(script)
    run = interpreter(sources, script)
    if run.problem or run.program != program:
        fail(claim, f"a {program} script", run.problem or f"{run.program}, named there", run.where)
    if claim.args.posix and program not in POSIX_SHELLS:
        fail(claim, f"a POSIX shell, {program}", f"{program}, not one of {sorted(POSIX_SHELLS)}", run.where)
    wanted = shell.set_options(options)
    have = shell.set_options(text, run.options)
    if not wanted or not wanted <= have:
        sets = [c for c in shell.commands(text) if shell.sets_options(c)]
        where = f"{script}:{sets[-1].line}" if sets else run.where
        fail(claim, f"{shown_options(wanted)} in effect", shown_options(have) if sets or run.options else "no `set`",
             where)  # fmt: skip
    if "n" in have - wanted:  # noexec: sh reads the rest of the script without running any of it
        noexec = [c for c in shell.commands(text) if shell.sets_options(c) and "n" in shell.set_options(
            " ".join(c.argv))]  # fmt: skip
        fail(claim, shown_options(wanted), f"{shown_options(have)}: nothing after it runs",
             f"{script}:{noexec[0].line if noexec else 1}")  # fmt: skip
    # In effect at every step, not only by the end: `set -e` after the steps stops none of them.
    for command, now in shell.options_at(text, run.options):
        if command.program not in ("set", "echo", ":") and command.argv and not wanted <= now:
            fail(
                claim,
                f"{shown_options(wanted)} for every step",
                f"`{' '.join(command.argv)}` run with {shown_options(now)}",
                f"{script}:{command.line}",
            )
    # Tests (`[ -n "$X" ] && ...`) are conditions, not steps: their failing is how they answer. A negated step,
    # and one piped into another without `pipefail`, never fails the script either.
    handled = [
        (c, why)
        for c, now in shell.options_at(text, run.options)
        if (why := c.failure_ignored(now)) and c.program not in ("echo", ":", "true", "[", "test")
    ]
    if handled and "e" in wanted:
        step, why = handled[0]
        fail(
            claim,
            "a failed step stops the start-up",
            f"`{' '.join(step.argv)}` {why}, so its failure carries on",
            f"{script}:{step.line}",
        )
    masking = [c for c in steps(sources, script) if c.program == "trap" and not c.subshell and _exits_0(c.argv[1:])]
    if masking and "e" in wanted:
        fail(claim, "a failed step stops the start-up with its failure", f"`{' '.join(masking[0].argv)}`: the "
             "shell exits 0 on its way out, whatever failed", f"{script}:{masking[0].line}")  # fmt: skip
    set_lines = [c.line for c in steps(sources, script) if shell.sets_options(c)]
    return [*dict.fromkeys([run.where, f"{script}:1"]), *(f"{script}:{n}" for n in set_lines)]


def _exits_0(words: tuple[str, ...]) -> bool:
    """`trap 'exit 0' EXIT`: the shell's last act is an `exit 0` of its own, so a failed step ends it in success."""
    if len(words) < 2 or words[0] in ("-", "-p", "-l", "--"):
        return False
    on_exit = any(word.upper() in ("EXIT", "0", "SIGEXIT") for word in words[1:])
    return on_exit and any(c.program == "exit" and c.argv[1:2] == ("0",) for c in shell.commands(words[0]))
