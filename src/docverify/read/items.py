"""Labelled items of a docs page, the way the site renders them.

A claim is a list item that opens with a bold label, ``**Label:**`` or ``__Label:__``, under any
list marker (``*``, ``-``, ``+``, ``1.``). A labelled item with no values of its own and nested
items under it is a group: each nested item is a claim, read by its own words (``Copies `a` to
`/b```). ``## Stage 2: Runtime`` headings put claims in a Dockerfile stage. Every problem on a
page is collected, so one run reports them all; `rendered.check` cross-checks the items against
the HTML the site's own Markdown extensions make of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ClaimUnreadable

MARKER = r"(?:[*+-]|\d+[.)])"
LABELLED = re.compile(rf"^(?P<indent>\s*){MARKER}\s+(?P<bold>\*\*|__)(?P<label>[^*_]+?):(?P=bold)\s*(?P<text>.*)$")
MISLABELLED = re.compile(rf"^\s*{MARKER}\s+(\*\*|__)[^*_]+(\*\*|__)\s*:")
BULLET = re.compile(rf"^(?P<indent>\s*){MARKER}\s+(?P<text>.*)$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
VALUE = re.compile(r"`([^`]+)`")
STAGE = re.compile(r"Stage (?P<number>\d+):\s*(?P<name>\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One labelled statement of a page: a claim until the vocabulary fails to read it."""

    page: Path  # relative to the repository root
    line: int
    label: str  # the bold label; for a nested item, its group's
    sentence: str  # the words after the label (a nested item: all its words)
    headings: tuple[str, ...]
    start: int  # character offsets in the page, for Sybil regions
    end: int
    nested: bool = False
    group: int | None = None  # a nested item: the line of its group's label

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
        """The item as written, less its list marker: what the report hashes."""
        return self.sentence if self.nested else f"**{self.label}:** {self.sentence}"


@dataclass(frozen=True)
class LabelLine:
    """A labelled list item as written: a claim, or a group of nested claims."""

    line: int
    label: str


@dataclass
class PageItems:
    items: list[Item] = field(default_factory=list)
    labelled: list[LabelLine] = field(default_factory=list)
    problems: list[ClaimUnreadable] = field(default_factory=list)


def read(page: Path, text: str) -> PageItems:
    """Every labelled item of one page, and every problem with one."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    found = PageItems()
    headings: list[tuple[int, str]] = []
    group: tuple[str, int] | None = None  # the label and line of a group awaiting nested items
    children = 0
    in_fence = False

    def close_group() -> None:
        nonlocal group, children
        if group and children == 0:
            found.problems.append(
                ClaimUnreadable(f"{page}:{group[1]}: **{group[0]}:** has neither values nor nested claims")
            )
        group, children = None, 0

    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip("\n")
        if FENCE.match(stripped):
            in_fence = not in_fence
            continue
        if in_fence or not stripped.strip():
            continue
        heading = HEADING.match(stripped)
        if heading:
            close_group()
            level = len(heading["level"])
            headings = [h for h in headings if h[0] < level] + [(level, heading["title"])]
            continue
        context = tuple(title for _, title in headings)
        start, end = offsets[number - 1], offsets[number]
        labelled = LABELLED.match(stripped)
        if labelled:
            label, body = labelled["label"].strip(), labelled["text"].strip()
            if labelled["indent"]:
                found.problems.append(
                    ClaimUnreadable(f"{page}:{number}: **{label}:** is nested; claims with a label are top-level items")
                )
                continue
            close_group()
            found.labelled.append(LabelLine(number, label))
            if body:
                found.items.append(Item(page, number, label, body, context, start, end))
            else:
                group = (label, number)
            continue
        if MISLABELLED.match(stripped):
            found.problems.append(
                ClaimUnreadable(f"{page}:{number}: write a claim label as **Label:** (colon inside the bold)")
            )
            continue
        bullet = BULLET.match(stripped)
        if group and bullet and bullet["indent"]:
            found.items.append(
                Item(page, number, group[0], bullet["text"].strip(), context, start, end, True, group[1])
            )
            children += 1
            continue
        if group and not line.startswith((" ", "\t")):
            close_group()
    close_group()
    return found
