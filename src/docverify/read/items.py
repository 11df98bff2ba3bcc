"""Labelled items of a docs page, the way the site renders them.

A claim is a list item, a paragraph or a table row that opens with a bold label, ``**Label:**``
(``__Label:__``, ``<b>Label:</b>``), under any list marker, in an admonition or anywhere else the
page renders it. A labelled item with no words of its own and nested items under it is a group:
each nested item is a claim, read by its own words (``Copies `a` to `/b```). ``## Stage 2:
Runtime`` headings put claims in a Dockerfile stage. The page is read from its rendering
(`rendered`): what the renderer hides is no part of a claim. Every problem on a page is collected,
so one run reports them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import ClaimUnreadable
from . import lines, rendered, values
from .statements import Reading

VALUE = re.compile(r"`([^`]+)`")
STAGE = re.compile(r"Stage (?P<number>\d+):\s*(?P<name>\S+)", re.IGNORECASE)
NARRATE = "make it a claim, or mark it narrative (`!!! narrative`, or `{ .narrative }` on its section's heading)"


@dataclass(frozen=True)
class Item:
    """One labelled statement of a page: a claim until the vocabulary fails to read it."""

    page: Path  # relative to the repository root
    line: int
    label: str  # the bold label; for a nested item, its group's
    sentence: str  # the words after the label as the site shows them (a nested item: all its words)
    headings: tuple[str, ...]
    start: int  # character offsets of its first line in the page, for Sybil regions
    end: int
    nested: bool = False
    group: int | None = None  # a nested item: the line of its group's label
    shape: str = "item"  # "item", "nested", "paragraph" or "row"

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(VALUE.findall(self.sentence))

    @property
    def id(self) -> str:
        return f"{self.page.as_posix()}:{self.line}"

    def where(self) -> str:
        return self.id

    @property
    def stage_heading(self) -> tuple[int, str] | None:
        """The `Stage N: Name` heading this item sits under, if any."""
        for heading in reversed(self.headings):
            match = STAGE.search(heading)
            if match:
                return int(match["number"]), match["name"]
        return None

    @property
    def text(self) -> str:
        """The item as shown, less its list marker: what the report hashes."""
        return self.sentence if self.nested else f"**{self.label}:** {self.sentence}"


@dataclass(frozen=True)
class LabelLine:
    """A labelled statement as rendered: a claim, or a group of nested claims."""

    line: int
    label: str


@dataclass
class PageItems:
    items: list[Item] = field(default_factory=list)
    labelled: list[LabelLine] = field(default_factory=list)
    problems: list[ClaimUnreadable] = field(default_factory=list)
    counted: list[LabelLine] = field(default_factory=list)  # every bold label the rendering shows
    narrative: int = 0  # narrative blocks


def of_site(mkdocs: Path, root: Path, page: Path, text: str) -> PageItems:
    """A page of a project's site, read once per process: checks that look at a claim's neighbours ask here."""
    return _of_site(mkdocs, root, page, text)


@lru_cache(maxsize=64)
def _of_site(mkdocs: Path, root: Path, page: Path, text: str) -> PageItems:
    return read(page, text, rendered.for_site(mkdocs, root))


def read(page: Path, text: str, renderer: rendered.Renderer | None = None) -> PageItems:
    """Every labelled statement of one page as the site renders it, and every problem with one."""
    found = PageItems()
    for number, line in enumerate(text.splitlines(), start=1):
        for char in dict.fromkeys(lines.PRIVATE.findall(line)):
            found.problems.append(ClaimUnreadable(f"{page}:{number}: a private-use character (U+{ord(char):04X})"))
    _collect(page, text, (renderer or rendered.default()).reading(text), found)
    return found


def _collect(page: Path, text: str, reading: Reading, found: PageItems) -> None:
    offsets = [0]
    for written in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(written))

    def span(number: int) -> tuple[int, int]:
        number = min(max(number, 1), len(offsets) - 1) if len(offsets) > 1 else 1
        return offsets[number - 1], offsets[min(number, len(offsets) - 1)]

    seen: set[int] = set()
    for statement in reading.statements:
        line = statement.line
        if statement.problems:
            found.problems.append(
                ClaimUnreadable(f"{page}:{line}: **{statement.label}:** {'; '.join(statement.problems)}")
            )
            if statement.shape != "nested":
                found.labelled.append(LabelLine(line, statement.label))
            continue
        if line in seen:
            found.problems.append(
                ClaimUnreadable(f"{page}:{line}: **{statement.label}:** shares its line with another claim")
            )
            continue
        seen.add(line)
        if statement.shape != "nested":
            found.labelled.append(LabelLine(line, statement.label))
        start, end = span(line)
        nested = statement.shape == "nested"
        found.items.append(
            Item(page, line, statement.label, statement.sentence, statement.headings, start, end, nested,
                 statement.group, statement.shape)
        )  # fmt: skip
    for line, label in reading.groups:
        found.labelled.append(LabelLine(line, label))
    found.labelled.sort(key=lambda labelled: labelled.line)
    for line, message in reading.problems:
        found.problems.append(ClaimUnreadable(f"{page}:{line}: {message}"))
    by_line: dict[int, list[str]] = {}
    for line, value in reading.loose:
        by_line.setdefault(line, []).append(value)
    for line, shown in sorted(by_line.items()):
        found.problems.append(ClaimUnreadable(f"{page}:{line}: {values.describe(shown)} outside any claim; {NARRATE}"))
    found.problems.sort(key=lambda problem: _line(str(problem)))
    found.counted = [LabelLine(line, label) for line, label in reading.counted]
    found.narrative = len(reading.narrative)


def _line(message: str) -> int:
    head = message.split(" ", 1)[0].rstrip(":")
    number = head.rsplit(":", 1)[-1]
    return int(number) if number.isdigit() else 0
