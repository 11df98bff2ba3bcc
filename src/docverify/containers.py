"""Building and probing the image and running levels' subjects, once per session."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from . import docker, probe
from .compose import ComposeModel
from .config import Settings
from .docker import Reporter
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
    by_stage = {}
    for stage in dockerfile.stages:
        final = stage is dockerfile.final
        tag = image_tag(settings, stage.name)
        if not (settings.prebuilt and docker.exists(tag)):
            docker.build(tag, settings.root, report, settings.dockerfile, None if final else stage.name, args)
        inspected = docker.inspect(tag)
        workdir = inspected["Config"].get("WorkingDir") or "/"
        request = probe.Request(walk.paths(), [workdir], walk.programs(), dict(walk.registry.image_probes), final)
        facts = probe.image_facts(tag, request)
        history = docker.run("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).stdout.splitlines()
        by_stage[stage.index] = Image(tag, stage, inspected, facts, history)
    layers, probed = {}, {}
    for stage in dockerfile.stages:
        if stage.parent is None and stage.base not in layers:
            if not docker.exists(stage.base):
                raise BuildFailed(f"{stage.where()}: base image {stage.base} is not in the engine")
            inspected = docker.inspect(stage.base)
            layers[stage.base] = list(inspected["RootFS"]["Layers"])
            walked = stage.base == dockerfile.final.base
            facts = probe.image_facts(stage.base, probe.Request(walk.paths(), [], walk.programs(), walk=walked))
            probed[stage.base] = Image(stage.base, stage, inspected, facts, [])
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
