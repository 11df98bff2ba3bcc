"""Hardening of the running service: a read-only root file system, and no capabilities."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from typing import Any

from ..model.compose import Service
from ..model.instruction import clean_path
from ..model.sources import Sources
from ..observe import process
from ..observe.subjects import Stack
from .common import running_view, running_view_needs
from .compose import service_under_test
from .label import Cites, Claim, Label, fail, words

SUBJECTS = ("service", "container", "server", "app", "application")
DOCKERS_OWN = ("/dev/shm", "/dev/mqueue")  # what Docker mounts writable for everyone in a container


@dataclass(frozen=True)
class ReadOnlyArgs:
    setting: str
    tmpfs: tuple[str, ...] = ()
    kind: str = "tmpfs"
    volumes: tuple[str, ...] = ()
    subject: str = "service"


def _read_only(sources: Sources) -> Iterable[tuple[int | None, ReadOnlyArgs]]:
    if sources.has_compose:
        service = service_under_test(sources)
        written_to = [v for v in service.volumes if not (v.get("read_only") or _mounted_ro(sources, v))]
        volumes = tuple(sorted(str(v.get("target", "")).rstrip("/") for v in written_to))
        if service.spec.get("read_only") is True and service.tmpfs and volumes and not dockers_own(service):
            written = tuple(t.split(":")[0] for t in service.tmpfs if not _ro(t.partition(":")[2]))
            yield None, ReadOnlyArgs("read_only: true", written, "tmpfs", volumes)


READ_ONLY = Label(
    "Read-only Root Filesystem",
    ReadOnlyArgs,
    [  # one form per number, so a sentence written from the values agrees with its subject
        "[In the compose stack] [the] {subject~} runs with {setting}. Only {tmpfs*} (a {kind}) and the volumes at "
        "{volumes*} <are|is> writable",
        "[In the compose stack] [the] {subject~} runs with {setting}. Only {tmpfs*} (a {kind}) <is|are> writable",
    ],
    example=ReadOnlyArgs("read_only: true", ("/tmp",), "tmpfs", ("/app/staticfiles",)),
    summary="The service under test runs on a read-only root file system; only the places listed take writes.",
    scope="stack",
    suggest=_read_only,
)


def dockers_own(service: Service) -> list[str]:
    """Docker's own places anyone writes, /dev/shm (unless `ipc: none`) and /dev/mqueue, that no mount covers."""
    covered = {clean_path(t.split(":")[0]) for t in service.tmpfs}
    covered |= {clean_path(str(v.get("target", ""))) for v in service.volumes}
    return [p for p in DOCKERS_OWN if p not in covered and (p, service.spec.get("ipc")) != ("/dev/shm", "none")]


def _writable(claim: Claim[ReadOnlyArgs]) -> set[str]:
    return {clean_path(v) for v in (*claim.args.tmpfs, *claim.args.volumes)}


def subject(claim: Claim[Any], sources: Sources) -> None:
    """The sentence is about the service under test: by its name, or as "the service" (not "the whole stack")."""
    said = getattr(claim.args, "subject", "service").lower()
    name = service_under_test(sources).name
    if said not in (*SUBJECTS, name.lower()):
        fail(claim, f"the {said}", f"the service under test, {name}", f"{sources.compose.path.name} service {name}")


@READ_ONLY.static(
    "read_only: true, and the tmpfs plus volumes that take writes are exactly the listed paths (not a `nocopy` "
    "volume, which root owns), Docker's own /dev/shm and /dev/mqueue among them unless `ipc: none` and a read-only "
    "tmpfs close them"
)
def read_only_static(claim: Claim[ReadOnlyArgs], sources: Sources) -> Cites:
    subject(claim, sources)
    service = service_under_test(sources)
    if claim.args.setting.replace(" ", "") != "read_only:true" or claim.args.kind != "tmpfs":
        fail(
            claim,
            f"{claim.args.setting} with a {claim.args.kind}",
            "a sentence docverify reads as read_only: true with a tmpfs",
            claim.where(),
        )
    if service.spec.get("read_only") is not True:
        fail(claim, "read_only: true", f"read_only: {service.spec.get('read_only')}", f"service {service.name}")
    # A tmpfs in the long syntax is a volume entry of type tmpfs: a tmpfs all the same. A read-only mount adds no
    # place that takes writes (`/etc/localtime:/etc/localtime:ro`, `/dev/mqueue:ro` over Docker's own).
    short = [t for t in service.tmpfs if not _ro(t.partition(":")[2])]
    long = [v for v in service.volumes if not (v.get("read_only") or _mounted_ro(sources, v))]
    tmpfs = {clean_path(t.split(":")[0]) for t in short}
    tmpfs |= {clean_path(str(v.get("target", ""))) for v in long if v.get("type") == "tmpfs"}
    mounted = {clean_path(str(v.get("target", ""))) for v in long if v.get("type") != "tmpfs"}
    listed = {clean_path(t) for t in claim.args.tmpfs}, {clean_path(v) for v in claim.args.volumes}
    own = dockers_own(service)
    if own:
        fail(claim, f"{words(sorted(_writable(claim)))} writable, and nothing else",
             f"Docker's own {words(own)}, which take writes (`ipc: none` and a read-only tmpfs close them)",
             f"service {service.name}")  # fmt: skip
    if (tmpfs, mounted) != listed:
        fail(
            claim,
            f"tmpfs at {words(claim.args.tmpfs)}; volumes at {words(claim.args.volumes)}",
            f"tmpfs at {words(sorted(tmpfs))}; volumes at {words(sorted(mounted))}",
            f"service {service.name}",
        )
    # Writable by the server's user, as the sentence says; and no other service's volumes taken in.
    fresh = [v for v in long if (v.get("volume") or {}).get("nocopy")]  # nothing of the image's, ownership neither
    closed = [f"{v.get('target')} with nocopy, a fresh volume root owns" for v in fresh
              if clean_path(str(v.get("target", ""))) in listed[1]]  # fmt: skip
    if closed or service.spec.get("volumes_from"):
        shown = words(closed) if closed else f"volumes_from {service.spec['volumes_from']}"
        fail(claim, f"{words(sorted(_writable(claim)))} writable, and nothing else", shown, f"service {service.name}")
    return [sources.compose.cite("read_only:"), *(sources.compose.cite(p) for p in sorted(tmpfs | mounted))]


def _ro(options: str) -> bool:
    """Mount options that leave it read-only: the last of `ro` and `rw` wins, as the kernel applies them in order."""
    said = [o.strip() for o in options.split(",") if o.strip() in ("ro", "rw")]
    return bool(said) and said[-1] == "ro"


def _mounted_ro(sources: Sources, volume: dict[str, Any]) -> bool:
    """A named volume whose driver mounts it read-only (`driver_opts: {o: ro}`)."""
    if volume.get("type") != "volume" or not volume.get("source"):
        return False
    options = (sources.compose.volumes.get(str(volume["source"])) or {}).get("driver_opts") or {}
    return _ro(str(options.get("o", "")))


def _writes(stack: Stack, path: str) -> bool:
    probe = f"{path.rstrip('/')}/.docverify-write-test"
    script = f"open({probe!r}, 'w').close(); import os; os.remove({probe!r})"
    return stack.exec(stack.service.service, "python3", "-c", script, timeout=30).returncode == 0


@READ_ONLY.running(
    "ReadonlyRootfs, the mounts (a tmpfs where it says tmpfs), and real write attempts as the server's user, at "
    "each place and at every file system mounted read-write",
    needs=lambda c, s: running_view_needs(),
)
def read_only_running(claim: Claim[ReadOnlyArgs], stack: Stack) -> Cites:
    service = stack.service
    if not service.host_config.get("ReadonlyRootfs"):
        fail(claim, "a read-only root filesystem", "a writable one", service.where)
    given = (service.host_config.get("Tmpfs") or {}).items()
    tmpfs = {clean_path(p) for p, options in given if not _ro(str(options))}
    mounts = [m for m in service.mounts if m.get("RW", True)]  # a read-only mount takes no write
    tmpfs |= {clean_path(m["Destination"]) for m in mounts if m["Type"] == "tmpfs"}
    volumes = {clean_path(m["Destination"]) for m in mounts if m["Type"] != "tmpfs"}
    if tmpfs | volumes != _writable(claim) or tmpfs != {clean_path(p) for p in claim.args.tmpfs}:
        fail(
            claim,
            f"a tmpfs at {words(claim.args.tmpfs)} and volumes at {words(claim.args.volumes)} writable, only",
            f"tmpfs at {words(sorted(tmpfs)) or 'none'}; other mounts at {words(sorted(volumes)) or 'none'}",
            service.where,
        )
    # Writes as the server's user: the documented places take them, the rest of the tree refuses.
    cwd = running_view(service).cwd
    # Every file system the kernel mounts read-write too: Docker's own /dev/shm and /dev/mqueue take writes.
    listed = stack.exec(service.service, "cat", "/proc/self/mounts", timeout=30).stdout.splitlines()
    rw = sorted(f[1] for line in listed if len(f := line.split()) > 3 and "rw" in f[3].split(","))
    tried = list(dict.fromkeys([*sorted(_writable(claim)), cwd, "/", "/etc", "/usr", "/var", *rw]))
    with ThreadPoolExecutor(max_workers=4) as pool:  # each attempt is a `docker exec` that mostly waits
        attempts = {p: pool.submit(copy_context().run, _writes, stack, p) for p in tried}
    wrote = {p: attempt.result() for p, attempt in attempts.items()}
    refused = [p for p in sorted(_writable(claim)) if not wrote[p]]
    accepted = [p for p in tried if p not in _writable(claim) and wrote[p]]
    if refused or accepted:
        has = [
            f"{words(refused)} refusing a write" if refused else "",
            f"{words(accepted)} taking one" if accepted else "",
        ]
        fail(
            claim, f"writes only to {words(sorted(_writable(claim)))}", ", and ".join(filter(None, has)), service.where
        )
    return []


@dataclass(frozen=True)
class CapabilitiesArgs:
    dropped: str
    option: str
    subject: str = "service"


def _capabilities(sources: Sources) -> Iterable[tuple[int | None, CapabilitiesArgs]]:
    if sources.has_compose:
        spec = service_under_test(sources).spec
        options = [str(o).replace("=", ":") for o in spec.get("security_opt") or []]
        dropped = [str(c).upper() for c in spec.get("cap_drop") or []]
        if "ALL" in dropped and not spec.get("cap_add") and any(o.startswith("no-new-privileges") for o in options):
            yield None, CapabilitiesArgs("ALL", "no-new-privileges")


CAPABILITIES = Label(
    "Capabilities",
    CapabilitiesArgs,
    ["[The] {subject~} drops {dropped} Linux capabilities and runs with {option}"],
    example=CapabilitiesArgs("ALL", "no-new-privileges"),
    summary="The service under test holds no capability and cannot gain privileges.",
    scope="stack",
    suggest=_capabilities,
)


@CAPABILITIES.static("compose's cap_drop, cap_add, privileged and security_opt for the service")
def capabilities_static(claim: Claim[CapabilitiesArgs], sources: Sources) -> Cites:
    subject(claim, sources)
    service = service_under_test(sources)
    dropped = [str(c).upper() for c in service.spec.get("cap_drop") or []]
    added = [str(c).upper() for c in service.spec.get("cap_add") or []]
    options = [str(o).replace("=", ":") for o in service.spec.get("security_opt") or []]
    if claim.args.dropped.upper() != "ALL" or claim.args.option != "no-new-privileges":
        fail(
            claim,
            f"{claim.args.dropped} dropped with {claim.args.option}",
            "a sentence docverify reads only as `ALL` and `no-new-privileges`",
            claim.where(),
        )
    if service.spec.get("privileged"):
        fail(claim, "no capability", "privileged: true, which grants them all", f"service {service.name}")
    hooks = [h for key in ("post_start", "pre_stop") for h in service.spec.get(key) or [] if h.get("privileged")]
    if hooks:  # `docker compose` runs the hook in the container with every capability
        fail(claim, "no capability for anything in the container", f"a privileged hook, {hooks[0].get('command')}",
             sources.compose.cite("privileged", service=service.name))  # fmt: skip
    if "ALL" not in dropped or added:
        fail(claim, "every capability dropped", f"cap_drop {dropped}, cap_add {added}", f"service {service.name}")
    # Docker reads a value as Go's ParseBool does (`no-new-privileges:` with none is an error), and the last wins.
    given = [o.partition(":")[2] if ":" in o else "true" for o in options if o.partition(":")[0] == "no-new-privileges"]
    if not given or given[-1] not in ("1", "t", "T", "true", "TRUE", "True"):
        fail(claim, "no-new-privileges set", f"security_opt {options}", f"service {service.name}")
    return [sources.compose.cite("cap_drop"), sources.compose.cite("security_opt")]


@CAPABILITIES.running("CapEff, CapBnd and NoNewPrivs of PID 1 in /proc/1/status", needs=lambda c, s: [process.need()])
def capabilities_running(claim: Claim[CapabilitiesArgs], stack: Stack) -> Cites:
    pid1 = stack.service.observed(process.PROCESS)
    # A non-root PID 1 holds no effective capability anyway; the bounding set shows what was dropped.
    if pid1.cap_eff != 0 or pid1.cap_bnd != 0:
        fail(
            claim,
            "no capability, not even in the bounding set",
            f"CapEff {pid1.cap_eff:016x}, CapBnd {pid1.cap_bnd:016x} in /proc/1/status",
            stack.service.where,
        )
    if pid1.no_new_privs != 1:
        fail(claim, "NoNewPrivs 1", f"NoNewPrivs {pid1.no_new_privs} in /proc/1/status", stack.service.where)
    return []
