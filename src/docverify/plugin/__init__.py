"""The pytest plugin: options, the claim collection, the subjects' fixtures, the report, markers.

Registered through the `pytest11` entry point. Items carry the markers `static`, `image` and
`running` (and `docker` for the last two), so `-m static` runs what needs no engine. Without a
Docker engine the image and running levels skip with one reason; under CI=true they fail
instead, so CI never passes by skipping. `coverage = true` adds one item that fails when a
Dockerfile instruction or entrypoint step is documented by no claim.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .. import config as configuration
from ..errors import ConfigError
from ..model.dockerfile import Dockerfile
from ..model.sources import Sources
from ..observe import docker
from ..observe.subjects import Broken, Images, Stack
from ..vocabulary.label import LEVELS, Claim
from . import workers
from .early import Subjects
from .state import State

STATE = pytest.StashKey["State"]()
MARKERS = {
    "static": "a doc claim proven against the files (needs no Docker engine)",
    "image": "a doc claim proven against the built images",
    "running": "a doc claim proven against the running compose stack",
    "docker": "needs a Docker engine (skips without one, fails under CI=true)",
}


def state(config: pytest.Config) -> State:
    return config.stash[STATE]


def pytest_addoption(parser: pytest.Parser) -> None:
    configuration.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    workers.distribution(config)


class _Listed(dict[str, Any]):
    """The logging module's logger registry, whose values are a copy: pytest iterates them without logging's lock on
    entering each phase, while this plugin's background threads may import a module that registers a logger
    ("dictionary changed size during iteration" in a nested run)."""

    def values(self) -> list[Any]:  # type: ignore[override]
        return list(super().values())  # one C call under the GIL: no thread adds a logger halfway


def pytest_configure(config: pytest.Config) -> None:
    manager = logging.Logger.manager
    if type(manager.loggerDict) is dict:  # before any background thread starts (State)
        manager.loggerDict = _Listed(manager.loggerDict)
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    config.addinivalue_line("markers", workers.MARKER_TEXT)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(workers.GroupIds(), "docverify-xdist-groups")
    try:
        config.stash[STATE] = State(config)
    except ConfigError as error:
        raise pytest.UsageError(f"docverify: {error}") from None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    current = state(parent.config)
    if file_path.suffix != ".md" or current.settings.docs not in file_path.resolve().parents:
        return None
    return current.collect(file_path, parent)


class CoverageItem(pytest.Item):
    """Every Dockerfile instruction and entrypoint step is cited by some claim's static check."""

    def runtest(self) -> None:
        from ..run.coverage import undocumented

        missing = undocumented(state(self.config).walk)
        if missing:
            raise AssertionError("documented by no claim in the docs:\n" + "\n".join(missing))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "every Dockerfile instruction and entrypoint step is documented"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    current = state(session.config)
    first_page = None
    owned = []
    for item in items:
        level = item.name.split(":", 1)[0]
        if workers.needs_owner(item, level in (*LEVELS, "read", "doctest")):
            owned.append(item)
        if level in LEVELS:
            item.add_marker(getattr(pytest.mark, level))
        if level in ("image", "running", "doctest"):
            item.add_marker(pytest.mark.docker)
        if level == "read":
            for name in LEVELS:
                item.add_marker(getattr(pytest.mark, name))
        if first_page is None and level in (*LEVELS, "read") and item.parent is not None:
            first_page = item.parent
    if current.settings.coverage and first_page is not None and current._collects_docs(session.config, whole=True):
        coverage = CoverageItem.from_parent(first_page, name="static:reverse-coverage")
        coverage.add_marker(pytest.mark.static)
        items.append(coverage)
        owned.append(coverage)
    if not session.config.pluginmanager.hasplugin("xdist"):
        owned = [item for item in owned if item.get_closest_marker(workers.REPORT_MARKER)]
    workers.assign(items, owned, workers.group(current.settings.project))


def _claim(item: pytest.Item) -> Claim[Any] | None:
    """The claim a docs item proves, if it proves one."""
    parsed = getattr(getattr(item, "example", None), "parsed", None)
    return parsed if isinstance(parsed, Claim) else None


def pytest_collection_finish(session: pytest.Session) -> None:
    """The running claims this session runs, once selected: the running pass starts those, no others."""
    current = session.config.stash.get(STATE, None)
    if current is not None:
        running = (_claim(item) for item in session.items if item.name.startswith("running:"))
        current.walk.selected_running = {claim.id for claim in running if claim is not None}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test reading the report gets every result so far: the writes while claims run are throttled.
    Anything but a claim waits for the running checks still going on in the background: it may touch the stack."""
    current = item.config.stash.get(STATE, None)
    if current is None:
        return
    if _claim(item) is None:
        current.walk.finish_running()
    if item.get_closest_marker(workers.REPORT_MARKER) is not None:
        current.write_report()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    claim = _claim(item)
    if claim is not None and report.when == "setup" and (report.skipped or report.failed):
        level = item.name.split(":", 1)[0]
        if report.skipped:
            reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else "skipped"
            state(item.config).skipped(claim, level, reason)
        else:
            state(item.config).record(claim, level, f"setup failed: {report.longreprtext[-500:]}", 0, [])  # type: ignore[arg-type]
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Per page: the bold labels its rendering shows, and the claims, groups and failing items collected."""
    current = config.stash.get(STATE, None)
    if current is None or current.recorder is None:
        return
    root, asked = current.settings.root, [Path(str(a).split("::")[0]).resolve() for a in config.args]

    def given(page: Path) -> bool:  # under a path this run was given (`pytest docs/page.md`: that page)
        path = (root / page).resolve()
        return any(where == path or where in path.parents for where in asked)

    counted = [(page.path.as_posix(), page.counts) for page in current.walk.pages() if page.counts and given(page.path)]
    if not counted:
        return
    terminalreporter.section("docverify: statements per page")
    for name, n in counted:
        if n["rendered"] or n["unreadable"]:
            terminalreporter.write_line(
                f"{name}: {_many(n['rendered'], 'label')} shown; {_many(n['claims'], 'claim')}, {n['nested']} nested, "
                f"{_many(n['groups'], 'group')}, {n['unreadable']} unreadable; "
                f"{_many(n['narrative'], 'narrative block')}"
            )
    rest = [n for _, n in counted if not (n["rendered"] or n["unreadable"])]
    if rest:
        blocks = _many(sum(n["narrative"] for n in rest), "narrative block")
        verb = "shows" if len(rest) == 1 else "show"
        terminalreporter.write_line(f"{_many(len(rest), 'more page')} {verb} no label: {blocks} among them")


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def pytest_sessionfinish(session: pytest.Session) -> None:
    current = session.config.stash.get(STATE, None)
    if current is not None:
        current.write_report()
        current._background.shutdown(wait=False)
        if workers.is_controller(session.config) and current.settings.runs_stack and docker.engine_problem() is None:
            from ..observe.stack import Compose, compose_environment

            # A worker that died mid-run cannot take its stack down: the controller always does.
            settings = current.settings
            assert settings.compose is not None
            Compose(settings.compose, settings.project, compose_environment(settings)).clean()


def require_docker() -> None:
    problem = docker.engine_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {problem}", pytrace=False)
    pytest.skip(f"Docker-backed check skipped: {problem}")


@pytest.fixture(scope="session")
def docverify(pytestconfig: pytest.Config) -> State:
    return state(pytestconfig)


@pytest.fixture(scope="session")
def docker_engine() -> None:
    require_docker()


@pytest.fixture(scope="session")
def sources(docverify: State) -> Sources:
    return docverify.walk.sources


@pytest.fixture(scope="session")
def dockerfile(sources: Sources) -> Dockerfile:
    return sources.dockerfile


@pytest.fixture(scope="session")
def subjects(docverify: State) -> Iterator[Subjects]:
    made = Subjects(docverify.walk, docverify.report)
    yield made
    made.close()


def _levels(docverify: State, session: pytest.Session) -> set[str]:
    """The Docker-backed levels this session has claims of (the stack only where compose is set)."""
    wanted = {level for level in ("image", "running") if any(i.get_closest_marker(level) for i in session.items)}
    return wanted if docverify.settings.runs_stack else wanted - {"running"}


@pytest.fixture(scope="session")
def images(
    docker_engine: None, docverify: State, subjects: Subjects, request: pytest.FixtureRequest
) -> Images | Broken:
    """Every stage built and observed; if that fails, each image-level claim fails naming the reason."""
    subjects.start(_levels(docverify, request.session))  # the stack too, beside the builds
    return subjects.images()


@pytest.fixture(scope="session")
def stack(docker_engine: None, docverify: State, subjects: Subjects, request: pytest.FixtureRequest) -> Stack | Broken:
    """The stack up and healthy, then observed; down at the session's end. Fails each running claim if not."""
    if not docverify.settings.runs_stack:
        pytest.skip("no running level: `compose` is not set, its file is missing, or `running = false`")
    subjects.start(_levels(docverify, request.session))  # the images too, beside the stack
    return subjects.stack()
