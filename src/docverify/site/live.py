"""The static level proven by the site build itself, so a fresh clone shows proof without Docker.

The engine's own claim walk runs in-process: the same reader, vocabulary and checks as the pytest
side. Only the static level can run here; the image and running levels need the test suite.
"""

from __future__ import annotations

import sys
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docverify.site.report import Cite

LEVELS = ("static", "image", "running")
# A check that needs a program this machine lacks (`docker compose`) could not run: that is not a lie.
MISSING_TOOL = "is not installed"
_running = threading.local()


@dataclass(frozen=True)
class LiveClaim:
    title: str
    label: str
    stage: str | None
    levels: tuple[str, ...]  # the levels its label checks it at
    ran: bool  # the static check ran (it has a static level and its tool is here)
    failure: str | None
    cites: tuple[Cite, ...]


@dataclass
class Live:
    """What this build proved: per claim id (`page:line`), and what the walk read."""

    claims: dict[str, LiveClaim] = field(default_factory=dict)
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    read: list[Path] = field(default_factory=list)  # files the checks read: a change to one reruns the pass
    unreadable: dict[str, str] = field(default_factory=dict)  # id -> why the vocabulary cannot read it
    error: str | None = None  # the pass could not run at all, and why


def proving() -> bool:
    """Whether this thread is inside the live pass (the engine renders pages too: no marks there)."""
    return bool(getattr(_running, "active", False))


def _import_paths(root: Path) -> None:
    """The project's label modules import as pytest imports them: its `pythonpath` ini setting."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    paths = data.get("tool", {}).get("pytest", {}).get("ini_options", {}).get("pythonpath", [])
    for entry in [paths] if isinstance(paths, str) else paths:
        path = str((root / str(entry)).resolve())
        if path not in sys.path:
            sys.path.append(path)


def _cite(text: str) -> Cite | None:
    name, _, line = text.rpartition(":")
    return Cite(name, int(line)) if name and line.isdigit() and int(line) > 0 else None


def run(root: Path) -> Live:
    """The static pass over the docs under `root`, or a Live whose `error` says why it could not run."""
    _running.active = True
    try:
        return _run(root)
    except Exception as error:  # a broken pass is shown on the pages, never a failed build
        return Live(error=f"{type(error).__name__}: {error}")
    finally:
        _running.active = False


def _run(root: Path) -> Live:
    from docverify import config
    from docverify.run import vocab
    from docverify.run.walk import Walk

    _import_paths(root)
    settings = config.from_pyproject(root)
    registry = vocab.build(settings.packs, settings.vocabularies)
    walk = Walk(settings, registry)
    outcomes = walk.static()
    live = Live()
    for claim in walk.claims():
        levels = tuple(walk.levels(claim))
        outcome = outcomes.get(claim.id)
        failure = outcome.failure if outcome else None
        ran = outcome is not None and not (failure and MISSING_TOOL in failure)
        cites = tuple(c for c in (_cite(text) for text in (outcome.cites if outcome else [])) if c)
        heading = claim.stage_heading
        stage = heading[1] if heading else None
        live.claims[claim.id] = LiveClaim(claim.title, claim.item.label, stage, levels, ran, failure, cites)
    for label in registry.labels():
        meanings: dict[str, str] = {}
        for level in LEVELS:
            said: list[str] = label.meanings(level)  # type: ignore[arg-type]
            if said:
                meanings[level] = "; ".join(said)
        live.vocabulary[label.name] = meanings
    for page in walk.pages():
        for line, problem in page.unreadable.items():
            live.unreadable[f"{page.path.as_posix()}:{line}"] = str(problem)
    live.read = [root / name for name in sorted(walk.sources.read_files)]
    return live
