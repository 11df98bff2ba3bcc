"""The container's main process, PID 1, as /proc shows it: argv, user, directory, environment, privileges, and
where its output goes; and the processes it started, with their own environment and output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import reads
from .observer import Need, Observer, nothing

# What each field of PID 1 depends on: the image config field that sets it, or compose, or the start-up script.
DEPENDS = {
    "argv": ("config:final:Entrypoint", "config:final:Cmd", "script:entrypoint", "compose"),
    "uid": ("config:final:User", "compose"), "gid": ("config:final:User", "compose"),
    "groups": ("config:final:User", "compose"),
    "cwd": ("config:final:WorkingDir", "compose"), "env": ("config:final:Env", "script:entrypoint", "compose"),
    "cap_eff": ("compose",), "cap_bnd": ("compose",), "no_new_privs": ("compose",),
    "streams": ("config:final:Entrypoint", "config:final:Cmd", "script:entrypoint", "compose"),
    # What the server opens as it starts: its command and script, and its own code and configuration files.
    "appended": ("build:final", "config:final:*", "script:entrypoint", "compose"),
    "started": ("build:final", "config:final:*", "script:entrypoint", "compose"),  # a supervisor's own config too
}  # fmt: skip


@dataclass(frozen=True)
class Started:
    """A process PID 1 started (and what those started): a server a shell runs without `exec`, its workers."""

    pid: int
    argv: tuple[str, ...]
    env: dict[str, str] | None  # None: not readable by the probe's user (another user's process)
    streams: tuple[str, str]
    exe: str = ""  # the program it runs ("" unreadable)
    execd: bool = True  # it runs another program than its parent: a fork (a server's worker) runs the same

    @property
    def named(self) -> str:
        return f"PID {self.pid} (`{' '.join(self.argv)[:80]}`)"

    @property
    def python_started(self) -> bool:
        """A Python interpreter started by exec, not a worker a Python server forked: it reads its own environment
        and writes its own output. A daemon beside the server (a web server, cron) is no Python of the server's."""
        program = self.exe or (self.argv[0] if self.argv else "")  # unreadable: by the name it was started with
        return self.execd and program.rsplit("/", 1)[-1].startswith("python")


@dataclass(frozen=True)
class Process:
    argv: tuple[str, ...]
    uid: int
    gid: int
    groups: tuple[int, ...]  # supplementary
    cwd: str
    env: dict[str, str]
    cap_eff: int  # effective capabilities
    cap_bnd: int  # the bounding set: what anything it starts could ever hold
    no_new_privs: int
    # Where its standard output and error go (`pipe:[…]` for `docker logs`, or a file, `/dev/null`).
    streams: tuple[str, str] = ("", "")
    # What PID 1 and the processes it started hold open for appending, as log handlers open their files (a
    # gunicorn `--access-logfile`, a logging FileHandler, `>>`): what is written there alone misses `docker logs`.
    appended: tuple[str, ...] = ()
    started: tuple[Started, ...] = ()

    @property
    def programs(self) -> tuple[Started, ...]:
        """The Python programs PID 1 started by exec (`Started.python_started`): what reads the environment and
        writes the output besides PID 1."""
        return tuple(started for started in self.started if started.python_started)

    def __getattribute__(self, name: str) -> Any:
        if name in DEPENDS:
            reads.note(*DEPENDS[name])
        return object.__getattribute__(self, name)


def load(raw: dict[str, Any]) -> Process:
    streams = raw.get("streams") or ["", ""]
    return Process(
        tuple(raw["argv"]),
        int(raw["uid"]),
        int(raw["gid"]),
        tuple(int(g) for g in raw.get("groups", [])),
        raw["cwd"],
        dict(raw["env"]),
        int(raw["cap_eff"], 16),
        int(raw["cap_bnd"], 16),
        int(raw["no_new_privs"]),
        (str(streams[0]), str(streams[1])),
        tuple(str(target) for target in raw.get("appended", [])),
        tuple(_started_from(c) for c in raw.get("started", [])),
    )


def _started_from(raw: dict[str, Any]) -> Started:
    env = None if raw["env"] is None else dict(raw["env"])
    streams = (str(raw["streams"][0]), str(raw["streams"][1]))
    return Started(int(raw["pid"]), tuple(raw["argv"]), env, streams, str(raw["exe"]), bool(raw["execd"]))


def inside(request: None, context: dict[str, Any]) -> dict[str, Any]:
    import os

    def read(name: str) -> bytes:
        with open("/proc/1/" + name, "rb") as handle:
            return handle.read()

    status = dict(line.split(":", 1) for line in read("status").decode().splitlines() if ":" in line)
    return {
        "argv": [part.decode() for part in read("cmdline").split(b"\0") if part],
        "uid": int(status["Uid"].split()[0]),
        "gid": int(status["Gid"].split()[0]),
        "groups": [int(g) for g in status.get("Groups", "").split()],
        "cap_eff": status.get("CapEff", "0").strip(),
        "cap_bnd": status.get("CapBnd", "0").strip(),
        "no_new_privs": int(status.get("NoNewPrivs", "0").strip() or 0),
        "cwd": os.readlink("/proc/1/cwd"),
        "env": dict(part.decode().split("=", 1) for part in read("environ").split(b"\0") if b"=" in part),
        "streams": [
            os.readlink(f"/proc/1/fd/{fd}") if os.path.lexists(f"/proc/1/fd/{fd}") else "closed" for fd in (1, 2)
        ],
        "appended": _appended(),
        "started": _started(),
    }


def _server() -> dict[int, int]:
    """PID 1 and its descendants, each with its parent, zombies left out (they run nothing); a `docker exec` (this
    probe among them) has no parent inside: it is left out."""
    import os

    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{int(entry)}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (ValueError, OSError):  # not a process, or one that has just ended
            continue
        if fields[0] not in ("Z", "X"):
            parents[int(entry)] = int(fields[1])
    server, grown = {1: 0}, True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in server and pid not in server:
                server[pid] = parent
                grown = True
    return dict(sorted(server.items()))


def _started() -> list[dict[str, object]]:
    """Each descendant of PID 1: its argv, program, environment and where its stdout and stderr go."""
    import os

    def exe(pid: int) -> str:
        try:
            return os.readlink(f"/proc/{pid}/exe")
        except OSError:  # another user's, or a kernel thread
            return ""

    def fields(raw: bytes) -> list[str]:
        return [part.decode(errors="replace") for part in raw.split(b"\0") if part]

    found: list[dict[str, object]] = []
    for pid, parent in list(_server().items())[1:]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                argv = fields(handle.read())
            env, streams = None, ["unreadable", "unreadable"]
            try:  # another user's process: the probe's user may not read it
                with open(f"/proc/{pid}/environ", "rb") as handle:
                    env = dict(part.split("=", 1) for part in fields(handle.read()) if "=" in part)
                streams = [os.readlink(f"/proc/{pid}/fd/{fd}") if os.path.lexists(f"/proc/{pid}/fd/{fd}")
                           else "closed" for fd in (1, 2)]  # fmt: skip
            except PermissionError:
                pass
        except OSError:  # it ended, or became a zombie, as it was read
            continue
        program = exe(pid)
        found.append({"pid": pid, "argv": argv, "env": env, "streams": streams, "exe": program,
                      "execd": not program or program != exe(parent)})  # fmt: skip
    return found


def _appended() -> list[str]:
    """The files (not pipes, sockets or terminals) that PID 1 and its descendants hold open with O_APPEND."""
    import os

    found: set[str] = set()
    for pid in _server():
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except FileNotFoundError:  # it ended
            continue
        except PermissionError:  # PID 1's own must be read: an observation that cannot is an error, not a pass
            if pid == 1:
                raise
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}") as handle:
                    flags = int(next(line.split()[1] for line in handle if line.startswith("flags:")), 8)
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except (FileNotFoundError, StopIteration):  # closed as it was read
                continue
            if flags & os.O_APPEND and not target.startswith(("pipe:", "socket:", "anon_inode:", "/dev/pts/")):
                found.add(target)
    return sorted(found)


PROCESS: Observer[None, Process] = Observer(
    "process",
    load,
    nothing,
    inside=inside,
    where=("container",),
    on_build=False,
    helpers=(_server, _started, _appended),
)


def need() -> Need:
    return PROCESS.need(None)
