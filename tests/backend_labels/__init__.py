"""This project's own labels: entrypoint.sh steps, Django settings, the health endpoint.

They plug into docverify through `docverify_vocabularies = backend_labels` (pyproject.toml);
the engine package knows nothing of Django.
"""

from __future__ import annotations

from docverify.registry import Registry

from . import django_settings, entrypoint, health


def register(registry: Registry) -> None:
    for area in (entrypoint, django_settings, health):
        area.register(registry)
