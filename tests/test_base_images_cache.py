"""The base images' cache for fresh machines (`scripts/base-images.sh --cache DIR`, as `.ci/run` runs it).

Its key changes when an input of the stand-ins changes (an image name, a recipe); a tarball under the
current key is loaded with `docker load` instead of building anything, one under another key is not.
A tiny image made here (`docker import` of one file) plays the base image, under a name no recipe
builds and only loopback could serve, so the script can only pass by loading it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def copy_scripts(into: Path) -> Path:
    """scripts/ beside a link to this .venv: the copy lists images and digests recipes as the real one does."""
    shutil.copytree(ROOT / "scripts", into / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    (into / ".venv").symlink_to(ROOT / ".venv")
    return into / "scripts" / "base-images.sh"


def project(into: Path, image: str) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    (into / "Dockerfile").write_text(f"FROM {image}\n")
    return into


def base_images(script: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BASE_IMAGES_PROJECT": str(project)}
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True, timeout=300, env=env)


def key(script: Path, project: Path) -> str:
    result = base_images(script, project, "--key")
    assert result.returncode == 0 and len(result.stdout.strip()) == 16, result.stdout + result.stderr
    return result.stdout.strip()


def test_the_key_changes_with_an_image_name_and_with_a_recipe(tmp_path: Path) -> None:
    script = copy_scripts(tmp_path)
    first = project(tmp_path / "p", "python:3.13-slim")
    before = key(script, first)
    assert key(script, first) == before, "the same inputs, the same key"
    assert key(script, project(tmp_path / "q", "python:3.13.1-slim")) != before, "another image name"
    recipe = script.parent / "base-images" / "python.sh"
    recipe.write_text(recipe.read_text() + "\n# one more line\n")
    assert key(script, first) != before, "a changed recipe"


@pytest.fixture
def tiny() -> Iterator[str]:
    """A one-file image under a unique name; removed afterwards."""
    name = f"127.0.0.1:9/docverify-cache-test:{uuid.uuid4().hex[:8]}"
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        info = tarfile.TarInfo("hello")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"hello\n"))
    made = subprocess.run(["docker", "import", "-", name], input=data.getvalue(), capture_output=True, timeout=120)
    assert made.returncode == 0, made.stderr.decode()
    try:
        yield name
    finally:
        subprocess.run(["docker", "image", "rm", "-f", name], capture_output=True, timeout=120)


def present(image: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", image], capture_output=True, timeout=60).returncode == 0


@pytest.mark.docker
def test_a_cached_tarball_is_loaded_instead_of_rebuilt(tmp_path: Path, tiny: str) -> None:
    script, cache = ROOT / "scripts" / "base-images.sh", tmp_path / "cache"
    where = project(tmp_path / "p", tiny)
    saved = base_images(script, where, "--cache", str(cache))
    assert saved.returncode == 0, saved.stdout + saved.stderr
    tarball = cache / f"base-images-{key(script, where)}.tar"
    assert tarball.is_file() and (cache / "key").read_text().strip() == key(script, where), saved.stdout
    subprocess.run(["docker", "image", "rm", "-f", tiny], capture_output=True, check=True, timeout=120)
    assert not present(tiny)

    loaded = base_images(script, where, "--cache", str(cache))
    output = loaded.stdout + loaded.stderr
    assert loaded.returncode == 0, output
    assert f"loading the base images from {tarball}" in output and "already present locally, nothing to do" in output
    assert "stand-in" not in output and "debootstrap" not in output, output
    assert present(tiny)


@pytest.mark.docker
def test_a_tarball_under_another_key_is_not_loaded(tmp_path: Path, tiny: str) -> None:
    script, cache = ROOT / "scripts" / "base-images.sh", tmp_path / "cache"
    where = project(tmp_path / "p", tiny)
    cache.mkdir()
    stale = cache / "base-images-0123456789abcdef.tar"
    subprocess.run(["docker", "save", "-o", str(stale), tiny], capture_output=True, check=True, timeout=120)
    subprocess.run(["docker", "image", "rm", "-f", tiny], capture_output=True, check=True, timeout=120)
    result = base_images(script, where, "--cache", str(cache))
    output = result.stdout + result.stderr
    # Nothing can build this name: the script stops, having not loaded what another key saved.
    assert result.returncode != 0 and f"no cached base images for key {key(script, where)}" in output, output
    assert "no stand-in recipe" in output and not present(tiny), output
