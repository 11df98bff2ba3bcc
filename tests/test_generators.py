"""MkDocs and Zensical build the same docs into the same pages.

MkDocs publishes the site; Zensical, Material's successor, must build the same
tree from the same mkdocs.yml. Both build one copy of the repository in a
temporary directory (tests/site_builds.py), and every page is compared on what a reader relies on: its
headings and their anchors, the code blocks that embed the Dockerfile,
entrypoint.sh and compose.yaml (byte for byte against the files, whole and by
snippet section), the claim bullets, and the article as a whole. Only the
article is compared; the theme around it is each generator's own. Differences
are listed page by page.

The proof (claim chips, anchors, cited lines, line numbers, gutter marks, the
Claims table) comes from the Markdown extension docverify.site.extension, which
Zensical runs too: it is compared on its own, page by page. The last tests show
that scripts/zensical_build.py accepts the real site, refuses one built without
the extension, and that its strict build stops on a broken anchor.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest
from test_site import section, without_markers

if TYPE_CHECKING:  # imported by pytest, as the plugin named below, so its module is rewritten once
    from site_builds import Built

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["site_builds"]  # the fresh clone and both builds, shared with tests/test_site_marks.py
GENERATORS = ("mkdocs", "zensical")
# `--8<-- "Dockerfile:builder"` on its own line.
EMBED = re.compile(r'^[ \t]*-+8<-+[ \t]+"(?P<path>[^"]+)"[ \t]*$')
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
MARKER = "data-docverify"
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SITE_BASE = "http://site/"


def load_wrapper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zensical_build", ROOT / "scripts" / "zensical_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- a small HTML tree ---------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def is_chrome(element: Element) -> bool:
    """What a generator adds around the content: Zensical's skip target, docverify's marks."""
    return element.attrs.get("id") == "__skip" or MARKER in element.attrs


def pruned(element: Element) -> Element:
    """The element without chrome; text nodes that the removal brought together are joined."""
    children: list[Element | str] = []
    for child in element.children:
        if isinstance(child, Element):
            if not is_chrome(child):
                children.append(pruned(child))
        elif children and isinstance(children[-1], str):
            children[-1] += child
        else:
            children.append(child)
    return Element(element.tag, element.attrs, children)


def article(html: str) -> Element:
    for element in parse(html).iter():
        if element.tag == "article" and "md-content__inner" in element.classes():
            return pruned(element)
    raise AssertionError("no <article class='md-content__inner'> in the page")


# --- what a page shows ---------------------------------------------------------


def collapsed(text: str) -> str:
    return " ".join(text.split())


def headings(content: Element) -> list[str]:
    return [
        f"<{e.tag} id={e.attrs.get('id', '')!r}> {collapsed(e.text()).removesuffix('¶').strip()}"
        for e in content.iter()
        if re.fullmatch(r"h[1-6]", e.tag)
    ]


def code_blocks(content: Element) -> list[str]:
    """The text of every `<pre><code>` block, as the reader's copy button would take it."""
    return [
        child.text()
        for pre in content.iter()
        if pre.tag == "pre"
        for child in pre.children
        if isinstance(child, Element) and child.tag == "code"
    ]


def own_text(item: Element) -> str:
    """An item's text without its nested lists (they are claims of their own)."""
    parts = [
        c if isinstance(c, str) else own_text(c)
        for c in item.children
        if isinstance(c, str) or c.tag not in ("ul", "ol")
    ]
    return collapsed("".join(parts))


def is_labelled(item: Element) -> bool:
    first = next((c for c in item.children if not (isinstance(c, str) and not c.strip())), None)
    return isinstance(first, Element) and first.tag == "strong" and first.text().strip().endswith(":")


def claims(content: Element) -> list[str]:
    """Claim bullets: items that start with a bold label, and the items nested under them."""
    found: list[str] = []

    def walk(element: Element, inside: bool) -> None:
        for child in element.children:
            if isinstance(child, Element):
                claim = child.tag == "li" and (inside or is_labelled(child))
                if claim:
                    found.append(own_text(child))
                walk(child, inside or claim)

    walk(content, False)
    return found


BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "div", "h1", "h2", "h3", "h4", "h5", "h6", "summary"})


def compared_attributes(element: Element, page: str) -> list[str]:
    """Attributes that change what a reader gets; links resolved against the page.

    `data-*` attributes are annotations (docverify adds some, and an id beside
    them), not content; heading ids are compared on their own.
    """
    annotated = any(name.startswith("data-") for name in element.attrs)
    shown = []
    for name, value in sorted(element.attrs.items()):
        if name.startswith("data-") or (name == "id" and annotated):
            continue
        if name in ("href", "src"):
            value = urljoin(SITE_BASE + page, value).removeprefix(SITE_BASE)
        shown.append(f" {name}={value!r}")
    return shown


def serialized(content: Element, page: str) -> list[str]:
    """The article as lines: tags and their attributes, text with runs of white space collapsed."""
    lines: list[str] = []

    def walk(element: Element, in_pre: bool) -> None:
        if "highlight" in element.classes():
            # A code block is its language and text: line numbers and file names
            # around it are docverify's presentation (compared in its own test).
            language = sorted(c for c in element.classes() if c.startswith("language-"))
            lines.append(f"<code block {' '.join(language)}> {code_blocks(element)!r}")
            return
        lines.append(f"<{element.tag}{''.join(compared_attributes(element, page))}>")
        for index, child in enumerate(element.children):
            if isinstance(child, Element):
                walk(child, in_pre or child.tag == "pre")
                continue
            text = child if in_pre else re.sub(r"\s+", " ", child)
            if not in_pre and element.tag in BLOCKS and index == len(element.children) - 1:
                text = text.rstrip()  # white space that ends a block is not shown
            if text.strip() or (in_pre and text):
                lines.append(f"text {text!r}")
        lines.append(f"</{element.tag}>")

    walk(content, False)
    return lines


# --- what the pages must embed, from their Markdown ----------------------------


def embedded_text(root: Path, reference: str) -> str:
    """What `--8<-- "reference"` shows: a whole file without marker lines, or one named section."""
    path, _, name = reference.partition(":")
    text = (root / path).read_text("utf-8")
    if not name:
        return without_markers(text)
    if not re.fullmatch(r"[a-z][-_0-9a-z]*", name, re.I):
        raise AssertionError(f"snippet {reference!r}: only whole files and named sections are understood here")
    return section(text, name)


def code_embeds(markdown: str) -> list[str]:
    """References embedded inside a fenced code block (not those that embed Markdown)."""
    found, fence = [], ""
    for line in markdown.splitlines():
        opening = FENCE.match(line)
        if fence:
            if opening and line.strip() == fence[0] * len(line.strip()) and len(line.strip()) >= len(fence):
                fence = ""
            elif match := EMBED.match(line):
                found.append(match["path"])
        elif opening:
            fence = opening[1]
    return found


def test_code_embeds_on_a_known_page() -> None:
    markdown = (
        '```dockerfile\n--8<-- "Dockerfile:builder"\n```\n\n'
        '--8<-- "benchmarks/results.md"\n'
        '    ```sh\n    --8<-- "a.sh"\n'
    )
    assert code_embeds(markdown) == ["Dockerfile:builder", "a.sh"]


def test_article_tree_on_a_known_page() -> None:
    html = (
        '<body><nav>x</nav><article class="md-content__inner md-typeset"><a id="__skip"></a>'
        '<h2 id="a">A<a class="headerlink" href="#a">¶</a></h2><ul><li><strong>Port:</strong> <code>8000</code>'
        '<span data-docverify="ok">✓</span><ul><li>nested</li></ul></li><li>plain</li></ul>'
        '<pre><code>FROM x\n  RUN y\n</code></pre><p><a href=".././b/">b</a><br></p></article></body>'
    )
    content = article(html)
    assert headings(content) == ["<h2 id='a'> A"]
    assert claims(content) == ["Port: 8000", "nested"]
    assert code_blocks(content) == ["FROM x\n  RUN y\n"]
    assert "<a href='x/b/'>" in serialized(content, "x/y/")


# --- the two builds ------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    generator: str
    site: Path
    seconds: float


@dataclass(frozen=True)
class Builds:
    root: Path  # the repository copy both built from
    sites: dict[str, Build]

    def pages(self, generator: str) -> set[str]:
        site = self.sites[generator].site
        return {str(p.relative_to(site)) for p in site.rglob("*.html")}

    def html(self, generator: str, page: str) -> str:
        return (self.sites[generator].site / page).read_text("utf-8")


def environment() -> dict[str, str]:
    """The reader's settings for the site's URLs stay out: both builds see the defaults."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCS_")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}


def copy_of(clone: Path, into: Path) -> Path:
    """A copy of the shared fresh clone to change, without the site Zensical built in it."""
    return Path(
        shutil.copytree(clone, into / "clone", ignore=lambda folder, _: ["site"] if folder == str(clone) else [])
    )


@pytest.fixture(scope="module")
def builds(fresh_clone: Path, fresh_mkdocs: Built, fresh_zensical: Built) -> Builds:
    """Both generators on one fresh clone (tests/site_builds.py: the site tests read the same builds).
    Zensical's is scripts/zensical_build.py's: `zensical build --strict --clean`, then its proof check."""
    sites = {"mkdocs": fresh_mkdocs, "zensical": fresh_zensical}
    for generator, built in sites.items():
        if built.result.returncode != 0:
            output = ANSI.sub("", built.output)
            pytest.fail(f"{generator} build failed (exit {built.result.returncode}):\n{output[-6000:]}")
    print(", ".join(f"{g} built in {b.seconds:.2f} s" for g, b in sites.items()), file=sys.stderr)
    return Builds(fresh_clone, {g: Build(g, b.site, b.seconds) for g, b in sites.items()})


def source_of(builds: Builds, page: str) -> Path | None:
    """The Markdown file a page was built from (README.md is a directory's index), if any."""
    docs = builds.root / "docs"
    directory = Path(page).parent
    candidates = [docs / directory / "README.md", docs / directory / "index.md"]
    if directory != Path("."):
        candidates.append(docs / directory.parent / f"{directory.name}.md")
    return next((c for c in candidates if c.is_file()), None)


def shared_pages(builds: Builds) -> list[str]:
    both = builds.pages("mkdocs") & builds.pages("zensical")
    pages = sorted(p for p in both if source_of(builds, p) is not None)
    assert len(pages) > 10, f"only {len(pages)} pages were built by both generators"
    return pages


HINT = f"(what docverify adds to a page must carry {MARKER} to be left out of this comparison)"


def differences(builds: Builds, check: Callable[[str, Element, Element], list[str]]) -> list[str]:
    """`check` on every page both built, its findings listed under the page."""
    report = []
    for page in shared_pages(builds):
        mkdocs, zensical = (article(builds.html(g, page)) for g in GENERATORS)
        found = check(page, mkdocs, zensical)
        if found:
            report.append(f"{page}:")
            report.extend(f"    {line}" for line in found)
    if report and MARKER not in builds.html("mkdocs", "index.html"):
        report.append(HINT)
    return report


def compare_lists(name: str, mkdocs: list[str], zensical: list[str]) -> list[str]:
    if mkdocs == zensical:
        return []
    diff = difflib.unified_diff(mkdocs, zensical, "mkdocs", "zensical", lineterm="", n=1)
    return [f"{name} differ:", *list(diff)[2:40]]


def test_both_generators_build_the_same_pages(builds: Builds) -> None:
    mkdocs, zensical = builds.pages("mkdocs"), builds.pages("zensical")
    problems = [f"{page}: only Zensical built it" for page in sorted(zensical - mkdocs)]
    for page in sorted(mkdocs - zensical):
        # A page with no Markdown behind it comes from a plugin, which Zensical skips.
        if source_of(builds, page) is not None or MARKER not in builds.html("mkdocs", page):
            problems.append(f"{page}: only MkDocs built it")
    assert not problems, "the generators built different pages:\n" + "\n".join(problems)


def test_headings_and_anchors_match(builds: Builds) -> None:
    report = differences(builds, lambda page, m, z: compare_lists("headings", headings(m), headings(z)))
    assert not report, "headings or their anchors differ:\n" + "\n".join(report)


def test_claim_bullets_match(builds: Builds) -> None:
    assert sum(len(claims(article(builds.html("mkdocs", p)))) for p in shared_pages(builds)) > 30, "claims not found"
    report = differences(builds, lambda page, m, z: compare_lists("claim bullets", claims(m), claims(z)))
    assert not report, "claim bullets differ:\n" + "\n".join(report)


def test_articles_match(builds: Builds) -> None:
    """Everything else in the article: tags, attributes, links (resolved), text."""
    report = differences(builds, lambda page, m, z: compare_lists("articles", serialized(m, page), serialized(z, page)))
    assert not report, "the articles differ:\n" + "\n".join(report)


def proof(html: str, page: str) -> list[str]:
    """What docverify shows on a page, one line per mark, popovers without their build time."""
    content = next(e for e in parse(html).iter() if e.tag == "article" and "md-content__inner" in e.classes())
    shown: list[str] = []

    def resolved(href: str) -> str:
        return urljoin(SITE_BASE + page, href).removeprefix(SITE_BASE)

    for element in content.iter():
        kind = element.attrs.get(MARKER, "")
        if element.tag == "li" and "dv-claim" in element.classes():
            shown.append(f"claim #{element.attrs.get('id')}")
        elif kind == "mark":
            chips = [collapsed(b.text()) for b in element.iter() if b.tag == "button"]
            facts = [
                collapsed(f.text())
                for f in element.iter()
                if "dv-fact" in f.classes() and not f.text().strip().startswith("Date")
            ]
            cites = [f"{a.text()} -> {resolved(a.attrs['href'])}" for a in element.iter() if "dv-cite" in a.classes()]
            shown.append(f"  mark {element.attrs.get('data-dv-state')} {chips} {cites} {facts}")
        elif kind == "gutter":
            link = next(a for a in element.iter() if a.tag == "a")
            shown.append(f"  gutter line {element.attrs.get('data-dv-line')} -> {resolved(link.attrs['href'])}")
        elif kind in ("legend", "banner"):
            shown.append(f"{kind}: {collapsed(element.text())}")
        elif element.tag == "td" and "linenos" in element.classes():
            numbers = [a.text() for a in element.iter() if a.attrs.get("href", "").startswith("#__codelineno")]
            shown.append(f"line numbers {' '.join(numbers)}")
        elif element.tag == "span" and "dv-cited" in element.classes():
            shown.append(f"  lit {element.attrs.get('id')} in {element.attrs.get('data-dv-group')}")
        elif element.tag == "tr" and "data-state" in element.attrs:
            cells = collapsed(element.text())
            shown.append(f"row {element.attrs['data-page']} {element.attrs['data-state']} {cells}")
    return shown


def test_the_proof_matches(builds: Builds) -> None:
    """The marks of docverify's Markdown extension, the same under both generators."""
    report = []
    counts: Counter[str] = Counter()
    for page in shared_pages(builds):
        mkdocs, zensical = (proof(builds.html(g, page), page) for g in GENERATORS)
        counts.update(line.split()[0] for line in mkdocs)
        found = compare_lists("proof", mkdocs, zensical)
        if found:
            report.append(f"{page}:")
            report.extend(f"    {line}" for line in found)
    assert counts["claim"] > 30 and counts["mark"] == counts["claim"], f"claims and marks not found: {counts}"
    assert counts["gutter"] > 20 and counts["row"] == counts["claim"], f"gutter marks or table rows missing: {counts}"
    assert not report, "the proof differs between the generators:\n" + "\n".join(report)


def test_code_blocks_equal_the_real_files(builds: Builds) -> None:
    def check(page: str, mkdocs: Element, zensical: Element) -> list[str]:
        source = source_of(builds, page)
        assert source is not None
        problems = []
        blocks = {"mkdocs": code_blocks(mkdocs), "zensical": code_blocks(zensical)}
        for reference, wanted in Counter(code_embeds(source.read_text("utf-8"))).items():
            expected = embedded_text(builds.root, reference).removesuffix("\n")
            for generator, shown in blocks.items():
                equal = sum(block.removesuffix("\n") == expected for block in shown)
                if equal < wanted:
                    problems.append(f"{generator}: {wanted} block(s) should equal {reference}, {equal} do")
        if blocks["mkdocs"] != blocks["zensical"]:
            problems.append("the code blocks are not byte for byte the same under both generators")
        return problems

    report = differences(builds, check)
    embeds = sum(len(code_embeds(s.read_text("utf-8"))) for s in (builds.root / "docs").rglob("*.md"))
    assert embeds >= 8, f"only {embeds} code blocks embed a file; the pages should embed the Dockerfile and others"
    assert not report, "embedded code blocks differ from the files:\n" + "\n".join(report)


# --- scripts/zensical_build.py --------------------------------------------------


def run_wrapper(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "zensical_build.py"), "--config-file", str(root / "mkdocs.yml"), *args],
        cwd=root,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


EXTENSION_ENTRY = re.compile(r"^  - docverify\.site\.extension:\n(?:      .*\n)*", re.M)


def test_the_wrapper_refuses_a_site_without_the_extension(fresh_clone: Path, tmp_path: Path) -> None:
    root = copy_of(fresh_clone, tmp_path)
    config = root / "mkdocs.yml"
    text, removed = EXTENSION_ENTRY.subn("", config.read_text("utf-8"))
    assert removed == 1, "mkdocs.yml should list docverify.site.extension with its settings"
    config.write_text(text, "utf-8")
    result = run_wrapper(root)
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"zensical_build.py should fail without the docverify extension:\n{output}"
    assert "docverify extension did not run" in output and MARKER in output, output
    assert "Traceback" not in output, output
    assert not (root / "site").exists(), "the refused site was left behind to be published"


def test_the_wrapper_accepts_the_site_with_its_proof(fresh_zensical: Built) -> None:
    output = fresh_zensical.output
    assert fresh_zensical.result.returncode == 0, f"zensical_build.py refused the site:\n{output}"
    page = (fresh_zensical.site / "backend" / "django" / "deploy" / "docker" / "Dockerfile" / "index.html").read_text()
    assert 'data-docverify="mark"' in page and 'class="dv-chip dv-proven"' in page, "no proof marks"


def test_every_page_carries_the_docverify_marker(builds: Builds) -> None:
    """The contract the wrapper relies on: with the extension configured, both generators mark every page."""
    for generator in GENERATORS:
        unmarked = load_wrapper().unmarked_pages(builds.sites[generator].site)
        assert not unmarked, f"pages {generator} built with docverify but without a {MARKER} element: {unmarked}"


def test_the_wrapper_fails_on_a_broken_anchor_naming_it(fresh_clone: Path, tmp_path: Path) -> None:
    root = copy_of(fresh_clone, tmp_path)
    page = root / "docs" / "backend" / "django" / "health.md"
    link = "See [a stage](./deploy/docker/Dockerfile.md#no-such-anchor)."
    page.write_text(f"{page.read_text('utf-8')}\n{link}\n", "utf-8")
    result = run_wrapper(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"a broken anchor passed the strict Zensical build:\n{output}"
    assert "anchor does not exist" in output and "backend/django/health.md" in output, output
    assert "Traceback" not in output, output
