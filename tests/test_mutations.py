"""Every mutation in the catalogue is killed by the static doc checks, and the
failure names the page line of exactly the claim it broke."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.mutation

from docverify import claims, mutations
from docverify.docker import ROOT


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = mutations.copy_repository(ROOT, tmp_path_factory.mktemp("pristine"))
    return root


def test_the_unmutated_copy_passes(pristine):
    assert mutations.static_failures(pristine) == {}


@pytest.mark.parametrize("mutation", mutations.CATALOGUE, ids=lambda mutation: mutation.name)
def test_mutation_is_killed_by_its_claim(mutation, tmp_path):
    root = mutations.copy_repository(ROOT, tmp_path)
    mutation.apply(root)
    failures = mutations.static_failures(root)
    assert set(failures) == set(mutation.targets), (
        f"{mutation.name} should break exactly {mutation.targets}; the static level failed {sorted(failures)}"
    )
    for target in mutation.targets:
        message = failures[target][0]
        label = target.split("/")[-1]
        assert message.startswith("docs/") and ".md:" in message and label in message and "docs say" in message, message


def test_the_catalogue_covers_every_claim_on_the_dockerfile_page():
    page = mutations.DOCKERFILE_PAGE
    claimed = {mutations.target_of(claim) for claim in claims.read(ROOT / page)}
    targeted = {target for mutation in mutations.CATALOGUE for target in mutation.targets}
    assert claimed - targeted == set(), f"claims on {page} no mutation makes false"
