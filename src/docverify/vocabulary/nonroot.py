"""Who the server runs as: the final image's user, never root (nor in the root group), compose overrides included."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.sources import Sources
from ..observe import process, users
from ..observe.subjects import Images, Stack
from .common import image_view, image_view_needs, running_view, running_view_needs
from .compose import service_under_test
from .label import Cites, Claim, Label, fail

ROOT = ("root", "0")


@dataclass(frozen=True)
class NonRootArgs:
    user: str
    root: str = "root"
    subject: str = "server"


def _non_root(sources: Sources) -> Iterable[tuple[int | None, NonRootArgs]]:
    found = sources.dockerfile.final.user()
    user = sources.dockerfile.final.user_named(found[0]) if found else None
    if user is not None and user.uid not in (0, None):
        yield None, NonRootArgs(user.name)


NON_ROOT = Label(
    "Non-root",
    NonRootArgs,
    ["The {subject~} runs as {user}[,] [and] never as {root}"],
    example=NonRootArgs("appuser"),
    summary="The final image's process runs as this user and not as root, compose overrides included.",
    scope="image",
    suggest=_non_root,
)


@NON_ROOT.static(
    "the final stage's effective USER, not in the root group, and no compose `user:`, `group_add` or `privileged` "
    "override"
)
def non_root_static(claim: Claim[NonRootArgs], sources: Sources) -> Cites:
    if claim.args.subject.lower() not in ("server", "container", "process", "app", "application", "service"):
        fail(claim, f"the {claim.args.subject}", "the final image's process", claim.where())
    stage = sources.dockerfile.final
    current = stage.user()
    user = stage.user_named(current[0]) if current else None
    if claim.args.root != "root":
        fail(claim, f"never as {claim.args.root}", "a sentence about root, which is `root`", claim.where())
    if current is None or current[0].split(":")[0] in ("root", "0") or (user is not None and user.uid == 0):
        fail(
            claim,
            f"the server as {claim.args.user}, not root",
            f"USER {current[0] if current else '(none: root)'}",
            stage.where(current[1] if current else None),
        )
    if user is None or user.name != claim.args.user:
        fail(claim, f"the server as {claim.args.user}", f"USER {current[0]}", stage.where(current[1]))
    group = current[0].partition(":")[2]
    joined = [g for g in user.groups if g in ROOT]
    if joined:
        fail(claim, f"the server as {claim.args.user}, not in the root group", f"{user.name} in group {joined[0]}",
             stage.where(user.instruction))  # fmt: skip
    if group in ROOT or (not group and (user.gid == 0 or user.group == "root")):
        where = stage.where(current[1] if group else user.instruction)
        has = f"USER {current[0]}, group {group or user.group or user.gid} (GID 0)"
        fail(claim, f"the server as {claim.args.user}, not in the root group", has, where)
    if sources.settings.runs_stack:
        service = service_under_test(sources)
        override = str(service.spec.get("user") or "")
        if override and override.split(":")[0] not in (claim.args.user, str(user.uid)):
            fail(claim, f"the server as {claim.args.user}", f"user: {override}", f"service {service.name}")
        added = [str(g) for g in service.spec.get("group_add") or [] if str(g) in ROOT]
        if override.partition(":")[2] in ROOT or added:
            has = f"group_add: {added}" if added else f"user: {override}"
            fail(claim, f"the server as {claim.args.user}, not in the root group", has, f"service {service.name}")
        # The image compose builds: its own Dockerfile, target and build arguments (`USER $APP_USER`).
        built, other = sources.stack_stage()
        theirs = built.user()
        account = built.user_named(theirs[0]) if theirs else None
        if other or account is None or account.name != claim.args.user or account.uid in (0, None):
            has = f"compose building {other}" if other else f"USER {theirs[0] if theirs else '(none: root)'} in the "
            has += "" if other else f"image compose builds ({built.label})"
            fail(claim, f"the server as {claim.args.user}", has, sources.compose.cite("build:", service=service.name))
    return [current[1].cite]


@NON_ROOT.image(
    "the image's user resolves to that user, with a UID other than 0, and neither its group nor a group /etc/group "
    "lists it in is GID 0",
    needs=lambda c, s: image_view_needs(),
)
def non_root_image(claim: Claim[NonRootArgs], images: Images) -> Cites:
    view = image_view(images.final)
    if view.uid in (0, None) or view.user != claim.args.user:
        fail(
            claim,
            f"{claim.args.user}, not root",
            f"USER {images.final.config.user or 'root'} (UID {view.uid})",
            view.where,
        )
    written = (images.final.config.user or "").partition(":")[2]
    account = images.final.observed(users.USERS).user(view.user or "root")
    groups = images.final.observed(users.USERS).groups
    gid = groups.get(written, int(written) if written.isdigit() else None) if written else account and account.gid
    if gid == 0 or 0 in images.final.observed(users.USERS).gids_of(view.user or ""):
        has = f"USER {images.final.config.user}" + (" (GID 0)" if gid == 0 else ", a member of GID 0 in /etc/group")
        fail(claim, f"{claim.args.user}, not in the root group", has, view.where)
    return []


@NON_ROOT.running("PID 1's UID is that user's, not 0, and neither its GID nor its groups are 0",
                  needs=lambda c, s: [*running_view_needs(), process.need()])  # fmt: skip
def non_root_running(claim: Claim[NonRootArgs], stack: Stack) -> Cites:
    view = running_view(stack.service)
    if view.uid in (0, None) or view.user != claim.args.user:
        fail(claim, f"the server as {claim.args.user}", f"PID 1 with UID {view.uid} ({view.user})", view.where)
    pid1 = stack.service.observed(process.PROCESS)
    if pid1.gid == 0 or 0 in pid1.groups:
        fail(claim, f"the server as {claim.args.user}, not in the root group",
             f"PID 1 with GID {pid1.gid}, groups {list(pid1.groups)}", view.where)  # fmt: skip
    return []
