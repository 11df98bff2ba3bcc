"""The vocabulary a project uses: the core labels, the packs it names, and its own modules."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from ..errors import ConfigError
from ..vocabulary import AREAS
from ..vocabulary.registry import Registry

PACKS = ("python", "poetry", "debian", "django", "postgres")


def _register(registry: Registry, module_name: str, owner: str) -> None:
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigError(f"cannot import {module_name!r}: {error}") from None
    register = getattr(module, "register", None)
    if register is not None:
        register(registry)
    else:
        registry.add_module(module, owner)


def build(packs: Iterable[str] = (), modules: Iterable[str] = ()) -> Registry:
    """The core vocabulary, then each pack's and each project module's labels and extensions."""
    registry = Registry()
    for area in AREAS:
        registry.add_module(area, "core")
    for pack in packs:
        if pack not in PACKS:
            raise ConfigError(f"docverify_packs: no pack {pack!r}; the packs are {', '.join(PACKS)}")
        _register(registry, f"docverify.packs.{pack}", pack)
    for name in modules:
        _register(registry, name, name)
    return registry
