"""This project's own labels: the sentences only its pages say, and the checks that read them.

They plug into docverify through `vocabularies = ["backend_labels"]` (pyproject.toml). Everything
else the pages say is the engine's core vocabulary and its packs (`packs = [...]`).
"""

from __future__ import annotations

import sys

from docverify.vocabulary.registry import Registry

from . import entrypoint, health, images, settings


def register(registry: Registry) -> None:
    for module in (entrypoint, health, images, settings):
        module.extend(registry)  # first: a replaced label is then already in place
        registry.add_module(module, "backend_labels")


__all__ = ["register", "sys"]
