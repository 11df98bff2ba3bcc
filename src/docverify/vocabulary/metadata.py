"""Image metadata: the stop signal, declared volumes, and labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.dockerfile import Instruction, Stage
from ..model.instruction import docker_word, expanded
from ..model.sources import Sources
from ..observe.subjects import Images, Stack
from .compose import service_under_test
from .label import Cites, Claim, Label, fail, words
from .script import signal_name


@dataclass(frozen=True)
class StopSignalArgs:
    signal: str


def _stop_signals(sources: Sources) -> Iterable[tuple[int | None, StopSignalArgs]]:
    found = sources.dockerfile.final.last("STOPSIGNAL")
    if found:
        yield sources.dockerfile.final.index, StopSignalArgs(found.value)


STOP_SIGNAL = Label(
    "Stop Signal",
    StopSignalArgs,
    ["{signal}", "<Stops|Stopped> <on|with> {signal}"],
    example=StopSignalArgs("SIGTERM"),
    summary="The signal `docker stop` sends the process (`STOPSIGNAL`; SIGTERM by default); compose may not change it.",
    suggest=_stop_signals,
)


@STOP_SIGNAL.static("the effective STOPSIGNAL (SIGTERM when none), and compose's stop_signal for the service")
def stop_signal_static(claim: Claim[StopSignalArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found = stage.last("STOPSIGNAL")
    wanted = signal_name(claim.args.signal)
    if signal_name(found.value if found else "SIGTERM") != wanted:
        fail(claim, wanted, f"STOPSIGNAL {found.value if found else '(none: SIGTERM)'}", stage.where(found))
    if stage is sources.dockerfile.final and sources.settings.runs_stack:
        given = service_under_test(sources).spec.get("stop_signal")
        if given and signal_name(given) != wanted:
            fail(claim, wanted, f"stop_signal: {given}", sources.compose.cite("stop_signal"))
    return [found.cite] if found else []


@STOP_SIGNAL.image("the image config's stop signal")
def stop_signal_image(claim: Claim[StopSignalArgs], images: Images) -> Cites:
    image = images.image(claim)
    if signal_name(image.config.stop_signal or "SIGTERM") != signal_name(claim.args.signal):
        fail(claim, claim.args.signal, image.config.stop_signal or "SIGTERM", image.where)
    return []


@STOP_SIGNAL.running("the container's stop signal")
def stop_signal_running(claim: Claim[StopSignalArgs], stack: Stack) -> Cites:
    given = stack.service.config.stop_signal
    if signal_name(given or "SIGTERM") != signal_name(claim.args.signal):
        fail(claim, claim.args.signal, given or "SIGTERM", stack.service.where)
    return []


@dataclass(frozen=True)
class VolumesArgs:
    paths: tuple[str, ...] = ()  # none: the image declares no volume


def _volumes(sources: Sources) -> Iterable[tuple[int | None, VolumesArgs]]:
    stage = sources.dockerfile.final
    found = tuple(w for s in (stage, stage.parent) if s for i in s.all("VOLUME") for w in i.arguments())
    if found:
        yield stage.index, VolumesArgs(found)


VOLUMES = Label(
    "Volumes",
    VolumesArgs,
    ["{paths*}", "Declares {paths*} [as volumes]", "Declares no volumes"],
    example=VolumesArgs(("/data",)),
    summary="The paths the image declares as volumes (`VOLUME`), exactly.",
    suggest=_volumes,
)


@VOLUMES.static("the VOLUME instructions of the stage and its parents, exactly")
def volumes_static(claim: Claim[VolumesArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found = [(i, w) for s in (stage, stage.parent) if s for i in s.all("VOLUME") for w in i.arguments()]
    declared = {w.rstrip("/") for _, w in found}
    if declared != {p.rstrip("/") for p in claim.args.paths}:
        said, has = words(claim.args.paths) or "none", words(sorted(declared)) or "none"
        fail(claim, f"VOLUME {said}", f"VOLUME {has}", stage.where())
    return sorted({i.cite for i, _ in found})


@VOLUMES.image("the image config's volumes, exactly")
def volumes_image(claim: Claim[VolumesArgs], images: Images) -> Cites:
    image = images.image(claim)
    if {v.rstrip("/") for v in image.config.volumes} != {p.rstrip("/") for p in claim.args.paths}:
        fail(claim, words(claim.args.paths), words(sorted(image.config.volumes)) or "no volume", image.where)
    return []


@dataclass(frozen=True)
class ImageLabelArgs:
    name: str
    value: str


def label_values(stage: Stage) -> dict[str, tuple[str, Instruction]]:
    """Each LABEL's value as the builder stores it (`${VERSION}` expanded from the ARGs and ENVs before it), and
    the instruction that set it last."""
    found: dict[str, tuple[str, Instruction]] = {}
    for instruction in stage.all("LABEL"):
        for name, written in instruction.env_written().items():
            found[name] = (docker_word(written, stage.variables(instruction)), instruction)
    return found


def _labels(sources: Sources) -> Iterable[tuple[int | None, ImageLabelArgs]]:
    stage = sources.dockerfile.final
    for name, (value, _) in label_values(stage).items():
        yield stage.index, ImageLabelArgs(name, value)


IMAGE_LABEL = Label(
    "Image Label",
    ImageLabelArgs,
    ["{name} is {value}", "{name}: {value}"],
    example=ImageLabelArgs("org.opencontainers.image.title", "backend"),
    summary="A label of the image (`LABEL`) and its value.",
    suggest=_labels,
)


@IMAGE_LABEL.static("the effective LABEL value, ARGs and ENVs expanded as the builder expands them")
def image_label_static(claim: Claim[ImageLabelArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    held = label_values(stage).get(claim.args.name)
    if held is None or held[0] != claim.args.value:
        fail(
            claim,
            f"{claim.args.name}={claim.args.value}",
            f"{claim.args.name}={held[0] if held else '(unset)'}",
            stage.where(held[1] if held else None),
        )
    # The ARGs and ENVs its value reads are part of what it says.
    read = expanded(held[1].env_written().get(claim.args.name, ""))
    given = [i.cite for i in stage.all("ARG") if i.value.partition("=")[0].strip() in read and i.line < held[1].line]
    return [held[1].cite, *given]


@IMAGE_LABEL.image("the image config's labels")
def image_label_image(claim: Claim[ImageLabelArgs], images: Images) -> Cites:
    image = images.image(claim)
    if image.config.labels.get(claim.args.name) != claim.args.value:
        fail(claim, f"{claim.args.name}={claim.args.value}", image.config.labels, image.where)
    return []
