"""Page lines tagged with their numbers, so the rendered HTML tells where each statement came from.

Python-Markdown keeps no source positions. Before it renders a page for the engine, each line gets
an invisible token with its number at the start of its text, where the block syntax around it
stays intact: after a list marker or heading hashes, after the first `|` of a table row, inside an
admonition's quoted title, after the first tag of an HTML line. So the last token before any
element is its line's. Lines a snippet brings in carry the number of the page line
that includes them, in a token of their own kind, so a page:line is always the page's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

OPEN, INCLUDED, CLOSE = "\ue010", "\ue012", "\ue011"
TOKEN = re.compile(f"([{OPEN}{INCLUDED}])(\\d+){CLOSE}")
PRIVATE = re.compile("[\ue000-\uf8ff]")  # the tokens' own range: a page may not bring its own

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
SNIPPET = re.compile(r"^\s*;*-+8<-+")  # an include, a block of includes, or a section marker
BLOCK_SNIPPET = re.compile(r"^\s*-+8<-+\s*$")
UNTOUCHED = [
    re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$"),  # rules and setext underlines
    re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$"),  # a table's separator row
    re.compile(r"^\s*\{:?[^{}]*\}\s*$"),  # an attribute list on its own line
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s"),  # a link reference definition
    re.compile(r"^\s*(</|<!--)"),  # a closing tag or a comment
    re.compile(r"^\s*<[^>]*\smarkdown\b"),  # an md_in_html opening tag
]
ADMONITION = re.compile(r'^(\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*\s+")(.*)$')
ADMONITION_BARE = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+")
# What opens a line's block: indentation, quote marks, a list marker, heading hashes.
PREFIX = re.compile(r"^\s*(?:>\s*)*(?:(?:[*+-]|\d+[.)])\s+)?(?:#{1,6}\s+)?")


@dataclass(frozen=True)
class SnippetError:
    line: int
    reason: str


def token(line: int, included: bool = False) -> str:
    return f"{INCLUDED if included else OPEN}{line}{CLOSE}"


def strip(text: str) -> str:
    return TOKEN.sub("", text)


def mark(line: str, tag: str) -> str:
    """One line with its token at the start of its text, where the syntax around it survives."""
    if not line.strip() or any(pattern.match(line) for pattern in UNTOUCHED):
        return line
    stripped = line.lstrip()
    if stripped.startswith("|"):  # in the first cell, after its spaces: Markdown trims a cell's own
        cell = line.index("|") + 1
        at = cell + len(line[cell:]) - len(line[cell:].lstrip(" "))
        return line[:at] + tag + line[at:]
    titled = ADMONITION.match(line)
    if titled:
        return titled[1] + tag + titled[2]
    if ADMONITION_BARE.match(line):
        return line
    if stripped.startswith("<"):
        end = line.find(">")
        return line[: end + 1] + tag + line[end + 1 :] if end > 0 else line
    at = PREFIX.match(line).end()  # type: ignore[union-attr]  # it matches the empty string
    return line[:at] + tag + line[at:]


Expand = Callable[[list[str]], list[str]]


def tag(lines: list[str], expand: Expand | None = None, failed: list[SnippetError] | None = None) -> list[str]:
    """The page's lines, each with its token; snippet includes expanded by `expand`, their lines tagged
    with the number of the line that includes them. An include that fails stays as it is written,
    noted in `failed`, so the rest of the page is still read."""
    out: list[str] = []
    fence: str | None = None
    number = 0
    while number < len(lines):
        line = lines[number]
        group = [line]
        if expand is not None and SNIPPET.match(line):
            if BLOCK_SNIPPET.match(line):
                end = next((i for i in range(number + 1, len(lines)) if BLOCK_SNIPPET.match(lines[i])), len(lines) - 1)
                group = lines[number : end + 1]
            try:
                brought = expand(group)
            except Exception as error:  # the snippet extension's own errors: a missing file or section
                (failed if failed is not None else []).append(
                    SnippetError(number + 1, str(error) or type(error).__name__)
                )
                brought = group
            if brought != group:
                for inner in brought:
                    opened = _fence(inner, fence)
                    out.append(inner if opened != fence else mark(inner, token(number + 1, included=True)))
                    fence = opened
                number += len(group)
                continue
        opened = _fence(line, fence)
        out.append(line if opened != fence else mark(line, token(number + 1)))
        fence = opened
        number += 1
    return out


def _fence(line: str, fence: str | None) -> str | None:
    """The fence open after `line`: fence lines themselves are left untagged by the caller."""
    found = FENCE.match(line)
    if not found:
        return fence
    if fence is None:
        return found[1]
    closes = found[1][0] == fence[0] and len(found[1]) >= len(fence) and not line.strip().strip(fence[0])
    return None if closes else fence
