"""Accounts a Dockerfile stage creates, read from its groupadd, useradd, adduser and usermod commands."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .instruction import Instruction, as_int, option
from .shell import Command


@dataclass(frozen=True)
class User:
    name: str
    uid: int | None
    gid: int | None
    group: str | None
    instruction: Instruction
    groups: tuple[str, ...] = ()  # supplementary groups (`-G`), by name or GID as written


def created(
    groupadds: list[tuple[Instruction, Command]], useradds: list[tuple[Instruction, Command]]
) -> dict[str, User]:
    """Each user with the UID and group its command fixes (a group by name gets its groupadd's GID)."""
    groups: dict[str, int | None] = {}
    for _, command in groupadds:
        argv = list(command.argv)
        groups[argv[-1]] = as_int(option(argv, "--gid", "-g"))
    found: dict[str, User] = {}
    for instruction, command in useradds:
        argv = list(command.argv)
        name = argv[-1]
        if command.program == "usermod":  # a later change of the account: its UID or group wins
            if name in found:
                uid, group = as_int(option(argv, "--uid", "-u")), option(argv, "--gid", "-g")
                gid = (as_int(group) if group.isdigit() else groups.get(group)) if group else found[name].gid
                named = (group if not group.isdigit() else None) if group else found[name].group
                extra = _groups(argv)
                appended = any(w in ("-a", "--append") or (w[:1] == "-" and w[1:2] != "-" and "a" in w) for w in argv)
                more = (*found[name].groups, *extra) if appended else extra or found[name].groups
                found[name] = replace(found[name], uid=found[name].uid if uid is None else uid, gid=gid, group=named,
                                      groups=more, instruction=instruction)  # fmt: skip
            continue
        group = option(argv, "--gid", "-g", "--ingroup")
        gid = as_int(group) if group and group.isdigit() else groups.get(group or name)
        group_name = group if group and not group.isdigit() else None
        if group is None and name in groups:
            group_name = name
        found[name] = User(name, as_int(option(argv, "--uid", "-u")), gid, group_name, instruction, _groups(argv))
    return found


def _groups(argv: list[str]) -> tuple[str, ...]:
    """The supplementary groups `-G a,b` (or `--groups`) names."""
    given = option(argv, "--groups", "-G")
    return tuple(g for g in given.split(",") if g) if given else ()
