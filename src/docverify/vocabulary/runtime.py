"""What a container of the image runs: entrypoint and command as they compose into the process, ports.

Docker starts `ENTRYPOINT + CMD` when the entrypoint is in exec form; a shell-form entrypoint
ignores CMD. The running level reads the process (PID 1) and its listening sockets.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import ComposeError
from ..model.dockerfile import Stage
from ..model.sources import Sources
from ..observe import sockets
from ..observe.subjects import Images, Stack
from . import script
from .common import matches, running_view, running_view_needs
from .label import Cites, Claim, Label, fail, words


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


@dataclass(frozen=True)
class EntrypointArgs:
    entrypoint: str  # the argv, as a shell would split it


def _entrypoints(sources: Sources) -> Iterable[tuple[int | None, EntrypointArgs]]:
    found = sources.dockerfile.final.exec_list("ENTRYPOINT")
    if found and found[1].is_exec_form():
        yield sources.dockerfile.final.index, EntrypointArgs(shlex.join(found[0]))


ENTRYPOINT = Label(
    "Entrypoint",
    EntrypointArgs,
    ["Sets {entrypoint} as the entrypoint [for the container]", "{entrypoint}", "Runs {entrypoint} first"],
    example=EntrypointArgs("/entrypoint.sh"),
    summary="The program every container of the image starts with (`ENTRYPOINT`, exec form).",
    suggest=_entrypoints,
)


@ENTRYPOINT.static("the effective ENTRYPOINT in exec form, which compose does not replace for the service")
def entrypoint_static(claim: Claim[EntrypointArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found = stage.exec_list("ENTRYPOINT")
    wanted = _split(claim.args.entrypoint)
    if found is None or found[0] != wanted or not found[1].is_exec_form():
        has = f"ENTRYPOINT {found[1].value}" if found else "no ENTRYPOINT"
        fail(claim, f"ENTRYPOINT {wanted} (exec form)", has, stage.where(found[1] if found else None))
    if stage is sources.dockerfile.final and sources.settings.runs_stack:
        try:
            service = sources.compose.services[sources.settings.service or sources.compose.built().name]
        except (ComposeError, KeyError):
            return [found[1].cite]
        if service.spec.get("entrypoint") is not None:  # compose runs the container without it
            fail(
                claim,
                f"{claim.args.entrypoint} as the container's entrypoint",
                f"service {service.name} replacing it with {service.spec['entrypoint']}",
                sources.compose.cite("entrypoint:"),
            )
    return [found[1].cite]


@ENTRYPOINT.image("the image config's entrypoint")
def entrypoint_image(claim: Claim[EntrypointArgs], images: Images) -> Cites:
    image = images.image(claim)
    if list(image.config.entrypoint) != _split(claim.args.entrypoint):
        fail(claim, _split(claim.args.entrypoint), list(image.config.entrypoint) or "no entrypoint", image.where)
    return []


@ENTRYPOINT.running("the entrypoint the service's container was created with")
def entrypoint_running(claim: Claim[EntrypointArgs], stack: Stack) -> Cites:
    if list(stack.service.config.entrypoint) != _split(claim.args.entrypoint):
        fail(claim, _split(claim.args.entrypoint), list(stack.service.config.entrypoint), stack.service.where)
    return []


@dataclass(frozen=True)
class CommandArgs:
    program: str | None = None  # the program, or a whole command line
    arguments: tuple[str, ...] = ()
    address: str | None = None  # host:port it serves on
    handover: str | None = None  # `exec`: the entrypoint script replaces itself with it


def _commands(sources: Sources) -> Iterable[tuple[int | None, CommandArgs]]:
    stage = sources.dockerfile.final
    found = stage.exec_list("CMD")
    if found:
        yield stage.index, CommandArgs(shlex.join(found[0]))


COMMAND = Label(
    "Command",
    CommandArgs,
    [
        "Defaults to {program} [<with|running> {arguments*}]",
        "Defaults to {program} serving {arguments*} on {address}[; the entrypoint {handover}s it]",
        "Passes {arguments*} to the entrypoint [by default]",
    ],
    example=CommandArgs("gunicorn", ("core.wsgi:application",), "0.0.0.0:8000"),
    summary="What the container runs by default (`CMD`), as it composes with the entrypoint into the process.",
    suggest=_commands,
)


def _wanted(args: CommandArgs) -> tuple[str | None, list[str]]:
    words_ = _split(args.program) if args.program else []
    program = PurePosixPath(words_[0]).name if words_ else None
    return program, [*words_[1:], *args.arguments, *([args.address] if args.address else [])]


def holds(args: CommandArgs, argv: tuple[str, ...]) -> bool:
    """The program runs with every argument (`--opt value` or `--opt=value`); interpreters looked past."""
    program, wanted = _wanted(args)
    for start in range(len(argv)):
        candidate = argv[start:]
        if program is None or PurePosixPath(candidate[0]).name == program:
            return all(matches(v, candidate[1:] if program else candidate) for v in wanted)
        if not PurePosixPath(candidate[0]).name.startswith(("python", "sh", "bash", "env")):
            break  # only an interpreter or launcher may stand before the program
    return False


def _composition(claim: Claim[CommandArgs], stage: Stage) -> tuple[tuple[str, ...], list[str]]:
    """The CMD argv and the lines that decide it, or a failure when CMD never reaches the process."""
    cmd = stage.exec_list("CMD")
    entry = stage.exec_list("ENTRYPOINT")
    if cmd is None:
        fail(claim, words(_wanted(claim.args)[1]) or claim.args.program, "no CMD", stage.where())
    if entry is not None and not entry[1].is_exec_form():
        fail(
            claim,
            "the command reaching the process",
            f"shell-form ENTRYPOINT {entry[1].value}, which ignores CMD",
            stage.where(entry[1]),
        )
    if claim.reading.form.text.startswith("Passes") and entry is None:
        fail(claim, "arguments passed to an entrypoint", "no ENTRYPOINT", stage.where(cmd[1]))
    return tuple(cmd[0]), [cmd[1].cite, *([entry[1].cite] if entry else [])]


@COMMAND.static(
    "the effective CMD's program and arguments, composed with the ENTRYPOINT; `exec`: the "
    "entrypoint script hands over to it"
)
def command_static(claim: Claim[CommandArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    argv, cites = _composition(claim, stage)
    if not holds(claim.args, argv):
        cmd = stage.last("CMD")
        fail(
            claim,
            f"CMD running {words(filter(None, (claim.args.program, *_wanted(claim.args)[1])))}",
            f"CMD {shlex.join(argv)}",
            stage.where(cmd),
        )
    if claim.args.handover is not None:
        cites += script.handover(claim, sources, claim.args.handover)
    return cites


@COMMAND.image("the image config's entrypoint and cmd")
def command_image(claim: Claim[CommandArgs], images: Images) -> Cites:
    image = images.image(claim)
    if not holds(claim.args, image.config.cmd):
        fail(
            claim,
            words(filter(None, (claim.args.program, *_wanted(claim.args)[1]))),
            list(image.config.cmd),
            image.where,
        )
    return []


@COMMAND.running(
    "PID 1's argv, and a socket listening on the address", needs=lambda c, s: [*running_view_needs(), sockets.need()]
)
def command_running(claim: Claim[CommandArgs], stack: Stack) -> Cites:
    view = running_view(stack.service)
    if not holds(claim.args, view.argv):
        fail(
            claim,
            f"PID 1 running {words(filter(None, (claim.args.program, *_wanted(claim.args)[1])))}",
            f"PID 1 `{' '.join(view.argv)}`",
            view.where,
        )
    if claim.args.address:
        host, _, port = claim.args.address.rpartition(":")
        listening = stack.service.observed(sockets.SOCKETS)
        found = [s for s in listening.on_port(int(port)) if s.address == (host or "0.0.0.0")]
        if not found:
            fail(
                claim,
                f"the server listening on {claim.args.address}",
                f"sockets listening on {words(map(str, listening.listening)) or 'nothing'}",
                view.where,
            )
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
    return {v if "/" in v else f"{v}/tcp" for v in values}


@PORT.static("the effective EXPOSE list, exactly")
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
    "a socket of the port's protocol listening on it inside the container", needs=lambda c, s: [sockets.need()]
)
def port_running(claim: Claim[PortArgs], stack: Stack) -> Cites:
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
