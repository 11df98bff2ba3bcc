"""Reads the engine's verification report (`docverify.report.schema`) and says whether it still holds.

The report is read as plain JSON, checked against the one schema module the writer uses too. Every bad input becomes a
`ReportError` with one sentence a reader can act on, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docverify.report.schema import LEVELS, OUTCOMES, SCHEMA

HEX40 = re.compile(r"^[0-9a-f]{40}$")
CITE = re.compile(r"^(?P<file>[^:]+):(?P<line>[1-9][0-9]*)$")


class ReportError(ValueError):
    """The report cannot be used; the message says why in one sentence."""


@dataclass(frozen=True)
class Level:
    outcome: str
    message: str | None
    date: str | None
    inputs: dict[str, str] | None = None  # what its checks read, by digest; None: the run did not record them


@dataclass(frozen=True)
class Cite:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ClaimResult:
    page: str
    line: int
    label: str
    title: str
    text_sha256: str
    expected: tuple[str, ...]
    levels: dict[str, Level]
    cites: tuple[Cite, ...]
    stage: str | None = None  # the stage heading the claim sits under
    stale: str | None = None  # optional: the input whose change staled this claim's proof

    @property
    def green(self) -> bool:
        return bool(self.expected) and all(
            self.levels.get(name, Level("", None, None)).outcome == "passed" for name in self.expected
        )

    def failures(self) -> list[tuple[str, str]]:
        """(level, message) of every failed level, in level order."""
        return [
            (name, self.levels[name].message or "failed")
            for name in LEVELS
            if name in self.levels and self.levels[name].outcome == "failed"
        ]


@dataclass(frozen=True)
class Report:
    path: Path
    engine: str
    commit: str | None
    dirty: bool
    date: str
    files: dict[str, str]
    claims: dict[tuple[str, int], ClaimResult] = field(default_factory=dict)
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)  # label -> level -> what it observes

    @property
    def short_commit(self) -> str:
        return self.commit[:7] if self.commit else "no commit"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def version_tuple(version: str) -> tuple[int, ...]:
    """`0.2.0` -> (0, 2, 0); anything after the numbers (`rc1`, `+local`) is ignored."""
    numbers = re.match(r"^\d+(?:\.\d+)*", version.strip())
    if not numbers:
        raise ReportError(f"engine version {version!r} is not a version number")
    return tuple(int(part) for part in numbers.group(0).split("."))


def _need(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise ReportError(f"{where} has no {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ReportError(f"{where} {key!r} should be {names}, is {type(value).__name__}")
    return value


def _level(name: str, data: Any, where: str) -> Level:
    if not isinstance(data, dict):
        raise ReportError(f"{where} level {name!r} is not an object")
    outcome = _need(data, "outcome", str, f"{where} level {name!r}")
    if outcome not in OUTCOMES:
        raise ReportError(f"{where} level {name!r} has outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
    message = data.get("message")
    date = data.get("date")
    inputs = data.get("inputs")
    if inputs is not None and not (
        isinstance(inputs, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in inputs.items())
    ):
        raise ReportError(f"{where} level {name!r} has inputs that are not names with digests")
    return Level(
        outcome, message if isinstance(message, str) else None, date if isinstance(date, str) else None, inputs
    )


def _cite(text: Any, where: str) -> Cite:
    match = CITE.match(text) if isinstance(text, str) else None
    if not match:
        raise ReportError(f"{where} cites {text!r}; expected FILE:LINE")
    return Cite(match["file"], int(match["line"]))


def _claim(data: Any, index: int) -> ClaimResult:
    where = f"claims[{index}]"
    if not isinstance(data, dict):
        raise ReportError(f"{where} is not an object")
    page = _need(data, "page", str, where)
    line = _need(data, "line", int, where)
    where = f"claim {page}:{line}"
    levels_data = _need(data, "levels", dict, where)
    unknown = sorted(set(levels_data) - set(LEVELS))
    if unknown:
        raise ReportError(f"{where} has unknown level(s) {', '.join(unknown)}")
    expected = _need(data, "expected_levels", list, where)
    if not all(name in LEVELS for name in expected):
        raise ReportError(f"{where} expects levels {expected}; known levels are {', '.join(LEVELS)}")
    label = _need(data, "label", str, where)
    return ClaimResult(
        page=page,
        line=line,
        label=label,
        title=data["title"] if isinstance(data.get("title"), str) else label,
        text_sha256=_need(data, "text_sha256", str, where),
        expected=tuple(expected),
        levels={name: _level(name, value, where) for name, value in levels_data.items()},
        cites=tuple(_cite(text, where) for text in _need(data, "cites", list, where)),
        stage=data["stage"] if isinstance(data.get("stage"), str) else None,
        stale=data["stale"] if isinstance(data.get("stale"), str) and data["stale"] else None,
    )


def parse(data: Any, path: Path) -> Report:
    """A checked Report from decoded JSON; ReportError names the first thing wrong."""
    if not isinstance(data, dict):
        raise ReportError("the report is not a JSON object")
    schema = data.get("schema")
    if schema != SCHEMA:
        raise ReportError(f"the report has schema {schema!r}; this site reads schema {SCHEMA}")
    engine = _need(data, "engine", str, "the report")
    version_tuple(engine)
    run = _need(data, "run", dict, "the report")
    commit = run.get("commit")
    if commit is not None and not (isinstance(commit, str) and HEX40.match(commit)):
        raise ReportError(f"the report's run commit {commit!r} is not a 40-hex commit")
    files = _need(data, "files", dict, "the report")
    for name, digest in files.items():
        if not (isinstance(digest, str) and re.match(r"^[0-9a-f]{64}$", digest)):
            raise ReportError(f"the report's hash of {name} is not a sha256 hex digest")
    claims = {}
    for index, item in enumerate(_need(data, "claims", list, "the report")):
        claim = _claim(item, index)
        claims[(claim.page, claim.line)] = claim
    return Report(
        path=path,
        engine=engine,
        commit=commit,
        dirty=_need(run, "dirty", bool, "the report's run"),
        date=_need(run, "date", str, "the report's run"),
        files=dict(files),
        claims=claims,
        vocabulary=_vocabulary(data.get("vocabulary")),
    )


def _vocabulary(entries: Any) -> dict[str, dict[str, str]]:
    """What each label's levels observe; an entry of another shape is left out, not an error."""
    found: dict[str, dict[str, str]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("label"), str) and isinstance(entry.get("levels"), dict):
            found[entry["label"]] = {k: v for k, v in entry["levels"].items() if isinstance(v, str) and v}
    return found


def load(path: Path) -> Report:
    """Read and check the report at `path`; ReportError says what is wrong with it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"no verification report at {path}") from None
    except OSError as error:
        raise ReportError(f"cannot read the verification report {path}: {error.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReportError(f"the verification report {path} is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise ReportError(
            f"the verification report {path} is not valid JSON (line {error.lineno}: {error.msg}); it may be truncated"
        ) from None
    return parse(data, path)


def changed_files(report: Report, root: Path) -> list[str]:
    """Files whose current content differs from the hash in the report (or that are gone)."""
    changed = []
    for name, digest in sorted(report.files.items()):
        path = root / name
        try:
            current = sha256_file(path)
        except OSError:
            changed.append(name)
            continue
        if current != digest:
            changed.append(name)
    return changed


def too_old(report: Report, engine: str | None) -> str | None:
    """Why the report's engine is older than the installed one, or None."""
    if engine is None:
        return None
    if version_tuple(report.engine) < version_tuple(engine):
        return f"the report was written by docverify {report.engine}; this is docverify {engine}"
    return None
