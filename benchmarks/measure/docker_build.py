"""A legacy-builder `docker build`, echoed and timed step by step."""

from __future__ import annotations

import collections
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import ROOT, Bench, Failed, environment
from .progress import Heartbeat, say

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


def slowest(steps: list[Step], count: int = 5) -> list[dict[str, Any]]:
    return [
        {"step": text[:100], "seconds": seconds, "cached": cached}
        for text, seconds, cached in sorted(steps, key=lambda s: -s[1])[:count]
    ]
