"""The Python-Markdown extension that shows the proof: `markdown_extensions: [docverify.site.extension]`.

It runs under any generator that runs Python-Markdown extensions (MkDocs, and Zensical, which
ignores MkDocs plugins). Per page: a chip per level after each claim, the claim's `<li>` anchored
as `#claim-L<line>`, a legend before the first claims, a banner when the proof is not current,
embedded files with their real line numbers, cited lines lit and marked in the gutter with links
back to their claims, and the Claims table and vocabulary where a page asks for them.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown  # type: ignore[import-untyped]
from markdown.postprocessors import Postprocessor  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

from docverify.site import chips, live, marking, model, render, scan
from docverify.site.narrative import Narrative
from docverify.site.table import Row, counts, table, vocabulary
from docverify.site.verdict import RUN_TESTS

ASSETS = Path(__file__).parent / "assets"
TABLE_MARKER = "<!-- docverify:claims -->"
VOCABULARY_MARKER = "<!-- docverify:vocabulary -->"
ATTRIBUTES = re.compile(r"\s*\{[^{}]*\}\s*$")  # a heading's attribute list (`{ .narrative }`)
TOKEN = re.compile("\ue000dv(\\d+)\ue001")  # survives Python-Markdown's whitespace step, unlike its own


@cache
def asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def engine_rendering() -> bool:
    """Whether the engine is rendering pages to cross-check its claim reader: marks are not its business."""
    if live.proving():
        return True
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == "docverify.read.rendered":
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@dataclass
class State:
    """One conversion's page and what it inserted."""

    site: model.Site | None = None
    page: str | None = None
    html: list[str] = field(default_factory=list)  # token number -> HTML to stash
    lines: dict[str, int] = field(default_factory=dict)  # stash placeholder -> claim line
    marks: dict[int, int] = field(default_factory=dict)  # token number -> claim line
    legend: str = ""
    styled: bool = False
    source: bool = False  # links between Markdown files (Zensical), not between URLs (MkDocs)

    def token(self, html: str, line: int | None = None) -> str:
        self.html.append(html)
        if line is not None:
            self.marks[len(self.html) - 1] = line
        return f"\ue000dv{len(self.html) - 1}\ue001"


# The fence handlers that number lines from a fence's `linenums`: pymdownx.superfences (with its highlight)
# and Python-Markdown's codehilite.
NUMBERING = ("SuperFencesCodeExtension", "CodeHiliteExtension")


class Marks(Preprocessor):  # type: ignore[misc]
    """Before snippets expand anything, so lines are the page's own: marks, fences, tables as tokens."""

    def __init__(self, md: Markdown, options: model.Options, state: State) -> None:
        super().__init__(md)
        self.options, self.state = options, state

    def run(self, lines: list[str]) -> list[str]:
        state = self.state
        state.__init__()  # type: ignore[misc]
        state.site = site = model.site(self.options)
        # Zensical names the page it renders; MkDocs does not, so its text tells.
        context = self.md.preprocessors["rendering_context"] if "rendering_context" in self.md.preprocessors else None  # noqa: SIM401
        path = getattr(getattr(context, "page", None), "path", None)
        state.source = source = context is not None
        state.page = page = site.page_of("\n".join(lines), path if isinstance(path, str) else None)
        if page is None:
            return lines
        offset = max(len(site.texts[page].splitlines()) - len(lines), 0)  # front matter the generator took off
        claims = {item.line: item for item in site.claims.get(page, [])}
        for bullet in scan.bullets("\n".join(lines), self.options.root):
            item = claims.get(bullet.line + offset)
            if item is None:
                continue
            cites = [(str(cite), site.cite_href(page, cite, source)) for cite in item.cites]
            html = chips.mark(item, cites, lambda name: site.mutant_href(page, name, source))
            marking.place(lines, bullet.line - 1, bullet.shape, state.token(html, item.line))
            state.styled = True
        state.styled = state.styled or any(marking.NARRATIVE.search(line) for line in lines)
        numbered = any(type(e).__name__ in NUMBERING for e in self.md.registeredExtensions)
        for block in site.blocks.get(page, []):
            index = block.embed.line - 1 - offset
            if 0 <= index < len(lines) and lines[index].strip().startswith(block.embed.fence):
                lines[index] = render.fence_line(block.embed, block.id, block.shown[0], numbered)
                state.styled = True
        claims_page = next((p for p, text in site.texts.items() if TABLE_MARKER in text), None)
        here = claims_page not in (None, page)
        state.legend = chips.legend(site.href(page, claims_page, "", source) if here and claims_page else None)
        for index, line in enumerate(lines):
            if line.strip() == TABLE_MARKER:
                pages = [(self._title(site, p), site.href(page, p, "", source), n) for p, n in site.counts.items()]
                lines[index] = state.token(chips.legend(None) + table(self._rows(site, page, source)) + counts(pages))
                state.styled = True
            elif line.strip() == VOCABULARY_MARKER:
                lines[index : index + 1] = vocabulary(self._vocabulary(site), self.options.command).splitlines()
        if claims or TABLE_MARKER in site.texts[page]:
            kind, messages = marking.banner(site, page)
            if messages:
                marking.insert_after_header(lines, state.token(chips.banner(kind, messages)))
        return lines

    @staticmethod
    def _title(site: model.Site, page: str) -> str:
        title = next((ln[2:].strip() for ln in site.texts[page].splitlines() if ln.startswith("# ")), page)
        return ATTRIBUTES.sub("", title)

    @classmethod
    def _rows(cls, site: model.Site, here: str, source: bool) -> list[Row]:
        rows = []
        for page in site.texts:
            title = cls._title(site, page)
            for item in site.claims.get(page, []):
                cites = [(str(cite), site.cite_href(here, cite, source)) for cite in item.cites]
                rows.append((item, title, site.href(here, page, f"claim-L{item.line}", source), cites))
        return rows

    @staticmethod
    def _vocabulary(site: model.Site) -> dict[str, dict[str, str]]:
        entries = dict(site.found.report.vocabulary) if site.found.report else {}
        return {**entries, **(site.live.vocabulary if site.live else {})}


class Stash(Preprocessor):  # type: ignore[misc]
    """After the whitespace step: each token becomes one stashed piece of raw HTML."""

    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        def stash(match: re.Match[str]) -> str:
            number = int(match[1])
            placeholder: str = self.md.htmlStash.store(self.state.html[number])
            if number in self.state.marks:
                self.state.lines[placeholder] = self.state.marks[number]
            return placeholder

        return [TOKEN.sub(stash, line) if "\ue000" in line else line for line in lines]


class Anchors(Treeprocessor):  # type: ignore[misc]
    """Each claim's `<li>`, `<p>` or `<tr>` becomes its anchor; the legend goes before the first claims."""

    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        self._assets(root)
        if not self.state.lines:
            return
        parents = {child: parent for parent in root.iter() for child in parent}
        first: etree.Element | None = None
        used: set[str] = set()
        for item in (element for element in root.iter() if element.tag in ("li", "p", "tr")):
            found = [p for p in marking.own_placeholders(item) if p in self.state.lines and p not in used]
            if not found:
                continue
            used.update(found)
            line = self.state.lines[found[0]]
            item.set("id", f"claim-L{line}")
            item.set("class", (item.get("class", "") + " dv-claim").strip())
            first = first if first is not None else item
        if first is None or not self.state.legend:
            return
        top = first
        while parents.get(top) is not None and parents[top].tag in ("li", "ul", "ol", "tr", "thead", "tbody", "table"):
            top = parents[top]
        holder = parents.get(top)
        if holder is not None:
            legend = etree.Element("p")
            legend.text = self.md.htmlStash.store(self.state.legend)
            holder.insert(list(holder).index(top), legend)

    def _assets(self, root: etree.Element) -> None:
        """Styles first and the script last, stashed whole; every page says the extension ran.

        Added to the tree, not in a postprocessor: the toc extension runs postprocessors on each heading too.
        """
        end = ""
        if self.state.styled:
            start = etree.Element("p")
            start.text = self.md.htmlStash.store(
                f'<div data-docverify="style" hidden><style>{asset("docverify.css")}</style></div>'
            )
            root.insert(0, start)
            end = f"<script>{asset('docverify.js')}</script>"
        etree.SubElement(root, "p").text = self.md.htmlStash.store(f'<div data-docverify="page" hidden>{end}</div>')


class Lines(Postprocessor):  # type: ignore[misc]
    """Real line numbers, lit instructions and gutter marks in the embedded blocks."""

    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, text: str) -> str:
        site, page = self.state.site, self.state.page
        if site is None or page is None:
            return text
        for block in site.blocks.get(page, []):
            text = render.relabel(text, block.id, block.shown)
            text = marking.cited(site, page, block, text, self.state.source)
        return text


class DocverifyExtension(Extension):  # type: ignore[misc]
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "root": [".", "the repository root (default: where the generator runs)"],
            "docs": ["docs", "the docs folder, relative to the root"],
            "report": ["artifacts/docverify-report.json", "the test suite's report, relative to the root"],
            "command": [RUN_TESTS, "the command that runs the tests, shown where a level was not run"],
            "catalogue": ["", "a Python file defining the mutation CATALOGUE, relative to the root"],
            "mutation_report": ["", "the Markdown report scripts/mutate writes, relative to the root"],
            "mutations_page": ["", "the page showing that report, relative to the docs folder"],
            "directory_urls": [True, "pages are folders (`a/b/`), as by default in MkDocs and Zensical"],
            "live": [True, "prove the static level in the build when the report does not speak for a claim"],
        }
        super().__init__(**kwargs)

    def options(self) -> model.Options:
        root = Path(str(self.getConfig("root"))).resolve()
        return model.Options(
            root=root,
            docs=(root / str(self.getConfig("docs"))).resolve(),
            report=(root / str(self.getConfig("report"))).resolve(),
            command=str(self.getConfig("command")),
            catalogue=str(self.getConfig("catalogue")) or None,
            mutation_report=str(self.getConfig("mutation_report")) or None,
            mutations_page=str(self.getConfig("mutations_page")) or None,
            directory_urls=bool(self.getConfig("directory_urls")),
            live=bool(self.getConfig("live")),
        )

    def extendMarkdown(self, md: Markdown) -> None:
        if engine_rendering():
            return
        state = State()
        md.registerExtension(self)
        md.preprocessors.register(Marks(md, self.options(), state), "docverify_marks", 35)
        md.preprocessors.register(Stash(md, state), "docverify_stash", 29)
        md.treeprocessors.register(Anchors(md, state), "docverify_anchors", 15)
        md.treeprocessors.register(Narrative(md), "docverify_narrative", 4)  # after the table of contents
        md.postprocessors.register(Lines(md, state), "docverify_lines", 5)


def makeExtension(**kwargs: Any) -> DocverifyExtension:
    return DocverifyExtension(**kwargs)
