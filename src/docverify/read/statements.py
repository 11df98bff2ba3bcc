"""The labelled statements of a rendered page, and what it shows outside them.

A labelled statement is a list item, a paragraph or a table row that opens with bold text ending
in a colon (`**Label:**`, `<b>Label:</b>`), or a row of a table whose first column is headed
"Label", wherever it sits: in an admonition, in a block of
HTML, in text a snippet brought in. A labelled item with no words and a nested list is a group,
each nested item a statement of its own. Outside statements, narrative blocks (an admonition of
type `narrative`, or the section under a heading with the `.narrative` class) may say anything;
elsewhere a backticked value or a code block is a statement no claim reads, and is noted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from . import characters
from .dom import Node
from .visible import BOLD, LISTS, Text, Where, hidden, locate, meaningful, text_of

HEADINGS = {f"h{level}": level for level in range(1, 7)}
NARRATIVE = "narrative"
MISLABELLED = "write a claim label as **Label:** (colon inside the bold)"


@dataclass(frozen=True)
class Statement:
    line: int
    label: str
    sentence: str  # the visible words after the label, values in backticks
    shape: str  # "item", "nested", "paragraph" or "row"
    headings: tuple[str, ...]
    group: int | None = None  # a nested item: its group's line
    problems: tuple[str, ...] = ()  # each a sentence: hidden text, a look-alike letter, a snippet's statement


@dataclass
class Reading:
    statements: list[Statement] = field(default_factory=list)
    groups: list[tuple[int, str]] = field(default_factory=list)  # (line, label) of each group
    loose: list[tuple[int, str]] = field(default_factory=list)  # (line, value) shown outside claims and narrative
    counted: list[tuple[int, str]] = field(default_factory=list)  # every bold label the page renders
    narrative: list[int] = field(default_factory=list)  # the line of each narrative block
    problems: list[tuple[int, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reading:
        pairs = {name: [tuple(pair) for pair in data[name]] for name in ("groups", "loose", "counted", "problems")}
        found = [
            Statement(**{**s, "headings": tuple(s["headings"]), "problems": tuple(s["problems"])})
            for s in data["statements"]
        ]
        return cls(found, narrative=list(data["narrative"]), **pairs)


@dataclass(frozen=True)
class Context:
    narrative: bool = False
    in_item: bool = False
    label_column: bool = False  # in a table whose first column is headed "Label"


def bold_label(node: Node) -> str | None:
    """`Label` when `node` is bold text ending in a colon."""
    if node.tag not in BOLD:
        return None
    words = text_of(node).words()
    return words[:-1].strip() if words.endswith(":") else None


def descendants(node: Node) -> list[Node]:
    return [found for child in node.elements() for found in (child, *descendants(child))]


def inner_lists(node: Node) -> list[Node]:
    """The lists a list item holds (in a quote or a block too): what its own words leave out."""
    found = []
    for child in node.elements():
        if hidden(child):
            continue
        found += [child] if child.tag in LISTS else inner_lists(child)
    return found


class Reader:
    def __init__(self, root: Node) -> None:
        self.where: Where = locate(root)
        self.found = Reading()
        self.headings: list[tuple[int, str]] = []
        self.narrative_level: int | None = None

    def line(self, node: Node) -> int:
        return self.where.of(node)[0]

    def read(self, root: Node) -> Reading:
        self.visit(root, Context())
        self.count(root)
        return self.found

    # --- the walk -----------------------------------------------------------------------------

    def visit(self, node: Node | str, ctx: Context) -> None:
        if isinstance(node, str) or node.tag.startswith("#") and node.tag != "#root":
            return
        why = hidden(node)
        if why:  # text a reader never sees says nothing, but a claim hidden whole is a claim lost
            for bold in (b for b in descendants(node) if bold_label(b) is not None):
                self.found.problems.append(
                    (self.line(bold), f"**{bold_label(bold)}:** is hidden ({why}); the site shows no such claim")
                )
            return
        narrative = ctx.narrative or self.narrative_level is not None
        if node.tag in HEADINGS:
            self.heading(node, narrative)
            return
        if NARRATIVE in node.classes() and (node.tag == "details" or "admonition" in node.classes()):
            self.found.narrative.append(self.line(node))
            ctx = Context(True, ctx.in_item)
        elif node.tag == "table":
            heads = [cell for cell in descendants(node) if cell.tag == "th"]
            ctx = Context(ctx.narrative, ctx.in_item, bool(heads) and text_of(heads[0]).words().strip("*:") == "Label")
        elif (node.tag == "li" and self.item(node, ctx)) or (node.tag in ("p", "tr") and self.opened(node, ctx)):
            return
        elif node.tag == "pre":
            self.code_block(node, narrative)
            return
        elif node.tag == "code":
            if not narrative:
                self.found.loose.append((self.line(node), text_of(*node.children).words()))
            return
        for child in node.children:
            self.visit(child, ctx)

    def heading(self, node: Node, narrative: bool) -> None:
        level = HEADINGS[node.tag]
        if self.narrative_level is not None and level <= self.narrative_level:
            self.narrative_level, narrative = None, False
        if NARRATIVE in node.classes():
            self.narrative_level, narrative = level, True
            self.found.narrative.append(self.line(node))
        title = [child for child in node.children if not (isinstance(child, Node) and "headerlink" in child.classes())]
        self.headings = [h for h in self.headings if h[0] < level] + [(level, text_of(*title).words().strip("`"))]
        for child in title:
            self.visit(child, Context(narrative))

    def code_block(self, node: Node, narrative: bool) -> None:
        kinds = self.where.kinds.get(id(node), set())
        embedded = kinds == {True}  # every line brought in by a snippet: the file itself
        code = Text()
        code.add(node, code=True)
        doctest = code.words().startswith(">>>")  # run by the doc suite itself
        if not (narrative or embedded or doctest):
            self.found.loose.append((self.line(node), "a code block: " + " ".join(code.words().split(" ")[:6])))

    # --- labelled statements ------------------------------------------------------------------

    def opener(self, node: Node) -> tuple[Node, Node, list[Node | str]] | None:
        """The container, its opening bold element and what follows it, for a statement's node."""
        container = node
        first = meaningful(node.children)
        if node.tag == "li" and first and isinstance(first[0], Node) and first[0].tag == "p":
            container, first = first[0], meaningful(first[0].children)
        if node.tag == "tr":
            cells = [c for c in node.elements() if c.tag in ("td", "th")]
            if not cells:
                return None
            container, first = cells[0], meaningful(cells[0].children)
        if not first or not isinstance(first[0], Node) or first[0].tag not in BOLD:
            return None
        rest = container.children[container.children.index(first[0]) + 1 :]
        return container, first[0], rest

    def mislabelled(self, bold: Node, rest: list[Node | str]) -> bool:
        after = meaningful(rest)
        return bool(after) and isinstance(after[0], str) and after[0].lstrip().startswith(":")

    def opened(self, node: Node, ctx: Context) -> bool:
        """A paragraph or table row that opens with a label: read as a statement."""
        cells = [c for c in node.elements() if c.tag in ("td", "th")]
        if ctx.label_column and cells and cells[0].tag == "td":  # its first cell is the label, bold or not
            said = text_of(*cells[1:])
            name = text_of(cells[0]).words().strip("*_").rstrip(":").strip()
            self.statement(node, cells[0], name, said.words(), said.problems, "row")
            return True
        found = self.opener(node)
        if found is None:
            return False
        container, bold, rest = found
        label = bold_label(bold)
        if label is None:
            if self.mislabelled(bold, rest):
                self.found.problems.append((self.line(node), MISLABELLED))
                return True
            return False
        words = text_of(*rest)
        if node.tag == "tr":
            for cell in [c for c in node.elements() if c.tag in ("td", "th")][1:]:
                words.parts.append(" ")
                words.add(cell)
        shape = "row" if node.tag == "tr" else "paragraph"
        self.statement(node, bold, label, words.words(), words.problems, shape)
        return True

    def item(self, node: Node, ctx: Context) -> bool:
        found = self.opener(node)
        label = bold_label(found[1]) if found else None
        inner = Context(ctx.narrative, in_item=True)
        if found is None or label is None:
            if found and self.mislabelled(found[1], found[2]):
                self.found.problems.append((self.line(node), MISLABELLED))
                return True
            for child in node.children:
                self.visit(child, inner)
            return True
        container, bold, rest = found
        if ctx.in_item:
            self.found.problems.append(
                (self.line(node), f"**{label}:** is nested; claims with a label are top-level items")
            )
            return True
        trailing = [c for c in node.children if container is not node and c is not container]
        words = text_of(*rest, *trailing, own=True)
        lists = inner_lists(node)
        if words.words():
            self.statement(node, bold, label, words.words(), words.problems, "item")
            for child in lists:
                self.visit(child, inner)
            return True
        nested = [li for block in lists for li in block.elements() if li.tag == "li"]
        line = self.line(node)
        if not nested:
            self.found.problems.append((line, f"**{label}:** has neither values nor nested claims"))
            return True
        self.found.groups.append((line, label))
        read = 0
        for li in nested:
            own = self.opener(li)
            if own and bold_label(own[1]) is not None:
                self.found.problems.append(
                    (self.line(li), f"**{bold_label(own[1])}:** is nested; claims with a label are top-level items")
                )
                continue
            read += 1
            text = text_of(*li.children, own=True)
            self.statement(li, None, label, text.words(), text.problems, "nested", group=line)
            for child in inner_lists(li):
                self.visit(child, inner)
        if not read:
            self.found.problems.append((line, f"**{label}:** has neither values nor nested claims"))
        return True

    def statement(
        self, node: Node, bold: Node | None, label: str, sentence: str, problems: list[str], shape: str,
        group: int | None = None,
    ) -> None:  # fmt: skip
        line, included = self.where.of(node)
        said = list(problems)
        if bold is not None:
            said += text_of(bold).problems
            said += characters.problems(label, "its label")
        said += characters.problems(sentence, "its words")
        if included:
            said.append("a snippet brings it in; write claims on the page itself, where their line is theirs")
        headings = tuple(title for _, title in self.headings)
        self.found.statements.append(
            Statement(line, label, sentence, shape, headings, group, tuple(dict.fromkeys(said)))
        )

    # --- the independent count ----------------------------------------------------------------

    def count(self, node: Node) -> None:
        """Every bold label the page shows, found apart from the walk above, to cross-check it."""
        for child in node.elements():
            if hidden(child) or child.tag in ("pre", "code"):
                continue
            label = bold_label(child)
            if label is not None:
                self.found.counted.append((self.line(child), label))
            self.count(child)


def read(root: Node) -> Reading:
    return Reader(root).read(root)
