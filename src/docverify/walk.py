"""One claim walk per session: each page read, each claim looked up and checked statically once.

Sybil's static items, reverse coverage, the report and mutation runs all reuse this pass.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import claims as claim_reader
from . import rendered
from .claims import Claim
from .config import Settings
from .errors import ClaimFailed, ClaimUnreadable, ComposeError, DockerfileError
from .registry import LEVELS, Cites, Entry, Registry
from .subjects import Sources


@dataclass
class Page:
    path: Path  # relative to the root
    claims: list[Claim] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # claim id -> entry
    error: ClaimUnreadable | None = None


@dataclass(frozen=True)
class StaticOutcome:
    cites: Cites
    failure: str | None  # the message of a failed or unreadable claim


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

    @cached_property
    def renderer(self) -> rendered.Renderer:
        names, settings = rendered.extensions(self.settings.mkdocs, self.settings.root)
        texts = (self.sources.text(Path(self.settings.relative(path))) for path in self.page_paths())
        return rendered.Renderer(names, settings, texts)

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
        try:
            found, labelled = claim_reader.read(relative, text)
            rendered.check(relative, text, labelled, self.renderer)
            for claim in found:
                page.entries[claim.id] = self.registry.lookup(claim)
            page.claims = found
        except ClaimUnreadable as error:
            page.error = error
        return page

    def pages(self) -> list[Page]:
        return [self.page(path) for path in self.page_paths()]

    def claims(self) -> list[tuple[Claim, Entry]]:
        return [(c, p.entries[c.id]) for p in self.pages() for c in p.claims]

    def errors(self) -> list[ClaimUnreadable]:
        return [p.error for p in self.pages() if p.error]

    def levels(self, claim: Claim) -> list[str]:
        """The levels a claim is proven at: its label's, less `running` where nothing runs it
        (an earlier stage, or no compose file)."""
        entry = self.page(claim.page).entries[claim.id]
        found = [level for level in LEVELS if level in entry.checks]
        if "running" in found:
            try:
                final = len(self.sources.dockerfile.stages)
            except DockerfileError:
                final = None  # the checks themselves report the broken Dockerfile
            earlier = entry.staged and final is not None and (claim.stage() or (0, ""))[0] != final
            if earlier or not self.settings.compose.is_file():
                found.remove("running")
        return found

    # --- what the container levels must look at ---------------------------

    def values(self) -> set[str]:
        return {v for claim, _ in self.claims() for v in claim.values}

    def paths(self) -> list[str]:
        """Every absolute path a claim names: the probes look at each one."""
        return sorted({v.rstrip("/") or "/" for v in self.values() if v.startswith("/") and " " not in v})

    def programs(self) -> list[str]:
        """Every word a claim names that could be a program: the probes look each up on PATH."""
        return sorted(v for v in self.values() if re.fullmatch(r"[a-z][a-z0-9+._-]*", v))

    # --- the single static pass --------------------------------------------

    def static(self) -> dict[str, StaticOutcome]:
        with self._static_lock:
            return self._static_pass()

    def _static_pass(self) -> dict[str, StaticOutcome]:
        if self._static is None:
            todo = [(claim, entry) for claim, entry in self.claims() if "static" in entry.checks]
            # Some checks wait on a program (`docker compose config`, a linter): side by side, they overlap.
            with ThreadPoolExecutor(max_workers=4, thread_name_prefix="docverify-static") as pool:
                outcomes = list(pool.map(lambda pair: self._check(*pair), todo))
            self._static = {claim.id: outcome for (claim, _), outcome in zip(todo, outcomes, strict=True)}
        return self._static

    def _check(self, claim: Claim, entry: Entry) -> StaticOutcome:
        try:
            return StaticOutcome(entry.run("static", claim, self.sources), None)
        except (ClaimFailed, ClaimUnreadable) as failure:
            return StaticOutcome([], str(failure))
        except (DockerfileError, ComposeError) as error:
            return StaticOutcome([], f"{claim.where()} {claim.title}: cannot read the file it describes: {error}")
