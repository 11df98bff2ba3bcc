"""At the image level, Image Config and No Secrets read the CMD only for what decides them: whether it
differs from the base's, and whether a config line names a secret or its value. A CMD rewrite that keeps
both keeps their proofs; one that changes either stales them. The model of what the builder stores is
checked against real builds."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from test_inputs import ROOT, edit, walked
from test_mutations import COPIED

from docverify.model.dockerfile import parse
from docverify.model.stored import mentioning, stored
from docverify.observe.subjects import Images
from docverify.run import mutations
from docverify.run.inputs import Inputs, changed
from docverify.vocabulary.leaks import secret_values

pytestmark = pytest.mark.docker
BASE = "python:3.13-slim"  # the Dockerfile's own base, built locally


@pytest.fixture(scope="module")
def proofs(docverify: Any, images: Images) -> dict[str, dict[str, str]]:
    """What the image-level Image Config and No Secrets proofs read, on the image the suite built."""
    assert not isinstance(images, Exception), images
    found = {}
    for claim in docverify.walk.claims():
        if claim.title in ("Image Config", "No Secrets") and "image" in docverify.walk.levels(claim):
            outcome = docverify.walk.check(claim, "image", images)
            assert outcome.failure is None, outcome.failure
            found[claim.title] = outcome.inputs
    assert set(found) == {"Image Config", "No Secrets"}, found
    return found


def stale_after(tmp_path: Path, proofs: dict[str, dict[str, str]], old: str, new: str) -> dict[str, list[str]]:
    root = mutations.copy_repository(ROOT, tmp_path, COPIED)
    edit(root / "Dockerfile", old, new)
    now = Inputs(walked(root).sources)
    return {title: found for title, inputs in proofs.items() if (found := changed(inputs, now))}


def test_the_cmd_is_read_only_for_what_decides(proofs: dict[str, dict[str, str]]) -> None:
    names = {name for inputs in proofs.values() for name in inputs}
    assert not {n for n in names if n.startswith("config:") and n.endswith((":*", ":Cmd"))}, names
    assert any(n.startswith("differs:1:Cmd:") for n in proofs["Image Config"]), proofs["Image Config"]
    assert any(n.startswith("mentions:1:") for n in proofs["No Secrets"]), proofs["No Secrets"]


def test_a_cmd_word_that_decides_neither_stales_neither(tmp_path: Path, proofs: dict[str, dict[str, str]]) -> None:
    assert stale_after(tmp_path, proofs, '"--workers", "2"', '"--workers", "3"') == {}


def test_a_cmd_equal_to_the_base_stales_image_config(tmp_path: Path, proofs: dict[str, dict[str, str]]) -> None:
    found = stale_after(tmp_path, proofs, 'CMD ["gunicorn",', 'CMD ["python3"]\n# CMD ["gunicorn",')
    assert set(found) == {"Image Config"}, found


def test_a_cmd_naming_a_secret_stales_no_secrets(tmp_path: Path, proofs: dict[str, dict[str, str]]) -> None:
    found = stale_after(tmp_path, proofs, '"--workers", "2"', '"--workers", "2", "--db-password=hunter2"')
    assert set(found) == {"No Secrets"}, found


def test_a_label_holding_the_stacks_password_stales_no_secrets(
    tmp_path: Path, docverify: Any, proofs: dict[str, dict[str, str]]
) -> None:
    values = secret_values(("PASSWORD",), docverify.walk.sources)
    assert values, "the stack gives a password: the catalogue's lies use it"
    found = stale_after(tmp_path, proofs, "\nEXPOSE 8000\n", f'\nEXPOSE 8000\nLABEL note="{values[0][1]}"\n')
    assert "No Secrets" in found, found


# (Dockerfile body after FROM, field): stored() must say what `docker inspect` says.
CASES = [
    ('CMD ["gunicorn", "a b", "--bind=0.0.0.0:8000"]', "Cmd"),
    ('CMD echo "$HOME"  \\\n    && true', "Cmd"),
    ('ENTRYPOINT ["/e.sh"]\nCMD ["x"]', "Cmd"),
    ('CMD ["x"]\nENTRYPOINT ["/e.sh"]', "Cmd"),
    ('CMD ["x"]\nENTRYPOINT ["/e.sh"]', "Entrypoint"),
    ("CMD []", "Cmd"),
    ("ENTRYPOINT exec  python3 -m http.server", "Entrypoint"),
    ('CMD ["\\u0050ASS", "tab\\there"]', "Cmd"),
]


def built(tmp_path: Path, body: str) -> tuple[Path, dict[str, Any]]:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {BASE}\n{body}\n")
    # A label and no cache: two cases with the same body on two workers would otherwise share an image or a cached
    # parent step, and one's `docker rmi` (which prunes untagged parents) would remove it under the other's build.
    result = subprocess.run(
        ["docker", "build", "-q", "--no-cache", "--label", f"docverify.test={uuid.uuid4().hex}", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    image = result.stdout.strip().splitlines()[-1]
    inspected = subprocess.run(["docker", "image", "inspect", image], capture_output=True, text=True, check=True)
    subprocess.run(["docker", "rmi", image], capture_output=True)
    config: dict[str, Any] = json.loads(inspected.stdout)[0]["Config"]
    return dockerfile, config


@pytest.mark.parametrize(("body", "field"), CASES)
def test_what_the_model_says_the_builder_stores_it_stores(tmp_path: Path, body: str, field: str) -> None:
    dockerfile, config = built(tmp_path, body)
    assert stored(parse(dockerfile).final, field) == config[field], (body, config[field])


@pytest.mark.parametrize(
    "body",
    ['SHELL ["/bin/bash", "-c"]\nCMD echo hi', "LABEL a=b"],  # a SHELL wraps it; none of its own: only the image
)
def test_where_the_dockerfile_alone_cannot_tell_the_model_says_so(tmp_path: Path, body: str) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {BASE}\n{body}\n")
    assert stored(parse(dockerfile).final, "Cmd") is None


def test_a_parents_onbuild_takes_effect_in_the_model_as_in_the_built_image(tmp_path: Path) -> None:
    """The classic builder runs a stage's ONBUILD triggers in the stage built FROM it: the model must too."""
    body = (
        f'FROM {BASE} AS base\nONBUILD HEALTHCHECK --interval=7s --retries=4 CMD ["true"]\nONBUILD USER nobody\n'
        "ONBUILD WORKDIR /srv\nONBUILD ENV MODE=trigger\nFROM base AS child\nENV OWN=1"
    )
    dockerfile, config = built(tmp_path, body)
    stage = parse(dockerfile).final
    check = stage.healthcheck()
    assert check is not None and config["Healthcheck"]["Test"] == list(check.test)
    assert config["Healthcheck"]["Interval"] == 7 * 10**9 and check.options == {"interval": "7s", "retries": "4"}
    assert (stage.user() or ("", None))[0] == config["User"] == "nobody"
    assert (stage.workdir() or ("", None))[0] == config["WorkingDir"] == "/srv"
    assert f"MODE={stage.env()['MODE'][0]}" in config["Env"] and "OWN=1" in config["Env"]


def test_a_name_spelt_in_a_json_escape_is_a_mention(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f'FROM {BASE}\nCMD ["--\\u0070assword=x"]\nLABEL a=b\nEXPOSE 8000\n')
    stage = parse(dockerfile).final
    assert mentioning(stage, ["PASSWORD"], []) == ['CMD ["--\\u0070assword=x"]']
    assert mentioning(stage, ["TOKEN"], ["8000"]) == ["EXPOSE 8000"]
