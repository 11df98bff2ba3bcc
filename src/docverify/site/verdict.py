"""What the site may say about each claim, given the report and the files as they are now."""

from __future__ import annotations

import contextlib
import importlib.metadata
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from docverify.errors import ConfigError
from docverify.run.inputs import Inputs, changed
from docverify.site import report as rp
from docverify.site.scan import Bullet

RUN_TESTS = "python3 scripts/dev test"


@dataclass(frozen=True)
class View:
    """One claim as the site shows it."""

    page: str  # repository-relative, as in the report
    bullet: Bullet
    state: str  # proven | unproven | failed | stale | missing | unverified
    reason: str  # one sentence: why it is not proven ("" when proven)
    result: rp.ClaimResult | None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.bullet.line} {self.bullet.title}"


@dataclass
class Assessment:
    """The report's standing for this build."""

    report: rp.Report | None
    blocker: str | None = None  # no ticks anywhere, and why
    notes: list[str] = field(default_factory=list)  # doubts that only publishing refuses
    stale_pages: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # files (not pages) whose content differs from the report's
    root: Path = Path(".")

    @cached_property
    def now(self) -> Inputs | None:
        """The digests of the inputs as the files are now (None when the project's settings cannot be read)."""
        from docverify import config
        from docverify.model.sources import Sources

        try:
            return Inputs(Sources(config.from_pyproject(self.root)))
        except (ConfigError, OSError, ValueError):
            return None

    def stale_inputs(self, result: rp.ClaimResult) -> str | None:
        """Why the report's proof of a claim no longer holds for the files as they are, naming what changed."""
        for name in result.expected:
            level = result.levels.get(name)
            if level is None or level.outcome != "passed":
                continue
            if not level.inputs or self.now is None:  # nothing recorded to compare: any changed file stales it
                if self.changed:
                    return f"{', '.join(self.changed)} changed since the last test run"
                continue
            found = changed(level.inputs, self.now)
            if found:
                said = "; ".join(self.now.describe(n) for n in found[:3]) + ("; …" if len(found) > 3 else "")
                return f"what its {name} proof read changed since the last test run: {said}"
        return None


def installed_engine() -> str | None:
    try:
        return importlib.metadata.version("docverify")
    except importlib.metadata.PackageNotFoundError:
        return None


def head_commit(root: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def assess(path: Path, root: Path, pages: list[str], engine: str | None) -> Assessment:
    """Read the report at `path` and compare it with the files under `root`."""
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if not path.exists():
        return Assessment(None, f"No verification report ({shown}): run `{RUN_TESTS}`.")
    try:
        report = rp.load(path)
    except rp.ReportError as error:
        return Assessment(
            None, f"Unusable verification report: {str(error).replace(str(path), shown)}. Run `{RUN_TESTS}`."
        )
    found = Assessment(report, root=root)
    old = rp.too_old(report, engine)
    if old:
        found.blocker = f"Not verified: {old}. Run `{RUN_TESTS}`."
        return found
    differ = rp.changed_files(report, root)
    changed_pages = [name for name in differ if name in pages]
    # A changed file stales only the claims whose proof read what changed in it (their recorded inputs).
    found.changed = [name for name in differ if name not in pages]
    for page in changed_pages:
        found.stale_pages[page] = f"Not verified since {page} changed. Run `{RUN_TESTS}`."
    for page in pages:
        if page not in report.files and page not in found.stale_pages:
            found.stale_pages[page] = f"Not verified: the report has no hash of {page}. Run `{RUN_TESTS}`."
    if report.dirty:
        found.notes.append(f"the report comes from a tree with uncommitted changes (commit {report.short_commit})")
    # Another commit is no doubt by itself: each claim is held to the inputs its proof read.
    return found


def cite_problem(cite: rp.Cite, root: Path, lengths: dict[str, int | None]) -> str | None:
    if cite.file not in lengths:
        text = None
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = (root / cite.file).read_text(encoding="utf-8")
        lengths[cite.file] = None if text is None else len(text.splitlines())
    length = lengths[cite.file]
    if length is None:
        return f"it cites {cite}, but {cite.file} cannot be read"
    if cite.line > length:
        return f"it cites {cite}, but {cite.file} has {length} lines"
    return None


def view(found: Assessment, page: str, bullet: Bullet, root: Path, lengths: dict[str, int | None]) -> View:
    """How one claim bullet stands."""
    if found.blocker or found.report is None:
        return View(page, bullet, "unverified", found.blocker or "no report", None)
    if page in found.stale_pages:
        return View(page, bullet, "unverified", found.stale_pages[page], None)
    result = found.report.claims.get((page, bullet.line))
    if result is None:
        return View(page, bullet, "missing", f"the report has no entry for {page}:{bullet.line}", None)
    if result.text_sha256 != rp.sha256_text(bullet.text):
        return View(page, bullet, "stale", "the claim's text changed since the report", result)
    stale = found.stale_inputs(result)
    if stale:
        return View(page, bullet, "stale", stale, result)
    for cite in result.cites:
        # In a changed file the lines move: the site cites them from its own static pass.
        problem = None if cite.file in found.changed else cite_problem(cite, root, lengths)
        if problem:
            return View(page, bullet, "stale", problem, result)
    failures = result.failures()
    if failures:
        return View(page, bullet, "failed", "; ".join(f"{level}: {message}" for level, message in failures), result)
    if result.green:
        return View(page, bullet, "proven", "", result)
    missing = [
        name for name in result.expected if result.levels.get(name, rp.Level("", None, None)).outcome != "passed"
    ]
    return View(page, bullet, "unproven", f"not proven at {', '.join(missing) or 'any level'}", result)


def uncommitted(root: Path, docs: Path) -> list[str]:
    """Changed tracked files, and pages not yet committed: what a publish build would show unrecorded."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all", "--", "."],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except OSError:
        return []
    if done.returncode != 0:
        return []
    pages = docs.resolve().relative_to(root.resolve()).as_posix() + "/" if docs.is_relative_to(root) else None
    found = []
    for line in done.stdout.splitlines():
        state, name = line[:2], line[3:].split(" -> ")[-1].strip('"')
        if state != "??" or (pages and name.startswith(pages)):
            found.append(name)
    return found


def publish_errors(found: Assessment, views: list[View], dirty: list[str] | None = None) -> list[str]:
    """Everything that forbids publishing, one line each."""
    errors = []
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        errors.append(f"the working tree has uncommitted changes ({shown}): commit them, then publish")
    if found.blocker:
        errors.append(found.blocker)
    errors.extend(found.notes)
    if not found.blocker:
        errors.extend(sorted(set(found.stale_pages.values())))
        errors.extend(f"{v.where}: {v.reason}" for v in views if v.state not in ("proven", "unverified"))
    return errors
