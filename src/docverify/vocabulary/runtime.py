"""How a container of the image starts: its entrypoint and the ports it declares.

The command the entrypoint runs is `command.py`. The running level reads the container as created
and its listening sockets.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import ComposeError
from ..model.instruction import clean_path
from ..model.listening import port_key
from ..model.scripts import entrypoint_script, script_path
from ..model.sources import Sources
from ..observe import files, sockets
from ..observe.observer import Need
from ..observe.subjects import Images, Stack
from .label import Cites, Claim, Label, fail, words


def split_words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


@dataclass(frozen=True)
class EntrypointArgs:
    entrypoint: str  # the argv, as a shell would split it
    arguments: tuple[str, ...] = ()  # more of its words: `python` with `-m` and `ledger`

    @property
    def argv(self) -> list[str]:
        return [*split_words(self.entrypoint), *(w for a in self.arguments for w in split_words(a))]


def same_argv(found: Iterable[str], wanted: list[str]) -> bool:
    """The same program and words; the program's path spelt any way that names the same file (`/./x`)."""
    words = list(found)
    if len(words) != len(wanted) or not words or words[1:] != wanted[1:]:
        return False
    return _path(words[0]) == _path(wanted[0])


def _path(word: str) -> str:
    return clean_path(word) if "/" in word else word


def _entrypoints(sources: Sources) -> Iterable[tuple[int | None, EntrypointArgs]]:
    found = sources.dockerfile.final.exec_list("ENTRYPOINT")
    if found and found[1].is_exec_form():
        yield sources.dockerfile.final.index, EntrypointArgs(shlex.join(found[0]))


ENTRYPOINT = Label(
    "Entrypoint",
    EntrypointArgs,
    [
        "Sets {entrypoint} as the entrypoint [for the container]",
        "{entrypoint}",
        "Runs {entrypoint} [with {arguments*}] first",
        "Runs {entrypoint} with {arguments*}",
    ],
    example=EntrypointArgs("/entrypoint.sh"),
    examples=[EntrypointArgs("python", ("-m", "ledger"))],
    summary="The program every container of the image starts with (`ENTRYPOINT`, exec form).",
    suggest=_entrypoints,
)


@ENTRYPOINT.static("the effective ENTRYPOINT in exec form, which compose does not replace for the service")
def entrypoint_static(claim: Claim[EntrypointArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found = stage.exec_list("ENTRYPOINT")
    wanted = claim.args.argv
    if found is None or not same_argv(found[0], wanted) or not found[1].is_exec_form():
        has = f"ENTRYPOINT {found[1].value}" if found else "no ENTRYPOINT"
        fail(claim, f"ENTRYPOINT {wanted} (exec form)", has, stage.where(found[1] if found else None))
    if stage is sources.dockerfile.final and sources.settings.runs_stack:
        try:
            service = sources.under_test()
        except ComposeError:
            return [found[1].cite]
        if service.spec.get("entrypoint") is not None:  # compose runs the container without it
            fail(
                claim,
                f"{claim.args.entrypoint} as the container's entrypoint",
                f"service {service.name} replacing it with {service.spec['entrypoint']}",
                sources.compose.cite("entrypoint:"),
            )
    return [found[1].cite]


def _script_in_image(claim: Claim[EntrypointArgs], sources: Sources) -> list[Need]:
    """The entrypoint script where the image runs it, when the repository's script is copied there."""
    script, entry = entrypoint_script(sources), sources.dockerfile.final.exec_list("ENTRYPOINT")
    return [files.need(paths=[script_path(entry[0], sources.dockerfile.final)])] if script and entry else []


@ENTRYPOINT.image(
    "the image config's entrypoint; an entrypoint script is, byte for byte, the repository's the docs read (no "
    "later step rewrote it)",
    needs=_script_in_image,
)
def entrypoint_image(claim: Claim[EntrypointArgs], images: Images) -> Cites:
    image = images.image(claim)
    if not same_argv(image.config.entrypoint, claim.args.argv):
        fail(claim, claim.args.argv, list(image.config.entrypoint) or "no entrypoint", image.where)
    script = entrypoint_script(images.sources)
    if script and image.stage is images.sources.dockerfile.final and image.config.entrypoint:
        path = script_path(list(image.config.entrypoint), image.stage)
        found = image.observed(files.FILES).file(path)
        wanted = hashlib.sha256((images.sources.root / script).read_bytes()).hexdigest()
        if found.sha256 != wanted:
            has = f"{path} {found.type}" + (" with other content" if found.type == "file" else "")
            fail(claim, f"{path} as {script} is in the repository (what the docs read)", has, image.where)
    return []


@ENTRYPOINT.running("the entrypoint the service's container was created with")
def entrypoint_running(claim: Claim[EntrypointArgs], stack: Stack) -> Cites:
    if not same_argv(stack.service.config.entrypoint, claim.args.argv):
        fail(claim, claim.args.argv, list(stack.service.config.entrypoint), stack.service.where)
    return []


@dataclass(frozen=True)
class PortArgs:
    ports: tuple[str, ...]


def _ports(sources: Sources) -> Iterable[tuple[int | None, PortArgs]]:
    exposed = sources.dockerfile.final.exposed()
    if exposed:
        shown = tuple(p.removesuffix("/tcp") for p in sorted(exposed))
        yield sources.dockerfile.final.index, PortArgs(shown)


PORT = Label(
    "Port",
    PortArgs,
    ["Exposes {ports*}", "Exposes port {ports*}", "Exposes ports {ports*}"],
    example=PortArgs(("8000",)),
    summary="The ports the image declares (`EXPOSE`), exactly; running, a socket listens on each.",
    suggest=_ports,
)


def normal_ports(values: Iterable[str]) -> set[str]:
    return {port_key(v) for v in values}


@PORT.static("the effective EXPOSE list, exactly; for the final stage, with what compose's `expose:` adds")
def port_static(claim: Claim[PortArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    exposed = stage.exposed()
    if set(exposed) != normal_ports(claim.args.ports):
        fail(
            claim,
            f"EXPOSE {words(claim.args.ports)} and nothing else",
            f"EXPOSE {words(sorted(exposed)) or 'nothing'}",
            stage.where(next(iter(exposed.values()), None)),
        )
    if stage is sources.dockerfile.final and sources.settings.runs_stack:
        service = sources.under_test()
        added = normal_ports(str(p) for p in service.spec.get("expose") or []) - set(exposed)
        if added:
            fail(claim, f"ports {words(claim.args.ports)} exposed, only", f"expose: {words(sorted(added))} added",
                 sources.compose.cite("expose:"))  # fmt: skip
    return sorted({i.cite for i in exposed.values()})


@PORT.image("the image config's exposed ports, exactly")
def port_image(claim: Claim[PortArgs], images: Images) -> Cites:
    image = images.image(claim)
    if set(image.config.exposed_ports) != normal_ports(claim.args.ports):
        fail(
            claim, words(claim.args.ports), words(sorted(image.config.exposed_ports)) or "no exposed port", image.where
        )
    return []


@PORT.running(
    "the container's exposed ports, exactly (compose's `expose:` included), and a socket of each port's protocol "
    "listening on it inside the container",
    needs=lambda c, s: [sockets.need()],
)
def port_running(claim: Claim[PortArgs], stack: Stack) -> Cites:
    exposed = set(stack.service.config.exposed_ports)
    if exposed != normal_ports(claim.args.ports):
        fail(claim, f"ports {words(claim.args.ports)} exposed, only", f"ports {words(sorted(exposed))} exposed",
             stack.service.where)  # fmt: skip
    listening = stack.service.observed(sockets.SOCKETS)
    for port in sorted(normal_ports(claim.args.ports)):
        number, protocol = port.split("/")
        if not listening.on_port(int(number), protocol):
            fail(
                claim,
                f"the server listening on {port}",
                f"listening on {words(map(str, listening.listening))}",
                stack.service.where,
            )
    return []
