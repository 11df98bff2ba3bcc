"""The core vocabulary: labels for any Dockerfile, image and compose stack, one module per area.

Packs (`docverify.packs`) add what only some projects have (Python, Poetry, Debian, Django,
PostgreSQL); a project adds its own labels in a module named in `vocabularies`.
"""

from __future__ import annotations

from . import (
    closure,
    command,
    commands,
    compose,
    credentials,
    environment,
    files,
    hardening,
    health,
    healthtiming,
    imageconfig,
    leaks,
    metadata,
    modes,
    nonroot,
    permissions,
    runtime,
    script,
    security,
    shellopts,
    stage,
    startup,
    users,
)
from .label import Cites, Claim, Label, fail, words
from .registry import Registry

AREAS = (
    stage,
    users,
    environment,
    files,
    permissions,
    modes,
    commands,
    health,
    healthtiming,
    runtime,
    command,
    metadata,
    script,
    shellopts,
    startup,
    compose,
    credentials,
    nonroot,
    security,
    leaks,
    hardening,
    imageconfig,
    closure,
)

__all__ = ["AREAS", "Cites", "Claim", "Label", "Registry", "fail", "words"]
