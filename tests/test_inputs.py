"""A proof stays valid while what it read is unchanged: a comment stales nothing, a changed
instruction stales exactly the proofs that read it, naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_mutations import COPIED

from docverify.config import from_pyproject
from docverify.run import mutations, vocab
from docverify.run.inputs import Inputs, changed
from docverify.run.walk import Walk

ROOT = Path(__file__).resolve().parents[1]


def walked(root: Path) -> Walk:
    settings = from_pyproject(root)
    return Walk(settings, vocab.build(settings.packs, settings.vocabularies))


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    """A copy of the repository and, per claim, the inputs its static proof read."""
    root = mutations.copy_repository(ROOT, tmp_path, COPIED)
    outcomes = walked(root).static()
    assert not [o.failure for o in outcomes.values() if o.failure]
    return root, {claim: outcome.inputs for claim, outcome in outcomes.items()}


def stale(root: Path, recorded: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    now = Inputs(walked(root).sources)
    return {claim: found for claim, inputs in recorded.items() if (found := changed(inputs, now))}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def titles(root: Path, claims: dict[str, Any]) -> set[str]:
    return {c.title for c in walked(root).claims() if c.id in claims}


def test_a_comment_in_the_dockerfile_or_the_script_stales_nothing(recorded: tuple[Path, Any]) -> None:
    root, inputs = recorded
    edit(root / "Dockerfile", "\nEXPOSE 8000\n", "\n# The port the server binds, below.\nEXPOSE 8000\n")
    edit(root / "entrypoint.sh", "set -eu\n", "set -eu  # stop at the first failure\n")
    assert stale(root, inputs) == {}


def test_a_changed_instruction_stales_exactly_the_proofs_that_read_it(recorded: tuple[Path, Any]) -> None:
    root, inputs = recorded
    edit(root / "Dockerfile", '"--workers", "2"', '"--workers", "3"')
    found = stale(root, inputs)
    # The linter reads every instruction too: the proofs that read the line, and no other.
    assert titles(root, found) == {"Command", "Image Config", "Lint"}, found
    assert sorted({name for names in found.values() for name in names}) == ["dockerfile:1:CMD", "lint:Dockerfile"]


def test_an_unrelated_instruction_stales_only_what_reads_its_keyword(recorded: tuple[Path, Any]) -> None:
    root, inputs = recorded
    edit(root / "Dockerfile", "--retries=3", "--retries=4")
    assert titles(root, stale(root, inputs)) == {"Healthcheck", "Image Config", "Lint"}
