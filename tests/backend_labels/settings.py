"""Nothing of the settings page is this project's own wording: the django pack reads it all."""

from __future__ import annotations

from docverify.vocabulary.registry import Registry


def extend(registry: Registry) -> None:
    """The settings page needs no project label."""
