"""Reverse coverage: every Dockerfile instruction and every step of the entrypoint script is claimed.

The static pass returns the lines each check relied on; whatever no claim cites is undocumented.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath
from typing import Any

from ..errors import ClaimFailed, DocverifyError
from ..model import shell, shelltree
from ..model.instruction import Instruction
from ..model.scripts import entrypoint_script
from ..vocabulary.commands import RUNS, RunsArgs, a_step, as_written, described_by, undescribed
from ..vocabulary.common import attempted
from ..vocabulary.label import Claim
from ..vocabulary.stage import BuildArgumentArgs
from .walk import Walk


def cited(walk: Walk) -> set[str]:
    """The lines the static proofs cite; a failing claim cites nothing, so what it read counts as covered
    (its own failure says what is wrong; coverage would only repeat it)."""
    found = {cite for outcome in walk.static().values() for cite in outcome.cites} | read_by_failures(walk)
    return found | _arguments_read(walk, found)


def read_by_failures(walk: Walk) -> set[str]:
    """The lines failing claims read: the instructions and script lines their inputs name."""
    found: set[str] = set()
    stages = walk.sources.dockerfile.stages
    for outcome in walk.static().values():
        if outcome.failure is None:
            continue
        for name in outcome.inputs:
            kind, _, rest = name.partition(":")
            if name == "dockerfile:stages":
                found |= {stage.from_instruction.cite for stage in stages}
            elif name == "dockerfile:args":
                found |= {arg.cite for arg in walk.sources.dockerfile.global_args}
            elif (kind == "dockerfile" and rest.count(":") == 1) or kind == "argv":
                # `dockerfile:N:CMD?` read whether there is one, `argv:N:…` a CMD's words: those instructions
                key, _, keyword = rest.partition(":")
                keyword = "CMD" if kind == "argv" else keyword.rstrip("?")
                stage = stages[int(key)] if key.isdigit() and int(key) < len(stages) else None
                found |= {i.cite for i in stage.body if keyword in ("*", i.keyword)} if stage else set()
            elif kind == "script":  # cited as the claims cite it: its path from the root (`docker/entrypoint.sh:3`)
                lines = len((walk.sources.root / rest).read_text().splitlines()) if rest != "entrypoint" else 0
                found |= {f"{rest}:{n}" for n in range(1, lines + 1)}
    return found


def _arguments_read(walk: Walk, found: set[str]) -> set[str]:
    """The ARGs a cited instruction expands (`USER $APP_USER`): the value it proves is theirs too."""
    read = set()
    for stage in walk.sources.dockerfile.stages:
        declared = [*walk.sources.dockerfile.global_args, *stage.all("ARG")]
        for instruction in (i for i in stage.instructions if i.cite in found and "$" in i.value):
            names = shell.parameters(instruction.value)
            read |= {
                a.cite for a in declared if a.value.partition("=")[0].strip() in names and a.line < instruction.line
            }
    return read


def script_steps(text: str) -> list[tuple[int, str]]:
    """Lines of a script that do something, once per step on them: the shebang and every command but `echo`
    (and a function's call, whose body's commands are the steps)."""
    lines = text.splitlines()
    steps = [(1, lines[0].strip())] if lines and lines[0].startswith("#!") else []
    seen: dict[int, set[tuple[str, ...]]] = {}
    before = None
    for command in shell.commands(text):
        # A pipe's later command reads the step's output: it belongs to the step, as `&& true` does.
        downstream = before is not None and before.piped and before.line == command.line
        before = command
        if (command.program in ("echo", "printf", ":") and not command.writes) or command.call:
            continue
        # Each line once, then once more for each further command on it that always runs and does something (a
        # function's body runs at each call, but its lines are its own).
        extra = not (command.conditional or downstream or command.program in ("true", "false"))
        if command.line not in seen or (extra and command.argv not in seen[command.line]):
            steps.append((command.line, lines[command.line - 1].strip()))
        seen.setdefault(command.line, set()).add(command.argv)
    # `: "${VAR:=default}"` sets a default: a step of its own.
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith(': "${') and number not in seen:
            steps.append((number, line.strip()))
    return sorted(steps)


def attached(text: str) -> dict[int, int]:
    """Lines that belong to another step's line: an `if`'s test on a line of its own goes with what it guards (the
    next command, on a later line), and a failing `exit` on a condition with the step whose failure it handles (the
    command before it that is no message). A multi-line `if` is then documented as its one-line spelling is."""
    found: dict[int, int] = {}
    commands = [c for c in shell.commands(text) if not (c.program in ("echo", "printf") and not c.writes)]
    for at, command in enumerate(commands):
        before, after = commands[at - 1] if at else None, commands[at + 1] if at + 1 < len(commands) else None
        status = command.argv[1] if len(command.argv) > 1 else ""
        # `exit 1`, `return 1`; `exit $?` where `$?` is the failure it rescues (right after `||`).
        kept = command.rescue and status in ("", *shelltree.KEEPS)
        failing = (
            command.program in ("exit", "return")
            and command.conditional
            and ((status.isdigit() and not shelltree.zero(status)) or kept)
        )
        # Only a test whose answer is taken (an `if`'s, or one before `&&`/`||`): alone, under `set -e`, it asserts.
        test = command.program in ("[", "test", "[[") and not command.writes and command.guarded
        if test and after and after.line > command.line:
            found[command.line] = after.line
        elif failing and before and before.line < command.line:
            found[command.line] = before.line
    return found


def undocumented(walk: Walk) -> list[str]:
    """What no claim cites: Dockerfile instructions, and script steps (a line with two steps, `migrate; rm -rf
    static`, needs a claim for each, so one added to a cited line is undocumented too)."""
    seen = cited(walk)
    citing = Counter(cite for outcome in walk.static().values() for cite in set(outcome.cites))
    dockerfile = walk.sources.dockerfile
    missing = [f"{i.where} {i.keyword} {i.value[:70]}" for i in dockerfile.instructions if i.cite not in seen]
    missing += _unnamed_runs(walk)
    script = entrypoint_script(walk.sources)
    if script:
        name = PurePosixPath(script).as_posix()  # as the claims cite it
        steps = script_steps(walk.sources.text(script))
        on_line = Counter(number for number, _ in steps)
        read = seen - set(citing)  # what failing claims read: their own failures say what is wrong there
        belongs = attached(walk.sources.text(script))
        for number, code in dict.fromkeys(steps):
            cite = f"{name}:{number}"
            if number in belongs and belongs[number] not in belongs and citing[f"{name}:{belongs[number]}"]:
                continue  # documented with the step it belongs to
            if cite not in read and citing[cite] < on_line[number]:
                missing.append(f"{cite} {code}" + (f" ({on_line[number]} steps, {citing[cite]} claims)"
                                                   if citing[cite] else ""))  # fmt: skip
    return missing


def _unnamed_runs(walk: Walk) -> list[str]:
    """Steps no claim of their stage accounts for: neither a Runs claim naming them nor a claim whose label
    describes them in that form (`pip install` under Virtual Environment; `pip uninstall` under none). One added
    to a RUN other claims cite (`&& python -m compileall .`) is undocumented too."""
    named: dict[int, list[list[str]]] = {}
    describing: dict[int, list[Claim[Any]]] = {}  # each stage's claims whose labels account for steps
    handed: dict[int, list[tuple[list[str], str]]] = {}  # (command, argument): a Build Argument claim's readers
    for claim in walk.claims():
        runs = claim.label.name == RUNS.name and isinstance(claim.args, RunsArgs)
        reads = isinstance(claim.args, BuildArgumentArgs) and bool(claim.args.commands)
        if not runs and not reads and not claim.label.describes:
            continue
        try:
            stage = walk.sources.stage(claim)
        except (DocverifyError, ClaimFailed):  # its own failure says where its heading is wrong
            continue
        if isinstance(claim.args, RunsArgs):
            named.setdefault(stage.index, []).extend(command.split() for command in claim.args.commands)
        elif isinstance(claim.args, BuildArgumentArgs):  # `read by pip config`: the steps handing it on
            handed.setdefault(stage.index, []).extend((c.split(), claim.args.name) for c in claim.args.commands)
        else:
            describing.setdefault(stage.index, []).append(claim)
    missing, excused = [], read_by_failures(walk)  # a failing claim's own failure says what is wrong there
    for stage in walk.sources.dockerfile.stages:
        # A step that may run does its work when it does: on a condition the static level cannot decide (`if [ -d
        # /app ]`), or left in the background (`step & wait`).
        for instruction, command in _with_traps(attempted(stage.commands())):
            # A function's call: its body's commands are the steps.
            if command.call or not a_step(command) or instruction.cite in excused:
                continue
            if described_by(describing.get(stage.index, []), command, stage, instruction):
                continue
            if any(as_written(command, w) and command.reads(name) for w, name in handed.get(stage.index, [])):
                continue
            if not any(as_written(command, w) for w in named.get(stage.index, [])):
                shown = " ".join(command.argv)
                shown = shown if len(shown) <= 70 else shown[:69] + "…"
                # A form no label reads (`pip uninstall`), or one whose label has no claim in this stage.
                why = "no label describes in that form" if undescribed(command) else "no other of its claims describes"
                missing.append(f"{instruction.where} RUN `{shown}`, which no Runs claim of its stage names, and "
                               f"{why} (`docverify suggest` writes the Runs claim)")  # fmt: skip
    return missing


def _with_traps(found: list[tuple[Instruction, shell.Command]]) -> list[tuple[Instruction, shell.Command]]:
    """The commands, and those a `trap` sets to run when the shell exits (`trap 'rm -rf /venv' EXIT`)."""
    more = []
    for instruction, command in found:
        more.append((instruction, command))
        argv = command.invocation()
        if command.program == "trap" and len(argv) > 2 and {"EXIT", "0"} & set(argv[2:]):
            more += [(instruction, c) for c in shell.commands(argv[1])]
    return more
