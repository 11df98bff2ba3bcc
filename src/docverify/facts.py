"""Typed facts, parsed once from the probe's JSON and from `docker inspect`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class FileInfo:
    path: str
    type: str  # file | dir | link | missing | not probed
    uid: int | None = None
    gid: int | None = None
    mode: int | None = None
    sha256: str | None = None
    owner: str | None = None  # the user name of `uid` in the image's /etc/passwd

    @property
    def exists(self) -> bool:
        return self.type not in ("missing", "not probed")

    @property
    def executable(self) -> bool:
        return self.mode is not None and self.mode & 0o111 == 0o111

    @classmethod
    def load(cls, path: str, raw: dict[str, Any], names: dict[int, str] | None = None) -> FileInfo:
        uid = raw.get("uid")
        owner = (names or {}).get(uid) if uid is not None else None
        return cls(path, raw.get("type", "missing"), uid, raw.get("gid"), raw.get("mode"), raw.get("sha256"), owner)


@dataclass(frozen=True)
class UserInfo:
    name: str
    uid: int
    gid: int
    home: str = ""
    shell: str = ""


@dataclass(frozen=True)
class CommandResult:
    code: int | None
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).strip()

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> CommandResult | None:
        if raw is None:
            return None
        return cls(raw.get("code"), raw.get("stdout", ""), raw.get("stderr", ""))


@dataclass(frozen=True)
class Process:
    """PID 1 of a running container, read from /proc."""

    argv: tuple[str, ...]
    uid: int
    gid: int
    cwd: str
    env: dict[str, str]
    cap_eff: int = 0
    no_new_privs: int = 0
    cap_bnd: int = 0  # the bounding set: what anything the process starts could ever hold
    user: str | None = None  # the name of `uid` in the container's /etc/passwd

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Process:
        return cls(
            tuple(raw["cmdline"]),
            int(raw["uid"]),
            int(raw.get("gid", -1)),
            raw["cwd"],
            dict(raw["env"]),
            int(raw.get("cap_eff", "0"), 16) if isinstance(raw.get("cap_eff"), str) else int(raw.get("cap_eff", 0)),
            int(raw.get("no_new_privs", 0)),
            int(str(raw.get("cap_bnd", "0")), 16),
        )


@dataclass(frozen=True)
class Facts:
    """What one probe run saw from inside an image or a container."""

    workdir: str
    env: dict[str, str]
    users: dict[str, UserInfo]
    groups: dict[str, int]
    packages: dict[str, str]  # dpkg: name -> version
    paths: dict[str, FileInfo]
    trees: dict[str, dict[str, FileInfo]]
    executables: dict[str, str | None]
    system_distributions: dict[str, str]
    venvs: dict[str, dict[str, str]]
    requirements: str | None = None
    requirements_pins: dict[str, str] = field(default_factory=dict)
    poetry_check_lock: CommandResult | None = None
    manual_packages: tuple[str, ...] = ()  # `apt-mark showmanual`
    special: dict[str, tuple[str, ...]] = field(default_factory=dict)  # setuid, setgid, world_writable paths
    toplevel: dict[str, tuple[int, ...]] = field(default_factory=dict)  # "/usr" -> (paths, bytes, digest)
    pid1: Process | None = None
    listening: tuple[str, ...] = ()  # "0.0.0.0:8000" for each listening TCP socket
    extra: dict[str, Any] = field(default_factory=dict)  # project probes, by name

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Facts:
        users = {
            name: UserInfo(name, u["uid"], u["gid"], u.get("home", ""), u.get("shell", ""))
            for name, u in raw["users"].items()
        }
        names = {u.uid: u.name for u in reversed(list(users.values()))}
        trees = {
            root: {rel: FileInfo.load(f"{root.rstrip('/')}/{rel}", f, names) for rel, f in tree.items()}
            for root, tree in raw["trees"].items()
        }
        return cls(
            workdir=raw["workdir"],
            env=dict(raw["env"]),
            users=users,
            groups=dict(raw["groups"]),
            packages=dict(raw["packages"]),
            paths={path: FileInfo.load(path, f, names) for path, f in raw["paths"].items()},
            trees=trees,
            executables=dict(raw["executables"]),
            system_distributions=dict(raw["system_distributions"]),
            venvs={path: dict(d) for path, d in raw["venvs"].items()},
            requirements=raw.get("requirements"),
            requirements_pins=dict(raw.get("requirements_pins") or {}),
            poetry_check_lock=CommandResult.load(raw.get("poetry_check_lock")),
            manual_packages=tuple(raw.get("manual_packages") or ()),
            special={kind: tuple(paths) for kind, paths in (raw.get("special") or {}).items() if kind != "toplevel"},
            toplevel={top: tuple(sig) for top, sig in ((raw.get("special") or {}).get("toplevel") or {}).items()},
            pid1=replace(Process.load(raw["pid1"]), user=names.get(int(raw["pid1"]["uid"])))
            if raw.get("pid1")
            else None,
            listening=tuple(raw.get("listening") or ()),
            extra=dict(raw.get("extra") or {}),
        )

    def user(self, spec: str) -> UserInfo | None:
        """A user by name or numeric UID (`appuser`, `1000`, `1000:1000`)."""
        who = spec.split(":")[0]
        if who in self.users:
            return self.users[who]
        if who.isdigit():
            return next((u for u in self.users.values() if u.uid == int(who)), UserInfo(who, int(who), -1))
        return None

    def user_by_uid(self, uid: int) -> UserInfo | None:
        return next((u for u in self.users.values() if u.uid == uid), None)

    def file(self, path: str) -> FileInfo:
        """What the probe saw at `path`: probed directly, or inside a probed tree."""
        path = path.rstrip("/") or "/"
        if path in self.paths:
            return self.paths[path]
        for root, tree in self.trees.items():
            prefix = root.rstrip("/") + "/"
            if path.startswith(prefix) and path[len(prefix) :] in tree:
                return tree[path[len(prefix) :]]
        return FileInfo(path, "not probed")

    def tree(self, root: str) -> dict[str, FileInfo]:
        return self.trees.get(root.rstrip("/") or "/", {})


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]
    interval: float | None = None  # seconds
    retries: int | None = None

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> Healthcheck | None:
        if not raw or not raw.get("Test"):
            return None
        interval = raw.get("Interval")
        return cls(tuple(raw["Test"]), interval / 1e9 if interval else None, raw.get("Retries"))


@dataclass(frozen=True)
class ImageConfig:
    """`docker inspect`'s Config of an image: what a container of it starts with."""

    env: dict[str, str]
    workdir: str
    user: str
    entrypoint: tuple[str, ...]
    cmd: tuple[str, ...]
    healthcheck: Healthcheck | None
    exposed_ports: frozenset[str]
    volumes: frozenset[str]
    labels: dict[str, str]
    stop_signal: str | None
    shell: tuple[str, ...]

    @classmethod
    def load(cls, raw: dict[str, Any]) -> ImageConfig:
        env = dict(item.split("=", 1) for item in raw.get("Env") or [])
        return cls(
            env=env,
            workdir=raw.get("WorkingDir") or "/",
            user=raw.get("User") or "",
            entrypoint=tuple(raw.get("Entrypoint") or ()),
            cmd=tuple(raw.get("Cmd") or ()),
            healthcheck=Healthcheck.load(raw.get("Healthcheck")),
            exposed_ports=frozenset(raw.get("ExposedPorts") or {}),
            volumes=frozenset(raw.get("Volumes") or {}),
            labels=dict(raw.get("Labels") or {}),
            stop_signal=raw.get("StopSignal"),
            shell=tuple(raw.get("Shell") or ()),
        )

    @property
    def argv(self) -> tuple[str, ...]:
        return (*self.entrypoint, *self.cmd)
