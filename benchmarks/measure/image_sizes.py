"""Image sizes: the base, the builder stage, the runtime image, a single-stage image and the floor."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from docverify.observe import docker as engine

from .common import BASE, BENCH, HERE, ROOT, Bench, Failed, Results, docker, mb, mb2
from .docker_build import build, build_command, slowest
from .floor import beyond_floor, measure_floor
from .progress import say


def image_mb(bench: Bench, runs: Results) -> dict[str, float]:
    # The runtime image is the cold build's. Built again here, from the cache: how much of
    # that cache a build right after `--no-cache` finds is recorded in runs.json.
    again = build(build_command(bench, f"{BENCH}:runtime", ROOT), "runtime image (from cache)")
    runs["build_after_cold"] = {
        "seconds": round(again.seconds, 2),
        "steps_from_cache": sum(1 for *_, cached in again.steps if cached),
        "steps": len(again.steps),
        "slowest_steps": slowest(again.steps, 3),
    }
    build(build_command(bench, f"{BENCH}:builder", ROOT, "--target", "builder"), "builder stage (from cache)")
    build(
        build_command(bench, f"{BENCH}:single-stage", ROOT, "-f", str(HERE / "Dockerfile.single-stage")),
        "single-stage comparison image",
    )
    size = {
        name: image_bytes(tag)
        for name, tag in (
            ("base", BASE),
            ("builder", f"{BENCH}:builder"),
            ("runtime", f"{BENCH}:runtime"),
            ("single_stage", f"{BENCH}:single-stage"),
        )
    }
    floor = measure_floor(bench, size["base"])
    size["floor"] = sum(floor["parts_bytes"].values())
    beyond = beyond_floor(floor, size["runtime"])
    without_pip = venv_without_pip(bench, size["runtime"], size["floor"])
    runs["image_mb"] = {"bytes": size, "floor": floor, "beyond_floor": beyond, "venv_without_pip": without_pip}
    say("sizes (MB): " + ", ".join(f"{k} {mb(v)}" for k, v in size.items()))
    say("floor parts (MB): " + ", ".join(f"{k} {mb2(v)}" for k, v in floor["parts_bytes"].items()))
    return {name: mb(size[name]) for name in ("base", "builder", "runtime", "single_stage", "floor")}


def image_bytes(tag: str) -> int:
    return int(docker("image", "inspect", "-f", "{{.Size}}", tag).strip())


VENV_LINE = re.compile(
    r"python -m venv /venv \\\n(?P<indent>\s*)&& /venv/bin/pip install (?P<options>--no-cache-dir -r requirements\.txt)"
)


def venv_without_pip(bench: Bench, runtime_bytes: int, floor_bytes: int) -> dict[str, Any]:
    """The builder's venv made without pip, built from a copy of the Dockerfile: the saving, measured."""
    text = bench.settings.dockerfile.read_text()
    if "venv --without-pip" in text:
        return {"measured": False, "why": "the Dockerfile already makes /venv without pip"}
    if not VENV_LINE.search(text):
        return {"measured": False, "why": "the builder's `python -m venv /venv && /venv/bin/pip install` line changed"}
    changed = VENV_LINE.sub(
        r"python -m venv --without-pip /venv \\\n\g<indent>&& pip --python /venv/bin/python install \g<options>", text
    )
    tag = f"{BENCH}:runtime-without-pip"
    with tempfile.TemporaryDirectory(prefix="bench-dockerfile-") as tmp:
        variant = Path(tmp) / "Dockerfile"
        variant.write_text(changed)
        build(build_command(bench, tag, ROOT, "-f", str(variant)), "runtime image with /venv made without pip")
    try:
        size = image_bytes(tag)
        check = docker(
            "run", "--rm", "--network", "none", "--entrypoint", "/venv/bin/python", tag, "-c",
            "import os, django, psycopg; print(psycopg.pq.__impl__, django.get_version(), "
            "os.path.exists('/venv/bin/pip'))",
        ).split()  # fmt: skip
    finally:
        engine.run("rmi", tag)
    if check[0] != "c" or check[2] != "False":
        raise Failed(f"the image with /venv made without pip is not what it should be: {check}")
    return {
        "measured": True,
        "change": "RUN python -m venv --without-pip /venv \\\n"
        "    && pip --python /venv/bin/python install --no-cache-dir -r requirements.txt",
        "runtime_bytes": size,
        "saves_bytes": runtime_bytes - size,
        "runtime_vs_floor": round(size / floor_bytes, 4),
        "psycopg_impl": check[0],
        "django": check[1],
    }
