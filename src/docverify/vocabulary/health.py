"""The health check, in any form, proven by making it fail.

Read as Docker runs it (`model.healthtest`: exec form, or a shell script, `sh -c` included, with `exec`, `timeout`
and `env` looked through): it runs the tool the page names, asks for the path it names (as an argument, or
inside the code a `-c` runs), and its exit status is the tool's. The image level then runs it where no
server started: it must fail there. The running level waits for Docker to call the container healthy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..model import healthtest, listening, reads
from ..model.dockerfile import Stage
from ..model.sources import Sources
from ..observe import health
from ..observe.subjects import Images, Stack
from .label import Cites, Claim, Label, fail

# Options with which a program only prints something and exits 0: it never checks anything.
NEVER_CHECKS = {"--help", "--version", "--usage", "--manual"}
SHORT_NEVER_CHECKS = {"curl": {"-h", "-V", "-M"}, "pg_isready": {"-V", "-?"}, "wget": {"-h", "-V"}}
# HTTP clients exit 0 on an HTTP error status unless told otherwise.
FAIL_FLAGS = {"curl": ("--fail", "--fail-with-body", "-f")}
# Options with which curl asks something else than its URL names: another path, host, socket or proxy, or
# options from a file docverify does not read.
RETARGETS = {
    "--request-target",
    "--connect-to",
    "--resolve",
    "-x",
    "--proxy",
    "--preproxy",
    "--unix-socket",
    "-K",
    "--abstract-unix-socket",
    "--socks4",
    "--socks4a",
    "--socks5",
    "--socks5-hostname",
    "--config",
}
# Where the backend listens, the names the stack gives the container, and the container's environment.
Where = tuple[Mapping[str, frozenset[str]], Collection[str], Mapping[str, str]]
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"`)]+", re.IGNORECASE)


def never_checks(argv: tuple[str, ...]) -> str | None:
    program = PurePosixPath(argv[0]).name if argv else ""
    found = [w for w in argv[1:] if w in NEVER_CHECKS or w in SHORT_NEVER_CHECKS.get(program, set())]
    return found[0] if found else None


def _fails_on_http_error(argv: tuple[str, ...]) -> bool:
    program = PurePosixPath(argv[0]).name if argv else ""
    if program not in FAIL_FLAGS:
        return True  # not a client we know to swallow errors: its own exit status counts
    state = False  # the last of --fail/--no-fail wins, as curl reads its options
    for word in argv[1:]:
        if word in FAIL_FLAGS[program] or (word.startswith("-") and not word.startswith("--") and "f" in word[1:]):
            state = True
        elif word == "--no-fail":
            state = False
    return state


def program_of(argv: tuple[str, ...]) -> str:
    return PurePosixPath(argv[0]).name if argv else ""


def same_tool(found: str, wanted: str) -> bool:
    """`python3` and `python3.13` are `python`'s kin: the page may name either."""
    pythons = re.compile(r"python3?(\.\d+)?")
    return found == wanted or bool(pythons.fullmatch(found) and pythons.fullmatch(wanted))


def runs_tool(argv: tuple[str, ...], tool: str) -> bool:
    """The command starts with the tool as the page names it: `curl`, or `python -c` (its first words)."""
    words = tool.split()
    return len(argv) >= len(words) and same_tool(program_of(argv), words[0]) and list(argv[1 : len(words)]) == words[1:]


@dataclass(frozen=True)
class HealthcheckArgs:
    tool: str
    path: str | None = None


def problem(claim: Claim[HealthcheckArgs], test: tuple[str, ...], where: Where | None = None) -> str | None:
    """Why the health test does not do what the claim says, or None; `where` is where the backend the test must ask
    listens (the ports and families, the names the stack gives it, the container's environment)."""
    tool, path = claim.args.tool, claim.args.path
    reading = healthtest.read(test, tool, lambda argv: runs_tool(argv, tool))
    if reading.problem:
        return reading.problem
    argv = reading.argv
    shown = " ".join(argv)
    idle = never_checks(argv)
    if idle:
        return f"`{shown}`, which only prints and exits 0 ({idle}): it never checks anything"
    urls = [u for word in argv[1:] for u in URL.findall(word)]
    if path is not None:
        if not any(urlsplit(u).path == path for u in urls):
            return f"`{shown}`, which does not request {path}"
        asked = next(u for u in urls if urlsplit(u).path == path)
        if where is not None and (away := listening.elsewhere(asked, *where)):
            return f"`{shown}`, which {away}"
        if len(urls) > 1 or "--next" in argv or "-:" in argv:
            return f"`{shown}`, whose exit status is the last of {len(urls)} requests, not {path}'s"
        elsewhere = [w for w in argv[1:] if w.split("=")[0] in RETARGETS or (w[:2] in RETARGETS and len(w) > 2)]
        if program_of(argv) == "curl" and elsewhere:
            return f"`{shown}`, whose {elsewhere[0]} asks something else than {urls[0]}"
    if not _fails_on_http_error(argv):
        return f"`{shown}`, which exits 0 on an HTTP error status: it can never fail"
    return None


def _checks(sources: Sources) -> Iterable[tuple[int | None, HealthcheckArgs]]:
    stage = sources.dockerfile.final
    check = stage.healthcheck()
    if check is None or check.disabled:
        return
    reading = healthtest.read(check.test, "a program", lambda argv: bool(URL.search(" ".join(argv))))
    argv = reading.argv or healthtest.read(check.test, "a program", bool).argv
    if not argv:
        return
    urls = [u for word in argv[1:] for u in URL.findall(word)]
    yield stage.index, HealthcheckArgs(program_of(argv), urlsplit(urls[0]).path if len(urls) == 1 else None)


HEALTHCHECK = Label(
    "Healthcheck",
    HealthcheckArgs,
    [
        "Defines a health check that uses {tool} to ping [the] [...] health endpoint {path}",
        "<Runs|Uses> {tool} <against|on> [the] [endpoint] {path}",
        "<Runs|Uses> {tool} <against|on> the {path} endpoint",
        "<Runs|Uses> {tool}",
        "Checks {path} with {tool}",
    ],
    example=HealthcheckArgs("curl", "/health/"),
    summary="The container's health check (`HEALTHCHECK`), in any form, and the endpoint it asks.",
    suggest=_checks,
)


@HEALTHCHECK.static(
    "the effective HEALTHCHECK runs the tool (also through `sh -c`, `exec`, `timeout` or `env`), asks for the path "
    "on the container itself (loopback, a port it exposes or its command binds), and its failure reaches Docker; so "
    "does compose's `healthcheck:` test, which replaces it in the stack"
)
def healthcheck_static(claim: Claim[HealthcheckArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    check = stage.healthcheck()
    if check is None:
        fail(claim, f"a HEALTHCHECK using {claim.args.tool}", "no HEALTHCHECK", stage.where())
    wanted = f"a health check with {claim.args.tool} that fails when {claim.args.path or 'it'} fails"
    served = _served(stage)
    environment = {name: value for name, (value, _) in stage.env().items()}
    found = problem(claim, check.test, (served, (), environment))
    if found:
        fail(claim, wanted, found, stage.where(check.instruction))
    cites = [check.instruction.cite] if check.instruction else []
    override = _compose_test(sources, stage)
    if override is not None:  # the stack runs compose's test instead: it must say the same
        test, line = override
        service = sources.under_test()  # compose's name for it reaches it too, as Docker's DNS answers it
        names = {service.name, *(str(service.spec[k]) for k in ("hostname", "container_name") if service.spec.get(k))}
        found = problem(claim, test, (served, names, environment)) if test else "the health check switched off"
        if found:
            fail(claim, wanted, found, line)
        cites.append(line)
    return cites


def _served(stage: Stage) -> Mapping[str, frozenset[str]]:
    """Where the stage's server listens: the ports it exposes, and those its command binds. The CMD is read only as
    far as its binding words go: `--workers 2` to `3` leaves the proof as it was."""
    binds: list[str] = []
    cmd = re.compile(r"dockerfile:\d+:CMD")
    with reads.narrowed(lambda noted: f"argv:{stage.index}:{json.dumps(binds)}" if cmd.fullmatch(noted) else noted):
        found = stage.exec_list("CMD")
        binds += [word for word in (found[0] if found else []) if listening.BIND.search(word)]
        entrypoint = stage.exec_list("ENTRYPOINT")
    return listening.served(stage.exposed(), [*(entrypoint[0] if entrypoint else []), *binds])


def _compose_test(sources: Sources, stage: Stage) -> tuple[tuple[str, ...], str] | None:
    """Compose's `healthcheck:` test for the service under test, where the stack runs this stage (its
    `build.target`, else the last), and its line: it replaces the image's. () when it switches the check off."""
    if not sources.settings.runs_stack:
        return None
    service = sources.under_test()
    given = service.spec.get("healthcheck") or {}
    if sources.stack_runs() is not stage or not given:
        return None
    if given.get("disable") or healthtest.disabled(given.get("test")):
        key = ("disable:",) if given.get("disable") else ("test",)
        return (), sources.compose.cite(*key, service=service.name)
    if "test" not in given:
        return None
    return healthtest.compose_test(given["test"]), sources.compose.cite("test:", service=service.name)


@HEALTHCHECK.image(
    "the image's health test, read the same way, then run where no server started: it fails",
    needs=lambda c, s: [health.need()],
)
def healthcheck_image(claim: Claim[HealthcheckArgs], images: Images) -> Cites:
    image = images.image(claim)
    test = image.config.healthcheck.test if image.config.healthcheck else ()
    served = listening.served(image.config.exposed_ports, image.config.argv)
    found = problem(claim, test, (served, (), image.config.env))
    if found:
        fail(claim, f"a health check using {claim.args.tool}", found, image.where)
    made = image.observed(health.HEALTH_FAILURE)
    if made.code == 0:
        fail(
            claim,
            "a health check that fails when nothing answers",
            f"the test passing with no server running ({made.output[:200] or 'no output'})",
            image.where,
        )
    return []


@HEALTHCHECK.running("Docker reports the container healthy")
def healthcheck_running(claim: Claim[HealthcheckArgs], stack: Stack) -> Cites:
    state = stack.service.health
    if state.get("Status") != "healthy":
        log = (state.get("Log") or [{}])[-1].get("Output", "")
        fail(
            claim, "a passing health check", f"status {state.get('Status')} ({log.strip()[:200]})", stack.service.where
        )
    return []
