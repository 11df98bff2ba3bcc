"""Whether what a service writes outlives its container: write, recreate the container, read it back.

The experiment breaks what it touches, so it runs in a compose project of its own (the same files,
`.env` and variables as the stack, another project name): the service alone is brought up and
healthy, a program run inside it writes, compose recreates the container (`--force-recreate`, so
only volumes carry anything over), and a program run inside the new one reads. The project, its
containers and its volumes are removed afterwards, whatever happened.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any

from . import docker
from .stack import Compose


@dataclass(frozen=True)
class Recreated:
    wrote: str  # what the writing program printed (stdout), or why it failed
    read: str  # what the reading program printed in the recreated container, or why it failed
    same_container: bool  # compose kept the container instead of recreating it
    error: str = ""  # the experiment itself could not run


def _exec(container: str, argv: list[str]) -> str:
    done = docker.run("exec", container, *argv, timeout=120)
    if done.returncode != 0:
        return f"(exit {done.returncode}) {(done.stderr or done.stdout).strip()[-300:]}"
    return done.stdout.strip()


def recreate(stack_compose: Any, service: str, write: list[str], read: list[str]) -> Recreated:
    """`write` in the service's container, `read` in its recreated one, in a project of their own."""
    try:
        with stack_compose.apart("recreate") as own:
            return _write_and_read(own, service, write, read)
    except subprocess.TimeoutExpired as error:
        return Recreated("", "", False, f"`{' '.join(map(str, error.cmd))}` did not end within {error.timeout:.0f} s")


def _write_and_read(own: Compose, service: str, write: list[str], read: list[str]) -> Recreated:
    up = ("up", "--detach", "--wait", "--no-deps", service)
    done = own(*up, check=False, timeout=300)
    if done.returncode != 0:
        return Recreated("", "", False, f"`docker compose up` of {service} failed: {done.stderr.strip()[-300:]}")
    first = own.container_id(service)
    wrote = _exec(first, write)
    done = own(*up[:-1], "--force-recreate", service, check=False, timeout=300)
    if done.returncode != 0:
        return Recreated(wrote, "", False, f"recreating {service} failed: {done.stderr.strip()[-300:]}")
    second = own.container_id(service)
    return Recreated(wrote, _exec(second, read), first == second)
