"""Building and probing the image and running levels' subjects, once per session."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from . import docker, probe
from .compose import ComposeModel
from .config import Settings
from .docker import Reporter
from .dockerfile import Stage
from .errors import BuildFailed, ProbeFailed
from .resources import Container, Image, Service
from .stack import Compose
from .subjects import Images, Sources, Stack
from .walk import Walk


def image_tag(settings: Settings, stage_name: str | None) -> str:
    return f"{settings.image_prefix}:{stage_name or 'final'}"


def build_images(walk: Walk, report: Reporter) -> Images:
    settings, sources = walk.settings, walk.sources
    dockerfile = sources.dockerfile
    args = docker.resolve_build_args(settings.build_args)
    tags = {}
    for stage in dockerfile.stages:  # one at a time: each build reuses the cache of the last
        tag = tags[stage.index] = image_tag(settings, stage.name)
        if not (settings.prebuilt and docker.exists(tag)):
            final = stage is dockerfile.final
            docker.build(tag, settings.root, report, settings.dockerfile, None if final else stage.name, args)
    bases = {s.base: s for s in reversed(dockerfile.stages) if s.parent is None}
    for base in bases:
        if not docker.exists(base):
            raise BuildFailed(f"{bases[base].where()}: base image {base} is not in the engine")
    paths, programs, extra = walk.paths(), walk.programs(), dict(walk.registry.image_probes)

    def stage_image(stage: Stage) -> Image:
        tag = tags[stage.index]
        inspected = docker.inspect(tag)
        workdir = inspected["Config"].get("WorkingDir") or "/"
        final = stage is dockerfile.final  # the closed-world claims and the project probes look there
        facts = probe.image_facts(tag, probe.Request(paths, [workdir], programs, extra if final else {}, final))
        history = docker.run("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).stdout.splitlines()
        return Image(tag, stage, inspected, facts, history)

    def base_image(base: str) -> Image:
        walked = base == dockerfile.final.base  # the closed-world claims compare the final stage with it
        facts = probe.image_facts(base, probe.Request(paths, [], programs, walk=walked))
        return Image(base, bases[base], docker.inspect(base), facts, [])

    # The probes are independent `docker run`s: the engine runs them side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        staged = {s.index: pool.submit(stage_image, s) for s in dockerfile.stages}
        based = {b: pool.submit(base_image, b) for b in bases}
        by_stage = {index: future.result() for index, future in staged.items()}
        probed = {base: future.result() for base, future in based.items()}
    layers = {base: list(image.inspect["RootFS"]["Layers"]) for base, image in probed.items()}
    return Images(sources, by_stage, layers, probed)


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port: int = probe_socket.getsockname()[1]
        return port


def compose_environment(settings: Settings) -> dict[str, str]:
    """What compose interpolates: the build arguments, and each `{free-port}` made concrete."""
    environment = docker.resolve_build_args(settings.build_args)
    for name, value in docker.resolve_build_args(settings.compose_env).items():
        environment[name] = value.replace("{free-port}", str(free_port()))
    return environment


@contextmanager
def running_stack(walk: Walk, report: Reporter) -> Iterator[Stack]:
    settings, sources = walk.settings, walk.sources
    compose = Compose(settings.compose, settings.project, compose_environment(settings))
    model: ComposeModel = sources.compose
    service_name = settings.service or model.built().name
    with compose.session(report):
        inspected = {name: docker.inspect(compose.container_id(name), "container") for name in model.services}
        under_test = inspected[service_name]
        workdir = under_test["Config"].get("WorkingDir") or "/"
        paths = walk.paths()
        request = probe.Request(paths, [workdir, *(p for p in paths if p.startswith(workdir.rstrip("/") + "/"))],
                                walk.programs(), dict(walk.registry.container_probes))  # fmt: skip
        facts = probe.container_facts(under_test["Id"], request)
        container = Container(service_name, under_test, facts)
        bindings = [b for port in container.published.values() for b in port]
        base_url = f"http://{bindings[0]['HostIp'] or '127.0.0.1'}:{bindings[0]['HostPort']}" if bindings else ""
        others = {name: Service(name, spec) for name, spec in inspected.items() if name != service_name}
        yield Stack(sources, settings.project, container, others, base_url, compose)


__all__ = ["ProbeFailed", "build_images", "running_stack", "Sources"]
