"""The package's labels, one module per area. `register` adds them all to a registry."""

from __future__ import annotations

from ..registry import Registry
from . import closure, compose, environment, files, packages, runtime, security, stage, users

AREAS = (stage, packages, files, users, environment, runtime, compose, security, closure)


def register(registry: Registry) -> None:
    for area in AREAS:
        area.register(registry)
