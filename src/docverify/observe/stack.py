"""The compose stack the running level owns: up once, torn down always, leftovers removed.

Everything the suite starts carries its compose project's label, so leftovers of an earlier
run that died (timeout, kill, Ctrl-C) are found and removed before the stack comes up, and
again at teardown. One-off `compose run` containers get a name and a deadline of their own.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pytest_docker.plugin import get_docker_services

from ..config import Settings
from ..errors import BuildFailed, ProbeFailed
from ..model import reads
from ..model.compose import ComposeModel, compose_files, file_options, own_environment
from ..model.sources import Sources, service_named
from . import docker, probe
from .docker import Reporter
from .images import building
from .observer import Observed, Observer
from .plan import Plan
from .subjects import EVERYTHING, Container, Stack


class Compose:
    def __init__(self, file: Path, project: str, environment: dict[str, str], pins: tuple[Path, ...] = ()) -> None:
        self.file, self.project, self.environment, self.pins = file, project, environment, pins

    def command(self, *args: str) -> list[str]:
        files = [o for f in (*compose_files(self.file), *self.pins) for o in ("-f", str(f))]
        return ["docker", "compose", *(files if self.pins else file_options(self.file)), "-p", self.project, *args]

    @contextmanager
    def pinned(self, service: str, image: str) -> Iterator[Compose]:
        """This project with `service` run from exactly `image` (an image ID): a one-off start then runs what the
        stack runs, even when another build has since moved the tag compose names."""
        with tempfile.TemporaryDirectory(prefix="docverify-pin-") as folder:
            pin = Path(folder) / "pin.yaml"
            pin.write_text(json.dumps({"services": {service: {"image": image}}}))  # JSON is YAML
            yield Compose(self.file, self.project, self.environment, (*self.pins, pin))

    @contextmanager
    def apart(self, purpose: str) -> Iterator[Compose]:
        """The same files, pins and variables in a compose project of its own, removed afterwards whatever
        happened: an experiment there leaves the stack as it was, and may run while another breaks it. It
        publishes no port and names no container (those would clash with the stack's); an external volume would
        be the stack's own, so a project with one gets no experiment apart."""
        model = ComposeModel(self.file, self.environment)
        shared = sorted(name for name, volume in model.volumes.items() if (volume or {}).get("external"))
        if shared:
            raise ProbeFailed(f"volume {', '.join(shared)} is external: a compose project apart would share it")
        with tempfile.TemporaryDirectory(prefix="docverify-apart-") as folder:
            reset = Path(folder) / "apart.yaml"  # YAML for its `!reset` tags; JSON strings for the names
            reset.write_text("services:\n" + "".join(
                f"  {json.dumps(name)}:\n    ports: !reset []\n    container_name: !reset null\n"
                for name in model.services))  # fmt: skip
            name = f"{self.project}-{purpose}-{uuid.uuid4().hex[:6]}"
            own = Compose(self.file, name, self.environment, (*self.pins, reset))
            try:
                yield own
            finally:
                own.clean()

    def __call__(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        reads.note(*EVERYTHING)  # a check asking compose (logs, stop) sees the whole running service
        command = self.command(*args)
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.file.parent,
            env={**own_environment(docker.host_environment()), **self.environment},
        )
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

    def _apart(self, kind: str) -> list[str]:
        """Containers, networks or volumes of the projects `apart` made, left by a session that was killed."""
        mine = re.compile(re.escape(self.project) + r"-[a-z]+-[0-9a-f]{6}")
        field = "{{.Name}}" if kind == "volume ls" else "{{.ID}}"
        shown = f'{field} {{{{.Label "com.docker.compose.project"}}}}'
        listed = docker.run(*kind.split(), "--filter", "label=com.docker.compose.project", "--format", shown)
        lines = (line.partition(" ") for line in listed.stdout.splitlines())
        return [ref for ref, _, name in lines if mine.fullmatch(name)]

    def clean(self) -> None:
        """Remove every container, network and volume of the project and of the projects its experiments made apart,
        and the images compose named after it (`--rmi local`: a service's image without an `image:` of its own;
        BuildKit's cache keeps the layers)."""
        found = self.leftovers() + self._apart("ps -a")
        if found:
            docker.run("rm", "-f", "-v", *found, timeout=120)
        self("down", "-v", "--rmi", "local", "--remove-orphans", "--timeout", "5", check=False, timeout=180)
        for kind in ("network", "volume"):
            left = self._apart(f"{kind} ls")
            if left:
                docker.run(kind, "rm", *left, timeout=120)

    def why_unhealthy(self, error: Exception) -> str:
        """One account of a stack that did not come up: each service's state and its health check's last words,
        then the last log lines."""
        states = []
        for container in self.leftovers():
            found = docker.run("inspect", "--format", "{{json .}}", container)
            try:
                raw = json.loads(found.stdout)
            except ValueError:
                continue
            name = raw.get("Config", {}).get("Labels", {}).get("com.docker.compose.service", container[:12])
            state = raw.get("State", {})
            health = state.get("Health") or {}
            said = _last_lines(((health.get("Log") or [{}])[-1].get("Output") or ""), 300)
            status = health.get("Status") or state.get("Status", "?")
            exited = f" (exit {state.get('ExitCode')})" if state.get("Status") == "exited" else ""
            states.append(f"{name}: {status}{exited}" + (f"; its health check said: {said}" if said else ""))
        logs = self("logs", "--no-color", "--tail", "20", check=False).stdout.strip() or "(no log lines)"
        # pytest-docker wraps compose's output in `"""...""".`: its last line that says something is the reason.
        first = [line for line in str(error).splitlines() if line.strip(' ."')][-1:] or ["no reason given"]
        return (
            f"the stack did not come up healthy ({first[0][:200]}): "
            + "; ".join(states)
            + f"\n--- last logs ---\n{logs}"
        )

    def container_id(self, service: str) -> str:
        return self("ps", "--all", "-q", service).stdout.strip()

    def built_names(self) -> str:
        """The image names compose gives what it builds (`image:`, else `<project>-<service>`), joined."""
        built = [s for s in ComposeModel(self.file, self.environment).services.values() if s.builds]
        return "+".join(sorted(s.image or f"{self.project}-{s.name}" for s in built)) or self.project

    def build(self, report: Reporter) -> None:
        """Build first, streaming its steps, so a long build shows progress and a failure its log."""
        docker.stream(
            self.command("build", "--progress", "plain"),
            "compose build",
            report,
            self.file.parent,
            env=self.environment,
        )

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
        # pytest-docker runs compose through a shell, in this process's folder, with `-f` for each file it is
        # given: it is given none, and the shell starts in the compose file's folder, so compose reads `.env`
        # (and COMPOSE_FILE in it) as a user's `docker compose up` does. The variables ride on the command.
        unset = sorted(name for name in docker.host_environment() if name.startswith("COMPOSE_"))
        command = " ".join(
            [
                "cd",
                shlex.quote(str(self.file.parent)),
                "&&",
                "env",
                *(f"-u {name}" for name in unset),
                *(shlex.quote(f"{k}={v}") for k, v in self.environment.items()),
                "docker compose",
                *(shlex.quote(option) for option in file_options(self.file)),
            ]
        )
        try:
            # Build and up under a machine-wide lock per image name compose builds: it tags what it builds by
            # those names, so another build of them in between would hand this one its image (its ID is pinned).
            with building(f"compose-{self.built_names()}", report), ExitStack() as held:
                self.build(report)
                with docker.Heartbeat(report, "compose up", "every service to turn healthy (`up --wait`)"):
                    try:
                        # Each try gets a fresh context: a context that raised is spent.
                        up = functools.partial(get_docker_services, command, [], self.project, ["up --wait -d"], [])
                        docker.spawning(lambda: held.enter_context(up()))
                    except Exception as error:  # pytest-docker raises a bare Exception with compose's output
                        raise BuildFailed(self.why_unhealthy(error)) from None
                unlocked = held.pop_all()
            with unlocked:
                yield self
        finally:
            self.clean()


def free_port() -> int:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port: int = held.getsockname()[1]
        return port


def compose_environment(settings: Settings) -> dict[str, str]:
    """What compose interpolates: the build arguments, and each `{free-port}` made concrete."""
    environment = docker.resolve_build_args(settings.build_args)
    for name, value in docker.resolve_build_args(settings.compose_env).items():
        environment[name] = value.replace("{free-port}", str(free_port()))
    return environment


def _late(container: str, service: Container, what: str, observer: Observer[Any, Any]) -> Observed:
    return probe.observe_container(container, service, {observer: observer.merge([])}, what)


def _last_lines(output: str, limit: int) -> str:
    """The last whole lines of an output, within `limit` characters: a traceback's last line says what failed."""
    kept: list[str] = []
    for line in reversed([line.strip() for line in output.splitlines() if line.strip()]):
        if kept and sum(len(k) + 3 for k in kept) + len(line) > limit:
            break
        kept.insert(0, line[-limit:])
    return " | ".join(kept)


def under_test(settings: Settings, model: ComposeModel) -> str:
    return service_named(settings.service, model) or model.built().name


def _base_url(inspected: dict[str, Any]) -> str:
    ports = inspected["NetworkSettings"]["Ports"] or {}
    bindings = [b for key in sorted(ports) for b in (ports[key] or []) if key.endswith("/tcp")]
    return f"http://{bindings[0]['HostIp'] or '127.0.0.1'}:{bindings[0]['HostPort']}" if bindings else ""


def _observed(compose: Compose, plan: Plan, service: str) -> Container:
    inspected = docker.inspect(compose.container_id(service), "container")
    url, what = _base_url(inspected), f"service {service}"
    placeholder = Container(service, inspected, Observed(service), url)
    observed = probe.observe_container(inspected["Id"], placeholder, plan.requests(f"service:{service}"), what)
    observed.fetch = partial(_late, inspected["Id"], placeholder, what)
    return Container(service, inspected, observed, url)


@contextmanager
def running_stack(sources: Sources, plan: Plan, report: Reporter) -> Iterator[Stack]:
    """The stack up and healthy, every service observed with what the claims need, and down again after."""
    settings = sources.settings
    assert settings.compose is not None
    compose = Compose(settings.compose, settings.project, compose_environment(settings))
    model = sources.compose
    name = under_test(settings, model)
    with compose.session(report):
        with ThreadPoolExecutor(max_workers=4) as pool:  # each service observed beside the others
            found = pool.map(partial(_observed, compose, plan), model.services)
            containers = dict(zip(model.services, found, strict=True))
        others = {n: c for n, c in containers.items() if n != name}
        yield Stack(sources, settings.project, containers[name], others, compose)
