"""Users and groups: the image's /etc/passwd and /etc/group, as the C library reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .observer import Need, Observer, nothing


@dataclass(frozen=True)
class UserInfo:
    name: str
    uid: int
    gid: int
    home: str = ""
    shell: str = ""


@dataclass(frozen=True)
class Users:
    by_name: dict[str, UserInfo]
    groups: dict[str, int]  # group name -> GID
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group name -> its supplementary members

    def gids_of(self, name: str) -> set[int]:
        """The GIDs of the groups /etc/group lists the user in (its primary group aside)."""
        return {self.groups[g] for g, names in self.members.items() if name in names and g in self.groups}

    def user(self, spec: str) -> UserInfo | None:
        """A user by name or numeric UID (`appuser`, `1000`, `1000:1000`); a bare number names a UID."""
        who = spec.split(":")[0]
        if who in self.by_name:
            return self.by_name[who]
        if who.isdigit():
            return self.by_uid(int(who)) or UserInfo(who, int(who), -1)
        return None

    def by_uid(self, uid: int) -> UserInfo | None:
        return next((u for u in self.by_name.values() if u.uid == uid), None)

    def name_of(self, uid: int | None) -> str | None:
        found = self.by_uid(uid) if uid is not None else None
        return found.name if found else None


def load(raw: dict[str, Any]) -> Users:
    users = {name: UserInfo(name, u["uid"], u["gid"], u["home"], u["shell"]) for name, u in raw["users"].items()}
    members = {name: tuple(names) for name, names in (raw.get("members") or {}).items()}
    return Users(users, {name: int(gid) for name, gid in raw["groups"].items()}, members)


def inside(request: None, context: dict[str, Any]) -> dict[str, Any]:
    import grp
    import pwd

    return {
        "users": {
            u.pw_name: {"uid": u.pw_uid, "gid": u.pw_gid, "home": u.pw_dir, "shell": u.pw_shell} for u in pwd.getpwall()
        },
        "groups": {g.gr_name: g.gr_gid for g in grp.getgrall()},
        "members": {g.gr_name: list(g.gr_mem) for g in grp.getgrall() if g.gr_mem},
    }


USERS: Observer[None, Users] = Observer("users", load, nothing, inside=inside)


def need(on: str = "self") -> Need:
    return USERS.need(None, on)


__all__ = ["USERS", "UserInfo", "Users", "need"]
