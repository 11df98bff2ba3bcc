"""Mutation testing of the doc checks: a mutant edits one file and must fail exactly its claims.

A project keeps its catalogue (mutants that make one claim false) and its equivalence
catalogue (rewrites that must change nothing) as lists of `Mutation`; this module applies
them to a copy of the repository and runs the static pass there.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import from_pyproject
from ..errors import DocverifyError
from ..read.characters import suspicious
from ..read.items import STAGE
from ..vocabulary.label import Claim
from ..vocabulary.registry import Registry
from .coverage import undocumented
from .walk import Walk


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    edits: tuple[tuple[str, str], ...]  # (old, new), each old found exactly once
    targets: tuple[str, ...]  # claim targets: "Stage/Title" under a stage heading, else "Title"
    builds: bool = True  # does the mutated Dockerfile still build?
    new_file: bool = False  # the edit creates `file` with the text of edits[0][1]
    creates: tuple[tuple[str, str], ...] = ()  # other files written alongside: (path, text)
    level: str = "static"  # the shallowest level whose checks see the lie ("image" for a set-uid bit)

    def apply(self, root: Path) -> None:
        for name, text in self.creates:
            _write(root / name, text)
        path = root / self.file
        if self.new_file:
            _write(path, self.edits[0][1])
            return
        text = path.read_text()
        for old, new in self.edits:
            count = text.count(old)
            if count != 1:
                raise ValueError(f"mutation {self.name}: {old!r} occurs {count} times in {self.file}")
            text = text.replace(old, new)
        _write(path, text)


def _write(path: Path, text: str) -> None:
    """A new file in the old one's place, never written into it: a linked copy shares the original's files."""
    path.unlink(missing_ok=True)
    path.write_text(text)


def mutant(
    name: str,
    file: str,
    edits: tuple[str, str] | list[tuple[str, str]],
    targets: str | tuple[str, ...] = (),
    builds: bool = True,
    new_file: bool = False,
    creates: tuple[tuple[str, str], ...] = (),
    level: str = "static",
) -> Mutation:
    pairs = (edits,) if isinstance(edits, tuple) else tuple(edits)
    targets = (targets,) if isinstance(targets, str) else tuple(targets)
    return Mutation(name, file, pairs, targets, builds, new_file, creates, level)


def copy_repository(root: Path, into: Path, names: list[str], link: bool = False) -> Path:
    """A copy of `names` in `into`, in a folder named as `root` is: compose names the project after it,
    so the copy's compose model is the original's, and the disk cache serves both. `link`: each file a hard
    link to the original where the file system allows (a mutant's `apply` writes new files, never into these),
    a fraction of a copy's system calls."""
    into = into / root.resolve().name
    into.mkdir(parents=True, exist_ok=True)
    copy = _link_or_copy if link else shutil.copy2
    for name in names:
        source = root / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
            shutil.copytree(source, into / name, ignore=ignored, copy_function=copy)
        elif source.exists():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            copy(source, into / name)
    return into


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without links
        shutil.copy2(source, target)


def target_of(claim: Claim[Any]) -> str:
    stage = claim.stage_heading
    return f"{stage[1]}/{claim.title}" if stage else claim.title


# A problem with a statement opens with its label: "docs/x.md:12: **Port:** …", "… **User** cannot read …".
PROBLEM = re.compile(r"^(?P<page>\S+?\.md):(?P<line>\d+): \*\*(?P<label>[^*]+?):?\*\*")
# The target of a mutant whose lie is a step or instruction no claim documents: reverse coverage fails.
UNDOCUMENTED = "(undocumented step)"
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*)$")


def intended(label: str, names: Sequence[str]) -> str:
    """The label a disguised one stands for: invisible characters out, odd spaces plain, and a look-alike
    letter matched to the letter a known label has there."""
    plain = "".join(" " if c.isspace() else c for c in label if c.isspace() or c.isalpha() or not suspicious(c))
    for name in names:
        if len(name) == len(plain) and all(a == b or suspicious(a) for a, b in zip(plain, name, strict=True)):
            return name
    return plain


def problem_target(root: Path, message: str, names: Sequence[str] = ()) -> str:
    """The claim an unreadable item would be ("Runtime/Port"): its label, under the stage heading above its
    line; "(unreadable page)" for a problem that is no statement's (a stray value, a label mid-sentence)."""
    found = PROBLEM.match(message)
    if not found:
        return "(unreadable page)"
    label = intended(found["label"], names)
    try:
        above = (root / found["page"]).read_text().splitlines()[: int(found["line"])]
    except OSError:
        above = []
    titles = [heading["title"] for line in above if (heading := HEADING.match(line))]
    stage = next((m["name"] for title in reversed(titles) if (m := STAGE.search(title))), None)
    return f"{stage}/{label}" if stage else label


def static_failures(root: Path, registry: Registry) -> dict[str, list[str]]:
    """The static level of every page under `root`: {target: [failure messages]}, an unreadable item
    under the claim it would be (`problem_target`)."""
    walk = Walk(from_pyproject(root), registry)
    failures: dict[str, list[str]] = {}
    names = [label.name for label in registry.labels()]
    for error in walk.problems():
        failures.setdefault(problem_target(root, str(error), names), []).append(str(error))
    outcomes = walk.static()
    for claim in walk.claims():
        outcome = outcomes.get(claim.id)
        if outcome and outcome.failure:
            failures.setdefault(target_of(claim), []).append(outcome.failure)
    try:
        missing = undocumented(walk) if walk.settings.coverage else []
    except DocverifyError as error:  # a Dockerfile no builder reads: what the coverage item says too
        missing = [str(error)]
    if missing:
        failures[UNDOCUMENTED] = ["documented by no claim in the docs: " + "; ".join(missing)]
    return failures
