"""Users: the account a stage creates and the one the container runs as.

`USER 1000` and `USER appuser` are the same user when the stage's useradd gives appuser UID
1000; the image and running levels compare UIDs, never spellings.
"""

from __future__ import annotations

import re

from ..claims import Claim
from ..errors import ClaimUnreadable
from ..registry import Cites, Registry, fail
from ..resources import View
from ..subjects import Images, Sources, Stack


def user_expectation(claim: Claim) -> tuple[str, int | None, int | None]:
    """(name, UID, GID) from "user `appuser` with UID `1000` and GID `0`"; every number is read."""
    uid = re.search(r"\bUID\s+`(\d+)`", claim.text)
    gid = re.search(r"\bGID\s+`(\d+)`", claim.text)
    names = [v for v in claim.values if not v.isdigit()]
    numbers = [v for v in claim.values if v.isdigit()]
    read = [m.group(1) for m in (uid, gid) if m]
    unread = [n for n in numbers if n not in read]
    if not names or unread:
        raise ClaimUnreadable(
            f"{claim.where()}: **{claim.title}** reads a user name and `UID`/`GID` numbers; "
            f"cannot place {unread or 'a missing user name'} in {claim.text!r}"
        )
    return names[0], int(uid.group(1)) if uid else None, int(gid.group(1)) if gid else None


def user_setup_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name, uid, gid = user_expectation(claim)
    user = stage.users.get(name)
    if user is None:
        fail(claim, f"a user {name}", "no useradd of it", f"stage {stage.label}")
    where = stage.where(user.instruction)
    if uid is not None and user.uid != uid:
        fail(claim, f"{name} with UID {uid}", f"{name} with UID {user.uid if user.uid is not None else '(any)'}", where)
    if gid is not None and user.gid != gid:
        fail(claim, f"{name} with GID {gid}", f"{name} with GID {user.gid if user.gid is not None else '(any)'}", where)
    if "non-root" in claim.sentence and user.uid in (0, None):
        fail(claim, f"non-root {name}", f"UID {user.uid if user.uid is not None else '(unfixed)'}", where)
    return [user.instruction.cite]


def user_setup_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    name, uid, gid = user_expectation(claim)
    user = image.facts.users.get(name)
    if user is None or (uid is not None and user.uid != uid) or (gid is not None and user.gid != gid) or user.uid == 0:
        has = f"UID {user.uid}, GID {user.gid}" if user else "no such user"
        fail(
            claim, f"non-root {name} with UID {uid}" + (f" and GID {gid}" if gid is not None else ""), has, image.where
        )
    return []


def user_setup_running(claim: Claim, stack: Stack) -> Cites:
    name, uid, gid = user_expectation(claim)
    pid1 = stack.service.pid1
    if (uid is not None and pid1.uid != uid) or (gid is not None and pid1.gid != gid) or pid1.uid == 0:
        said = f"the server as {name} (UID {uid}" + (f", GID {gid})" if gid is not None else ")")
        fail(claim, said, f"PID 1 with UID {pid1.uid}, GID {pid1.gid}", stack.service.where)
    return []


def user_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    current = stage.user()
    wanted = stage.user_named(claim.values[0])
    if current is None:
        fail(claim, f"USER {claim.values[0]}", "no USER (root)", stage.where())
    spec, instruction = current
    actual = stage.user_named(spec)
    same = spec.split(":")[0] == claim.values[0] or (actual is not None and wanted is not None and actual == wanted)
    if not same:
        fail(claim, f"USER {claim.values[0]}", f"USER {spec}", stage.where(instruction))
    return [i.cite for i in stage.all("USER")]


def runs_as(claim: Claim, view: View, expected_uid: int | None) -> Cites:
    if expected_uid is None or view.uid != expected_uid:
        fail(claim, f"running as {claim.values[0]} (UID {expected_uid})", f"UID {view.uid}", view.where)
    return []


def user_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    wanted = image.user(claim.values[0])
    return runs_as(claim, image.view, wanted.uid if wanted else None)


def user_running(claim: Claim, stack: Stack) -> Cites:
    wanted = stack.service.user(claim.values[0])
    return runs_as(claim, stack.service.view, wanted.uid if wanted else None)


def register(registry: Registry) -> None:
    setup = registry.entry(
        "User Setup",
        least=1,
        staged=True,
        forms=(
            "Creates a non-root user {} with UID {} for security",
            "Creates a non-root user {} with UID {}",
            "Creates a non-root user {} with UID {} and GID {}...",
            "Creates a non-root user {} with UID {} ...",
        ),
    )
    setup.on("static", "the stage's useradd/groupadd: name, UID, GID")(user_setup_static)
    setup.on("image", "/etc/passwd in the image")(user_setup_image)
    setup.on("running", "PID 1's real UID and GID (/proc/1/status)")(user_setup_running)

    user = registry.entry("User", least=1, most=1, staged=True, forms=("Switches to {}",))
    user.on("static", "the effective USER, by name or UID")(user_static)
    user.on("image", "the image config's user, resolved to a UID")(user_image)
    user.on("running", "PID 1's UID")(user_running)
