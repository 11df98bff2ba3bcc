"""The verification report's shape: written by the pytest side, read by the site. One place for both.

Schema 2: per claim its page, line, label, title, text and its hash, the levels it is expected at,
each level's outcome, message, duration, date and inputs, and the `FILE:LINE`s its checks cite; per run
the commit, whether the tree was dirty, the date and the Docker version; the hash of every page
and every file a claim read; the vocabulary (what each label's levels observe); and per page, the bold
labels its rendering shows against the claims, groups and failing items collected from it.
"""

from __future__ import annotations

from typing import Literal, TypedDict

SCHEMA = 2
LEVELS = ("static", "image", "running")
OUTCOMES = ("passed", "failed", "skipped")
Outcome = Literal["passed", "failed", "skipped"]


class LevelRecord(TypedDict):
    outcome: Outcome
    message: str | None
    duration: float
    date: str
    # What the level's checks read (model/reads.py names) and its digest then: the proof holds while each
    # digest is the same now (`docverify.run.inputs.changed`).
    inputs: dict[str, str]


class ClaimRecord(TypedDict):
    id: str  # page:line
    page: str
    line: int
    label: str
    title: str
    stage: str | None
    text: str
    text_sha256: str
    expected_levels: list[str]
    levels: dict[str, LevelRecord]
    cites: list[str]


class RunRecord(TypedDict):
    commit: str | None
    dirty: bool
    date: str
    docker: str | None


class VocabularyRecord(TypedDict):
    label: str
    owner: str  # core, a pack, or the project module
    levels: dict[str, str]  # level -> what it observes


class PageRecord(TypedDict):
    """What a page's rendering shows against what was collected from it (`docverify.run.counts`)."""

    rendered: int  # bold labels the rendered page shows
    claims: int  # top-level claims collected
    nested: int  # nested claims (under groups)
    groups: int
    unreadable: int  # failing items of their own: unreadable statements and stray values
    narrative: int  # narrative blocks


class ReportRecord(TypedDict):
    schema: int
    engine: str
    run: RunRecord
    files: dict[str, str]  # relative path -> sha256
    vocabulary: list[VocabularyRecord]
    claims: list[ClaimRecord]
    pages: dict[str, PageRecord]  # per page; a reader of an older report finds none
