"""Django for the tests that need it: tests/ only, so `pytest docs` never sets it up.

pytest-django would otherwise load the settings and populate the app registry in every run, a
fifth of a static-level run's time; the doc checks read Django's settings in their own processes.
"""

import os

import pytest

SETTINGS = "core.settings.test"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-django's own pytest_configure runs last: it sets Django up once the settings are loaded.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.conf import settings

    settings.DATABASES  # noqa: B018  (loads them now, as pytest-django's --ds would)
