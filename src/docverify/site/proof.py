"""Every claim as the site shows it: one chip per level, the lines it cites, and why.

A level's chip is proven, failed, not run, not applicable or stale. The test report speaks for a
claim while it still holds (same files, same text); otherwise the static level comes from this
build's own pass (`live`), and the image and running levels are stale (the report had them) or not
run (it did not): only the test suite, with Docker, runs those.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path

from docverify.site import live as lv
from docverify.site import report as rp
from docverify.site.bites import Bites
from docverify.site.scan import Bullet
from docverify.site.verdict import Assessment, View, view

LEVELS = lv.LEVELS
STATES = ("proven", "failed", "notrun", "na", "stale")
WORD = {"proven": "proven", "failed": "failed", "notrun": "not run", "na": "not applicable", "stale": "stale"}
GLYPH = {"proven": "✓", "failed": "✗", "notrun": "○", "na": "–", "stale": "↻"}
OVERALL = {"proven": "proven", "failed": "failed", "notrun": "not fully run", "stale": "stale"}
USABLE = ("proven", "unproven", "failed")  # verdict states in which the report speaks for a claim


@dataclass(frozen=True)
class Chip:
    level: str
    state: str  # one of STATES
    detail: str  # one sentence: what happened, or why not
    observes: str = ""  # what this level observes for the claim's label
    date: str = ""
    commit: str = ""
    test_id: str = ""
    mutants: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimProof:
    page: str  # repository-relative
    line: int
    label: str
    title: str
    text: str
    chips: tuple[Chip, ...]
    cites: tuple[rp.Cite, ...]
    no_cite: str  # why it cites no line ("" when it cites one)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def state(self) -> str:
        states = [chip.state for chip in self.chips if chip.state != "na"]
        for worst in ("failed", "stale"):
            if worst in states:
                return worst
        return "proven" if states and all(s == "proven" for s in states) else "notrun"

    @property
    def reason(self) -> str:
        """Why it is not proven: the failed or stale chips' details."""
        bad = [chip for chip in self.chips if chip.state in ("failed", "stale")]
        return "; ".join(f"{chip.level}: {chip.detail}" for chip in bad)


@dataclass
class Context:
    """What every claim's chips are worked out from."""

    found: Assessment
    live: lv.Live | None
    bites: Bites
    command: str
    head: str | None
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    built: str = field(default_factory=lambda: datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def stale_reason(self, page: str, shown: View, result: rp.ClaimResult | None) -> str:
        if result is not None and result.stale:
            return f"stale because {result.stale} changed"
        if shown.state == "stale":
            return f"stale: {shown.reason}"
        message = (self.found.blocker or self.found.stale_pages.get(page, "")).split(". Run ")[0].rstrip(".")
        message = message.replace("Not verified since", "stale since").replace("Not verified: ", "stale: ")
        return message or "stale: the report no longer matches the files"


def usable(shown: View) -> bool:
    return shown.state in USABLE and shown.result is not None and not shown.result.stale


def claim(ctx: Context, page: str, bullet: Bullet, root: Path, lengths: dict[str, int | None]) -> ClaimProof:
    shown = view(ctx.found, page, bullet, root, lengths)
    report = ctx.found.report
    result = shown.result or (report.claims.get((page, bullet.line)) if report else None)
    ident = f"{page}:{bullet.line}"
    here = ctx.live.claims.get(ident) if ctx.live else None
    title = here.title if here else result.title if result else bullet.title
    stage = here.stage if here else result.stage if result else None
    target = f"{stage}/{title}" if stage else title
    fresh = usable(shown)
    if fresh and shown.result:
        expected: tuple[str, ...] = shown.result.expected
    else:
        expected = here.levels if here else result.expected if result else ()
    unreadable = ctx.live.unreadable.get(ident) if ctx.live else None
    if unreadable:
        expected = ("static",)
    chips = []
    for level in LEVELS:
        base = Chip(
            level,
            "na",
            f"No {level}-level check reads a {bullet.label} claim.",
            observes=ctx.vocabulary.get(bullet.label, {}).get(level, ""),
            test_id=f"{page}::{level}:L{bullet.line}:{title.replace(' ', '-')}",
            mutants=tuple(ctx.bites.of(target, page, level)),
        )
        if level not in expected:
            chips.append(Chip(level, "na", base.detail, observes=base.observes))
        elif unreadable:
            chips.append(_with(base, "failed", unreadable))
        elif fresh and shown.result:
            chips.append(_reported(ctx, base, shown.result))
        else:
            chips.append(_rebuilt(ctx, base, here, result, ctx.stale_reason(page, shown, result)))
    cites = shown.result.cites if fresh and shown.result else here.cites if here else ()
    if fresh and here and here.ran and any(c.file in ctx.found.changed for c in cites):
        cites = here.cites  # the file changed where the proof did not look: its lines are cited as they are now
    proof = ClaimProof(page, bullet.line, bullet.label, title, bullet.text, tuple(chips), tuple(cites), "")
    return replace(proof, no_cite="" if cites else _no_cite(proof, expected))


def _with(chip: Chip, state: str, detail: str, date: str = "", commit: str = "") -> Chip:
    return Chip(chip.level, state, detail, chip.observes, date, commit, chip.test_id, chip.mutants)


def _reported(ctx: Context, chip: Chip, result: rp.ClaimResult) -> Chip:
    report = ctx.found.report
    commit = report.short_commit + (" (uncommitted changes)" if report.dirty else "") if report else ""
    level = result.levels.get(chip.level)
    if level is None:
        return _with(chip, "notrun", f"The last test run did not reach it: `{ctx.command}` runs it.")
    date = level.date or (report.date if report else "")
    if level.outcome == "passed":
        return _with(chip, "proven", "Proven by the last test run.", date, commit)
    if level.outcome == "failed":
        return _with(chip, "failed", level.message or "failed", date, commit)
    return _with(chip, "notrun", f"Skipped in the last test run: {level.message or 'no reason given'}.", date, commit)


def _rebuilt(ctx: Context, chip: Chip, here: lv.LiveClaim | None, result: rp.ClaimResult | None, why: str) -> Chip:
    """A claim the report no longer speaks for: static from this build, the others stale or not run."""
    if chip.level == "static" and ctx.live is not None:
        commit = f"{ctx.head[:7]} + working tree" if ctx.head else "working tree"
        if ctx.live.error:
            return _with(chip, "notrun", f"This build could not run the static pass: {ctx.live.error}")
        if here is None:
            return _with(chip, "notrun", "This build's static pass does not know this claim.")
        if not here.ran:
            return _with(chip, "notrun", f"Not run here: {here.failure or 'its check could not run'}.")
        if here.failure:
            return _with(chip, "failed", here.failure, ctx.built, commit)
        return _with(chip, "proven", "Proven by this site build, against the files as they are.", ctx.built, commit)
    if result is not None and chip.level in result.levels and ctx.found.report is not None:
        return _with(chip, "stale", f"The last test run's result is {why}: `{ctx.command}` proves it again.")
    needs = " (it needs Docker)" if chip.level != "static" else ""
    return _with(chip, "notrun", f"Not run here: `{ctx.command}` runs the {chip.level} level{needs}.")


def _no_cite(proof: ClaimProof, expected: tuple[str, ...]) -> str:
    static = next(chip for chip in proof.chips if chip.level == "static")
    if "static" not in expected:
        where = " and ".join({"image": "the built image", "running": "the running stack"}[n] for n in expected)
        return f"It is observed in {where or 'no level'}, not read from a line of a file."
    if static.state == "failed":
        return "Its static check failed before it could cite a line."
    if static.state != "proven":
        return "Its static check has not run here, so no line is cited yet."
    return "Its checks read no single line of a file."
