"""Users: the account a stage creates and the one the container runs as.

`USER 1000` and `USER appuser` are the same user when the stage's useradd gives appuser UID
1000; the image and running levels compare UIDs, never spellings. "non-root" and "unprivileged"
are read (the user's UID is not 0), and so is "and its group" (a group of the user's own name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.sources import Sources
from ..observe import users
from ..observe.subjects import Images, Stack
from .common import image_view, running_view, running_view_needs
from .label import Cites, Claim, Label, fail

UNPRIVILEGED = "[{unprivileged=non-root|unprivileged}]"


@dataclass(frozen=True)
class UserSetupArgs:
    user: str
    uid: int | None = None
    gid: int | None = None
    ids: int | None = None  # "UID and GID `2001`": both
    unprivileged: bool = False  # "non-root": a UID other than 0
    own_group: bool = False  # "and its group": a group of the user's name, the user's own

    @property
    def wanted_uid(self) -> int | None:
        return self.uid if self.uid is not None else self.ids

    @property
    def wanted_gid(self) -> int | None:
        return self.gid if self.gid is not None else self.ids


def _created(sources: Sources) -> Iterable[tuple[int | None, UserSetupArgs]]:
    for stage in sources.dockerfile.stages:
        for user in stage.users.values():
            if user.instruction.stage_index == stage.index:
                yield stage.index, UserSetupArgs(user.name, user.uid, user.gid)


USER_SETUP = Label(
    "User Setup",
    UserSetupArgs,
    [
        f"Creates [a|an|the] {UNPRIVILEGED} <user|account> {{user}} [{{own_group=and its group}}] [with UID {{uid}}] "
        "[and GID {gid}]",
        f"Creates [a|an|the] {UNPRIVILEGED} <user|account> {{user}} [{{own_group=and its group}}] "
        "(UID {uid}[, GID {gid}])",
        f"Creates [a|an|the] {UNPRIVILEGED} {{user}} <user|account> [{{own_group=and group}}] "
        "[(UID {uid}[, GID {gid}])]",
        f"Creates [a|an|the] {UNPRIVILEGED} {{user}} <user|account> [{{own_group=and group}}] (UID and GID {{ids}})",
        f"Creates [a|an|the] {UNPRIVILEGED} <user|account> {{user}} [{{own_group=and its group}}] "
        "with UID and GID {ids}",
    ],
    example=UserSetupArgs("appuser", 1000, unprivileged=True),
    examples=[UserSetupArgs("svc", ids=2001)],
    summary="An account the stage creates (`useradd`, `adduser`), with its UID and GID.",
    key=lambda a: a.user,
    suggest=_created,
    describes=("useradd", "groupadd", "adduser", "addgroup", "usermod"),
)


def _non_root_said(claim: Claim[UserSetupArgs] | Claim[UserArgs]) -> bool:
    return claim.args.unprivileged


def _group_said(claim: Claim[UserSetupArgs]) -> bool:
    """ "and group" / "and its group": a group named after the user, the user's own group."""
    return claim.args.own_group


@USER_SETUP.static("the stage's useradd/groupadd: name, UID, GID; non-root means a UID other than 0")
def user_setup_static(claim: Claim[UserSetupArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    args = claim.args
    user = stage.users.get(args.user)
    if user is None:
        fail(
            claim,
            f"a user {args.user}",
            f"no useradd of it (users made: {', '.join(stage.users) or 'none'})",
            stage.where(),
        )
    where = stage.where(user.instruction)
    uid, gid = args.wanted_uid, args.wanted_gid
    if uid is not None and user.uid != uid:
        fail(claim, f"{args.user} with UID {uid}", f"UID {user.uid if user.uid is not None else '(any)'}", where)
    if gid is not None and user.gid != gid:
        fail(claim, f"{args.user} with GID {gid}", f"GID {user.gid if user.gid is not None else '(any)'}", where)
    if _group_said(claim) and user.group not in (args.user, None) and "-N" not in user.instruction.value:
        fail(claim, f"a group {args.user} for {args.user}", f"{args.user} in group {user.group}", where)
    if _non_root_said(claim) and user.uid in (0, None):
        fail(claim, f"non-root {args.user}", f"UID {user.uid if user.uid is not None else '(not fixed)'}", where)
    return [user.instruction.cite]


@USER_SETUP.image("/etc/passwd in the image: the account, its UID and GID", needs=lambda c, s: [users.need()])
def user_setup_image(claim: Claim[UserSetupArgs], images: Images) -> Cites:
    image = images.image(claim)
    args = claim.args
    known = image.observed(users.USERS)
    user = known.by_name.get(args.user)
    uid, gid = args.wanted_uid, args.wanted_gid
    wrong = user is None or (uid is not None and user.uid != uid)
    wrong = wrong or (gid is not None and user is not None and user.gid != gid)
    if wrong or (_non_root_said(claim) and user is not None and user.uid == 0):
        has = f"{args.user} with UID {user.uid}, GID {user.gid}" if user else f"no user {args.user}"
        fail(claim, f"{args.user} with UID {uid}" + (f" and GID {gid}" if gid is not None else ""), has, image.where)
    if user is not None and _group_said(claim) and known.groups.get(args.user) != user.gid:
        has = f"group {args.user} with GID {known.groups.get(args.user)}, {args.user} in GID {user.gid}"
        fail(claim, f"{args.user}'s own group {args.user}", has, image.where)
    return []


@USER_SETUP.running(
    "PID 1's real UID and GID (/proc/1/status)",
    needs=lambda c, s: running_view_needs(),
    applies=lambda a: a.wanted_uid is not None or a.wanted_gid is not None,
)
def user_setup_running(claim: Claim[UserSetupArgs], stack: Stack) -> Cites:
    from ..observe.process import PROCESS

    uid, gid = claim.args.wanted_uid, claim.args.wanted_gid
    pid1 = stack.service.observed(PROCESS)
    if (uid is not None and pid1.uid != uid) or (gid is not None and pid1.gid != gid):
        said = f"the server as {claim.args.user} (UID {uid}" + (f", GID {gid})" if gid is not None else ")")
        fail(claim, said, f"PID 1 with UID {pid1.uid}, GID {pid1.gid}", stack.service.where)
    return []


@dataclass(frozen=True)
class UserArgs:
    user: str
    uid: int | None = None
    unprivileged: bool = False  # "non-root": a UID other than 0


def _switched(sources: Sources) -> Iterable[tuple[int | None, UserArgs]]:
    for stage in sources.dockerfile.stages:
        found = stage.user()
        if found:
            named = stage.user_named(found[0])
            # The UID too when the stage creates the account: `fix` can then rewrite a sentence that states it.
            uid = named.uid if named else None
            yield stage.index, UserArgs(named.name if named else found[0].split(":")[0], uid, bool(uid))


USER = Label(
    "User",
    UserArgs,
    [
        f"Switches to [the] {UNPRIVILEGED} [user|account] {{user}} [(UID {{uid}})]",
        f"<Runs|Switches> as [the] {UNPRIVILEGED} {{user}} [user|account] [(UID {{uid}})]",
        f"Switches to [the] {UNPRIVILEGED} {{user}} <user|account> [(UID {{uid}})]",
    ],
    example=UserArgs("appuser"),
    summary="The user the stage's later instructions, and the container's process, run as (`USER`).",
    suggest=_switched,
)


@USER.static("the effective USER, by name or UID, resolved through the stage's own useradd")
def user_static(claim: Claim[UserArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    args = claim.args
    current = stage.user()
    if current is None:
        fail(claim, f"USER {args.user}", "no USER (root)", stage.where())
    spec, instruction = current
    actual, wanted = stage.user_named(spec), stage.user_named(args.user)
    same = spec.split(":")[0] == args.user or (actual is not None and actual == wanted)
    if not same:
        fail(claim, f"USER {args.user}", f"USER {spec}", stage.where(instruction))
    uid = actual.uid if actual else (int(spec.split(":")[0]) if spec.split(":")[0].isdigit() else None)
    if args.uid is not None and uid != args.uid:
        fail(
            claim,
            f"{args.user} with UID {args.uid}",
            f"UID {uid if uid is not None else '(not fixed)'}",
            stage.where(actual.instruction if actual else instruction),
        )
    if _non_root_said(claim) and (spec.split(":")[0] in ("root", "0") or uid == 0):
        fail(claim, f"an unprivileged {args.user}", f"USER {spec} (UID 0)", stage.where(instruction))
    return [i.cite for i in stage.all("USER")]


def _expected_uid(claim: Claim[UserArgs], known: users.Users) -> int | None:
    if claim.args.uid is not None:
        return claim.args.uid
    found = known.user(claim.args.user)
    return found.uid if found else None


@USER.image(
    "the image config's user, resolved to a UID through the image's /etc/passwd", needs=lambda c, s: [users.need()]
)
def user_image(claim: Claim[UserArgs], images: Images) -> Cites:
    image = images.image(claim)
    view = image_view(image)
    expected = _expected_uid(claim, image.observed(users.USERS))
    if expected is None or view.uid != expected or (_non_root_said(claim) and view.uid == 0):
        fail(
            claim,
            f"running as {claim.args.user} (UID {expected})",
            f"USER {image.config.user or 'root'} (UID {view.uid})",
            view.where,
        )
    return []


@USER.running("PID 1's UID", needs=lambda c, s: running_view_needs())
def user_running(claim: Claim[UserArgs], stack: Stack) -> Cites:
    view = running_view(stack.service)
    expected = _expected_uid(claim, stack.service.observed(users.USERS))
    if expected is None or view.uid != expected or (_non_root_said(claim) and view.uid == 0):
        fail(claim, f"running as {claim.args.user} (UID {expected})", f"PID 1 with UID {view.uid}", view.where)
    return []
