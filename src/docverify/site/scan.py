"""What a page's Markdown holds: claims and fences that embed a real file.

Claims (list items, paragraphs and table rows opening with a bold label) are read by the engine's
own claim reader, through the project's own rendering, so the site lists exactly the claims the
test suite collects.
Embeds are fences whose only line is a pymdownx.snippets include; for each,
the real line numbers of the lines it shows are worked out from the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docverify import config
from docverify.errors import ConfigError
from docverify.read import items, rendered

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<info>.*)$")
SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(?P<quote>["'])(?P<spec>[^"']+)(?P=quote)\s*$""")
# pymdownx.snippets' section marker, as its RE_SNIPPET_SECTION reads it.
MARKER = re.compile(
    r"(?i)^.*?(?P<escape>;*)-{1,}8<-{1,}[ \t]+"
    r"\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\]"
)
SPEC = re.compile(r"^(?P<file>.+?)(?::(?P<section>[a-z][-_0-9a-z]*)|:(?P<first>\d+)(?::(?P<last>\d+))?)?$", re.I)


@dataclass(frozen=True)
class Bullet:
    line: int  # 1-based line in the page source
    label: str
    title: str  # label, plus the nested bullet's verb or variable
    text: str  # as the engine hashes it: the bullet's text after the label
    shape: str = "item"  # "item", "nested", "paragraph" or "row": where its marks go


@dataclass(frozen=True)
class Embed:
    line: int  # 1-based line of the opening fence
    indent: str
    fence: str
    info: str  # what followed the fence: `dockerfile`, `{ .yaml title="x" }`
    file: str
    section: str | None
    whole: bool  # the whole file, not a section or a line range
    first: int | None = None  # `FILE:first:last`
    last: int | None = None


NAMED = re.compile(r"^`(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s*:")


def bullets(text: str, root: Path | None = None) -> list[Bullet]:
    """Every labelled item of a page, in page order, read by the engine's own item reader."""
    found = _read(text, root).items
    return [Bullet(item.line, item.label, _title(item), item.text, item.shape) for item in found]


def counts(text: str, root: Path | None = None) -> dict[str, int]:
    """What the page's rendering shows against what the reader took from it, for the Claims page."""
    found = _read(text, root)
    own = {item.line for item in found.items if not item.nested}
    return {
        "shown": len(found.counted),
        "claims": len(found.items),
        "groups": sum(1 for labelled in found.labelled if labelled.line not in own),
        "unreadable": len(found.problems),
        "narrative": found.narrative,
    }


@lru_cache(maxsize=256)
def _read(text: str, root: Path | None) -> items.PageItems:
    return items.read(Path("page.md"), text, renderer(root))


def renderer(root: Path | None) -> rendered.Renderer:
    """The project's rendering (its mkdocs.yml's extensions), as the engine reads its pages."""
    if root is None:
        return rendered.default()
    try:
        settings = config.from_pyproject(root)
    except ConfigError:
        return rendered.for_site(root / "mkdocs.yml", root)
    return rendered.for_site(settings.mkdocs, settings.root)


def _title(item: items.Item) -> str:
    if not item.nested:
        return item.label
    named = NAMED.match(item.sentence)
    return f"{item.label} {named['name'] if named else item.sentence.split()[0].strip('.,:')}"


def embeds(text: str) -> list[Embed]:
    """Fences whose only content is one `--8<-- "FILE[:section]"` include."""
    lines = text.splitlines()
    found = []
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if not opening:
            number += 1
            continue
        closing = number + 1
        while closing < len(lines) and not (
            lines[closing].strip().startswith(opening["fence"])
            and not lines[closing].strip().strip(opening["fence"][0])
        ):
            closing += 1
        body = [line for line in lines[number + 1 : closing] if line.strip()]
        snippet = SNIPPET.match(body[0]) if len(body) == 1 else None
        spec = SPEC.match(snippet["spec"]) if snippet else None
        if spec:
            found.append(
                Embed(
                    line=number + 1,
                    indent=opening["indent"],
                    fence=opening["fence"],
                    info=opening["info"].strip(),
                    file=spec["file"],
                    section=spec["section"],
                    whole=not (spec["section"] or spec["first"]),
                    first=int(spec["first"]) if spec["first"] else None,
                    last=int(spec["last"] or spec["first"]) if spec["first"] else None,
                )
            )
        number = closing + 1
    return found


def shown_lines(embed: Embed, source: str) -> list[int]:
    """The real 1-based line numbers of the lines the embed shows, in order.

    Mirrors pymdownx.snippets: the whole file loses its section marker lines;
    a section is the lines between its start and end markers, nested markers
    dropped; a range `FILE:a:b` is lines a to b.
    """
    lines = source.splitlines()
    if embed.first is not None and embed.last is not None:
        return list(range(max(embed.first, 1), min(embed.last, len(lines)) + 1))
    shown = []
    inside = False
    for number, line in enumerate(lines, start=1):
        marker = MARKER.match(line)
        if marker and marker["escape"]:
            marker = None  # an escaped marker is shown as text
        if embed.section is None:
            if not marker:
                shown.append(number)
            continue
        if marker and marker["name"] == embed.section:
            if inside and marker["type"].lower() == "end":
                break
            inside = True
            continue
        if inside and not marker:
            shown.append(number)
    return shown


def read_source(root: Path, name: str) -> str | None:
    """A file an embed names, relative to the snippet base (the repository root)."""
    try:
        return (root / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
