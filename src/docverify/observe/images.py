"""The image level's subject: every stage built once, then observed with what the claims need."""

from __future__ import annotations

import fcntl
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..config import Settings
from ..errors import BuildFailed
from ..model.dockerfile import Stage
from ..model.sources import Sources
from . import docker, probe
from .docker import Reporter
from .observer import Observed
from .plan import Plan
from .subjects import Image, Images


def image_tag(settings: Settings, stage: Stage) -> str:
    return f"{settings.image_prefix}:{stage.name.lower() if stage.name else f'stage-{stage.index + 1}'}"


@contextmanager
def building(prefix: str, report: Reporter | None = None) -> Iterator[None]:
    """One build of a prefix's images at a time on this machine: parallel workers wait, then reuse its cache.
    A wait is said (with `report`): another run on this machine holds the lock."""
    path = Path(tempfile.gettempdir()) / f"docverify-build-{re.sub(r'[^A-Za-z0-9_.+-]', '_', prefix)}.lock"
    with path.open("a") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if report is not None:
                report(f"waiting for another build of {prefix} on this machine to finish (lock {path})")
            fcntl.flock(held, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


def build(sources: Sources, report: Reporter) -> dict[int, str]:
    """Each stage built as its own target, one after the other (each reuses the last one's cache)."""
    with building(sources.settings.image_prefix, report):
        return _build(sources, report)


def _build(sources: Sources, report: Reporter) -> dict[int, str]:
    settings, dockerfile = sources.settings, sources.dockerfile
    args = docker.resolve_build_args(settings.build_args)
    tags = {}
    for stage in dockerfile.stages:
        tag = tags[stage.index] = image_tag(settings, stage)
        if settings.prebuilt and docker.exists(tag):
            continue
        target = None if stage is dockerfile.final else (stage.name or str(stage.index))
        if target is not None and stage.name is None:
            # The legacy builder has no `--target` for an unnamed stage: its image is the last layer built.
            continue
        docker.build(tag, settings.context, report, settings.dockerfile, target, args)
    return tags


def build_images(sources: Sources, plan: Plan, report: Reporter) -> Images:
    dockerfile = sources.dockerfile
    tags = build(sources, report)
    # `scratch` is no image: nothing to build on, nothing to observe.
    bases = {s.base: s for s in reversed(dockerfile.stages) if s.parent is None and s.base != "scratch"}
    for base, stage in bases.items():
        if not docker.exists(base):
            raise BuildFailed(f"{stage.where()}: base image {base} is not in the engine")
    unbuilt = [s for s in dockerfile.stages if s.name is None and s is not dockerfile.final]
    if unbuilt and any(plan.wanted.get(f"stage:{s.index}") for s in unbuilt):
        names = ", ".join(s.where() for s in unbuilt)
        raise BuildFailed(f"{names}: an unnamed stage before the last cannot be built on its own; name it (`AS name`)")

    def stage_image(stage: Stage) -> Image:
        tag = tags[stage.index]
        what = f"image {tag} ({stage.where()})"
        observed = probe.observe_image(tag, plan.requests(f"stage:{stage.index}"), what)
        observed.fetch = lambda observer: probe.observe_image(tag, {observer: observer.merge([])}, what)
        history = docker.run("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).stdout.splitlines()
        return Image(tag, stage, docker.inspect(tag), observed, history)

    def base_image(base: str) -> Image:
        observed = probe.observe_image(base, plan.requests(f"base:{base}"), f"base image {base}")
        observed.fetch = lambda observer: probe.observe_image(
            base, {observer: observer.merge([])}, f"base image {base}"
        )
        return Image(base, None, docker.inspect(base), observed)

    # Observing is one `docker run` per image: the engine runs them side by side.
    built = [s for s in dockerfile.stages if s.name is not None or s is dockerfile.final]
    with ThreadPoolExecutor(max_workers=4) as pool:
        pool.submit(docker.resolve_build_args, sources.settings.build_args)  # pip's index, for the claims that ask
        staged = {s.index: pool.submit(stage_image, s) for s in built}
        based = {b: pool.submit(base_image, b) for b in bases}
        by_stage = {index: future.result() for index, future in staged.items()}
        probed = {base: future.result() for base, future in based.items()}
    if any(s.parent is None and s.base == "scratch" for s in dockerfile.stages):
        probed["scratch"] = scratch()
    return Images(sources, by_stage, probed)


# What a build gives an image FROM scratch before any instruction: the default PATH (both builders).
SCRATCH_CONFIG = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}


def scratch() -> Image:
    """`FROM scratch`: no layers, no files (and no Python to observe any with), and the builder's default PATH."""
    empty = Observed("scratch (the empty image)")
    empty.fetch = lambda observer: Observed(
        empty.what, failures={observer.name: f"{empty.what} has no files to observe for {observer.name}"}
    )
    return Image("scratch", None, {"Config": dict(SCRATCH_CONFIG), "RootFS": {"Layers": []}}, empty)
