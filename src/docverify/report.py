"""The verification report: per claim and level, the outcome and the lines it relied on.

Schema 1 (see README.md). Rewritten after every claim item, so a site built mid-run or after
an interrupted run shows what was proven so far; a partial run merges into the old report.
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

from . import __version__
from .claims import Claim

SCHEMA = 1


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


@dataclass
class Recorder:
    path: Path
    root: Path
    docker: str | None
    started: str = field(default_factory=now)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    vocabulary: list[dict[str, Any]] = field(default_factory=list)  # label -> what each level observes
    _old: dict[str, Any] = field(default_factory=dict)
    _tree: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            self._old = json.loads(self.path.read_text())
            if self._old.get("schema") != SCHEMA:
                self._old = {}
        except (OSError, ValueError):
            self._old = {}

    def claim(self, claim: Claim, expected: list[str]) -> dict[str, Any]:
        if claim.id not in self.claims:
            self.claims[claim.id] = {
                "id": claim.id,
                "page": claim.page.as_posix(),
                "line": claim.line,
                "label": claim.label,
                "title": claim.title,
                "stage": claim.stage_name(),
                "text": claim.text,
                "text_sha256": hashlib.sha256(claim.text.encode()).hexdigest(),
                "expected_levels": expected,
                "levels": {},
                "cites": [],
            }
        return self.claims[claim.id]

    def result(self, claim: Claim, expected: list[str], level: str, outcome: str, message: str | None,
               duration: float, cites: list[str]) -> None:  # fmt: skip
        record = self.claim(claim, expected)
        record["levels"][level] = {
            "outcome": outcome,
            "message": message,
            "duration": round(duration, 4),
            "date": now(),
        }
        record["cites"] = sorted(set(record["cites"]) | set(cites), key=_cite_order)

    def write(self, files: dict[str, str]) -> None:
        """Merge with the old report and write atomically."""
        self.files.update(files)
        claims = dict(self._merged())
        claims.update(self.claims)
        if not self._tree:  # the tree the run was made from, asked once
            self._tree = {
                "commit": git(self.root, "rev-parse", "HEAD"),
                "dirty": bool(git(self.root, "status", "--porcelain")),
            }
        report = {
            "schema": SCHEMA,
            "engine": __version__,
            "run": {**self._tree, "date": self.started, "docker": self.docker},
            "files": dict(sorted(self.files.items())),
            "vocabulary": self.vocabulary,
            "claims": [claims[key] for key in sorted(claims, key=_claim_order)],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(report, indent=1) + "\n")
        os.replace(scratch, self.path)

    def _merged(self) -> dict[str, dict[str, Any]]:
        """Old claims not rerun: kept with their levels only while every file is unchanged."""
        old_files = self._old.get("files", {})
        unchanged = all(self.files.get(name, old_files[name]) == old_files[name] for name in old_files) and all(
            name in old_files for name in self.files
        )
        kept: dict[str, dict[str, Any]] = {}
        for record in self._old.get("claims", []):
            if not isinstance(record, dict) or "id" not in record:
                continue
            if not unchanged:
                record = {**record, "levels": {}}
            kept[record["id"]] = record
        return kept


def _cite_order(cite: str) -> tuple[str, int]:
    name, _, line = cite.rpartition(":")
    return name, int(line) if line.isdigit() else 0


def _claim_order(key: str) -> tuple[str, int]:
    page, _, line = key.rpartition(":")
    return page, int(line) if line.isdigit() else 0
