"""The environment a process started in the image or container gets, as the runtime fills it in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, nothing


@dataclass(frozen=True)
class Environment:
    variables: dict[str, str]


def load(raw: dict[str, str]) -> Environment:
    return Environment(dict(raw))


def inside(request: None, context: dict[str, Any]) -> dict[str, str]:
    import os

    return dict(os.environ)


ENVIRONMENT: Observer[None, Environment] = Observer(
    "environment", load, nothing, inside=inside, inputs=("config:self:Env",)
)


def need(on: str = "self") -> Need:
    return ENVIRONMENT.need(None, on)
