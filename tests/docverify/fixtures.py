"""The pytest plugin behind every Docker-backed test and doc check.

Images are built once per session with the plain `docker build`; the compose
stack is started once, through pytest-docker, with `up --build --wait`.
Without a Docker engine these fixtures skip with one reason; under CI=true
they fail instead, so CI never passes by skipping.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

from . import claims, docker, probes
from .subjects import Image, Images, Sources, Stack

ROOT = docker.ROOT
DOCS = ROOT / "docs"
# Mutation runs build under their own tag, leaving the suite's images alone.
TAG = os.environ.get("DOCVERIFY_TAG", "backend-django-docs")
PROJECT = "backend-django-tests"


def pytest_configure(config: pytest.Config) -> None:
    capture = config.pluginmanager.getplugin("capturemanager")

    def to_terminal(line: str) -> None:
        terminal = config.pluginmanager.getplugin("terminalreporter")
        if capture is None or terminal is None:
            return docker.to_stderr(line)
        with capture.global_and_fixture_disabled():
            terminal.write_line(line)

    docker.report = to_terminal
    config.addinivalue_line("markers", "docker: needs a Docker engine (skips without one, fails under CI=true)")
    config.addinivalue_line("markers", "mutation: a catalogue mutant the doc checks must kill (scripts/mutate runs them all)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Doc checks at the image and running levels need the engine, like tests marked so.
    for item in items:
        if item.name.startswith(("image:", "running:", "doctest:")):
            item.add_marker(pytest.mark.docker)


def require_docker() -> None:
    problem = docker.engine_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {problem}", pytrace=False)
    pytest.skip(f"Docker-backed check skipped: {problem}")


@pytest.fixture(scope="session")
def docker_engine() -> None:
    require_docker()


@pytest.fixture(scope="session")
def sources() -> Sources:
    return Sources(ROOT)


@pytest.fixture(scope="session")
def dockerfile(sources: Sources):
    return sources.dockerfile


def documented_values() -> set[str]:
    return {v for page in DOCS.rglob("*.md") for c in claims.read(page) for v in c.values}


def documented_paths() -> list[str]:
    """Every absolute path a docs claim names: the probes look at each one."""
    return sorted({v.rstrip("/") for v in documented_values() if v.startswith("/") and " " not in v})


def documented_programs() -> list[str]:
    """Every word a claim names that could be a program: the probes look each up on PATH."""
    return sorted(v for v in documented_values() if re.fullmatch(r"[a-z][a-z0-9+._-]*", v))


@pytest.fixture(scope="session")
def images(docker_engine, sources: Sources) -> Images:
    dockerfile = sources.dockerfile
    paths = documented_paths()
    by_stage = {}
    for stage in dockerfile.stages:
        final = stage is dockerfile.final
        tag = f"{TAG}:{'runtime' if final else stage.name}"
        # Benchmarks time the checks alone, on images built beforehand.
        prebuilt = os.environ.get("DOCVERIFY_PREBUILT") == "1" and docker.run("image", "inspect", tag).returncode == 0
        try:
            if not prebuilt:
                docker.build(tag, target=None if final else stage.name)
        except docker.BuildFailed as error:
            pytest.fail(str(error), pytrace=False)
        inspected = docker.inspect(tag)
        try:
            facts = probes.image_facts(tag, paths, [inspected["Config"].get("WorkingDir") or "/"], documented_programs())
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        history = docker.run("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).stdout.splitlines()
        by_stage[stage.index] = Image(tag, stage, inspected, facts, history)
    bases = {stage.base: docker.inspect(stage.base)["RootFS"]["Layers"] for stage in dockerfile.stages}
    return Images(sources, by_stage, bases)


@pytest.fixture(scope="session")
def builder_image(images: Images) -> Image:
    return images.builder


@pytest.fixture(scope="session")
def runtime_image(images: Images) -> Image:
    return images.runtime


# --- the compose stack, through pytest-docker ---------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def docker_compose_file() -> str:
    return str(ROOT / "compose.yaml")


@pytest.fixture(scope="session")
def docker_compose_project_name() -> str:
    return PROJECT


@pytest.fixture(scope="session")
def compose_environment(docker_engine) -> dict[str, str]:
    """Variables compose reads: a free loopback port and the package index."""
    environment = {"BACKEND_PORT": str(free_port()), "PACKAGE_INDEX_URL": docker.package_index_url()}
    os.environ.update(environment)
    return environment


def compose(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    command = ["docker", "compose", "-f", str(ROOT / "compose.yaml"), "-p", PROJECT, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` failed (exit {result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="session")
def compose_up(compose_environment, request: pytest.FixtureRequest):
    """The stack up and healthy. The build streams its steps first, so the
    terminal shows progress; pytest-docker's `up --build --wait` then reuses it."""
    try:
        docker.stream(["docker", "compose", "-f", str(ROOT / "compose.yaml"), "-p", PROJECT, "build", "--progress", "plain"],
                      "compose build")
    except docker.BuildFailed as error:
        pytest.fail(str(error), pytrace=False)
    try:
        with docker.Heartbeat("compose up", "db and backend to turn healthy (`up --build --wait`)"):
            services = request.getfixturevalue("docker_services")
    except Exception as error:  # pytest-docker raises a bare Exception with compose's output
        logs = compose("logs", "--no-color", "--tail", "40", check=False).stdout
        compose("down", "-v", check=False)
        pytest.fail(f"the stack did not come up healthy: {error}\n--- last log lines ---\n{logs}", pytrace=False)
    return services


def container_id(service: str) -> str:
    return compose("ps", "--all", "-q", service).stdout.strip()


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="session")
def stack(compose_up, compose_environment, sources: Sources) -> Stack:
    services = sorted(sources.compose["services"])
    containers = {service: docker.inspect(container_id(service), "container") for service in services}
    backend = containers["backend"]["Id"]
    base_url = f"http://127.0.0.1:{compose_environment['BACKEND_PORT']}"
    paths = documented_paths()
    workdir = containers["backend"]["Config"]["WorkingDir"]
    try:
        facts = probes.container_facts(backend, paths, [p for p in paths if p.startswith(workdir + "/")], documented_programs())
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    return Stack(sources, PROJECT, containers, facts, http_get(f"{base_url}/health/"), base_url)
