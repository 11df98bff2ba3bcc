"""Sybil over the docs: every claim becomes one pytest item per level it is proven at.

Item ids name the level, the page line and the claim: `docs/…/Dockerfile.md::static:L9:Base-Image`.
An item the vocabulary cannot read becomes an item of its own, `read:L12`, that fails with its
page:line and the closest form the label reads, so one run reports every unreadable claim and the
page's readable claims still run.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from ..errors import ClaimUnreadable
from ..run.walk import Walk
from ..vocabulary.label import LEVELS, Cites, Claim, Level

# The fixture each level's checks receive.
SUBJECTS: dict[str, str] = {"static": "sources", "image": "images", "running": "stack"}
Recorder = Callable[[Claim[Any], Level, str | None, float, Cites, dict[str, str]], None]


class Unreadable:
    """A page problem, as a failing item of its own."""

    def __init__(self, error: ClaimUnreadable) -> None:
        self.error = error


class ClaimParser:
    """Yields a region for each claim that has a check at `level` (and, at `read`, each unreadable item)."""

    def __init__(self, level: str, walk: Walk, record: Recorder) -> None:
        self.level, self.walk, self.record = level, walk, record

    def __call__(self, document: Document) -> Iterable[Region]:
        page = self.walk.page(Path(document.path))
        if self.level == "read":
            yield from self._problems(document, page.problems)
            return
        for claim in page.claims:
            if self.level in self.walk.levels(claim):
                yield Region(claim.item.start, claim.item.end, parsed=claim, evaluator=self.evaluate)

    def _problems(self, document: Document, problems: list[ClaimUnreadable]) -> Iterable[Region]:
        lines = document.text.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        used: set[int] = set()
        for problem in problems:
            number = _line(str(problem), len(lines))
            while number in used and number < len(lines):
                number += 1  # two problems on one line: Sybil regions may not overlap
            used.add(number)
            start, end = offsets[number - 1], offsets[number]
            yield Region(start, end, parsed=Unreadable(problem), evaluator=_unreadable)

    def evaluate(self, example: Example) -> str | None:
        claim: Claim[Any] = example.parsed
        level: Level = self.level  # type: ignore[assignment]
        started = time.monotonic()
        if level == "static":
            outcome = self.walk.static()[claim.id]
        elif level == "running":
            outcome = self.walk.running(claim, example.namespace[SUBJECTS[level]])
        else:
            outcome = self.walk.check(claim, level, example.namespace[SUBJECTS[level]])
        self.record(claim, level, outcome.failure, time.monotonic() - started, outcome.cites, outcome.inputs)
        return outcome.failure


def _line(message: str, count: int) -> int:
    """The page line a problem's message starts with (`docs/x.md:12: …`)."""
    head = message.split(" ", 1)[0].rstrip(":")
    number = head.rsplit(":", 1)[-1]
    return min(max(int(number), 1), max(count, 1)) if number.isdigit() else 1


def _unreadable(example: Example) -> str:
    problem: Unreadable = example.parsed
    return str(problem.error)


class DocsSybil(Sybil):
    def identify(self, example: Example) -> str:
        if isinstance(example.parsed, Claim):
            return f"{self.name}:L{example.line}:{example.parsed.title.replace(' ', '-')}"
        return f"{self.name}:L{example.line}"


def sybils(walk: Walk, record: Recorder) -> list[Sybil]:
    """Claims at each level, unreadable items, and `>>>` blocks run with the parsed Dockerfile, images and stack."""
    # Sybil asks `inspect` for its caller's module, whose first answer maps the file of every module loaded
    # (50 ms of a static run): the docs' path is absolute, so say at once which module this file is.
    inspect.modulesbyfile.setdefault(__file__, __name__)
    common: dict[str, Any] = {"patterns": ["*.md"], "path": str(walk.settings.docs)}
    made: list[Sybil] = [DocsSybil(parsers=[ClaimParser("read", walk, record)], name="read", **common)]
    made += [
        DocsSybil(parsers=[ClaimParser(level, walk, record)], fixtures=[SUBJECTS[level]], name=level, **common)
        for level in LEVELS
    ]
    made.append(
        DocsSybil(
            parsers=[PythonCodeBlockParser()], fixtures=["dockerfile", "images", "stack"], name="doctest", **common
        )
    )
    return made
