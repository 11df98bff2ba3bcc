"""A proof stays valid while what it read is unchanged: a comment stales nothing, a changed
instruction stales exactly the proofs that read it, naming it."""

from __future__ import annotations

import random
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
    edit(root / "Dockerfile", '"0.0.0.0:8000"', '"0.0.0.0:8080"')
    found = stale(root, inputs)
    # The linter reads every instruction too, and Healthcheck the port the server binds: the proofs that read the
    # line, and no other.
    assert titles(root, found) == {"Command", "Healthcheck", "Lint"}, found
    names = sorted({name for names in found.values() for name in names})
    assert names == [
        'argv:1:["0.0.0.0:8000"]',
        'argv:1:["gunicorn", "core.wsgi:application", "0.0.0.0:8000"]',
        "lint:Dockerfile",
    ], names


def test_a_cmd_word_no_claim_names_stales_only_what_reads_every_word(recorded: tuple[Path, Any]) -> None:
    """Command tells apart only its own words and launchers; Image Config only whether there is a CMD."""
    root, inputs = recorded
    edit(root / "Dockerfile", '"--workers", "2"', '"--workers", "3"')
    assert titles(root, stale(root, inputs)) == {"Lint"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('CMD ["gunicorn",', 'CMD ["nice", "gunicorn",'),  # a word before the program that is no launcher
        ('"core.wsgi:application"', '"core.wsgi:app"'),  # a word the claim names, changed
        ('"--bind", "0.0.0.0:8000"', '"--bind=0.0.0.0:8000"'),  # the address moves into an option
    ],
)
def test_a_cmd_change_the_command_claim_can_see_stales_it(recorded: tuple[Path, Any], old: str, new: str) -> None:
    root, inputs = recorded
    edit(root / "Dockerfile", old, new)
    assert "Command" in titles(root, stale(root, inputs))


def test_an_option_that_makes_the_server_leave_stales_command_and_server(recorded: tuple[Path, Any]) -> None:
    """A word neither names becomes one that makes gunicorn fork (in its place: as many words as before): the
    serving Command and Server read it."""
    root, inputs = recorded
    edit(root / "Dockerfile", '"--workers", "2"', '"--daemon", "2"')
    assert {"Command", "Server"} <= titles(root, stale(root, inputs))


def test_a_config_field_set_or_unset_stales_image_config(recorded: tuple[Path, Any]) -> None:
    root, inputs = recorded
    edit(root / "Dockerfile", "\nEXPOSE 8000\n", "\nEXPOSE 8000\nSTOPSIGNAL SIGINT\n")
    found = stale(root, inputs)
    assert "Image Config" in titles(root, found)
    assert "dockerfile:1:STOPSIGNAL?" in {name for names in found.values() for name in names}


def test_an_unrelated_instruction_stales_only_what_reads_its_keyword(recorded: tuple[Path, Any]) -> None:
    root, inputs = recorded
    edit(root / "Dockerfile", "--retries=3", "--retries=4")
    assert titles(root, stale(root, inputs)) == {"Healthcheck", "Health Timing", "Lint"}


def test_two_commands_seen_alike_hold_alike() -> None:
    """What `argv:` keeps of a CMD is all `holds` tells apart: random argvs from the claim's words, launchers,
    paths, `--opt=value` spellings and other words, compared pairwise within each group seen alike."""
    from docverify.vocabulary.command import claim_words, holds, seen

    claims = [c for c in walked(ROOT).claims() if c.title == "Command"]
    assert claims, "the Dockerfile page has a Command claim"
    rng = random.Random(20)
    for claim in claims:
        words = claim_words(claim)
        assert words, claim.text
        pool = [*words, *(f"/usr/bin/{w}" for w in words), *(f"--opt={w}" for w in words), "python3", "sh", "-c",
                "exec", "nice", "--workers", "2", "3", "-", "/venv/bin/python"]  # fmt: skip
        groups: dict[tuple[str, ...], set[bool]] = {}
        for _ in range(20000):
            argv = [rng.choice(pool) for _ in range(rng.randint(0, 7))]
            if rng.random() < 0.3:  # many that hold, not only the rare random one
                argv = [*argv[:2], *words, *argv[2:]]
            groups.setdefault(tuple(seen(argv, words)), set()).add(holds(claim, argv))
        assert all(len(found) == 1 for found in groups.values())
        assert {True, False} <= {v for found in groups.values() for v in found}
