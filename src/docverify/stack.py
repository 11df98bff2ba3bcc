"""The compose stack the running level owns: up once, torn down always, leftovers removed.

Everything the suite starts carries its compose project's label, so leftovers of an earlier
run that died (timeout, kill, Ctrl-C) are found and removed before the stack comes up, and
again at teardown. One-off `compose run` containers get a name and a deadline of their own.
"""

from __future__ import annotations

import shlex
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from pytest_docker.plugin import get_docker_services

from . import docker
from .compose import compose_files, file_options
from .docker import Reporter
from .errors import BuildFailed


class Compose:
    def __init__(self, file: Path, project: str, environment: dict[str, str]) -> None:
        self.file, self.project, self.environment = file, project, environment

    def command(self, *args: str) -> list[str]:
        return ["docker", "compose", *file_options(self.file), "-p", self.project, *args]

    def __call__(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        import os

        command = self.command(*args)
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=self.file.parent,
            env={**os.environ, **self.environment},
        )  # fmt: skip
        if check and result.returncode != 0:
            raise RuntimeError(
                f"`{' '.join(command)}` failed (exit {result.returncode}):\n"
                f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result

    def leftovers(self) -> list[str]:
        """Containers of this project, one-off runs included, from any earlier session."""
        result = docker.run("ps", "-aq", "--filter", f"label=com.docker.compose.project={self.project}")
        return result.stdout.split()

    def clean(self) -> None:
        """Remove every container, network and volume of the project."""
        found = self.leftovers()
        if found:
            docker.run("rm", "-f", "-v", *found, timeout=120)
        self("down", "-v", "--remove-orphans", "--timeout", "5", check=False, timeout=180)

    def container_id(self, service: str) -> str:
        return self("ps", "--all", "-q", service).stdout.strip()

    def build(self, report: Reporter) -> None:
        """Build first, streaming its steps, so a long build shows progress and a failure its log."""
        docker.stream(self.command("build", "--progress", "plain"), "compose build", report, self.file.parent,
                      env=self.environment)  # fmt: skip

    def run_once(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """`compose run --rm` with a deadline: on timeout its container is removed, never left running."""
        name = f"{self.project}-once-{uuid.uuid4().hex[:8]}"
        try:
            return self("run", "--rm", "--name", name, *args, check=False, timeout=timeout)
        except subprocess.TimeoutExpired:
            docker.run("rm", "-f", "-v", name, timeout=60)
            raise

    @contextmanager
    def session(self, report: Reporter) -> Iterator[Compose]:
        """Leftovers removed, the stack up through pytest-docker, and everything removed after."""
        self.clean()
        # pytest-docker runs compose through a shell; the variables ride on the command, not os.environ.
        command = " ".join(["env", *(shlex.quote(f"{k}={v}") for k, v in self.environment.items()), "docker compose"])
        try:
            self.build(report)
            with ExitStack() as held:
                with docker.Heartbeat(report, "compose up", "every service to turn healthy (`up --wait`)"):
                    try:
                        held.enter_context(
                            get_docker_services(
                                command,
                                [str(f) for f in compose_files(self.file)],
                                self.project,
                                ["up --wait --detach"],
                                [],
                            )
                        )
                    except Exception as error:  # pytest-docker raises a bare Exception with compose's output
                        logs = self("logs", "--no-color", "--tail", "40", check=False).stdout
                        raise BuildFailed(
                            f"the stack did not come up healthy: {error}\n--- last logs ---\n{logs}"
                        ) from None
                yield self
        finally:
            self.clean()
