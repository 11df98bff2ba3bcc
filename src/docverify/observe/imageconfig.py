"""`docker inspect`'s Config, typed: what a container of an image starts with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import listening as model
from ..model import reads


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]  # ("CMD", argv...), ("CMD-SHELL", script) or ("NONE",)
    interval: float | None = None  # seconds
    timeout: float | None = None
    start_period: float | None = None
    retries: int | None = None

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> Healthcheck | None:
        if not raw or not raw.get("Test"):
            return None

        def seconds(key: str) -> float | None:
            value = raw.get(key)
            return value / 1e9 if value else None

        return cls(
            tuple(raw["Test"]), seconds("Interval"), seconds("Timeout"), seconds("StartPeriod"), raw.get("Retries")
        )


FIELDS = {
    "env": "Env", "workdir": "WorkingDir", "user": "User", "entrypoint": "Entrypoint", "cmd": "Cmd",
    "healthcheck": "Healthcheck", "exposed_ports": "ExposedPorts", "volumes": "Volumes", "labels": "Labels",
    "stop_signal": "StopSignal", "shell": "Shell",
}  # fmt: skip


@dataclass(frozen=True)
class ImageConfig:
    """`docker inspect`'s Config: what a container of the image starts with.

    Reading a field notes it as the check's input (`config:STAGE:Field`), so a proof that read the
    user stays valid when only the command changes.
    """

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
    noting: str = field(default="", compare=False, repr=False)  # `config:1`, `config:final`, or nothing to note

    def __getattribute__(self, name: str) -> Any:
        if name in FIELDS:
            prefix = object.__getattribute__(self, "noting")
            if prefix:
                reads.note(f"{prefix}:{FIELDS[name]}")
        return object.__getattribute__(self, name)

    @classmethod
    def load(cls, raw: dict[str, Any], noting: str = "") -> ImageConfig:
        return cls(
            env=dict(item.split("=", 1) for item in raw.get("Env") or []),
            workdir=raw.get("WorkingDir") or "/",
            user=raw.get("User") or "",
            entrypoint=tuple(raw.get("Entrypoint") or ()),
            cmd=tuple(raw.get("Cmd") or ()),
            healthcheck=Healthcheck.load(raw.get("Healthcheck")),
            # compose writes `expose: ["8000"]` as "8000", beside EXPOSE's "8000/tcp": one port.
            exposed_ports=frozenset(model.port_key(p) for p in raw.get("ExposedPorts") or {}),
            volumes=frozenset(raw.get("Volumes") or {}),
            labels=dict(raw.get("Labels") or {}),
            stop_signal=raw.get("StopSignal"),
            shell=tuple(raw.get("Shell") or ()),
            noting=noting,
        )

    @property
    def argv(self) -> tuple[str, ...]:
        """What the container runs: the entrypoint with the command as its arguments."""
        return (*self.entrypoint, *self.cmd)
