"""Where a log line of the running app lands: `docker logs` (each stream apart) and the files in a directory.

The app is made to log a line of its own, unique to this probe: a GET from this machine for a page
that does not exist (a web framework logs each one it refuses, e.g. Django's `Not Found: /path`).
Then `docker logs` and the directory's files (read through `docker cp`, so no shell is needed in the
container, and a volume mounted there is read too) are watched for that line for a few seconds: a
line held in a buffer never shows.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .http import get

WINDOW = 10.0  # seconds the line has to show up in: written through, it shows at once
GRACE = 2.0  # seconds after a request's first log line for its others (an access line follows the app's)


@dataclass(frozen=True)
class Landed:
    """Where the probe's line was found."""

    request: str  # the path asked for
    stdout: bool  # in the container's standard output, as `docker logs` shows it
    stderr: bool
    files: tuple[str, ...]  # files of the directory holding it
    status: int | None  # what the app answered the request
    error: str = ""  # why the directory could not be read


def _docker_logs(container: str, since: str) -> subprocess.CompletedProcess[str] | None:
    """`docker logs` since then, each stream apart; None when it does not answer within 60 s."""
    try:
        return subprocess.run(["docker", "logs", "--since", since, container], capture_output=True, text=True,
                              timeout=60)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None


def _copied(container: str, path: str) -> tuple[dict[str, bytes], str]:
    """The regular files at `path` (a file, or a directory's contents) by their paths, through `docker cp`."""
    source = path if not path.endswith("/") else f"{path}."
    try:
        copied = subprocess.run(["docker", "cp", f"{container}:{source}", "-"], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return {}, f"`docker cp` of {path} did not finish within 60 s"
    if copied.returncode != 0:
        return {}, copied.stderr.decode(errors="replace").strip()
    found = {}
    with tarfile.open(fileobj=io.BytesIO(copied.stdout)) as archive:
        for member in archive.getmembers():
            handle = archive.extractfile(member) if member.isfile() else None
            if handle is not None:
                name = member.name.removeprefix("./")
                found[f"{path.rstrip('/')}/{name}" if path.endswith("/") else path] = handle.read()
    return found, ""


def _files(container: str, directory: str, needle: bytes) -> tuple[tuple[str, ...], str]:
    found, error = _copied(container, directory.rstrip("/") + "/")
    return tuple(sorted(name for name, data in found.items() if needle in data)), error


def missing(service: Any, appended: tuple[str, ...]) -> list[str]:
    """Lines that the files the server appends to got for a request of this probe's own, and `docker logs` did
    not: each line from the path asked onwards (what precedes it, a time or a level, is each handler's format)."""
    path = f"/docverify-log-probe-{uuid.uuid4().hex[:12]}/"
    since = str(int(time.time()) - 1)
    if service.base_url:
        get(f"{service.base_url}{path}")
    deadline, seen = time.monotonic() + WINDOW, False
    while True:
        logs = _docker_logs(service.id, since)
        if logs is None:
            return ["`docker logs` did not answer within 60 s"]
        lines: list[tuple[str, str]] = []
        lacking: list[str] = []
        for name in appended:
            found, error = _copied(service.id, name)
            text = b"".join(found.values()).decode(errors="replace")
            lacking += [f"{name}: cannot be read ({error})"] if error else []
            lines += [(name, line.strip()) for line in text.splitlines() if path in line]
        lacking += [
            f"{name}: {line}" for name, line in lines if line[line.index(path) :] not in logs.stdout + logs.stderr
        ]
        if not seen and (lines or path in logs.stdout + logs.stderr):
            # The request's lines are written one after another: let the last of them land before comparing.
            seen = True
            time.sleep(GRACE)
            continue
        if (seen and not lacking) or time.monotonic() > deadline:
            return lacking
        time.sleep(0.5)


def probe(service: Any, directory: str, line: str = "Not Found: {path}") -> Landed:
    """Ask the service for a missing page and watch for `line` (with `{path}` the page asked) where logs land."""
    path = f"/docverify-log-probe-{uuid.uuid4().hex[:12]}/"
    needle = line.format(path=path)
    since = str(int(time.time()) - 1)
    status = get(f"{service.base_url}{path}")["status"] if service.base_url else None
    deadline = time.monotonic() + WINDOW
    while True:
        logs = _docker_logs(service.id, since)
        if logs is None:
            return Landed(path, False, False, (), status, "`docker logs` did not answer within 60 s")
        files, error = _files(service.id, directory, needle.encode())
        landed = Landed(path, needle in logs.stdout, needle in logs.stderr, files, status, error)
        if (landed.stdout and landed.files) or time.monotonic() > deadline:
            return landed
        time.sleep(0.5)
