"""The compose stack: its services, published ports, start order and credentials.

Read through `docker compose config` (compose's own model, with its `.env` and override file), so
every equivalent spelling reads the same; the running level reads the containers compose made.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..model import reads
from ..model.compose import Service
from ..model.dockerfile import Stage
from ..model.instruction import expand
from ..model.sources import Sources
from ..observe import http
from ..observe.subjects import EVERYTHING, Stack
from .health import URL
from .label import Cites, Claim, Label, fail, words


def service_under_test(sources: Sources) -> Service:
    return sources.under_test()


@dataclass(frozen=True)
class ServicesArgs:
    services: tuple[str, ...]


def _services(sources: Sources) -> Iterable[tuple[int | None, ServicesArgs]]:
    if sources.has_compose:
        yield None, ServicesArgs(tuple(sorted(sources.compose.services)))


SERVICES = Label(
    "Services",
    ServicesArgs,
    ["{services*}", "The stack runs {services*}"],
    example=ServicesArgs(("backend", "db")),
    summary="The compose stack's services, exactly.",
    scope="stack",
    suggest=_services,
)


@SERVICES.static("compose's services, exactly")
def services_static(claim: Claim[ServicesArgs], sources: Sources) -> Cites:
    names = sorted(sources.compose.services)
    if set(names) != set(claim.args.services):
        fail(claim, words(claim.args.services), words(names), f"{sources.compose.path.name} services")
    for name in names:  # `up` starts as many containers as the scale says, and none for 0
        service = sources.compose.services[name]
        count = service.spec.get("scale", (service.spec.get("deploy") or {}).get("replicas"))
        if count is not None and int(count) < 1:
            key = "scale" if "scale" in service.spec else "replicas"
            fail(claim, f"{name} run", f"{key}: {count}, so `up` starts no container of it",
                 sources.compose.cite(key, service=name))  # fmt: skip
    return [sources.compose.cite(f"{name}:") for name in names]


@SERVICES.running("each service's container is running")
def services_running(claim: Claim[ServicesArgs], stack: Stack) -> Cites:
    down = [n for n in claim.args.services if stack.container(n).state.get("Status") != "running"]
    if down:
        fail(claim, f"{words(claim.args.services)} running", f"{words(down)} not running", f"project {stack.project}")
    return []


@dataclass(frozen=True)
class PublishedArgs:
    address: str  # host address:port
    port: str  # the container's port
    loopback: bool = False  # "on loopback only": the host address is a loopback one


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return address == "localhost"


def _published(sources: Sources) -> Iterable[tuple[int | None, PublishedArgs]]:
    if sources.has_compose:
        for port in service_under_test(sources).ports:
            host = f"{port.get('host_ip') or '0.0.0.0'}:{port.get('published')}"
            yield None, PublishedArgs(host, str(port.get("target")))


PUBLISHED_PORT = Label(
    "Published Port",
    PublishedArgs,
    [
        "{address} → container port {port}[, {loopback=on loopback only}]",
        "{address} -> container port {port}[, {loopback=on loopback only}]",
        "{address} to container port {port}",
        "Publishes container port {port} on {address}",
    ],
    example=PublishedArgs("127.0.0.1:8000", "8000"),
    summary="The one port the service under test publishes, on the address named.",
    scope="stack",
    suggest=_published,
)


def _published_as(port: dict[str, object]) -> str:
    """The host port, with its protocol when it is not TCP, the server's (`8000/udp` never matches `8000`)."""
    protocol = str(port.get("protocol") or "tcp")
    return f"{port.get('published', '')}" + ("" if protocol == "tcp" else f"/{protocol}")


@PUBLISHED_PORT.static(
    "the service's published ports, exactly, on a network that is not internal; on loopback only: every other "
    "service's too, whatever its profile, and none on the host's network"
)
def published_port_static(claim: Claim[PublishedArgs], sources: Sources) -> Cites:
    service = service_under_test(sources)
    host_ip, _, published = claim.args.address.rpartition(":")
    target = claim.args.port
    ports = [(str(p.get("host_ip", "")), _published_as(p), str(p.get("target", ""))) for p in service.ports]
    mode = str(service.spec.get("network_mode") or "")
    if mode == "host" or mode == "none" or mode.startswith(("service:", "container:")):  # nothing is published
        fail(
            claim,
            f"only {host_ip}:{published} -> {target}",
            f"network_mode: {mode}, where no port of the service's own is published",
            sources.compose.cite("network_mode"),
        )
    # Docker publishes no port of a container on internal networks only (`internal: true`).
    networks = list(service.spec.get("networks") or {"default": None})
    defined = sources.compose.raw.get("networks") or {}
    if not mode and all((defined.get(name) or {}).get("internal") for name in networks):
        fail(claim, f"only {host_ip}:{published} -> {target}",
             f"the service on internal networks only ({words(networks)}), where Docker publishes no port",
             sources.compose.cite("internal:"))  # fmt: skip
    if ports != [(host_ip, published, target)]:
        found = words(f"{ip}:{port} -> {inside}" if ip else f"{port} -> {inside}" for ip, port, inside in ports)
        where = sources.compose.cite(f":{ports[0][2]}") if ports else sources.compose.cite(f"{service.name}:")
        fail(claim, f"only {host_ip}:{published} -> {target}", found or "no port published",
             f"service {service.name} ({where})")  # fmt: skip
    if claim.args.loopback and not _loopback(host_ip):
        fail(claim, "a port on loopback only", f"host address {host_ip}", f"service {service.name}")
    if claim.args.loopback:  # the stack is reachable from this machine only: no other service opens it wider
        for other in sources.every_profile.services.values():  # a `--profile` away from being up
            wide = [p for p in other.ports if not _loopback(str(p.get("host_ip") or "0.0.0.0"))]
            if other.name != service.name and (wide or other.spec.get("network_mode") == "host"):
                has = (words(f"{p.get('host_ip') or '0.0.0.0'}:{p.get('published')} -> {p.get('target')}" for p in wide)
                       or "network_mode: host, where all it listens on is the host's")  # fmt: skip
                fail(claim, "the stack published on loopback only", f"service {other.name} publishing {has}",
                     sources.compose.cite(f"{other.name}:"))  # fmt: skip
    return [sources.compose.cite(f":{target}")]


def _health_path(stack: Stack, port: str) -> str | None:
    """The path the image's own health check asks over HTTP on the container port, if it asks one."""
    check = stack.service.config.healthcheck
    for url in (u for word in (check.test[1:] if check else ()) for u in URL.findall(word)):
        parts = urlsplit(expand(url, stack.service.config.env))  # `${PORT:-8000}`, its default where unset
        try:
            asked = parts.port or 80
        except ValueError:  # no port at all: not this one
            continue
        if parts.scheme == "http" and str(asked) == port:
            return parts.path or "/"
    return None


def _answer(host: str, port: int) -> str | None:
    """Why nothing answers a bare HTTP request on the address, or None when something does."""
    try:
        with socket.create_connection((host, port), timeout=5) as held:
            held.settimeout(2)
            held.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
            return None if held.recv(1) else "a connection closed unanswered"
    except OSError as error:
        return f"no answer ({error})"


@PUBLISHED_PORT.running(
    "the container's port bindings on that address only (on loopback only: every container's of the stack), and "
    "from this machine, over TCP through the bound host port, the health endpoint the image's health check asks "
    "answering 2xx (else any answer at all)"
)
def published_port_running(claim: Claim[PublishedArgs], stack: Stack) -> Cites:
    host_ip = claim.args.address.rpartition(":")[0]
    published = stack.service.published
    key = f"{claim.args.port}/tcp"
    bindings = published.get(key) or []
    others = [p for p, b in published.items() if b and p != key]
    if not bindings or any(b["HostIp"] != host_ip for b in bindings) or others:
        found = words(f"{b['HostIp']}:{b['HostPort']} -> {inside}" for inside, bound in published.items()
                      for b in bound or [])  # fmt: skip
        fail(claim, f"only port {claim.args.port} published, on {host_ip}", found or "no port published",
             stack.service.where)  # fmt: skip
    if claim.args.loopback:
        for name, other in stack.others.items():
            wide = [f"{b['HostIp']}:{b['HostPort']} -> {inside}" for inside, bound in other.published.items()
                    for b in bound or [] if not _loopback(b["HostIp"] or "0.0.0.0")]  # fmt: skip
            if wide:
                fail(claim, "the stack published on loopback only", f"service {name} publishing {words(wide)}",
                     other.where)  # fmt: skip
    host, port = bindings[0]["HostIp"], int(bindings[0]["HostPort"])
    reads.note(*EVERYTHING)  # what answers there depends on the whole service
    path = _health_path(stack, claim.args.port)
    if path is None:
        silent = _answer(host, port)
        if silent:
            fail(claim, f"the service answering on {claim.args.address}", silent, stack.service.where)
        return []
    answer = http.get(f"http://{host}:{port}{path}")
    if not 200 <= (answer["status"] or 0) < 300:
        has = f"HTTP {answer['status']} {answer.get('error') or answer['body'][:120]}".strip()
        fail(claim, f"its health endpoint {path} answering on {claim.args.address}", has,
             f"GET http://{host}:{port}{path} from this machine, {stack.service.where}")  # fmt: skip
    return []


@dataclass(frozen=True)
class StartOrderArgs:
    service: str
    dependency: str
    condition: str


def _orders(sources: Sources) -> Iterable[tuple[int | None, StartOrderArgs]]:
    if sources.has_compose:
        for service in sources.compose.services.values():
            for dependency, spec in service.depends_on.items():
                if spec.get("condition"):
                    yield None, StartOrderArgs(service.name, dependency, str(spec["condition"]))


START_ORDER = Label(
    "Start Order",
    StartOrderArgs,
    ["{service} starts once {dependency} is {condition}"],
    example=StartOrderArgs("backend", "db", "service_healthy"),
    summary="A service waits for another (`depends_on` with a condition).",
    scope="stack",
    suggest=_orders,
)


@START_ORDER.static("depends_on with the condition, and not `required: false` (compose then only warns and starts it)")
def start_order_static(claim: Claim[StartOrderArgs], sources: Sources) -> Cites:
    args = claim.args
    service = sources.compose.services.get(args.service)
    depends = service.depends_on if service else {}
    wanted = f"{args.service} after {args.dependency} is {args.condition}"
    if depends.get(args.dependency, {}).get("condition") != args.condition:
        fail(claim, wanted, f"depends_on {depends}", f"service {args.service}")
    if str(depends[args.dependency].get("required", True)).lower() == "false":
        has = (
            f"required: false: compose warns and starts {args.service} all the same when {args.dependency} is not "
            + args.condition.removeprefix("service_")
        )
        fail(claim, wanted, has, sources.compose.cite("required:", service=args.service))
    return [sources.compose.cite("condition:", service=args.service)]


def overridden(sources: Sources, stage: Stage) -> tuple[str, str] | None:
    """What the service under test runs instead of the image's ENTRYPOINT and CMD, and where compose says so:
    `command:` replaces the CMD; `entrypoint:` replaces the ENTRYPOINT and drops the CMD (only `command:` follows).
    Only then is the whole CMD read (a CMD word no claim names stales nothing)."""
    service = service_under_test(sources)
    given, entrypoint = (service.spec.get(key) for key in ("command", "entrypoint"))
    given = shlex.split(given) if isinstance(given, str) else given
    if given is not None and list(given) != (stage.exec_list("CMD") or ([], None))[0]:
        where = sources.compose.cite("command:", service=service.name)
        return f"service {service.name} running `{shlex.join(given)}` instead of the CMD", where
    if entrypoint is not None:
        runs = [*(shlex.split(entrypoint) if isinstance(entrypoint, str) else entrypoint), *(given or [])]
        default = [*(stage.exec_list("ENTRYPOINT") or ([], None))[0], *(stage.exec_list("CMD") or ([], None))[0]]
        if runs != default:
            has = f"service {service.name} running `{shlex.join(runs)}`: its entrypoint replaces the image's"
            return f"{has}, and drops the CMD", sources.compose.cite("entrypoint:", service=service.name)
    return None
