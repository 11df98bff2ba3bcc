"""The compose stack: services, the database service, ports, start order, credentials.

Read through `docker compose config` (compose's own model); "the database" is the service
compose pulls rather than builds.
"""

from __future__ import annotations

from .. import shell
from ..claims import Claim
from ..compose import ComposeModel, Service
from ..dockerfile import normalise_image
from ..errors import ClaimFailed
from ..registry import Cites, Registry, fail, words
from ..resources import Service as RunningService
from ..subjects import Sources, Stack
from .runtime import never_checks


def database(sources: Sources, claim: Claim | None = None) -> Service:
    """The service compose pulls rather than builds: the database."""
    pulled = sources.compose.pulled()
    if not pulled:
        where = f"{sources.compose.path.name} services"
        if claim is not None:
            fail(claim, "a database service pulled from an image", "every service built locally", where)
        raise ClaimFailed(f"{where}: no service is pulled from an image, so none is the database")
    return pulled[0]


def services_static(claim: Claim, sources: Sources) -> Cites:
    names = sorted(sources.compose.services)
    if set(names) != set(claim.values):
        fail(claim, words(claim.values), words(names), f"{sources.compose.path.name} services")
    return [sources.compose.cite(f"{name}:") for name in names]


def services_running(claim: Claim, stack: Stack) -> Cites:
    down = []
    for name in claim.values:
        container = stack.container(name)
        if container.inspect["State"].get("Status") != "running":
            down.append(name)
    if down:
        fail(claim, f"{words(claim.values)} running", f"{words(down)} not running", f"project {stack.project}")
    return []


def database_image_static(claim: Claim, sources: Sources) -> Cites:
    service = database(sources, claim)
    if normalise_image(service.image or "") != normalise_image(claim.values[0]):
        fail(claim, claim.values[0], service.image, f"{sources.compose.path.name} service {service.name}")
    return [sources.compose.cite("image:", service.image or "")]


def _db(stack: Stack) -> RunningService:
    db = database(stack.sources)
    found = stack.container(db.name)
    assert isinstance(found, RunningService)
    return found


def database_image_running(claim: Claim, stack: Stack) -> Cites:
    db = _db(stack)
    image = db.inspect["Config"]["Image"]
    if normalise_image(image) != normalise_image(claim.values[0]):
        fail(claim, claim.values[0], image, db.where)
    return []


def health_problem(program: str, test: list[str], disabled: bool = False) -> str | None:
    if disabled or not test or test[0] == "NONE":
        return "no health check"
    if test[0] == "CMD-SHELL":
        script = " ".join(test[1:])
        if program not in [c.program for c in shell.commands(script)]:
            return f"`{script}`, which does not run {program}"
        if not shell.failure_propagates(script, program):
            return f"`{script}`, whose exit status is not {program}'s: it can never fail"
        used = [c for c in shell.commands(script) if c.program == program]
        idle = never_checks(used[-1].argv) if used else None
        return f"`{script}`, which only prints and exits 0 ({idle})" if idle else None
    argv = test[1:] if test[0] == "CMD" else test
    if not argv or argv[0].rsplit("/", 1)[-1] != program:
        return f"`{' '.join(argv)}`"
    idle = never_checks(tuple(argv))
    return f"`{' '.join(argv)}`, which only prints and exits 0 ({idle})" if idle else None


def database_health_static(claim: Claim, sources: Sources) -> Cites:
    service = database(sources, claim)
    check = service.healthcheck
    problem = health_problem(claim.values[0], list(check.get("test") or []), bool(check.get("disable")))
    if problem:
        fail(claim, f"a health check that fails when {claim.values[0]} fails", problem, f"service {service.name}")
    return [sources.compose.cite("test:")]


def database_health_running(claim: Claim, stack: Stack) -> Cites:
    db = _db(stack)
    health = db.inspect["State"].get("Health") or {}
    if health.get("Status") != "healthy":
        fail(claim, f"a passing {claim.values[0]}", health.get("Status") or "no health check", db.where)
    return []


def database_volume_static(claim: Claim, sources: Sources) -> Cites:
    service = database(sources, claim)
    name, target = claim.values[0], claim.values[1].rstrip("/")
    mounts = [(v.get("type"), v.get("source"), str(v.get("target", "")).rstrip("/")) for v in service.volumes]
    if ("volume", name, target) not in mounts or name not in sources.compose.volumes:
        fail(claim, f"named volume {name} at {target}", mounts, f"service {service.name}")
    return [sources.compose.cite(name, target)]


def database_volume_running(claim: Claim, stack: Stack) -> Cites:
    db = _db(stack)
    mounts = db.inspect.get("Mounts") or []
    wanted = claim.values[1].rstrip("/")
    if not any(
        m["Type"] == "volume" and m["Name"].endswith(claim.values[0]) and m["Destination"] == wanted for m in mounts
    ):
        fail(
            claim,
            f"volume {claim.values[0]} at {wanted}",
            [(m.get("Name"), m["Destination"]) for m in mounts],
            db.where,
        )
    return []


def _service_under_test(sources: Sources) -> Service:
    name = sources.settings.service
    return sources.compose.services[name] if name else sources.compose.built()


def published_port_static(claim: Claim, sources: Sources) -> Cites:
    service = _service_under_test(sources)
    host_ip, _, published = claim.values[0].rpartition(":")
    target = claim.values[1]
    ports = [(str(p.get("host_ip", "")), str(p.get("published", "")), str(p.get("target", ""))) for p in service.ports]
    if service.spec.get("network_mode") == "host":  # no ports are published: the server binds the host's own
        said = "network_mode: host, where the server listens on the host's own interfaces"
        fail(claim, f"only {host_ip}:{published} -> {target}", said, sources.compose.cite("network_mode"))
    if ports != [(host_ip, published, target)]:
        fail(claim, f"only {host_ip}:{published} -> {target}", ports or "no ports", f"service {service.name}")
    return [sources.compose.cite(f":{target}")]


def published_port_running(claim: Claim, stack: Stack) -> Cites:
    host_ip = claim.values[0].rpartition(":")[0]
    published = stack.service.published
    bindings = published.get(f"{claim.values[1]}/tcp") or []
    others = [p for p, b in published.items() if b and p != f"{claim.values[1]}/tcp"]
    if not bindings or any(b["HostIp"] != host_ip for b in bindings) or others:
        fail(claim, f"only port {claim.values[1]} published, on {host_ip}", published, stack.service.where)
    return []


def start_order_static(claim: Claim, sources: Sources) -> Cites:
    dependent, dependency, condition = claim.values[:3]
    service = sources.compose.services.get(dependent)
    depends = service.depends_on if service else {}
    if depends.get(dependency, {}).get("condition") != condition:
        fail(claim, f"{dependent} after {dependency} is {condition}", f"depends_on {depends}", f"service {dependent}")
    return [sources.compose.cite("condition:")]


def credentials_static(claim: Claim, sources: Sources) -> Cites:
    service = database(sources, claim)
    model = sources.compose
    probe = {name: f"docverify-{name.lower()}" for name in claim.values}
    probed = ComposeModel(model.path, probe)
    given = probed.services[service.name].environment
    defaulted = service.environment
    cited = []
    for name in claim.values:
        if given.get(name) != probe[name]:
            fail(
                claim,
                f"{name} from the environment",
                f"{name}: {given.get(name)!r} with {name} set",
                f"service {service.name}",
            )
        if not defaulted.get(name):
            fail(
                claim,
                f"{name} with a development default",
                f"{name}: {defaulted.get(name)!r} with {name} unset",
                f"service {service.name}",
            )
        cited.append(model.cite(f"{name}:"))
    # No service may carry a credential's development default written out by hand.
    for other in probed.services.values():
        for key, value in other.environment.items():
            leaked = [name for name in claim.values if defaulted.get(name) and str(defaulted[name]) in str(value or "")]
            if leaked:
                said = f"{leaked[0]} everywhere from the environment"
                fail(claim, said, f"{key} holding its default by hand", f"service {other.name}")
    return cited


def register(registry: Registry) -> None:
    services = registry.entry("Services", least=1, forms=("{*}",))
    services.on("static", "compose's services, exactly")(services_static)
    services.on("running", "each service's container is running")(services_running)

    image = registry.entry("Database Image", least=1, most=1, forms=("{}",))
    image.on("static", "the pulled service's image")(database_image_static)
    image.on("running", "the running container's image")(database_image_running)

    health = registry.entry("Database Health Check", least=1, forms=("{}",))
    health.on("static", "the test runs the program and its failure is the test's")(database_health_static)
    health.on("running", "Docker reports the database healthy")(database_health_running)

    volume = registry.entry("Database Volume", least=2, most=2, forms=("{} mounted at {}",))
    volume.on("static", "a named volume mounted at the path")(database_volume_static)
    volume.on("running", "the container's mounts")(database_volume_running)

    port = registry.entry("Published Port", least=2, forms=("{} → container port {}, on loopback only",))
    port.on("static", "the service's published ports, exactly")(published_port_static)
    port.on("running", "the container's port bindings, on that address only")(published_port_running)

    order = registry.entry("Start Order", least=3, forms=("{} starts once {} is {}",))
    order.on("static", "depends_on with the condition")(start_order_static)

    credentials = registry.entry(
        "Credentials", least=1, forms=("{*} come from the environment, with development defaults",)
    )
    credentials.on("static", "compose config with each variable set passes it through; unset, a default")(
        credentials_static
    )
