#!/usr/bin/env python3
"""How long `python3 scripts/dev serve` takes to the first page, cold and warm; prints JSON.

    python3 benchmarks/serve.py              # a fresh `git clone` of this repository's HEAD
    python3 benchmarks/serve.py --worktree   # the clone overlaid with uncommitted work
    python3 benchmarks/serve.py --python /usr/bin/python3

Cold: a fresh clone (no .tools/, no .venv/), `scripts/dev serve --port <free>`, polled until
the URL it prints answers HTTP 200. Warm: a second start in the same clone. For each, the
seconds to the first page, the lines printed before the URL line, and the CPU seconds spent
(the machine's load stretches the wall time, hardly the CPU time). Figures only, no verdict;
the goals are printed beside them for reference. Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"cold_seconds": 60, "warm_seconds": 2, "lines_before_url": 15}
URL_LINE = re.compile(r"^\[dev\] serving at (\S+)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def clone(into: Path, worktree: bool) -> str:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(into)], check=True)
    if worktree:
        overlay(into)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=into, capture_output=True, text=True)
    return head.stdout.strip() + ("+worktree" if worktree else "")


def overlay(into: Path) -> None:
    """Copy the working tree's tracked and untracked (not ignored) files over the clone; drop deleted ones."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, into / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    committed = subprocess.run(
        ["git", "ls-tree", "-r", "-z", "--name-only", "HEAD"], cwd=into, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, committed.split("\0")):
        if not (ROOT / name).exists():
            (into / name).unlink(missing_ok=True)


def start_to_first_page(checkout: Path, python: str, timeout: float) -> dict[str, Any]:
    port = free_port()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.monotonic()
    child = subprocess.Popen(
        [python, "scripts/dev", "serve", "--port", str(port)],
        cwd=checkout,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so the docs server goes down with it
    )
    lines: list[str] = []
    url: list[str] = []

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            match = URL_LINE.match(line)
            if match and not url:
                url.append(match.group(1))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result: dict[str, Any] = {"port": port}
    try:
        while time.monotonic() - started < timeout and child.poll() is None:
            if url and answers(url[0]):
                result["seconds_to_first_page"] = round(time.monotonic() - started, 2)
                result["url"] = url[0]
                result["lines_before_url"] = next(i for i, line in enumerate(lines) if URL_LINE.match(line))
                result["printed_before_url"] = lines[: result["lines_before_url"]]
                break
            time.sleep(0.1)
        else:
            result["error"] = f"no page within {timeout:.0f} s (exit {child.poll()})"
            result["output_tail"] = lines[-30:]
    finally:
        stop(child)
        reader.join(timeout=5)
    # CPU time of scripts/dev and everything it waited for: a figure the machine's load barely moves.
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_seconds"] = round(used.ru_utime + used.ru_stime - cpu_before, 1)
    return result


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is not None:
        return
    os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--python", default="python3", help="the interpreter that runs scripts/dev (default python3)")
    parser.add_argument("--worktree", action="store_true", help="include uncommitted work in the clone")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for each first page")
    parser.add_argument("--keep", action="store_true", help="keep the clone and say where it is")
    options = parser.parse_args()
    if shutil.which(options.python) is None:
        parser.error(f"no interpreter {options.python!r} on PATH")
    workdir = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    checkout = workdir / "repo"
    try:
        report: dict[str, Any] = {"commit": clone(checkout, options.worktree)}
        report["cold"] = start_to_first_page(checkout, options.python, options.timeout)
        report["warm"] = start_to_first_page(checkout, options.python, options.timeout)
        report["goals"] = GOALS
        report["machine"] = {"cpus": os.cpu_count(), "load_average": [round(x, 1) for x in os.getloadavg()]}
        if options.keep:
            report["clone"] = str(checkout)
        print(json.dumps(report, indent=2))
        return 1 if "error" in report["cold"] or "error" in report["warm"] else 0
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
