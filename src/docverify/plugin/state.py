"""A session's state: settings, vocabulary, the walk, the report it writes as claims run."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .. import config as configuration
from ..observe import docker
from ..read import rendered
from ..run import recorder, vocab
from ..run.recorder import Recorder, sha256_file
from ..run.walk import Walk
from ..vocabulary.label import LEVELS, Cites, Claim, Level
from . import github, workers

REPORT_EVERY = 2.0  # seconds between report writes while claims run


class State:
    """Everything one session holds: settings, vocabulary, the walk, the report."""

    def __init__(self, config: pytest.Config) -> None:
        self.settings = configuration.from_pytest(config)
        self.registry = vocab.build(self.settings.packs, self.settings.vocabularies)
        self.walk = Walk(self.settings, self.registry)
        rendered.for_site(self.settings.mkdocs, self.settings.root)  # an unloadable site config: one usage error now
        self.recorder: Recorder | None = None
        self.config = config
        self._collect: Any = None
        self._written = 0.0
        self._hashes: dict[tuple[str, int, int], str] = {}
        # Programs whose answers come later, asked now so they run while pytest collects.
        self._background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docverify")
        self._engine = self._background.submit(docker.engine_version)
        self._tree = self._background.submit(recorder.tree, self.settings.root)
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
            self.recorder.tree = self._tree.result()
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
        self.recorder.live = {claim.id for claim in self.walk.claims()}
        self.recorder.write(files)
        self._written = time.monotonic()

    def _hash(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._hashes:
            self._hashes[key] = sha256_file(path)
        return self._hashes[key]
