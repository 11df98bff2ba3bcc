"""Labels of the pages beyond the Dockerfile: entrypoint, compose, settings, health."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .claims import Claim
from .subjects import Images, Sources, Stack
from .vocabulary import commands_named, entry, fail, words

# --- entrypoint.sh ------------------------------------------------------------


def script_lines(sources: Sources, needle: str) -> list[int]:
    """1-based lines of entrypoint.sh whose code (comments dropped) contains `needle`."""
    return [n for n, line in enumerate(sources.entrypoint, start=1)
            if not line.lstrip().startswith("#") and needle in line]


def script_has(claim: Claim, sources: Sources, needle: str) -> None:
    lines = script_lines(sources, needle)
    if not lines:
        fail(claim, f"`{needle}`", "no such line", "entrypoint.sh")
    for line in lines:
        sources.cite_line("entrypoint.sh", line)


shell = entry("Shell", least=2)


@shell.static
def shell_static(claim: Claim, sources: Sources) -> None:
    program, options = claim.values[0], claim.values[1]
    first = sources.entrypoint[0] if sources.entrypoint else ""
    if first not in (f"#!/bin/{program}", f"#!/usr/bin/env {program}"):
        fail(claim, f"a {program} script", f"the first line {first!r}", "entrypoint.sh:1")
    sources.cite_line("entrypoint.sh", 1)
    script_has(claim, sources, options)


database_wait = entry("Database Wait", least=3)


@database_wait.static
def database_wait_static(claim: Claim, sources: Sources) -> None:
    command, variable, default = claim.values[0], claim.values[1], claim.values[2]
    script_has(claim, sources, command)
    waits = [sources.entrypoint[n - 1] for n in script_lines(sources, command)]
    if not any(f"${variable}" in line or f"${{{variable}" in line for line in waits):
        fail(claim, f"{command} bounded by {variable}", f"`{waits[0].strip()}`", "entrypoint.sh")
    script_has(claim, sources, f"${{{variable}:={default}}}")


def step_static(claim: Claim, sources: Sources) -> None:
    script_has(claim, sources, claim.values[0])


migrations = entry("Migrations", least=1, most=1)
migrations.static(step_static)


@migrations.running
def migrations_running(claim: Claim, stack: Stack) -> None:
    check = stack.backend_facts.get("migrations_pending")
    if check is None or check["code"] != 0:
        fail(claim, "every migration applied", check and (check["stdout"] + check["stderr"]).strip()[-300:], stack.service_where("backend"))


static_files = entry("Static Files", least=1, most=1)
static_files.static(step_static)


@static_files.running
def static_files_running(claim: Claim, stack: Stack) -> None:
    collected = stack.backend_facts.get("static_files")
    if not isinstance(collected, int) or collected == 0:
        fail(claim, "collected static files", "an empty STATIC_ROOT", stack.service_where("backend"))


server = entry("Server", least=3)


@server.static
def server_static(claim: Claim, sources: Sources) -> None:
    exec_line = claim.values[0]
    script_has(claim, sources, exec_line)
    code = [line.strip() for line in sources.entrypoint if line.strip() and not line.lstrip().startswith("#")]
    if code[-1] != exec_line:
        fail(claim, f"`{exec_line}` as the last step", f"last step `{code[-1]}`", "entrypoint.sh")


@server.running
def server_running(claim: Claim, stack: Stack) -> None:
    pid1 = stack.backend_facts["pid1"]["cmdline"]
    expected = stack.containers["backend"]["Config"]["Cmd"]
    running = pid1[-len(expected):]
    # A console script runs under its interpreter: `/venv/bin/python /venv/bin/gunicorn ...`.
    if "1" in claim.values and [Path(running[0]).name, *running[1:]] != expected:
        fail(claim, f"the command {expected} as PID 1", f"PID 1 `{' '.join(pid1)}`", stack.service_where("backend"))


# --- compose.yaml -------------------------------------------------------------


def database_service(sources: Sources) -> str:
    """The service that is pulled, not built: the database."""
    pulled = [name for name, spec in sources.compose["services"].items() if "build" not in spec]
    return pulled[0]


def built_service(sources: Sources) -> str:
    return next(name for name, spec in sources.compose["services"].items() if "build" in spec)


def defaulted(value: str) -> str:
    """`${VAR:-default}` as compose resolves it with VAR unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))


services = entry("Services", least=1)


@services.static
def services_static(claim: Claim, sources: Sources) -> None:
    if set(sources.compose["services"]) != set(claim.values):
        fail(claim, words(claim.values), words(sorted(sources.compose["services"])), "compose.yaml services")


@services.running
def services_running(claim: Claim, stack: Stack) -> None:
    down = [s for s in claim.values if stack.containers.get(s, {}).get("State", {}).get("Status") != "running"]
    if down:
        fail(claim, f"{words(claim.values)} running", f"{words(down)} not running", f"project {stack.project}")


database_image = entry("Database Image", least=1, most=1)


@database_image.static
def database_image_static(claim: Claim, sources: Sources) -> None:
    service = database_service(sources)
    if sources.compose["services"][service].get("image") != claim.values[0]:
        fail(claim, claim.values[0], sources.compose["services"][service].get("image"), f"compose.yaml service {service}")


@database_image.running
def database_image_running(claim: Claim, stack: Stack) -> None:
    service = database_service(stack.sources)
    if stack.containers[service]["Config"]["Image"] != claim.values[0]:
        fail(claim, claim.values[0], stack.containers[service]["Config"]["Image"], stack.service_where(service))


database_health = entry("Database Health Check", least=1)


@database_health.static
def database_health_static(claim: Claim, sources: Sources) -> None:
    service = database_service(sources)
    test = " ".join(sources.compose["services"][service].get("healthcheck", {}).get("test", []))
    if claim.values[0] not in test:
        fail(claim, claim.values[0], f"health check `{test}`", f"compose.yaml service {service}")


@database_health.running
def database_health_running(claim: Claim, stack: Stack) -> None:
    service = database_service(stack.sources)
    health = stack.containers[service]["State"].get("Health") or {}
    if health.get("Status") != "healthy":
        fail(claim, "a passing pg_isready", health.get("Status") or "no health check", stack.service_where(service))


database_volume = entry("Database Volume", least=2, most=2)


@database_volume.static
def database_volume_static(claim: Claim, sources: Sources) -> None:
    service = database_service(sources)
    mounts = sources.compose["services"][service].get("volumes", [])
    wanted = f"{claim.values[0]}:{claim.values[1]}"
    if wanted not in mounts or claim.values[0] not in (sources.compose.get("volumes") or {}):
        fail(claim, f"named volume {wanted}", mounts, f"compose.yaml service {service}")


@database_volume.running
def database_volume_running(claim: Claim, stack: Stack) -> None:
    service = database_service(stack.sources)
    mounts = stack.containers[service]["Mounts"]
    if not any(m["Type"] == "volume" and m["Name"].endswith(claim.values[0]) and m["Destination"] == claim.values[1] for m in mounts):
        fail(claim, f"volume {claim.values[0]} at {claim.values[1]}", [(m["Name"], m["Destination"]) for m in mounts], stack.service_where(service))


published_port = entry("Published Port", least=2)


@published_port.static
def published_port_static(claim: Claim, sources: Sources) -> None:
    service = built_service(sources)
    wanted = f"{claim.values[0]}:{claim.values[1]}"
    ports = [defaulted(p) for p in sources.compose["services"][service].get("ports", [])]
    if ports != [wanted]:
        fail(claim, wanted, ports or "no ports", f"compose.yaml service {service}")


@published_port.running
def published_port_running(claim: Claim, stack: Stack) -> None:
    service = built_service(stack.sources)
    host_ip = claim.values[0].split(":")[0]
    bindings = stack.containers[service]["NetworkSettings"]["Ports"].get(f"{claim.values[1]}/tcp") or []
    if not bindings or any(b["HostIp"] != host_ip for b in bindings):
        fail(claim, f"port {claim.values[1]} published on {host_ip} only", bindings, stack.service_where(service))


start_order = entry("Start Order", least=3)


@start_order.static
def start_order_static(claim: Claim, sources: Sources) -> None:
    dependent, dependency, condition = claim.values[:3]
    depends = sources.compose["services"].get(dependent, {}).get("depends_on", {})
    if not isinstance(depends, dict) or depends.get(dependency, {}).get("condition") != condition:
        fail(claim, f"{dependent} after {dependency} is {condition}", f"depends_on {depends}", f"compose.yaml service {dependent}")


credentials = entry("Credentials", least=1)


@credentials.static
def credentials_static(claim: Claim, sources: Sources) -> None:
    service = database_service(sources)
    environment = sources.compose["services"][service].get("environment", {})
    for name in claim.values:
        value = str(environment.get(name, ""))
        if not re.fullmatch(rf"\$\{{{name}:-[^}}]+\}}", value):
            fail(claim, f"{name} from the environment with a default", f"{name}: {value or '(unset)'}", f"compose.yaml service {service}")


# --- settings and health ------------------------------------------------------

modules = entry("Modules", least=1)


@modules.static
def modules_static(claim: Claim, sources: Sources) -> None:
    if sources.settings_modules() != sorted(claim.values):
        fail(claim, words(claim.values), words(sources.settings_modules()), "src/backend_django/core/settings/")


@modules.image
def modules_image(claim: Claim, images: Images) -> None:
    found = images.runtime.facts.get("django", {}).get("settings_modules")
    if found != sorted(claim.values):
        fail(claim, words(claim.values), found, images.runtime.where)


required = entry("Required in Production", least=1)


@required.image
def required_image(claim: Claim, images: Images) -> None:
    refused = images.runtime.facts.get("django", {}).get("prod_without", {})
    for name in [v for v in claim.values if v.isupper()]:
        outcome = refused.get(name)
        if outcome is None or outcome["code"] == 0 or name not in outcome["stderr"]:
            has = outcome and f"exit {outcome['code']}: {outcome['stderr'].strip().splitlines()[-1:]}"
            fail(claim, f"core.settings.prod refusing to start without {name}, naming it", has or "not probed", images.runtime.where)


def settings_entry(label: str, setting: str):
    made = entry(label, least=1)

    @made.image
    def setting_image(claim: Claim, images: Images) -> None:
        django = images.runtime.facts.get("django", {}).get("database_down", {})
        value = django.get(setting)
        held = value if isinstance(value, list) else [value]
        if not any(str(v).startswith(claim.values[0]) for v in held):
            fail(claim, f"{setting} {claim.values[0]}", f"{setting} {value}", f"{images.runtime.where} settings")

    return made


settings_entry("Static Root", "STATIC_ROOT")
settings_entry("Media Root", "MEDIA_ROOT")
log_directory = settings_entry("Log Directory", "LOG_FILES")


@log_directory.running
def log_directory_running(claim: Claim, stack: Stack) -> None:
    written = stack.backend_facts["trees"].get(claim.values[0]) or {}
    if not any(fact.get("type") == "file" for fact in written.values()):
        fail(claim, f"log files in {claim.values[0]}", "none written", stack.service_where("backend"))


endpoint = entry("Endpoint", least=1, most=1)


@endpoint.running
def endpoint_running(claim: Claim, stack: Stack) -> None:
    status, body = stack.health
    try:
        json.loads(body)
    except ValueError:
        fail(claim, f"JSON at {claim.values[0]}", f"HTTP {status}: {body[:200]!r}", stack.base_url)


healthy = entry("Healthy Response", least=2, most=2)


@healthy.running
def healthy_running(claim: Claim, stack: Stack) -> None:
    status, body = stack.health
    if str(status) != claim.values[0] or json.loads(body) != json.loads(claim.values[1]):
        fail(claim, f"{claim.values[0]} {claim.values[1]}", f"{status} {body}", f"GET {stack.base_url}/health/")


unhealthy = entry("Unhealthy Response", least=2)


@unhealthy.image
def unhealthy_image(claim: Claim, images: Images) -> None:
    response = images.runtime.facts.get("django", {}).get("database_down", {}).get("health", {})
    body = response.get("body", "")
    if str(response.get("status")) != claim.values[0] or claim.values[1].replace(" ", "") not in body.replace(" ", "") or "reason" not in body:
        fail(claim, f"{claim.values[0]} with {claim.values[1]} and a reason", f"{response.get('status')} {body}",
             f"{images.runtime.where}, /health/ with the database unreachable")


# --- security -------------------------------------------------------------------

non_root = entry("Non-root", least=2)


@non_root.image
def non_root_image(claim: Claim, images: Images) -> None:
    image = images.runtime
    name = image.inspect["Config"].get("User") or "root"
    uid = image.facts["users"].get(name, {}).get("uid", 0 if name == "root" else None)
    if name != claim.values[0] or uid in (0, None):
        fail(claim, f"{claim.values[0]}, not root", f"USER {name} (UID {uid})", image.where)


@non_root.running
def non_root_running(claim: Claim, stack: Stack) -> None:
    uid = stack.backend_facts["pid1"]["uid"]
    if uid == 0 or uid != stack.backend_facts["users"].get(claim.values[0], {}).get("uid"):
        fail(claim, f"the server as {claim.values[0]}", f"PID 1 with UID {uid}", stack.service_where("backend"))


no_build_tools = entry("No Build Tools", least=2)


def build_tools(claim: Claim) -> tuple[list[str], bool]:
    """The tools a claim rules out, and whether it rules out `-dev` packages."""
    return [v for v in claim.values if not v.startswith("-")], "-dev" in claim.values


@no_build_tools.static
def no_build_tools_static(claim: Claim, sources: Sources) -> None:
    stage = sources.dockerfile.final
    tools, no_dev = build_tools(claim)
    for instruction, argv in commands_named(stage, "apt-get", "install"):
        sources.cite(instruction)
        bad = [w for w in argv[2:] if w in tools or (no_dev and w.endswith("-dev"))]
        if bad:
            fail(claim, f"no {words(claim.values)} in the runtime image", f"apt-get install of {words(bad)}", f"{instruction.where} ({stage.label})")


@no_build_tools.image
def no_build_tools_image(claim: Claim, images: Images) -> None:
    image = images.runtime
    tools, no_dev = build_tools(claim)
    unprobed = [name for name in tools if name not in image.facts["executables"]]
    if unprobed:
        fail(claim, f"none of {words(claim.values)}", f"no probe for {words(unprobed)}", image.where)
    found = [f"{name} at {path}" for name, path in image.facts["executables"].items() if path and name in tools]
    found += [f"package {p}" for p in image.facts["packages"] if no_dev and p.endswith("-dev")]
    if found:
        fail(claim, f"none of {words(claim.values)}", words(found), image.where)


no_secrets = entry("No Secrets", least=1)


@no_secrets.image
def no_secrets_image(claim: Claim, images: Images) -> None:
    for image in (images.runtime,):
        places = [("history", line) for line in image.history] + [("environment", f"{k}={v}") for k, v in image.env.items()]
        for name in claim.values:
            pattern = re.compile(rf"\b\w*{re.escape(name)}\w*\s*[=:]\s*\S+", re.IGNORECASE)
            for where, text in places:
                if pattern.search(text):
                    fail(claim, f"no {name} in the image", f"{where}: {pattern.search(text).group(0)[:80]}", image.where)


lint = entry("Lint", least=2)


@lint.static
def lint_static(claim: Claim, sources: Sources) -> None:
    linter = Path(sys.executable).with_name(claim.values[0])
    program = str(linter) if linter.exists() else shutil.which(claim.values[0])
    if program is None:
        fail(claim, f"{claim.values[0]} clean", f"no {claim.values[0]} installed", "this machine")
    result = subprocess.run([program, claim.values[1]], cwd=sources.root, capture_output=True, text=True)
    if result.returncode != 0 or result.stdout.strip():
        fail(claim, "no findings", (result.stdout + result.stderr).strip(), claim.values[1])
    # Every ignore rule needs its reason in a comment on the line above.
    lines = (sources.root / claim.values[1]).read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if "hadolint ignore" in line and (number < 2 or not lines[number - 2].lstrip().startswith("#")):
            fail(claim, "each ignore justified in a comment", f"a bare `{line.strip()}`", f"{claim.values[1]}:{number}")


read_only = entry("Read-only Root Filesystem", least=3)


def writable_places(claim: Claim) -> list[str]:
    return [v for v in claim.values if v.startswith("/")]


@read_only.static
def read_only_static(claim: Claim, sources: Sources) -> None:
    service = built_service(sources)
    spec = sources.compose["services"][service]
    if spec.get("read_only") is not True:
        fail(claim, "read_only: true", f"read_only: {spec.get('read_only')}", f"compose.yaml service {service}")
    mounted = set(spec.get("tmpfs", [])) | {str(v).split(":")[1] for v in spec.get("volumes", [])}
    missing = [p for p in writable_places(claim) if p not in mounted]
    if missing:
        fail(claim, f"tmpfs or volumes at {words(writable_places(claim))}", f"none at {words(missing)}", f"compose.yaml service {service}")


@read_only.running
def read_only_running(claim: Claim, stack: Stack) -> None:
    service = built_service(stack.sources)
    container = stack.containers[service]
    if not container["HostConfig"].get("ReadonlyRootfs"):
        fail(claim, "a read-only root filesystem", "a writable one", stack.service_where(service))
    mounted = {m["Destination"] for m in container["Mounts"]} | set(container["HostConfig"].get("Tmpfs") or {})
    missing = [p for p in writable_places(claim) if p not in mounted]
    if missing:
        fail(claim, f"writable {words(writable_places(claim))}", f"nothing mounted at {words(missing)}", stack.service_where(service))
