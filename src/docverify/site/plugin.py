"""MkDocs plugin `docverify`: every claim bullet shows whether the test suite proved it.

The report is read once per build (in `on_files`, where every page's source is
at hand); claims are found in the pages themselves, so a claim the report
lacks is shown as such. Embedded files get their real line numbers, and each
claim links to the lines its proof cites. With `publish: true` the build
fails unless every claim is proven against exactly these files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from docverify.site import render, scan
from docverify.site.verdict import Assessment, View, assess, head_commit, installed_engine, publish_errors, view

ASSETS = Path(__file__).parent / "assets"
CSS = "assets/docverify/docverify.css"
TABLE_MARKER = "<!-- docverify:claims -->"
VOCABULARY_MARKER = "<!-- docverify:vocabulary -->"


class Flag(BaseConfigOption[bool]):
    """A yes/no option that also takes what `!ENV` yields: `1`, `0`, `"true"`, `"no"`."""

    def __init__(self, default: bool = False) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ValidationError(f"expected true or false, got {value!r}")


class DocverifyConfig(base.Config):  # type: ignore[no-untyped-call]
    report = c.Type(str, default="artifacts/docverify-report.json")
    publish = Flag(default=False)
    root = c.Optional(c.Type(str))


class DocverifyPlugin(BasePlugin[DocverifyConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.root = Path()
        self.found = Assessment(None)
        self.views: dict[tuple[str, int], View] = {}
        self.blocks: dict[str, list[tuple[scan.Embed, str, list[int]]]] = {}  # src_uri -> embeds
        self.sources: dict[str, str] = {}  # src_uri -> Markdown, as on disk
        self.urls: dict[str, str] = {}  # src_uri -> page URL
        self.titles: dict[str, str] = {}
        self.docs_prefix = ""
        self.order: dict[str, int] = {}  # src_uri -> place in the navigation

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (config_dir / self.config.root).resolve() if self.config.root else config_dir
        self.report_path = config_dir / self.config.report
        docs = Path(config.docs_dir).resolve()
        self.docs_prefix = docs.relative_to(self.root).as_posix() + "/" if docs.is_relative_to(self.root) else ""
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        files.append(File.generated(config, CSS, abs_src_path=str(ASSETS / "docverify.css")))
        self.sources, self.blocks, self.urls, self.titles, self.views = {}, {}, {}, {}, {}
        for file in files.documentation_pages():
            text = file.content_string
            self.sources[file.src_uri] = text
            self.urls[file.src_uri] = file.url
            self.titles[file.src_uri] = next(
                (line[2:].strip() for line in text.splitlines() if line.startswith("# ")), file.src_uri
            )
            self.blocks[file.src_uri] = self._blocks(text)
        pages = [self.docs_prefix + uri for uri in self.sources]
        self.found = assess(self.report_path, self.root, pages, installed_engine(), head_commit(self.root))
        lengths: dict[str, int | None] = {}
        for uri, text in self.sources.items():
            for bullet in scan.bullets(text):
                self.views[(uri, bullet.line)] = view(self.found, self.docs_prefix + uri, bullet, self.root, lengths)
        if self.config.publish:
            errors = publish_errors(self.found, list(self.views.values()))
            if errors:
                shown = "\n  ".join(errors[:40]) + (f"\n  …and {len(errors) - 40} more" if len(errors) > 40 else "")
                raise PluginError(
                    f"docverify: not publishing, {len(errors)} problem(s) with the proof "
                    f"({os.path.relpath(self.report_path, self.root)}):\n  {shown}"
                )
        return files

    def _blocks(self, text: str) -> list[tuple[scan.Embed, str, list[int]]]:
        blocks, seen = [], set()
        for embed in scan.embeds(text):
            source = scan.read_source(self.root, embed.file)
            shown = scan.shown_lines(embed, source) if source is not None else []
            if not shown:
                continue  # a missing file is pymdownx.snippets' error to report
            block, number = render.block_id(embed), 2
            while block in seen:
                block, number = f"{render.block_id(embed)}-{number}", number + 1
            seen.add(block)
            blocks.append((embed, block, shown))
        return blocks

    def _cite_target(self, uri: str, file: str, line: int) -> str | None:
        """Where a cited line is shown: this page's open whole-file block first, then any page's."""
        candidates: list[tuple[int, str, str]] = []
        for order, (other, blocks) in enumerate(self.blocks.items()):
            for embed, block, shown in blocks:
                if embed.file == file and line in shown:
                    rank = (0 if other == uri else 2) + (0 if embed.whole and not embed.indent else 1)
                    candidates.append((rank * 1000 + order, other, block))
        if not candidates:
            return None
        _, other, block = min(candidates)
        here = "" if other == uri else get_relative_url(self.urls[other], self.urls[uri])
        return f"{here}#{render.line_anchor(block, line)}"

    def _cites(self, uri: str, item: View) -> list[tuple[str, str | None]]:
        if item.result is None:
            return []
        return [(str(cite), self._cite_target(uri, cite.file, cite.line)) for cite in item.result.cites]

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files, **_: Any) -> str:
        uri = page.file.src_uri
        if uri not in self.sources:
            return markdown
        # Front matter is gone by now; claim lines count from the file's top.
        offset = max(len(self.sources[uri].splitlines()) - len(markdown.splitlines()), 0)
        lines = markdown.splitlines()
        commit = self.found.report.short_commit if self.found.report else ""
        for bullet in scan.bullets(markdown):
            item = self.views.get((uri, bullet.line + offset))
            if item is not None:
                lines[bullet.line - 1] += " " + render.mark(item, commit, self._cites(uri, item))
        for embed, block, shown in self.blocks[uri]:
            index = embed.line - 1 - offset
            if 0 <= index < len(lines) and lines[index].strip().startswith(embed.fence):
                lines[index] = render.fence_line(embed, block, shown[0])
        if TABLE_MARKER in markdown or any(key[0] == uri for key in self.views):
            blocking, messages = self._page_banner(uri)
            if messages:
                self._insert_after_header(lines, render.banner(messages, blocking))
        text = "\n".join(lines) + "\n"
        if TABLE_MARKER in text:
            text = text.replace(TABLE_MARKER, self._table(uri))
        if VOCABULARY_MARKER in text:
            text = text.replace(VOCABULARY_MARKER, render.vocabulary(self.report_path))
        return text

    def _page_banner(self, uri: str) -> tuple[bool, list[str]]:
        """(whether ticks are withheld, what to say) for a page with claims."""
        page = self.docs_prefix + uri
        if self.found.blocker:
            return True, [self.found.blocker]
        if page in self.found.stale_pages:
            return True, [self.found.stale_pages[page]]
        notes = [f"Publishing would refuse this report: {note}." for note in self.found.notes]
        return False, notes

    @staticmethod
    def _insert_after_header(lines: list[str], html: str) -> None:
        """After the h1 and the back-link line that follows it."""
        at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
        following = next((i for i in range(at, len(lines)) if lines[i].strip()), None)
        if following is not None and lines[following].lstrip().startswith("[⬅"):
            at = following + 1
        lines[at:at] = ["", html, ""]

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.order = {page.file.src_uri: index for index, page in enumerate(nav.pages)}
        return nav

    def _table(self, here: str) -> str:
        rows = []
        for (uri, line), item in sorted(self.views.items(), key=lambda kv: (self.order.get(kv[0][0], 1 << 20), kv[0])):
            href = get_relative_url(self.urls[uri], self.urls[here]) + f"#claim-L{line}"
            rows.append((item, self.titles[uri], href, self._cites(here, item)))
        return render.table(rows)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files, **_: Any) -> str:
        for _embed, block, shown in self.blocks.get(page.file.src_uri, []):
            html = render.relabel(html, block, shown)
        # Every page says the plugin ran: a generator that skips plugins (Zensical) is caught by it.
        return html + '<span data-docverify="page" hidden></span>'
