"""Security: non-root, no build tools, no secrets, lint, read-only root filesystem."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import docker
from ..claims import Claim
from ..registry import Cites, Registry, fail, words
from ..subjects import Images, Sources, Stack
from .common import installed_by


def non_root_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.dockerfile.final
    current = stage.user()
    user = stage.user_named(current[0]) if current else None
    if current is None or current[0].split(":")[0] in ("root", "0") or (user is not None and user.uid == 0):
        fail(
            claim,
            f"the server as {claim.values[0]}, not root",
            f"USER {current[0] if current else '(none: root)'}",
            stage.where(current[1] if current else None),
        )
    name = sources.settings.service
    if sources.settings.compose.is_file():
        service = sources.compose.services[name] if name else sources.compose.built()
        override = str(service.spec.get("user") or "")
        if override and override.split(":")[0] not in (claim.values[0], str(user.uid if user else "")):
            fail(claim, f"the server as {claim.values[0]}", f"user: {override}", f"service {service.name}")
    return [current[1].cite]


def non_root_image(claim: Claim, images: Images) -> Cites:
    image = images.final
    view = image.view
    if view.uid in (0, None) or view.user is None or view.user.name != claim.values[0]:
        fail(claim, f"{claim.values[0]}, not root", f"USER {image.config.user or 'root'} (UID {view.uid})", image.where)
    return []


def non_root_running(claim: Claim, stack: Stack) -> Cites:
    view = stack.service.view
    if view.uid in (0, None) or view.user is None or view.user.name != claim.values[0]:
        fail(claim, f"the server as {claim.values[0]}", f"PID 1 with UID {view.uid}", view.where)
    return []


def build_tools(claim: Claim) -> tuple[list[str], bool]:
    """The tools a claim rules out, and whether it rules out `-dev` packages."""
    return [v for v in claim.values if not v.startswith("-")], "-dev" in claim.values


def no_build_tools_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.dockerfile.final
    tools, no_dev = build_tools(claim)
    found, installed = installed_by(stage, "apt-get")
    bad = [w for w in installed if w in tools or (no_dev and w.endswith("-dev"))]
    if bad:
        fail(
            claim,
            f"no {words(claim.values)} in the runtime image",
            f"apt-get install of {words(bad)}",
            stage.where(found[0][0]),
        )
    return sorted({i.cite for i, _ in found})


def no_build_tools_image(claim: Claim, images: Images) -> Cites:
    image = images.final
    tools, no_dev = build_tools(claim)
    unprobed = [name for name in tools if name not in image.facts.executables]
    if unprobed:
        fail(claim, f"none of {words(claim.values)}", f"no probe for {words(unprobed)}", image.where)
    found = [f"{name} at {path}" for name, path in image.facts.executables.items() if path and name in tools]
    found += [f"package {p}" for p in image.packages if no_dev and p.endswith("-dev")]
    if found:
        fail(claim, f"none of {words(claim.values)}", words(found), image.where)
    return []


def no_secrets_image(claim: Claim, images: Images) -> Cites:
    image = images.final
    places = [("history", line) for line in image.history]
    places += [("environment", f"{k}={v}") for k, v in image.config.env.items()]
    for name in claim.values:
        pattern = re.compile(rf"\b\w*{re.escape(name)}\w*\s*[=:]\s*\S+", re.IGNORECASE)
        for where, text in places:
            match = pattern.search(text)
            if match:
                fail(claim, f"no {name} in the image", f"{where}: {match.group(0)[:80]}", image.where)
    return []


def lint_static(claim: Claim, sources: Sources) -> Cites:
    linter = Path(sys.executable).with_name(claim.values[0])
    program = str(linter) if linter.exists() else shutil.which(claim.values[0])
    if program is None:
        fail(claim, f"{claim.values[0]} clean", f"no {claim.values[0]} installed", "this machine")
    target = sources.settings.dockerfile
    # An empty config file: ignores must sit next to their instruction, not in .hadolint.yaml.
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as config:
        config.write("{}\n")
        config.flush()
        result = subprocess.run(
            [program, "--config", config.name, str(target)], cwd=sources.root, capture_output=True, text=True
        )
    if result.returncode != 0 or result.stdout.strip():
        fail(claim, "no findings", (result.stdout + result.stderr).strip(), target.name)
    lines = sources.lines(target)
    cited = []
    for number, line in enumerate(lines, start=1):
        if "hadolint ignore" in line:
            cited.append(f"{target.name}:{number}")
            reason = lines[number - 2].strip() if number >= 2 else ""
            if not reason.startswith("#") or "hadolint" in reason or len(reason) < 8:
                fail(claim, "each ignore justified in a comment", f"a bare `{line.strip()}`", f"{target.name}:{number}")
    return cited


def writable_places(claim: Claim) -> set[str]:
    return {v.rstrip("/") for v in claim.values if v.startswith("/")}


def read_only_static(claim: Claim, sources: Sources) -> Cites:
    name = sources.settings.service
    service = sources.compose.services[name] if name else sources.compose.built()
    if service.spec.get("read_only") is not True:
        fail(claim, "read_only: true", f"read_only: {service.spec.get('read_only')}", f"service {service.name}")
    mounted = set(service.tmpfs) | {str(v.get("target", "")).rstrip("/") for v in service.volumes}
    if mounted != writable_places(claim):
        said = f"writable {words(sorted(writable_places(claim)))} only"
        fail(claim, said, f"tmpfs and volumes at {words(sorted(mounted))}", f"service {service.name}")
    return [sources.compose.cite("read_only:"), *(sources.compose.cite(p) for p in sorted(mounted))]


def _writable(container: str, path: str) -> bool:
    probe = f"{path.rstrip('/')}/.docverify-write-test"
    result = docker.run("exec", container, "sh", "-c", f'touch "{probe}" && rm -f "{probe}"', timeout=30)
    return result.returncode == 0


def read_only_running(claim: Claim, stack: Stack) -> Cites:
    service = stack.service
    if not service.inspect["HostConfig"].get("ReadonlyRootfs"):
        fail(claim, "a read-only root filesystem", "a writable one", service.where)
    mounted = {m["Destination"].rstrip("/") for m in service.mounts} | set(
        service.inspect["HostConfig"].get("Tmpfs") or {}
    )
    if mounted != writable_places(claim):
        fail(
            claim,
            f"writable {words(sorted(writable_places(claim)))} only",
            f"mounts at {words(sorted(mounted))}",
            service.where,
        )
    # Writes as the server's user: the documented places take them, the rest of the tree refuses.
    refused = [p for p in sorted(writable_places(claim)) if not _writable(service.name, p)]
    accepted = [
        p
        for p in (service.view.cwd, "/", "/etc", "/usr")
        if p not in writable_places(claim) and _writable(service.name, p)
    ]
    if refused or accepted:
        fail(
            claim,
            f"writes only to {words(sorted(writable_places(claim)))}",
            f"writes refused at {words(refused) or 'none'}, accepted at {words(accepted) or 'none'}",
            service.where,
        )
    return []


def capabilities_static(claim: Claim, sources: Sources) -> Cites:
    name = sources.settings.service
    service = sources.compose.services[name] if name else sources.compose.built()
    dropped = [str(c).upper() for c in service.spec.get("cap_drop") or []]
    added = [str(c).upper() for c in service.spec.get("cap_add") or []]
    options = [str(o).replace("=", ":") for o in service.spec.get("security_opt") or []]
    if service.spec.get("privileged"):
        fail(claim, "no capability", "privileged: true, which grants them all", f"service {service.name}")
    if "ALL" in claim.values and ("ALL" not in dropped or added):
        fail(claim, "every capability dropped", f"cap_drop {dropped}, cap_add {added}", f"service {service.name}")
    if "no-new-privileges" in claim.values and not any(
        o in ("no-new-privileges", "no-new-privileges:true") for o in options
    ):
        fail(claim, "no-new-privileges set", f"security_opt {options}", f"service {service.name}")
    return [sources.compose.cite("cap_drop"), sources.compose.cite("security_opt")]


def capabilities_running(claim: Claim, stack: Stack) -> Cites:
    pid1 = stack.service.pid1
    # A non-root PID 1 holds no effective capability anyway; the bounding set shows what was dropped.
    if "ALL" in claim.values and (pid1.cap_eff != 0 or pid1.cap_bnd != 0):
        has = f"CapEff {pid1.cap_eff:016x}, CapBnd {pid1.cap_bnd:016x} in /proc/1/status"
        fail(claim, "no capability, not even in the bounding set", has, stack.service.where)
    if "no-new-privileges" in claim.values and pid1.no_new_privs != 1:
        fail(claim, "NoNewPrivs 1", f"NoNewPrivs {pid1.no_new_privs} in /proc/1/status", stack.service.where)
    return []


def register(registry: Registry) -> None:
    capabilities = registry.entry(
        "Capabilities", least=1, forms=("The ... drops {} Linux capabilities and runs with {}, ...",)
    )
    capabilities.on("static", "compose's cap_drop, cap_add and security_opt for the service")(capabilities_static)
    capabilities.on("running", "CapEff, CapBnd and NoNewPrivs of PID 1 in /proc/1/status")(capabilities_running)

    non_root = registry.entry("Non-root", least=2, forms=("The server runs as {}, never as {}",))
    non_root.on("static", "the final stage's effective USER, and no compose user override")(non_root_static)
    non_root.on("image", "the image's user resolves to that non-zero UID")(non_root_image)
    non_root.on("running", "PID 1's UID is that user's")(non_root_running)

    tools = registry.entry(
        "No Build Tools", least=2, forms=("The runtime image holds none of {*}, and no {} package: ...",)
    )
    tools.on("static", "the final stage installs none of them")(no_build_tools_static)
    tools.on("image", "none is on PATH, no -dev package in dpkg")(no_build_tools_image)

    secrets = registry.entry(
        "No Secrets",
        least=1,
        forms=(
            "Neither the image's build history nor its environment holds a {}, a {} or a {}; ...",
            "Neither the image's build history nor its environment holds {*}; ...",
        ),
    )
    secrets.on("image", "no NAME=value in the image history or config environment")(no_secrets_image)

    lint = registry.entry(
        "Lint",
        least=2,
        forms=(
            "{} reports nothing on the {}; each rule it is told to ignore is justified in a comment next to "
            "the instruction",
        ),
    )
    lint.on("static", "the linter with an empty config reports nothing; each inline ignore has a reason above it")(
        lint_static
    )

    read_only = registry.entry(
        "Read-only Root Filesystem",
        least=3,
        forms=("In the compose stack the ... runs with {}. Only {} (a {}) and the volumes at {*} are writable",),
    )
    read_only.on("static", "read_only: true, and tmpfs plus volumes are exactly the listed paths")(read_only_static)
    read_only.on("running", "ReadonlyRootfs, the mounts, and real write attempts as the server's user")(
        read_only_running
    )
