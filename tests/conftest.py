"""Django for the tests that need it: tests/ only, so `pytest docs` never sets it up.

pytest-django would otherwise load the settings and populate the app registry in every run, a
fifth of a static-level run's time; the doc checks read Django's settings in their own processes.
The browser tests share one Chromium per process.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from browser import Tabs, chromium

SETTINGS = "core.settings.test"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-django's own pytest_configure runs last: it sets Django up once the settings are loaded.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.conf import settings

    settings.DATABASES  # noqa: B018  (loads them now, as pytest-django's --ds would)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once per process (tests/browser.py)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def tabs(browser: Any) -> Tabs:
    """Tabs the browser tests borrow and give back reset (tests/browser.py): a new tab costs three times the CPU."""
    return Tabs(browser)


# Tests that each run a pytest or a stack of their own and take longest: started first, they no longer
# leave the other workers idle at the end of a parallel run (the order within each module stays).
LONGEST = ("tests/test_workers.py::", "tests/test_stack.py::test_a_run_that_died", "tests/test_example_ledger.py::")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST))
