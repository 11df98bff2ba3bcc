"""The Docker engine: reachability, builds, inspection and runs.

Every failure says what broke: an unreachable engine says so once, and a
failed build shows the failing step and the tail of its log.
"""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_LOG_TAIL = 30


class DockerUnavailable(RuntimeError):
    """No Docker engine answers."""


class BuildFailed(RuntimeError):
    """`docker build` failed; the message holds the step and the log's tail."""


def to_stderr(line: str) -> None:
    sys.__stderr__.write(line + "\n")
    sys.__stderr__.flush()


# Where progress lines go; under pytest, the plugin points this past output capture.
report = to_stderr


def progress(topic: str, message: str, started: float) -> None:
    """A long build or wait says what it is doing, so it never looks like a hang."""
    report(f"[{topic} +{time.monotonic() - started:.0f}s] {message}")


def engine_problem() -> str | None:
    """None when an engine answers, otherwise why not, in one line."""
    try:
        result = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True, text=True, timeout=20,
        )
    except FileNotFoundError:
        return "the docker client is not installed"
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer `docker info` within 20 s"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"the Docker engine is unreachable: {reason}"
    return None


def package_index_url() -> str:
    """The index builds hand to pip and Poetry: $PACKAGE_INDEX_URL, else pip's own."""
    if os.environ.get("PACKAGE_INDEX_URL") is not None:
        return os.environ["PACKAGE_INDEX_URL"]
    configured = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
        capture_output=True, text=True,
    )
    if configured.returncode == 0 and configured.stdout.strip():
        return configured.stdout.strip()
    from pip._internal.models.index import PyPI

    return PyPI.simple_url


class Heartbeat:
    """Prints what is being waited for every few seconds, until the block ends."""

    def __init__(self, topic: str, waiting_for: str, every: float = 5.0) -> None:
        self.topic, self.waiting_for, self.every = topic, waiting_for, every
        self._done = threading.Event()

    def __enter__(self) -> "Heartbeat":
        self.started = time.monotonic()
        progress(self.topic, f"waiting for {self.waiting_for}", self.started)
        self._thread = threading.Thread(target=self._beat, daemon=True)
        self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._done.wait(self.every):
            progress(self.topic, f"still waiting for {self.waiting_for}", self.started)

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        progress(self.topic, f"done waiting for {self.waiting_for}", self.started)


STEP = re.compile(r"^(Step \d+/\d+ : .*|#\d+ \[[^\]]+\] .*)$")


def stream(command: list[str], topic: str, env: dict | None = None, cwd: Path = ROOT) -> list[str]:
    """Run a long command, echoing its step lines as progress; return its log tail.

    Raises BuildFailed with the failing step and the last lines of the log.
    """
    started = time.monotonic()
    progress(topic, " ".join(command), started)
    tail: collections.deque[str] = collections.deque(maxlen=BUILD_LOG_TAIL)
    last_step = "(before the first step)"
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
    )
    assert process.stdout is not None
    last_echo = started
    for raw in process.stdout:
        line = raw.rstrip()
        tail.append(line)
        if STEP.match(line):
            last_step = line
            progress(topic, line[:160], started)
            last_echo = time.monotonic()
        elif time.monotonic() - last_echo > 5:
            progress(topic, f"still at: {last_step[:120]}", started)
            last_echo = time.monotonic()
    code = process.wait()
    if code != 0:
        log = "\n".join(f"    {line}" for line in tail)
        raise BuildFailed(
            f"`{' '.join(command)}` failed (exit {code}) at: {last_step}\n"
            f"last {len(tail)} lines of its log:\n{log}"
        )
    progress(topic, f"done in {time.monotonic() - started:.0f}s", started)
    return list(tail)


def build(tag: str, target: str | None = None, dockerfile: Path | None = None, context: Path = ROOT) -> str:
    """Build with the plain `docker build` (the legacy builder here) and return the tag."""
    command = ["docker", "build", "--network", "host", "--tag", tag,
               "--build-arg", f"PACKAGE_INDEX_URL={package_index_url()}"]
    if target:
        command += ["--target", target]
    if dockerfile:
        command += ["--file", str(dockerfile)]
    stream([*command, str(context)], f"build {tag}", env={"DOCKER_BUILDKIT": "0"})
    return tag


def inspect(name: str, kind: str = "image") -> dict:
    result = subprocess.run(["docker", kind, "inspect", name], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"docker {kind} inspect {name} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)[0]


def run(*args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`docker ARGS`, captured; the caller decides what a non-zero exit means."""
    return subprocess.run(["docker", *args], input=input, capture_output=True, text=True, timeout=timeout)
