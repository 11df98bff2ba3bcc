"""A start-up step made to fail on purpose: does the start-up stop there?

A stand-in for the step's program goes first on PATH, in a one-off container of the service made
the way compose makes it (`compose run`, so its environment, user, mounts and read-only root are the
stack's): the stand-in fails when called with the step's words and hands every other call to the
real program. The container command is replaced by a marker that prints a line, so a start-up that
goes on past the failed step is seen: negated (`! step`), piped without `pipefail`, or handled.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHIMS = "/docverify-shim"  # where the stand-ins are mounted, read-only
FAILED = 97  # the stand-in's exit status: unlikely to be any program's own
WENT_ON = "docverify-went-on"  # the marker program run as the container command

STAND_IN = """#!/bin/sh
# docverify: fails one start-up step on purpose and hands every other call to the real program.
if [ "${DOCVERIFY_FAIL_PROGRAM:-}" = "@PROGRAM@" ]; then
    case " $* " in
    *" ${DOCVERIFY_FAIL_WORDS:-} "*) echo "docverify: failing \\`@PROGRAM@ $*\\` on purpose" >&2; exit @FAILED@ ;;
    esac
fi
set -f
kept=
old=$IFS
IFS=:
for folder in $PATH; do
    [ "$folder" = @SHIMS@ ] || kept=${kept:+$kept:}$folder
done
IFS=$old
PATH=$kept
export PATH
exec @PROGRAM@ "$@"
"""
MARKER = """#!/bin/sh
echo "docverify: the start-up went on to the container command (@TOKEN@)"
"""


@dataclass(frozen=True)
class Step:
    program: str  # looked up on PATH
    words: tuple[str, ...]  # the literal words after it: the stand-in fails a call holding them
    line: int  # in the script


@dataclass(frozen=True)
class Outcome:
    step: Step
    code: int | None  # the one-off container's exit status
    reached: bool  # the stand-in was called with the step's words
    went_on: bool  # the container command ran after the step failed
    output: str  # the container's last lines

    @property
    def stopped(self) -> bool:
        return self.reached and not self.went_on and self.code not in (0, None)


def literal(argv: Iterable[str]) -> tuple[str, ...]:
    """The words of a step up to the first one the shell expands (`$X`, globs)."""
    found = []
    for word in argv:
        if any(char in word for char in "$`*?["):
            break
        found.append(word)
    return tuple(found)


def _stand_ins(programs: Iterable[str], token: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="docverify-shim-"))
    folder.chmod(0o755)  # the service's user reads it through the bind mount
    for program in set(programs):
        text = STAND_IN.replace("@PROGRAM@", program).replace("@FAILED@", str(FAILED)).replace("@SHIMS@", SHIMS)
        (folder / program).write_text(text)
        (folder / program).chmod(0o755)
    (folder / WENT_ON).write_text(MARKER.replace("@TOKEN@", token))
    (folder / WENT_ON).chmod(0o755)
    return folder


def _one(compose: Any, service: str, path: str, folder: Path, step: Step, token: str) -> Outcome:
    environment = {"PATH": f"{SHIMS}:{path}", "DOCVERIFY_FAIL_PROGRAM": step.program}
    environment["DOCVERIFY_FAIL_WORDS"] = " ".join(step.words)
    options = [f"--env={name}={value}" for name, value in environment.items()]
    try:
        done = compose.run_once("--no-deps", "-T", f"--volume={folder}:{SHIMS}:ro", *options, service, WENT_ON)
    except subprocess.TimeoutExpired:
        return Outcome(step, None, False, False, "the one-off start did not end within its deadline")
    output = (done.stdout + done.stderr).strip()
    return Outcome(
        step,
        done.returncode,
        "docverify: failing" in output,
        token in output,
        "\n".join(output.splitlines()[-8:]),
    )


def fail_each(compose: Any, service: str, path: str, steps: list[Step]) -> list[Outcome]:
    """Each step made to fail in a one-off container of its own (side by side), and how each start-up ended.

    `path` is the service's PATH, which the stand-ins go in front of.
    """
    token = uuid.uuid4().hex[:12]
    folder = _stand_ins((step.program for step in steps), token)
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(3, len(steps)))) as pool:
            return list(pool.map(lambda step: _one(compose, service, path, folder, step, token), steps))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
