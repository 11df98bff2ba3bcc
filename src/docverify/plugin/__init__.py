"""The pytest plugin: options, the claim collection, the subjects' fixtures, the report, markers.

Registered through the `pytest11` entry point. Items carry the markers `static`, `image` and
`running` (and `docker` for the last two), so `-m static` runs what needs no engine. Without a
Docker engine the image and running levels skip with one reason; under CI=true they fail
instead, so CI never passes by skipping. `coverage = true` adds one item that fails when a
Dockerfile instruction or entrypoint step is documented by no claim.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from .. import config as configuration
from ..errors import BuildFailed, ConfigError, DocverifyError, ProbeFailed
from ..model.dockerfile import Dockerfile
from ..model.sources import Sources
from ..observe import docker
from ..observe.subjects import Broken, Images, Stack
from ..run import vocab
from ..run.recorder import Recorder, sha256_file
from ..run.walk import Walk
from ..vocabulary.label import LEVELS, Cites, Claim, Level
from . import github, workers

STATE = pytest.StashKey["State"]()
REPORT_EVERY = 2.0  # seconds between report writes while claims run
MARKERS = {
    "static": "a doc claim proven against the files (needs no Docker engine)",
    "image": "a doc claim proven against the built images",
    "running": "a doc claim proven against the running compose stack",
    "docker": "needs a Docker engine (skips without one, fails under CI=true)",
}


class State:
    """Everything one session holds: settings, vocabulary, the walk, the report."""

    def __init__(self, config: pytest.Config) -> None:
        self.settings = configuration.from_pytest(config)
        self.registry = vocab.build(self.settings.packs, self.settings.vocabularies)
        self.walk = Walk(self.settings, self.registry)
        self.recorder: Recorder | None = None
        self.config = config
        self._collect: Any = None
        self._written = 0.0
        self._hashes: dict[tuple[str, int, int], str] = {}
        # Programs whose answers come later, asked now so they run while pytest collects.
        self._background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docverify")
        self._engine = self._background.submit(docker.engine_version)
        # Not in an xdist worker: only the one that gets the claims needs the pass, and runs it then.
        if self._collects_docs(config) and not workers.is_worker(config):
            self._background.submit(self.walk.static)

    def _collects_docs(self, config: pytest.Config, whole: bool = False) -> bool:
        """Whether the session collects any page (`whole`: every page, so reverse coverage applies)."""
        docs = self.settings.docs.resolve()
        for argument in config.args:
            path = Path(config.invocation_params.dir, argument.split("::")[0]).resolve()
            if path == docs or path in docs.parents or (not whole and docs in path.parents):
                return True
        return False

    def report(self, line: str) -> None:
        """Progress lines reach the terminal past pytest's output capture."""
        capture = self.config.pluginmanager.getplugin("capturemanager")
        terminal = self.config.pluginmanager.getplugin("terminalreporter")
        if capture is None or terminal is None:
            docker.to_stderr(line)
            return
        with capture.global_and_fixture_disabled():
            # After pytest's progress dots: GitHub reads workflow commands only at a line's start.
            if terminal._tw.width_of_current_line:
                terminal._tw.line()
            terminal.write_line(line)

    def collect(self, file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
        if self._collect is None:
            from sybil.integration.pytest import pytest_integration

            from .collect import sybils

            self._collect = pytest_integration(*sybils(self.walk, self.record))
        found: pytest.Collector | None = self._collect(file_path, parent)
        return found

    def recorder_ready(self) -> Recorder:
        if self.recorder is None:
            self.recorder = Recorder(self.settings.report, self.settings.root, self._engine.result())
            self.recorder.vocabulary = [
                {
                    "label": label.name,
                    "owner": label.owner,
                    "levels": {level: "; ".join(label.meanings(level)) for level in LEVELS if label.meanings(level)},
                }
                for label in sorted(self.registry.labels(), key=lambda label: label.name)
            ]
        return self.recorder

    def record(
        self, claim: Claim[Any], level: Level, failure: str | None, duration: float, cites: Cites,
        inputs: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        outcome = "failed" if failure else "passed"
        if failure and github.enabled():
            for line in github.lines(claim.page.as_posix(), claim.line, claim.title, failure, self.settings.root):
                self.report(line)
        expected: list[str] = list(self.walk.levels(claim))
        self.recorder_ready().result(claim, expected, level, outcome, failure, duration, cites, inputs)
        self.write_report(now=False)

    def skipped(self, claim: Claim[Any], level: str, reason: str) -> None:
        self.recorder_ready().result(claim, list(self.walk.levels(claim)), level, "skipped", reason, 0.0, [])
        self.write_report(now=False)

    def write_report(self, now: bool = True) -> None:
        """Write the report; `now=False` writes at most every few seconds (the session end always does)."""
        if self.recorder is None or (not now and time.monotonic() - self._written < REPORT_EVERY):
            return
        paths = [*self.walk.page_paths(), *(self.settings.root / name for name in self.walk.sources.read_files)]
        files = {self.settings.relative(p): self._hash(p) for p in paths if p.is_file()}
        self.recorder.pages = {page.path.as_posix(): page.counts for page in self.walk.pages() if page.counts}
        self.recorder.write(files)
        self._written = time.monotonic()

    def _hash(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._hashes:
            self._hashes[key] = sha256_file(path)
        return self._hashes[key]


def state(config: pytest.Config) -> State:
    return config.stash[STATE]


def pytest_addoption(parser: pytest.Parser) -> None:
    configuration.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    claim = getattr(getattr(item, "example", None), "parsed", None)
    if isinstance(claim, Claim) and report.when == "setup" and (report.skipped or report.failed):
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
    counted = [(page.path.as_posix(), page.counts) for page in current.walk.pages() if page.counts]
    terminalreporter.section("docverify: statements per page")
    for name, n in counted:
        if n["rendered"] or n["unreadable"]:
            terminalreporter.write_line(
                f"{name}: {n['rendered']} labels shown; {n['claims']} claims, {n['nested']} nested, "
                f"{n['groups']} groups, {n['unreadable']} unreadable; {n['narrative']} narrative blocks"
            )
    rest = [n for _, n in counted if not (n["rendered"] or n["unreadable"])]
    if rest:
        blocks = sum(n["narrative"] for n in rest)
        terminalreporter.write_line(f"{len(rest)} more pages show no label: {blocks} narrative blocks among them")


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
def images(docker_engine: None, docverify: State) -> Images | Broken:
    """Every stage built and observed; if that fails, each image-level claim fails naming the reason."""
    from ..observe.images import build_images  # the image and running levels only: a static run never loads it

    try:
        return build_images(docverify.walk.sources, docverify.walk.plan("image"), docverify.report)
    except (BuildFailed, ProbeFailed, DocverifyError) as error:
        return Broken(f"the images could not be made: {error}")


@pytest.fixture(scope="session")
def stack(docker_engine: None, docverify: State) -> Iterator[Stack]:
    from ..observe.stack import running_stack

    if not docverify.settings.runs_stack:
        pytest.skip("no running level: `compose` is not set, its file is missing, or `running = false`")
    with ExitStack() as held:
        try:
            running: Stack | Broken = held.enter_context(
                running_stack(docverify.walk.sources, docverify.walk.plan("running"), docverify.report)
            )
        except (BuildFailed, ProbeFailed, DocverifyError) as error:
            running = Broken(str(error))  # each running-level claim fails with it, naming its own line
        yield running  # type: ignore[misc]
