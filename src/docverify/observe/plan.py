"""What to observe where: every claim's needs, resolved to a subject and merged per observer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .observer import Need, Observer


@dataclass
class Plan:
    """Subject key (`stage:1`, `base:python:3.13-slim`, `service:backend`) -> observer -> requests."""

    wanted: dict[str, dict[Observer[Any, Any], list[Any]]] = field(default_factory=dict)

    def add(self, subject: str, need: Need) -> None:
        self.wanted.setdefault(subject, {}).setdefault(need.observer, []).append(need.request)

    def requests(self, subject: str) -> dict[Observer[Any, Any], Any]:
        return {observer: observer.merge(asked) for observer, asked in self.wanted.get(subject, {}).items()}
