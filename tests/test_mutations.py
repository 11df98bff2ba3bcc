"""Every mutant is killed by exactly the claims it makes false, each failure naming page:line;
every equivalent rewrite leaves the static level green."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mutants import CATALOGUE, EQUIVALENT, PAGE

from docverify.config import Settings
from docverify.run import mutations
from docverify.run.walk import Walk
from docverify.vocabulary.registry import Registry

pytestmark = pytest.mark.mutation

COPIED = [
    "Dockerfile",
    "entrypoint.sh",
    "compose.yaml",
    "pyproject.toml",
    "poetry.lock",
    ".dockerignore",
    ".gitignore",
    "mkdocs.yml",
    "docs",
    "src",
    # Pages include these through pymdownx.snippets, and the reader reads pages as the site renders them.
    "benchmarks/results.md",
    "benchmarks/mutation-report.md",
]


@pytest.fixture(scope="session")
def settings(docverify: object) -> Settings:
    return docverify.settings  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="session")
def registry(docverify: object) -> Registry:
    return docverify.registry  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="session")
def pristine(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the files per process; each test links to it (a mutant writes new files, never into these),
    so no test can change the repository's own files."""
    return mutations.copy_repository(settings.root, tmp_path_factory.mktemp("pristine"), COPIED)


def copy(pristine: Path, into: Path) -> Path:
    return mutations.copy_repository(pristine, into, COPIED, link=True)


def test_the_unmutated_copy_passes(pristine: Path, registry: Registry, tmp_path: Path) -> None:
    assert mutations.static_failures(copy(pristine, tmp_path), registry) == {}


@pytest.mark.parametrize("mutation", [m for m in CATALOGUE if m.level == "static"], ids=lambda mutation: mutation.name)
def test_mutation_is_killed_by_its_claim(
    mutation: mutations.Mutation, pristine: Path, registry: Registry, tmp_path: Path
) -> None:
    root = copy(pristine, tmp_path)
    mutation.apply(root)
    failures = mutations.static_failures(root, registry)
    assert set(failures) == set(mutation.targets), (
        f"{mutation.name} should break exactly {mutation.targets}; the static level failed {sorted(failures)}:\n"
        + "\n".join(m for ms in failures.values() for m in ms)
    )
    for target in mutation.targets:
        message = failures[target][0]
        if target == mutations.UNDOCUMENTED:  # reverse coverage names the file's line no page documents
            assert re.search(r"(Dockerfile|entrypoint\.sh):\d+ ", message), message
            continue
        named = "" if target == "(unreadable page)" else target.split("/")[-1].split()[0]  # a statement, no claim
        disguised = mutations.problem_target(root, message, [label.name for label in registry.labels()]) == target
        assert re.match(r"docs/\S+\.md:\d+", message) and (named in message or disguised), message


@pytest.mark.parametrize("mutation", EQUIVALENT, ids=lambda mutation: mutation.name)
def test_equivalent_rewrite_is_accepted(
    mutation: mutations.Mutation, pristine: Path, registry: Registry, tmp_path: Path
) -> None:
    root = copy(pristine, tmp_path)
    mutation.apply(root)
    assert mutations.static_failures(root, registry) == {}


def test_the_catalogue_covers_every_claim_on_the_dockerfile_page(settings: Settings, registry: Registry) -> None:
    walk = Walk(settings, registry)
    claimed = {mutations.target_of(claim) for claim in walk.page(settings.root / PAGE).claims}
    targeted = {target for mutation in CATALOGUE for target in mutation.targets}
    assert claimed - targeted == set(), f"claims on {PAGE} no mutation makes false"


def test_every_entry_has_a_name_of_its_own() -> None:
    """A report row, a baseline entry and `scripts/mutate NAME` each find one entry by its name."""
    names = [m.name for m in (*CATALOGUE, *EQUIVALENT)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_a_mutant_leaves_the_files_its_copy_links_to_alone(pristine: Path, tmp_path: Path) -> None:
    """Linked copies share the original's files: each mutant writes new ones, so the next copy starts clean."""
    before = {name: (pristine / name).read_bytes() for name in ("Dockerfile", "entrypoint.sh", "compose.yaml")}
    for mutation in [m for m in CATALOGUE if m.file in before][:40]:
        root = copy(pristine, tmp_path / mutation.name)
        assert (root / mutation.file).stat().st_ino == (pristine / mutation.file).stat().st_ino, "a linked copy"
        mutation.apply(root)
    assert {name: (pristine / name).read_bytes() for name in before} == before
