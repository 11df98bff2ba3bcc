"""Runtime behaviour: health check, entrypoint, command and port.

A health check is proven to be able to fail (its command's failure reaches Docker), and the
command and port are proven where the server shows them: PID 1 and its listening sockets.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from .. import shell
from ..claims import Claim
from ..errors import ComposeError
from ..registry import Cites, Registry, fail, words
from ..resources import View
from ..subjects import Images, Sources, Stack
from .common import matches

# Flags with which an HTTP client exits non-zero on an HTTP error status.
FAIL_FLAGS = {"curl": ("--fail", "--fail-with-body", "-f"), "wget": ()}


# Options with which a program only prints something and exits 0: it never checks anything.
NEVER_CHECKS = {"--help", "--version", "--usage", "--manual"}
SHORT_NEVER_CHECKS = {"curl": {"-h", "-V", "-M"}, "pg_isready": {"-V", "-?"}, "wget": {"-h", "-V"}}


def never_checks(argv: tuple[str, ...]) -> str | None:
    program = PurePosixPath(argv[0]).name if argv else ""
    found = [w for w in argv[1:] if w in NEVER_CHECKS or w in SHORT_NEVER_CHECKS.get(program, set())]
    return found[0] if found else None


def _fails_on_http_error(argv: tuple[str, ...]) -> bool:
    program = PurePosixPath(argv[0]).name if argv else ""
    if program not in FAIL_FLAGS:
        return True  # not an HTTP client we know: its own exit status counts
    flags = FAIL_FLAGS[program]
    if not flags:
        return True
    # The last of --fail/--no-fail wins, as curl reads its options.
    state = False
    for word in argv[1:]:
        if word in flags or (word.startswith("-") and not word.startswith("--") and "f" in word[1:]):
            state = True
        elif word == "--no-fail":
            state = False
    return state


def healthcheck_problem(claim: Claim, test: tuple[str, ...]) -> str | None:
    """Why the health check does not do what the claim says, or None."""
    if not test or test[0] == "NONE":
        return "no health check"
    if test[0] == "CMD-SHELL":
        script = test[1] if len(test) > 1 else ""
        commands = shell.commands(script)
        program = claim.values[0]
        used = [c for c in commands if c.program == program]
        if not used:
            return f"`{script}`, which does not run {program}"
        try:
            propagates = shell.failure_propagates(script, program)
        except shell.ShellError as error:
            return f"`{script}`, which no shell parser reads ({error})"
        if not propagates:
            return f"`{script}`, whose exit status is not {program}'s: it can never fail"
        argv = used[-1].argv
    else:
        argv = test[1:] if test[0] == "CMD" else test
        if not argv or PurePosixPath(argv[0]).name != claim.values[0]:
            return f"`{' '.join(argv)}`"
    shown = " ".join(argv)
    idle = never_checks(tuple(argv))
    if idle:
        return f"`{shown}`, which only prints and exits 0 ({idle}): it never checks anything"
    urls = [w for w in argv if "://" in w]
    for path in claim.values[1:]:
        if not any(urlsplit(w).path == path for w in urls):
            return f"`{shown}`, which does not request {path}"
    if claim.values[1:] and (len(urls) > 1 or "--next" in argv or "-:" in argv):
        return f"`{shown}`, whose exit status is the last of {len(urls)} requests, not {claim.values[1]}'s"
    if not _fails_on_http_error(tuple(argv)):
        return f"`{' '.join(argv)}`, which exits 0 on an HTTP error status: it can never fail"
    return None


def healthcheck_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    check = stage.healthcheck()
    if check is None:
        fail(claim, f"a HEALTHCHECK using {words(claim.values)}", "no HEALTHCHECK", f"stage {stage.label}")
    problem = healthcheck_problem(claim, check.test)
    if problem:
        fail(
            claim,
            f"a health check that fails when {words(claim.values[1:])} fails",
            problem,
            stage.where(check.instruction),
        )
    return [check.instruction.cite] if check.instruction else []


def healthcheck_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    health = image.config.healthcheck
    problem = healthcheck_problem(claim, health.test if health else ())
    if problem:
        fail(claim, f"a health check using {words(claim.values)}", problem, image.where)
    return []


def healthcheck_running(claim: Claim, stack: Stack) -> Cites:
    health = stack.service.health
    if health.get("Status") != "healthy":
        log = (health.get("Log") or [{}])[-1].get("Output", "")
        fail(
            claim, "a passing health check", f"status {health.get('Status')} ({log.strip()[:200]})", stack.service.where
        )
    return []


def entrypoint_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found = stage.exec_list("ENTRYPOINT")
    if found is None or found[0] != [claim.values[0]]:
        has = f"ENTRYPOINT {found[1].value}" if found else "no ENTRYPOINT"
        fail(claim, f'ENTRYPOINT ["{claim.values[0]}"]', has, stage.where(found[1] if found else None))
    cites = [found[1].cite]
    if stage is sources.dockerfile.final and sources.settings.compose.is_file():
        try:
            service = sources.compose.built()
        except ComposeError:
            return cites  # no service builds the image: compose does not run it
        if service.spec.get("entrypoint") is not None:  # compose runs the container without it
            said = f"service {service.name} replacing it with {service.spec['entrypoint']}"
            fail(claim, f"{claim.values[0]} as the container's entrypoint", said, sources.compose.cite("entrypoint:"))
    return cites


def entrypoint_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    if image.config.entrypoint != (claim.values[0],):
        fail(claim, [claim.values[0]], list(image.config.entrypoint) or "no entrypoint", image.where)
    return []


def _server_argv(argv: tuple[str, ...]) -> tuple[str, ...]:
    # A console script runs under its interpreter: look past `python`.
    return argv[1:] if argv and PurePosixPath(argv[0]).name.startswith("python") else argv


def command_holds(claim: Claim, argv: tuple[str, ...]) -> bool:
    wanted = [v for v in claim.values[1:] if v != "exec"]
    for candidate in (argv, _server_argv(argv)):
        program = PurePosixPath(candidate[0]).name if candidate else ""
        if program == claim.values[0] and all(matches(v, candidate) for v in wanted):
            return True
    return False


def command_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found = stage.exec_list("CMD")
    if found is None or not command_holds(claim, tuple(found[0])):
        fail(
            claim,
            words(claim.values),
            f"CMD {found[1].value}" if found else "no CMD",
            stage.where(found[1] if found else None),
        )
    return [found[1].cite]


def command_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    if not command_holds(claim, image.config.cmd):
        fail(claim, words(claim.values), list(image.config.cmd), image.where)
    return []


def command_running(claim: Claim, stack: Stack) -> Cites:
    view: View = stack.service.view
    if not command_holds(claim, view.argv):
        fail(claim, f"PID 1 running {words(claim.values)}", f"PID 1 `{' '.join(view.argv)}`", view.where)
    binds = [v for v in claim.values if ":" in v and v.rsplit(":", 1)[1].isdigit()]
    listening = stack.service.facts.listening
    missing = [b for b in binds if b not in listening]
    if missing:
        fail(claim, f"the server listening on {words(binds)}", f"sockets listening on {words(listening)}", view.where)
    return []


def _ports(values: tuple[str, ...]) -> set[str]:
    return {v if "/" in v else f"{v}/tcp" for v in values}


def port_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    exposed = stage.exposed()
    if set(exposed) != _ports(claim.values):
        fail(
            claim,
            f"EXPOSE {words(claim.values)} and nothing else",
            f"EXPOSE {words(sorted(exposed)) or 'nothing'}",
            stage.where(next(iter(exposed.values()), None)),
        )
    return sorted({i.cite for i in exposed.values()})


def port_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    if set(image.config.exposed_ports) != _ports(claim.values):
        fail(claim, words(claim.values), words(sorted(image.config.exposed_ports)) or "no exposed port", image.where)
    return []


def port_running(claim: Claim, stack: Stack) -> Cites:
    listening = {address.rsplit(":", 1)[1] for address in stack.service.facts.listening}
    missing = [v for v in claim.values if v.split("/")[0] not in listening]
    if missing:
        fail(
            claim,
            f"the server listening on {words(claim.values)}",
            f"listening on {words(sorted(listening))}",
            stack.service.where,
        )
    return []


def register(registry: Registry) -> None:
    health = registry.entry(
        "Healthcheck",
        least=1,
        staged=True,
        forms=("Defines a health check that uses {} to ping the ... health endpoint {}", "Runs {} against {}"),
    )
    health.on("static", "the effective HEALTHCHECK runs the tool on the path, and its failure reaches Docker")(
        healthcheck_static
    )
    health.on("image", "the image config's health test, read the same way")(healthcheck_image)
    health.on("running", "Docker reports the container healthy")(healthcheck_running)

    entrypoint = registry.entry(
        "Entrypoint", least=1, most=1, staged=True, forms=("Sets {} as the entrypoint for the container",)
    )
    entrypoint.on("static", "the effective ENTRYPOINT in exec form, which compose does not replace")(entrypoint_static)
    entrypoint.on("image", "the image config's entrypoint")(entrypoint_image)

    command = registry.entry(
        "Command",
        least=1,
        staged=True,
        forms=("Defaults to {} serving {} on {}; the entrypoint {}s it", "Defaults to {} running {}"),
    )
    command.on("static", "the effective CMD's program and arguments (`--opt value` or `--opt=value`)")(command_static)
    command.on("image", "the image config's cmd")(command_image)
    command.on("running", "PID 1's argv and its listening sockets")(command_running)

    port = registry.entry("Port", least=1, staged=True, forms=("Exposes {*}",))
    port.on("static", "the effective EXPOSE list, exactly")(port_static)
    port.on("image", "the image config's exposed ports, exactly")(port_image)
    port.on("running", "a socket listening on the port inside the container")(port_running)
