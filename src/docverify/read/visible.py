"""What a reader sees of rendered HTML: its visible text, the page line it came from, what hides.

Text inside `<code>` is kept as a backticked value, the way the vocabulary reads values. Inside a
claim, anything that could make the text a reader sees differ from the text the engine reads is
noted: a hidden element, a style, an HTML comment, struck-out text, an attribute a claim has no use
for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lines
from .dom import COMMENT, Node

LISTS = {"ul", "ol"}
BOLD = {"strong", "b"}
UNSEEN_TAGS = {"script", "style", "template", "noscript", "head", "title"}
STRUCK = {"del", "s", "strike"}
HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(hidden|collapse)|font-size\s*:\s*0|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(width|height)\s*:\s*0(px|em|rem|%)?\s*(;|$)|clip|text-indent\s*:\s*-",
    re.IGNORECASE,
)
HIDING_CLASS = re.compile(r"hidden|sr-only|visually|invisible|d-none|collapse", re.IGNORECASE)
PLAIN_ATTRIBUTES = {"href", "title", "class", "id", "rel"}  # what Markdown itself puts inside a claim
SPACES = re.compile(r"[ \t\r\n]+")  # plain whitespace only: a no-break space is no space to the reader


def hidden(node: Node) -> str | None:
    """Why a reader never sees `node`'s text, or None."""
    if node.tag in UNSEEN_TAGS:
        return f"a <{node.tag}> element"
    if "hidden" in node.attrs:
        return "a `hidden` attribute"
    if node.attrs.get("aria-hidden", "").lower() == "true":
        return "`aria-hidden`"
    if HIDING_STYLE.search(node.attrs.get("style", "")):
        return f"a style that hides it (`{node.attrs['style'].strip()}`)"
    if any(HIDING_CLASS.search(name) for name in node.classes()):
        return f"a class that hides it (`{node.attrs['class'].strip()}`)"
    return None


def disguised(node: Node) -> str | None:
    """Why `node` may show a reader other words than its text, inside a claim, or None."""
    if node.tag == COMMENT:
        return "an HTML comment"
    if node.tag in STRUCK:
        return f"struck-out text (<{node.tag}>)"
    extra = sorted(set(node.attrs) - PLAIN_ATTRIBUTES)
    if extra:
        return f"an attribute a claim has no use for (`{extra[0]}`)"
    return None


@dataclass
class Text:
    """Visible words collected from some nodes, and what in them hides or disguises text."""

    parts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, node: Node | str, own: bool = False, code: bool = False) -> None:
        if isinstance(node, str):
            self.parts.append(lines.strip(node))
            return
        why = hidden(node) or disguised(node)
        if why:
            self.problems.append(f"hidden or disguised text: {why}")
        if node.tag == COMMENT or hidden(node) or (own and node.tag in LISTS):
            return
        if node.tag == "code" and not code:
            self.parts.append("`")
            for child in node.children:
                self.add(child, code=True)
            self.parts.append("`")
            return
        if node.tag == "br":
            self.parts.append(" ")
        for child in node.children:
            self.add(child, own, code)

    def words(self) -> str:
        return SPACES.sub(" ", "".join(self.parts)).strip()


def text_of(*nodes: Node | str, own: bool = False) -> Text:
    text = Text()
    for node in nodes:
        text.add(node, own)
    return text


def meaningful(children: list[Node | str]) -> list[Node | str]:
    """Children less blank text and comments (a comment is noted when the words are read)."""
    return [
        child
        for child in children
        if (isinstance(child, str) and lines.strip(child).strip()) or (isinstance(child, Node) and child.tag != COMMENT)
    ]


@dataclass
class Where:
    """The page line each element starts at: its first token, else the last token before it."""

    lines: dict[int, tuple[int, bool]] = field(default_factory=dict)  # id(node) -> (line, included)
    kinds: dict[int, set[bool]] = field(default_factory=dict)  # id(node) -> included flags of its tokens

    def of(self, node: Node) -> tuple[int, bool]:
        return self.lines.get(id(node), (1, False))


def locate(root: Node) -> Where:
    where = Where()
    last: list[tuple[int, bool]] = [(1, False)]

    def visit(node: Node) -> set[bool]:
        before = last[0]
        first: tuple[int, bool] | None = None
        kinds: set[bool] = set()
        for child in node.children:
            if isinstance(child, str):
                for found in lines.TOKEN.finditer(child):
                    spot = (int(found[2]), found[1] == lines.INCLUDED)
                    first = first or spot
                    kinds.add(spot[1])
                    last[0] = spot
            else:
                inner = visit(child)
                first = first or (where.lines[id(child)] if inner else None)
                kinds |= inner
        where.lines[id(node)] = first or before
        where.kinds[id(node)] = kinds
        return kinds

    visit(root)
    return where
