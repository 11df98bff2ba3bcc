"""The Docker engine: reachability, builds, inspection and runs.

Every failure says what broke: an unreachable engine says so once, and a failed build
shows the failing step and the tail of its log. Progress goes to a `Reporter` the caller
hands in, so nothing global is rewritten while a suite runs.
"""

from __future__ import annotations

import collections
import errno
import functools
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from ..errors import BuildFailed

BUILD_LOG_TAIL = 30
Reporter = Callable[[str], None]
T = TypeVar("T")
# The host refusing to start a process for a moment (a sandboxed kernel's vfork has been seen to give EFAULT).
SPAWN_ERRNOS = frozenset({errno.EFAULT, errno.EAGAIN, errno.ENOMEM})


def host_environment() -> dict[str, str]:
    """This process's environment, copied. pytest sets and unsets PYTEST_CURRENT_TEST from the main thread while
    a probe's thread may be copying it, so a key can vanish mid-copy: copy again."""
    for _ in range(9):
        try:
            return dict(os.environ)
        except (KeyError, RuntimeError):
            continue
    return dict(os.environ)


def to_stderr(line: str) -> None:
    stream = sys.__stderr__ or sys.stderr
    stream.write(line + "\n")
    stream.flush()


def progress(report: Reporter, topic: str, message: str, started: float) -> None:
    """A long build or wait says what it is doing, so it never looks like a hang."""
    report(f"[{topic} +{time.monotonic() - started:.0f}s] {message}")


def engine_problem() -> str | None:
    """None when an engine answers, otherwise why not, in one line."""
    try:
        result = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=20
        )
    except FileNotFoundError:
        return "the docker client is not installed"
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer `docker info` within 20 s"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"the Docker engine is unreachable: {reason}"
    return None


def engine_version() -> str | None:
    """The engine's version for the report; `docker version` asks only that (`docker info` gathers everything)."""
    try:
        result = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, timeout=20
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


@functools.cache
def pip_index_url() -> str:
    """pip's own idea of the index: its configured index-url, else its default (asked once a run)."""
    configured = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"], capture_output=True, text=True
    )
    if configured.returncode == 0 and configured.stdout.strip():
        return configured.stdout.strip()
    from pip._internal.models.index import PyPI

    return str(PyPI.simple_url)


def resolve_build_args(args: Mapping[str, str]) -> dict[str, str]:
    """`{pip-index}` in a configured build argument becomes pip's index URL, found at run time."""
    resolved = {}
    for name, value in args.items():
        resolved[name] = value.replace("{pip-index}", pip_index_url()) if "{pip-index}" in value else value
    return resolved


class Heartbeat:
    """Prints what is being waited for every few seconds, until the block ends."""

    def __init__(self, report: Reporter, topic: str, waiting_for: str, every: float = 5.0) -> None:
        self.report, self.topic, self.waiting_for, self.every = report, topic, waiting_for, every
        self._done = threading.Event()
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Heartbeat:
        self.started = time.monotonic()
        progress(self.report, self.topic, f"waiting for {self.waiting_for}", self.started)
        self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._done.wait(self.every):
            progress(self.report, self.topic, f"still waiting for {self.waiting_for}", self.started)

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._done.set()
        self._thread.join()
        progress(self.report, self.topic, f"done waiting for {self.waiting_for}", self.started)


def _is_step(line: str) -> bool:
    return line.startswith("Step ") or (line.startswith("#") and " [" in line[:12])


def stream(command: list[str], topic: str, report: Reporter, cwd: Path, env: Mapping[str, str] | None = None) -> None:
    """Run a long command, echoing its step lines as progress (compose's own COMPOSE_* settings come from the
    project's files, never from the caller's environment).

    Raises BuildFailed with the failing step and the last lines of the log.
    """

    started = time.monotonic()
    progress(report, topic, " ".join(command), started)
    tail: collections.deque[str] = collections.deque(maxlen=BUILD_LOG_TAIL)
    last_step = "(before the first step)"
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**{k: v for k, v in host_environment().items() if not k.startswith("COMPOSE_")}, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None
    last_echo = started
    for raw in process.stdout:
        line = raw.rstrip()
        tail.append(line)
        if _is_step(line):
            last_step = line
            progress(report, topic, line[:160], started)
            last_echo = time.monotonic()
        elif time.monotonic() - last_echo > 5:
            progress(report, topic, f"still at: {last_step[:120]}", started)
            last_echo = time.monotonic()
    code = process.wait()
    if code != 0:
        log = "\n".join(f"    {line}" for line in tail)
        hint = (
            "\nthe step needs BuildKit, and docverify builds with the classic builder (`DOCKER_BUILDKIT=0`, as "
            "plain `docker build` does without buildx): spell it without BuildKit-only flags (a `RUN chmod` after "
            "the COPY instead of `COPY --chmod`)"
            if any(BUILDKIT_ONLY.search(line) for line in tail)
            else ""
        )
        raise BuildFailed(
            f"`{' '.join(command)}` failed (exit {code}) at: {last_step}{hint}\n"
            f"last {len(tail)} lines of its log:\n{log}"
        )
    progress(report, topic, f"done in {time.monotonic() - started:.0f}s", started)


# How the classic builder refuses what only BuildKit reads (`COPY --chmod`, `RUN --mount`, heredocs).
BUILDKIT_ONLY = re.compile(r"requires BuildKit|only supported with BuildKit|Unknown flag: (chmod|link|mount)", re.I)


def build(
    tag: str,
    context: Path,
    report: Reporter,
    dockerfile: Path | None = None,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
) -> str:
    """Build with the plain `docker build` (the legacy builder here) and return the tag."""
    # --force-rm: a failed step's container goes too, so a broken build leaves nothing behind.
    command = ["docker", "build", "--force-rm", "--network", "host", "--tag", tag]
    for name, value in (build_args or {}).items():
        command += ["--build-arg", f"{name}={value}"]
    if target:
        command += ["--target", target]
    if dockerfile:
        command += ["--file", str(dockerfile)]
    stream([*command, str(context)], f"build {tag}", report, context, env={"DOCKER_BUILDKIT": "0"})
    return tag


def inspect(name: str, kind: str = "image") -> dict[str, Any]:
    result = subprocess.run(["docker", kind, "inspect", name], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"docker {kind} inspect {name} failed: {result.stderr.strip()}")
    loaded: list[dict[str, Any]] = json.loads(result.stdout)
    return loaded[0]


def exists(name: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", name], capture_output=True).returncode == 0


def spawning(start: Callable[[], T]) -> T:
    """`start()`, tried again once when the host could not start its process: the command never ran."""
    try:
        return start()
    except OSError as error:
        if error.errno not in SPAWN_ERRNOS:
            raise
        time.sleep(1)
        return start()


def run(*args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`docker ARGS`, captured; the caller decides what a non-zero exit means."""
    command = ["docker", *args]
    return spawning(lambda: subprocess.run(command, input=input, capture_output=True, text=True, timeout=timeout))
