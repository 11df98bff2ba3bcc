"""A one-off start of a service, as compose makes it, with a few variables changed: how it ended, by Docker's clock.

`compose run` (no dependencies started, no ports published) with the given environment and command;
then Docker's own record of it: the exit status, when it started and finished, and each log line
with the time Docker received it. The container is removed afterwards, whatever happened.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import ProbeFailed
from . import docker


@dataclass(frozen=True)
class Ended:
    code: int | None  # its exit status
    ran: float  # seconds from its start to its exit
    lines: tuple[tuple[float, str], ...]  # (seconds after its start, line)

    def since_first_line(self) -> float:
        """Seconds from its first log line to its exit: what ran after the start-up's first step began."""
        return self.ran - self.lines[0][0] if self.lines else self.ran

    @property
    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)


def moment(stamp: str) -> float:
    """Docker's RFC 3339 time with nanoseconds, as seconds since the epoch."""
    head, _, rest = stamp.rstrip("Z").partition(".")
    fraction = "".join(c for c in rest if c.isdigit())[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{head}.{fraction}+00:00").timestamp()


def start(
    compose: Any, service: str, environment: dict[str, str], command: tuple[str, ...], deadline: float = 300
) -> Ended:
    """Raises ProbeFailed when the start has not ended within `deadline` seconds (its container removed)."""
    name = f"{compose.project}-once-{uuid.uuid4().hex[:8]}"
    options = [f"--env={key}={value}" for key, value in environment.items()]
    try:
        done = compose(
            "run", "--no-deps", "-T", "--name", name, *options, service, *command, check=False, timeout=deadline
        )
        state = docker.inspect(name, "container")["State"]
        logged = docker.run("logs", "--timestamps", name, timeout=60)
    except subprocess.TimeoutExpired:
        raise ProbeFailed(f"a one-off start of service {service} did not end within {deadline:.0f} s") from None
    except RuntimeError:
        said = (done.stderr or done.stdout).strip()[-300:]
        raise ProbeFailed(f"`docker compose run` made no container of service {service}: {said}") from None
    finally:
        docker.run("rm", "-f", "-v", name, timeout=60)
    started = moment(state["StartedAt"])
    lines = []
    for raw in (logged.stdout + logged.stderr).splitlines():
        stamp, _, text = raw.partition(" ")
        try:
            lines.append((moment(stamp) - started, text))
        except ValueError:
            continue
    lines.sort()
    return Ended(state.get("ExitCode"), moment(state["FinishedAt"]) - started, tuple(lines))
