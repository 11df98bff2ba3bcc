"""Sybil over the docs: every claim becomes one pytest item per level.

Item ids name the level, the page line and the claim, e.g.
`docs/.../Dockerfile.md::static:L9:Base-Image`. A claim the vocabulary cannot
read fails collection of its page, naming file:line.
"""

from __future__ import annotations

from pathlib import Path

from sybil import Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser
from sybil.sybil import SybilCollection

from . import claims, vocabulary
from .docker import ROOT
from .dockerfile import DockerfileError
from .dockerfile import parse as parse_dockerfile
from .subjects import ClaimFailed

# The fixture each level's checks receive.
SUBJECTS = {"static": "sources", "image": "images", "running": "stack"}


class ClaimParser:
    """Yields a region for each claim that has a check at `level`."""

    def __init__(self, level: str) -> None:
        self.level = level

    def __call__(self, document):
        page = Path(document.path).resolve().relative_to(ROOT)
        for claim in claims.read(page, document.text):
            entry = vocabulary.lookup(claim)
            if self.level in entry.checks and self.applies(claim, entry):
                yield Region(claim.start, claim.end, parsed=claim, evaluator=self.evaluate)

    def applies(self, claim: claims.Claim, entry: vocabulary.Entry) -> bool:
        """Only the last stage runs: no running-level item for the others."""
        if self.level != "running" or not entry.staged:
            return True
        try:
            return claim.stage()[0] == len(parse_dockerfile(ROOT / "Dockerfile").stages)
        except DockerfileError:
            return True  # the check itself reports the broken Dockerfile

    def evaluate(self, example) -> str | None:
        claim = example.parsed
        check = vocabulary.lookup(claim).checks[self.level]
        try:
            check(claim, example.namespace[SUBJECTS[self.level]])
        except ClaimFailed as failure:
            return str(failure)
        except DockerfileError as error:
            return f"{claim.where()} {claim.title}: cannot read the Dockerfile: {error}"
        return None


class DocsSybil(Sybil):
    def identify(self, example) -> str:
        if isinstance(example.parsed, claims.Claim):
            return f"{self.name}:L{example.line}:{example.parsed.title.replace(' ', '-')}"
        return f"{self.name}:L{example.line}"


def collectors() -> SybilCollection:
    """The Sybils for docs/conftest.py: claims at three levels, and `>>>` blocks."""
    common = {"patterns": ["*.md"], "path": str(ROOT / "docs")}
    levels = [
        DocsSybil(parsers=[ClaimParser(level)], fixtures=[SUBJECTS[level]], name=level, **common)
        for level in vocabulary.LEVELS
    ]
    doctests = DocsSybil(
        parsers=[PythonCodeBlockParser()],
        fixtures=["dockerfile", "builder_image", "runtime_image", "stack"],
        name="doctest",
        **common,
    )
    return SybilCollection([*levels, doctests])
