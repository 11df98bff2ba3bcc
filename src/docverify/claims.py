"""Claims read from a docs page, the way the site renders them.

A claim is a list item that opens with a bold label, ``**Label:**`` or ``__Label:__``, under any
list marker (``*``, ``-``, ``+``); its backticked words are its values. Items nested under a
label with no values of their own are claims too, each keyed by its first word (`Copies`,
`Runs`) or, for `` `NAME`: text ``, by the variable it names. ``## Stage 2: Runtime`` headings
put claims in a Dockerfile stage. `rendered.check` cross-checks the result against the HTML
that Python-Markdown makes of the page with the site's own extensions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ClaimUnreadable

MARKER = r"(?:[*+-]|\d+[.)])"
LABELLED = re.compile(rf"^(?P<indent>\s*){MARKER}\s+(?P<bold>\*\*|__)(?P<label>[^*_]+?):(?P=bold)\s*(?P<text>.*)$")
MISLABELLED = re.compile(rf"^\s*{MARKER}\s+(\*\*|__)[^*_]+(\*\*|__)\s*:")
BULLET = re.compile(rf"^(?P<indent>\s*){MARKER}\s+(?P<text>.*)$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
VALUE = re.compile(r"`([^`]+)`")
VARIABLE = re.compile(r"^`(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s*:\s*(?P<text>.*)$")
STAGE = re.compile(r"Stage (?P<number>\d+):\s*(?P<name>\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    page: Path  # relative to the repository root
    line: int
    label: str
    text: str
    headings: tuple[str, ...]
    start: int  # character offsets in the page, for Sybil regions
    end: int
    verb: str | None = None  # nested claims: first word, or "variable"
    variable: str | None = None

    @property
    def values(self) -> tuple[str, ...]:
        text = self.text
        if self.variable:
            text = VARIABLE.sub(r"\g<text>", text)
        return tuple(VALUE.findall(text))

    @property
    def sentence(self) -> str:
        """The text after the label (and the `NAME:` of a variable), values as written."""
        return VARIABLE.sub(r"\g<text>", self.text) if self.variable else self.text

    @property
    def key(self) -> tuple[str, str | None]:
        return self.label, self.verb

    @property
    def title(self) -> str:
        if self.variable:
            return f"{self.label} {self.variable}"
        return f"{self.label} {self.verb}" if self.verb else self.label

    @property
    def id(self) -> str:
        return f"{self.page.as_posix()}:{self.line}"

    def where(self) -> str:
        return self.id

    def stage(self) -> tuple[int, str] | None:
        """The `Stage N: Name` heading this claim sits under, if any."""
        for heading in reversed(self.headings):
            match = STAGE.search(heading)
            if match:
                return int(match["number"]), match["name"]
        return None

    def stage_name(self) -> str | None:
        stage = self.stage()
        return stage[1] if stage else None


@dataclass(frozen=True)
class LabelLine:
    """A labelled list item as written: a claim, or the parent of nested claims."""

    line: int
    label: str


def read(page: Path, text: str) -> tuple[list[Claim], list[LabelLine]]:
    """Claims of one page, plus every labelled item (for the rendered cross-check)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    claims: list[Claim] = []
    labelled_lines: list[LabelLine] = []
    headings: list[tuple[int, str]] = []
    group: tuple[str, int, int] | None = None  # label, indent, line of a claim awaiting nested items
    group_children = 0
    in_fence = False

    def close_group() -> None:
        nonlocal group, group_children
        if group and group_children == 0:
            raise ClaimUnreadable(f"{page}:{group[2]}: **{group[0]}:** has neither values nor nested claims")
        group, group_children = None, 0

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
                raise ClaimUnreadable(
                    f"{page}:{number}: **{label}:** is nested; claims with a label are top-level items"
                )
            close_group()
            labelled_lines.append(LabelLine(number, label))
            if VALUE.search(body):
                claims.append(Claim(page, number, label, body, context, start, end))
            else:
                group = (label, len(labelled["indent"]), number)
            continue
        if MISLABELLED.match(stripped):
            raise ClaimUnreadable(f"{page}:{number}: write a claim label as **Label:** (colon inside the bold)")
        bullet = BULLET.match(stripped)
        if group and bullet and bullet["indent"]:
            body = bullet["text"].strip()
            variable = VARIABLE.match(body)
            if variable:
                claims.append(Claim(page, number, group[0], body, context, start, end, "variable", variable["name"]))
            else:
                verb = body.split()[0].strip(".,:")
                if not VALUE.search(body):
                    raise ClaimUnreadable(f"{page}:{number}: **{group[0]}:** {verb} ... names no `value` to prove")
                claims.append(Claim(page, number, group[0], body, context, start, end, verb))
            group_children += 1
            continue
        if group and not line.startswith((" ", "\t")):
            close_group()
    close_group()
    return claims, labelled_lines
