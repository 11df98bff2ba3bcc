"""The verification report's writer: per claim and level, the outcome and the lines it relied on.

The shape is `docverify.report.schema`. Rewritten as claims finish, so a site built mid-run or
after an interrupted run shows what was proven so far; a partial run merges into the old report.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..report.schema import SCHEMA, ClaimRecord, PageRecord, ReportRecord, VocabularyRecord
from ..vocabulary.label import Claim


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def tree(root: Path) -> tuple[str | None, bool]:
    """The commit checked out under `root`, and whether anything differs from it."""
    return git(root, "rev-parse", "HEAD"), bool(git(root, "status", "--porcelain"))


@dataclass
class Recorder:
    path: Path
    root: Path
    docker: str | None
    started: str = field(default_factory=now)
    claims: dict[str, ClaimRecord] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    vocabulary: list[VocabularyRecord] = field(default_factory=list)  # label -> what each level observes
    pages: dict[str, PageRecord] = field(default_factory=dict)  # page -> rendered labels against what was collected
    _old: dict[str, Any] = field(default_factory=dict)
    tree: tuple[str | None, bool] | None = None  # the commit the run was made from, and whether it was dirty
    live: set[str] | None = None  # the claims the pages hold now: an old record of no such claim is dropped

    def __post_init__(self) -> None:
        try:
            self._old = json.loads(self.path.read_text())
            if self._old.get("schema") != SCHEMA:
                self._old = {}
        except (OSError, ValueError):
            self._old = {}

    def claim(self, claim: Claim[Any], expected: list[str]) -> ClaimRecord:
        if claim.id not in self.claims:
            heading = claim.stage_heading
            self.claims[claim.id] = {
                "id": claim.id,
                "page": claim.page.as_posix(),
                "line": claim.line,
                "label": claim.item.label,
                "title": claim.title,
                "stage": heading[1] if heading else None,
                "text": claim.item.text,
                "text_sha256": hashlib.sha256(claim.item.text.encode()).hexdigest(),
                "expected_levels": expected,
                "levels": {},
                "cites": [],
            }
        return self.claims[claim.id]

    def result(
        self,
        claim: Claim[Any],
        expected: list[str],
        level: str,
        outcome: Any,
        message: str | None,
        duration: float,
        cites: list[str],
        inputs: dict[str, str] | None = None,
    ) -> None:
        record = self.claim(claim, expected)
        record["levels"][level] = {
            "outcome": outcome,
            "message": message,
            "duration": round(duration, 4),
            "date": now(),
            "inputs": dict(inputs or {}),
        }
        record["cites"] = sorted(set(record["cites"]) | set(cites), key=_cite_order)

    def write(self, files: dict[str, str]) -> None:
        """Merge with the old report and write atomically."""
        self.files.update(files)
        claims = dict(self._merged())
        claims.update(self.claims)
        if self.tree is None:  # asked once, unless the caller asked already
            self.tree = tree(self.root)
        commit, dirty = self.tree
        report: ReportRecord = {
            "schema": SCHEMA,
            "engine": __version__,
            "run": {"commit": commit, "dirty": dirty, "date": self.started, "docker": self.docker},
            "files": dict(sorted(self.files.items())),
            "vocabulary": self.vocabulary,
            "claims": [claims[key] for key in sorted(claims, key=_claim_order)],
            "pages": dict(sorted(self.pages.items())),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(report, indent=1) + "\n")
        os.replace(scratch, self.path)

    def _merged(self) -> dict[str, ClaimRecord]:
        """Old claims not rerun that the pages still hold: kept with their levels only while every file is unchanged."""
        old_files = self._old.get("files", {})
        unchanged = all(self.files.get(name, old_files[name]) == old_files[name] for name in old_files) and all(
            name in old_files for name in self.files
        )
        kept: dict[str, ClaimRecord] = {}
        for record in self._old.get("claims", []):
            if (
                not isinstance(record, dict)
                or "id" not in record
                or (self.live is not None and record["id"] not in self.live)
            ):
                continue
            kept[record["id"]] = record if unchanged else {**record, "levels": {}}  # type: ignore[typeddict-item, assignment]
        return kept


def _cite_order(cite: str) -> tuple[str, int]:
    name, _, line = cite.rpartition(":")
    return name, int(line) if line.isdigit() else 0


def _claim_order(key: str) -> tuple[str, int]:
    page, _, line = key.rpartition(":")
    return page, int(line) if line.isdigit() else 0
