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


@dataclass(frozen=True)
class Landed:
    """Where the probe's line was found."""

    request: str  # the path asked for
    stdout: bool  # in the container's standard output, as `docker logs` shows it
    stderr: bool
    files: tuple[str, ...]  # files of the directory holding it
    status: int | None  # what the app answered the request
    error: str = ""  # why the directory could not be read


def _files(container: str, directory: str, needle: bytes) -> tuple[tuple[str, ...], str]:
    try:
        copied = subprocess.run(
            ["docker", "cp", f"{container}:{directory.rstrip('/')}/.", "-"], capture_output=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        return (), f"`docker cp` of {directory} did not finish within 60 s"
    if copied.returncode != 0:
        return (), copied.stderr.decode(errors="replace").strip()
    found = []
    with tarfile.open(fileobj=io.BytesIO(copied.stdout)) as archive:
        for member in archive.getmembers():
            handle = archive.extractfile(member) if member.isfile() else None
            if handle is not None and needle in handle.read():
                found.append(f"{directory.rstrip('/')}/{member.name.removeprefix('./')}")
    return tuple(sorted(found)), ""


def probe(service: Any, directory: str, line: str = "Not Found: {path}") -> Landed:
    """Ask the service for a missing page and watch for `line` (with `{path}` the page asked) where logs land."""
    path = f"/docverify-log-probe-{uuid.uuid4().hex[:12]}/"
    needle = line.format(path=path)
    since = str(int(time.time()) - 1)
    status = get(f"{service.base_url}{path}")["status"] if service.base_url else None
    deadline = time.monotonic() + WINDOW
    while True:
        try:
            logs = subprocess.run(
                ["docker", "logs", "--since", since, service.id], capture_output=True, text=True, timeout=60
            )
        except subprocess.TimeoutExpired:
            return Landed(path, False, False, (), status, "`docker logs` did not answer within 60 s")
        files, error = _files(service.id, directory, needle.encode())
        landed = Landed(path, needle in logs.stdout, needle in logs.stderr, files, status, error)
        if (landed.stdout and landed.files) or time.monotonic() > deadline:
            return landed
        time.sleep(0.5)
