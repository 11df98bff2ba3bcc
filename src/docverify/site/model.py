"""The site's view of the docs: pages, their URLs, embedded blocks and every claim's proof.

Both generators make one Markdown converter per page, so this is built once per process and
rebuilt only when a file it read has changed (as under `mkdocs serve`).
"""

from __future__ import annotations

import posixpath
import threading
from dataclasses import dataclass, field
from pathlib import Path

from docverify.site import bites, proof, render, scan
from docverify.site import live as lv
from docverify.site import report as rp
from docverify.site.verdict import (
    RUN_TESTS,
    Assessment,
    View,
    assess,
    head_commit,
    installed_engine,
    publish_errors,
    uncommitted,
    view,
)

CONTINUED = "\\"  # an instruction or shell line that goes on to the next


@dataclass(frozen=True)
class Options:
    root: Path
    docs: Path
    report: Path
    command: str = RUN_TESTS
    catalogue: str | None = None  # a Python file defining CATALOGUE (docverify.run.mutations)
    mutation_report: str | None = None  # the Markdown report scripts/mutate writes
    mutations_page: str | None = None  # the docs page that shows it, relative to the docs folder
    directory_urls: bool = True
    live: bool = True  # prove the static level here when the report does not speak for a claim


@dataclass(frozen=True)
class Block:
    embed: scan.Embed
    id: str
    shown: list[int]


@dataclass
class Site:
    options: Options
    texts: dict[str, str] = field(default_factory=dict)  # docs-relative page -> Markdown
    blocks: dict[str, list[Block]] = field(default_factory=dict)
    claims: dict[str, list[proof.ClaimProof]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # per page: labels shown, claims, narrative
    views: list[View] = field(default_factory=list)
    found: Assessment = field(default_factory=lambda: Assessment(None))
    live: lv.Live | None = None
    inputs: set[Path] = field(default_factory=set)
    _lines: dict[str, list[str] | None] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        docs, root = self.options.docs, self.options.root
        return docs.relative_to(root).as_posix() + "/" if docs.is_relative_to(root) else ""

    def url(self, page: str) -> str:
        """A page's URL below the site root, as both generators lay it out."""
        stem, _, _ = page.rpartition(".")
        folder, _, name = stem.rpartition("/")
        index = name.lower() in ("readme", "index")
        if self.options.directory_urls:
            return f"{folder}/" if index and folder else "" if index else f"{stem}/"
        return f"{folder + '/' if folder else ''}index.html" if index else f"{stem}.html"

    def href(self, from_page: str, to_page: str, anchor: str = "", source: bool = False) -> str:
        """A link between pages: between their URLs, or (`source`) between their Markdown files.

        MkDocs leaves links in raw HTML alone; Zensical resolves them as it resolves a page's
        Markdown links, from the page's source file.
        """
        if from_page == to_page:
            here = ""
        elif source:
            here = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
        else:
            here = relative_url(self.url(to_page), self.url(from_page))
        return f"{here}#{anchor}" if anchor else here or "./"

    def page_of(self, text: str, path: str | None = None) -> str | None:
        """Which page a converter was handed: by the path a generator names, else by its text."""
        if path is not None:
            path = path.replace("\\", "/").lstrip("/")
            for page in self.texts:
                if page == path or page.endswith("/" + path):
                    return page
        wanted = _normal(text)
        return next((page for page, source in self.texts.items() if _normal(source) == wanted), None)

    def lines(self, name: str) -> list[str] | None:
        if name not in self._lines:
            source = scan.read_source(self.options.root, name)
            self._lines[name] = source.splitlines() if source is not None else None
            self.inputs.add(self.options.root / name)
        return self._lines[name]

    def extent(self, name: str, line: int) -> int:
        """The last line of the instruction that starts at `line` (continued lines end in a backslash)."""
        lines = self.lines(name) or []
        last = line
        while 0 < last <= len(lines) and lines[last - 1].rstrip().endswith(CONTINUED):
            last += 1
        return min(last, max(len(lines), line))

    def cite_href(self, page: str, cite: rp.Cite, source: bool = False) -> str | None:
        """Where a cited line is shown: this page's whole-file block first, then any page's."""
        ranked = []
        for order, (other, blocks) in enumerate(self.blocks.items()):
            for block in blocks:
                if block.embed.file == cite.file and cite.line in block.shown:
                    whole = block.embed.whole and not block.embed.indent
                    ranked.append(((0 if other == page else 2) + (0 if whole else 1), order, other, block.id))
        if not ranked:
            return None
        _, _, other, block_id = min(ranked)
        return self.href(page, other, render.line_anchor(block_id, cite.line), source)

    def citing(self, name: str) -> dict[int, list[proof.ClaimProof]]:
        """Line -> the claims whose proof cites that line of `name`."""
        found: dict[int, list[proof.ClaimProof]] = {}
        for claims in self.claims.values():
            for item in claims:
                for cite in item.cites:
                    if cite.file == name:
                        found.setdefault(cite.line, []).append(item)
        return found

    def mutant_href(self, page: str, name: str, source: bool = False) -> str | None:
        target = self.options.mutations_page
        return self.href(page, target, f"mutant-{name}", source) if target and target in self.texts else None

    def all_claims(self) -> list[proof.ClaimProof]:
        return [item for page in self.texts for item in self.claims.get(page, [])]

    def publish_errors(self) -> list[str]:
        return publish_errors(self.found, self.views, uncommitted(self.options.root, self.options.docs))


def relative_url(target: str, base: str) -> str:
    """`target` (a URL below the site root) as seen from the page at `base`."""
    base_dir = base if base.endswith("/") or not base else posixpath.dirname(base) + "/"
    relative = posixpath.relpath(target or ".", base_dir or ".")
    return relative + "/" if (target.endswith("/") or not target) and not relative.endswith("/") else relative


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().splitlines())


def build(options: Options) -> Site:
    site = Site(options)
    docs = options.docs
    for path in sorted(docs.rglob("*.md")):
        site.texts[path.relative_to(docs).as_posix()] = path.read_text(encoding="utf-8")
        site.inputs.add(path)
    for page, text in site.texts.items():
        site.blocks[page] = _blocks(site, text)
    repo_pages = [site.prefix + page for page in site.texts]
    head = head_commit(options.root)
    site.found = assess(options.report, options.root, repo_pages, installed_engine())
    site.inputs |= (
        {options.report, *(options.root / name for name in site.found.report.files)}
        if site.found.report
        else {options.report}
    )
    lengths: dict[str, int | None] = {}
    bullets = {page: scan.bullets(text, options.root) for page, text in site.texts.items()}
    for page, found in bullets.items():
        site.views += [view(site.found, site.prefix + page, bullet, options.root, lengths) for bullet in found]
    # The static pass runs when the report cannot speak for a claim, or a file's lines moved since it.
    if options.live and (site.found.changed or not all(proof.usable(shown) for shown in site.views)):
        site.live = lv.run(options.root)
        site.inputs |= set(site.live.read)
    known = bites.load(options.root, options.catalogue, options.mutation_report)
    site.inputs |= {options.root / name for name in (options.catalogue, options.mutation_report) if name}
    vocabulary = dict(site.found.report.vocabulary) if site.found.report else {}
    if site.live:
        vocabulary.update(site.live.vocabulary)
    ctx = proof.Context(site.found, site.live, known, options.command, head, vocabulary)
    for page, found in bullets.items():
        site.claims[page] = [proof.claim(ctx, site.prefix + page, bullet, options.root, lengths) for bullet in found]
        site.counts[page] = scan.counts(site.texts[page], options.root)
    return site


def _blocks(site: Site, text: str) -> list[Block]:
    blocks: list[Block] = []
    seen: set[str] = set()
    for embed in scan.embeds(text):
        lines = site.lines(embed.file)
        shown = scan.shown_lines(embed, "\n".join(lines)) if lines is not None else []
        if not shown:
            continue  # a missing file is pymdownx.snippets' error to report
        block, number = render.block_id(embed), 2
        while block in seen:
            block, number = f"{render.block_id(embed)}-{number}", number + 1
        seen.add(block)
        blocks.append(Block(embed, block, shown))
    return blocks


def _stamp(paths: set[Path]) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in sorted(paths):
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((str(path), 0, -1))
    return tuple(stamps)


_cache: dict[Options, tuple[tuple[tuple[str, int, int], ...], Site]] = {}
_lock = threading.Lock()


def site(options: Options) -> Site:
    """The Site for `options`, rebuilt when a page is added or removed or a file it read changed."""
    with _lock:
        pages = set(options.docs.rglob("*.md"))
        held = _cache.get(options)
        if held is not None and held[0] == _stamp(held[1].inputs | pages):
            return held[1]
        built = build(options)
        _cache[options] = (_stamp(built.inputs | pages), built)
        return built
