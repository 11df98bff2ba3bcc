"""One claim walk per session: each page read once, each claim read and checked statically once.

Sybil's items, reverse coverage, the report, `docverify suggest`/`fix` and mutation runs all reuse
this pass. It also turns the claims' needs into the plan of what to observe in which image or
container: nothing is guessed from the words of a page.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ClaimFailed, ClaimUnreadable, ComposeError, DockerfileError, ProbeFailed, ScriptError
from ..model import reads
from ..model.sources import Sources, stage_of
from ..observe.plan import Plan
from ..read import items as item_reader
from ..read import rendered
from ..report.schema import PageRecord
from ..vocabulary.label import LEVELS, Cites, Claim, Level
from ..vocabulary.registry import Registry
from . import counts
from .inputs import Inputs
from .running import Pass, uses_of


@dataclass
class Page:
    path: Path  # relative to the root
    claims: list[Claim[Any]] = field(default_factory=list)
    problems: list[ClaimUnreadable] = field(default_factory=list)
    # Unreadable items by line, so each is reported as its own failing item.
    unreadable: dict[int, ClaimUnreadable] = field(default_factory=dict)
    counts: PageRecord | None = None  # the rendered labels against what was collected


@dataclass(frozen=True)
class StaticOutcome:
    cites: Cites
    failure: str | None  # the message of a failed claim
    inputs: dict[str, str] = field(default_factory=dict)  # what the checks read, and its digest now


def broken_file(claim: Claim[Any], error: Exception) -> str:
    return f"{claim.where()} {claim.title}: cannot read the file it describes: {error}"


class Walk:
    def __init__(self, settings: Settings, registry: Registry) -> None:
        self.settings = settings
        self.registry = registry
        self.sources = Sources(settings)
        self._pages: dict[str, Page] = {}
        self._static: dict[str, StaticOutcome] | None = None
        # The plugin starts the static pass in the background while pytest collects the same pages.
        self._pages_lock = threading.RLock()
        self._static_lock = threading.Lock()
        self._levels: dict[str, list[Level]] = {}
        # The running claims this session runs (the plugin sets them once pytest has selected its items).
        self.selected_running: set[str] | None = None
        self._running: Pass[StaticOutcome] | None = None
        self._running_lock = threading.Lock()

    @cached_property
    def renderer(self) -> rendered.Renderer:
        renderer = rendered.for_site(self.settings.mkdocs, self.settings.root)
        renderer.learn(self.sources.text(Path(self.settings.relative(path))) for path in self.page_paths())
        return renderer

    def page_paths(self) -> list[Path]:
        return sorted(p for p in self.settings.docs.rglob("*.md"))

    def page(self, path: Path) -> Page:
        relative = Path(self.settings.relative(path))
        key = relative.as_posix()
        with self._pages_lock:
            if key not in self._pages:
                self._pages[key] = self._read(relative)
            return self._pages[key]

    def _read(self, relative: Path) -> Page:
        page = Page(relative)
        text = self.sources.text(relative)
        found = item_reader.read(relative, text, self.renderer)
        page.problems += found.problems
        for item in found.items:
            try:
                page.claims.append(self.registry.read(item))
            except ClaimUnreadable as error:
                page.problems.append(error)
                page.unreadable[item.line] = error
        page.problems += counts.missed(relative, found, page.claims, page.problems)
        page.counts = counts.of(found, page.claims, page.problems)
        return page

    def pages(self) -> list[Page]:
        return [self.page(path) for path in self.page_paths()]

    def claims(self) -> list[Claim[Any]]:
        return [claim for page in self.pages() for claim in page.claims]

    def problems(self) -> list[ClaimUnreadable]:
        return [problem for page in self.pages() for problem in page.problems]

    # --- levels --------------------------------------------------------------------

    def final_stage(self, claim: Claim[Any]) -> bool:
        """Whether the claim describes what runs: the final stage (or no stage in particular)."""
        if claim.label.scope != "stage":
            return True
        try:
            return stage_of(claim, self.sources.dockerfile) is self.sources.dockerfile.final
        except (DockerfileError, ClaimFailed):
            return True  # the static check reports the broken Dockerfile or heading

    def levels(self, claim: Claim[Any]) -> list[Level]:
        """The levels a claim is proven at: its label's applicable checks, less `running` where
        nothing runs the claim's stage or the stack is not in play. Asked often: worked out once."""
        if claim.id not in self._levels:
            found = claim.label.levels(claim)
            if "running" in found and not (self.settings.runs_stack and self.final_stage(claim)):
                found.remove("running")
            self._levels[claim.id] = found
        return list(self._levels[claim.id])

    # --- the single static pass ----------------------------------------------------

    def static(self) -> dict[str, StaticOutcome]:
        with self._static_lock:
            if self._static is None:
                todo = [claim for claim in self.claims() if "static" in self.levels(claim)]
                # Some checks wait on a program (`docker compose config`, a linter): side by side, they overlap.
                with ThreadPoolExecutor(max_workers=4, thread_name_prefix="docverify-static") as pool:
                    outcomes = list(pool.map(lambda claim: self.check(claim, "static", self.sources), todo))
                self._static = {claim.id: outcome for claim, outcome in zip(todo, outcomes, strict=True)}
            return self._static

    @cached_property
    def inputs(self) -> Inputs:
        return Inputs(self.sources)

    def check(self, claim: Claim[Any], level: Level, subject: Any) -> StaticOutcome:
        """Every applicable check of the claim at `level`, the lines they cite, or the first failure.

        What the checks read is noted as they read it; its digests make the outcome's inputs.
        """
        cites: Cites = []
        failure: str | None = None
        with reads.tracking() as read:  # the sentence itself is hashed apart: the report's text_sha256
            try:
                for check in claim.label.checks_at(level, claim):
                    cites += check.run(claim, subject) or []
            except (ClaimFailed, ClaimUnreadable) as error:
                failure = str(error)
            except (DockerfileError, ComposeError, ScriptError) as error:
                failure = broken_file(claim, error)
            except ProbeFailed as error:
                failure = f"{claim.where()} {claim.title}: {error}"
            except OSError as error:  # a file the check reads is missing or unreadable
                failure = f"{claim.where()} {claim.title}: cannot read {error.filename or 'a file'}: {error.strerror}"
        inputs = self.inputs.of({*read, "settings"})  # every proof holds under the settings it ran with
        return StaticOutcome([] if failure else sorted(set(cites), key=_cite_order), failure, inputs)

    # --- the running pass ----------------------------------------------------------

    def running(self, claim: Claim[Any], stack: Any) -> StaticOutcome:
        """The claim's running-level outcome: on first use, every selected running claim starts side by side
        where what its checks do to the stack allows (`run.running`)."""
        with self._running_lock:
            if self._running is None and self.selected_running is not None:
                todo = {c.id: c for c in self.claims() if c.id in self.selected_running}
                kinds = [(i, uses_of([k.uses for k in c.label.checks_at("running", c)])) for i, c in todo.items()]
                self._running = Pass(kinds, lambda i: self.check(todo[i], "running", stack))
            running = self._running
        if running is None or claim.id not in running:
            return self.check(claim, "running", stack)
        return running.outcome(claim.id)

    def finish_running(self) -> None:
        """Wait for the running checks started in the background (before anything else touches the stack)."""
        with self._running_lock:
            running = self._running
        if running is not None:
            running.finish()

    # --- what the container levels observe -----------------------------------------

    def plan(self, level: Level) -> Plan:
        """Every need of every claim at `level`, resolved to the image or container it is about."""
        plan = Plan()
        if level == "static":
            return plan
        try:
            dockerfile = self.sources.dockerfile
        except DockerfileError:
            return plan  # the static checks report it; the builds will fail with it too
        service = None
        if level == "running" and self.settings.runs_stack:
            from ..observe.stack import under_test

            service = under_test(self.settings, self.sources.compose)
        for claim in self.claims():
            if level not in self.levels(claim):
                continue
            try:
                stage = stage_of(claim, dockerfile) if claim.label.scope == "stage" else dockerfile.final
            except ClaimFailed:
                continue
            for check in claim.label.checks_at(level, claim):
                try:
                    needs = check.needs(claim, self.sources) if check.needs else []
                except ClaimFailed:  # its own check fails with it; the other claims' subjects are made as planned
                    continue
                for need in needs:
                    plan.add(self._subject(need.on, stage, service), need)
        return plan

    def _subject(self, on: str, stage: Any, service: str | None) -> str:
        dockerfile = self.sources.dockerfile
        if on == "self":
            return f"service:{service}" if service else f"stage:{stage.index}"
        if on == "base":
            return f"base:{stage.base}"
        if on == "final":
            return f"stage:{dockerfile.final.index}"
        kind, _, name = on.partition(":")
        if kind == "stage":
            named = dockerfile.stage_named(name)
            return f"stage:{named.index if named else stage.index}"
        return on  # service:NAME


def _cite_order(cite: str) -> tuple[str, int]:
    name, _, line = cite.rpartition(":")
    return name, int(line) if line.isdigit() else 0


__all__ = ["LEVELS", "Page", "StaticOutcome", "Walk"]
