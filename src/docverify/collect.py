"""Sybil over the docs: every claim becomes one pytest item per level it can be proven at.

Item ids name the level, the page line and the claim, e.g.
`docs/.../Dockerfile.md::static:L9:Base-Image`. A page whose claims cannot be read fails
its collection, naming page:line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

from .claims import Claim
from .errors import ClaimFailed, ClaimUnreadable, ComposeError, DockerfileError
from .registry import LEVELS, Cites
from .walk import Walk

# The fixture each level's checks receive.
SUBJECTS = {"static": "sources", "image": "images", "running": "stack"}
Recorder = Callable[[Claim, str, str | None, float, Cites], None]


class ClaimParser:
    """Yields a region for each claim that has a check at `level`."""

    def __init__(self, level: str, walk: Walk, record: Recorder) -> None:
        self.level, self.walk, self.record = level, walk, record

    def __call__(self, document: Document) -> Iterable[Region]:
        page = self.walk.page(Path(document.path))
        if page.error:
            # pytest prints a CollectError as its message alone: page:line and what is wrong.
            raise pytest.Collector.CollectError(str(page.error))
        for claim in page.claims:
            if self.level not in self.walk.levels(claim):
                continue  # e.g. running: only the last stage runs, and only with a compose file
            yield Region(claim.start, claim.end, parsed=claim, evaluator=self.evaluate)

    def evaluate(self, example: Example) -> str | None:
        claim: Claim = example.parsed
        started = time.monotonic()
        cites: Cites = []
        failure: str | None = None
        if self.level == "static":
            outcome = self.walk.static()[claim.id]
            cites, failure = outcome.cites, outcome.failure
        else:
            entry = self.walk.page(claim.page).entries[claim.id]
            try:
                cites = entry.run(self.level, claim, example.namespace[SUBJECTS[self.level]])
            except (ClaimFailed, ClaimUnreadable) as error:
                failure = str(error)
            except (DockerfileError, ComposeError) as error:
                failure = f"{claim.where()} {claim.title}: cannot read the file it describes: {error}"
        self.record(claim, self.level, failure, time.monotonic() - started, cites)
        return failure


class DocsSybil(Sybil):
    def identify(self, example: Example) -> str:
        if isinstance(example.parsed, Claim):
            return f"{self.name}:L{example.line}:{example.parsed.title.replace(' ', '-')}"
        return f"{self.name}:L{example.line}"


def sybils(walk: Walk, record: Recorder) -> list[Sybil]:
    """Claims at each level, and `>>>` blocks run with the parsed Dockerfile, images and stack."""
    common: dict[str, Any] = {"patterns": ["*.md"], "path": str(walk.settings.docs)}
    made: list[Sybil] = [
        DocsSybil(parsers=[ClaimParser(level, walk, record)], fixtures=[SUBJECTS[level]], name=level, **common)
        for level in LEVELS
    ]
    made.append(
        DocsSybil(
            parsers=[PythonCodeBlockParser()], fixtures=["dockerfile", "images", "stack"], name="doctest", **common
        )
    )
    return made
