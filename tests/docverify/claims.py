"""Claims read from a docs page.

A claim is a top-level bullet `*   **Label:** text`, whose backticked words
are its values. Nested bullets under a label with no values of its own are
claims too, each keyed by its first word (`Copies`, `Runs`) or, for
`` `NAME`: text ``, by the variable it names. Headings give the context:
`## Stage 2: Runtime` puts a claim in the Dockerfile's second stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LABELLED = re.compile(r"^(?P<indent>\s*)[*-]\s+\*\*(?P<label>[^*]+?):\*\*\s*(?P<text>.*)$")
# Bold text then a colon outside it: meant as a claim, written wrong.
MISLABELLED = re.compile(r"^\s*[*-]\s+\*\*[^*]+\*\*\s*:")
BULLET = re.compile(r"^(?P<indent>\s*)[*-]\s+(?P<text>.*)$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
VALUE = re.compile(r"`([^`]+)`")
VARIABLE = re.compile(r"^`(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s*:\s*(?P<text>.*)$")
STAGE = re.compile(r"Stage (?P<number>\d+):\s*(?P<name>\S+)", re.IGNORECASE)


class ClaimSyntaxError(ValueError):
    """A bullet that means to be a claim but cannot be read; names file:line."""


@dataclass(frozen=True)
class Claim:
    page: Path
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
    def key(self) -> tuple[str, str | None]:
        return self.label, self.verb

    @property
    def title(self) -> str:
        if self.variable:
            return f"{self.label} {self.variable}"
        return f"{self.label} {self.verb}" if self.verb else self.label

    def where(self, root: Path | None = None) -> str:
        page = self.page
        if root is not None:
            try:
                page = page.relative_to(root)
            except ValueError:
                pass
        return f"{page}:{self.line}"

    def stage(self) -> tuple[int, str] | None:
        """The `Stage N: Name` heading this claim sits under, if any."""
        for heading in reversed(self.headings):
            match = STAGE.search(heading)
            if match:
                return int(match["number"]), match["name"]
        return None


def read(page: Path, text: str | None = None) -> list[Claim]:
    page = Path(page)
    text = page.read_text() if text is None else text
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    claims: list[Claim] = []
    headings: list[tuple[int, str]] = []
    group: tuple[str, int] | None = None  # label and indent of a claim awaiting nested bullets
    group_children = 0
    in_fence = False

    def close_group(lineno: int) -> None:
        nonlocal group, group_children
        if group and group_children == 0:
            raise ClaimSyntaxError(f"{page}:{lineno}: **{group[0]}:** has neither values nor nested claims")
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
            if group:
                close_group(group[2])
            level = len(heading["level"])
            headings = [h for h in headings if h[0] < level] + [(level, heading["title"])]
            continue
        context = tuple(title for _, title in headings)
        start, end = offsets[number - 1], offsets[number]
        labelled = LABELLED.match(stripped)
        if labelled:
            if group:
                close_group(group[2])
            if labelled["indent"]:
                raise ClaimSyntaxError(
                    f"{page}:{number}: **{labelled['label']}:** is nested; claims with a label are top-level bullets"
                )
            label, body = labelled["label"].strip(), labelled["text"].strip()
            if VALUE.search(body):
                claims.append(Claim(page, number, label, body, context, start, end))
            else:
                group = (label, 0, number)
            continue
        if MISLABELLED.match(stripped):
            raise ClaimSyntaxError(f"{page}:{number}: write a claim label as **Label:** (colon inside the bold)")
        bullet = BULLET.match(stripped)
        if group and bullet and bullet["indent"]:
            body = bullet["text"].strip()
            variable = VARIABLE.match(body)
            if variable:
                claims.append(Claim(page, number, group[0], body, context, start, end, "variable", variable["name"]))
            else:
                verb = body.split()[0].strip(".,:")
                if not VALUE.search(body):
                    raise ClaimSyntaxError(f"{page}:{number}: **{group[0]}:** {verb} ... names no `value` to prove")
                claims.append(Claim(page, number, group[0], body, context, start, end, verb))
            group_children += 1
            continue
        if group and not line.startswith((" ", "\t")):
            close_group(group[2])
    if group:
        close_group(group[2])
    return claims
