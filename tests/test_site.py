"""The docs site, built and opened in a real browser.

The site must build with `mkdocs build --strict` and not one warning; a broken
link, a missing anchor or a missing embedded file must break that build. In
Chromium, the Dockerfile page must show the real Dockerfile: every embedded
block equals the file on disk (the whole file, and each stage between its
snippet markers), both in the page and in what its copy button copies.

Every page is opened too: it may ask nothing of any host but the local server
(no fonts, no scripts from a CDN, no repository widget calling an API) and must
log no console error. The site's address and repository come from DOCS_*
variables; unset, the pages carry neither.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import elsewhere, served
from once import once
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request

ROOT = Path(__file__).resolve().parent.parent
# Files outside docs/ that pages embed (and mkdocs.yml watches).
# Every file a page embeds (`--8<-- "path[:section]"`), as the pages name them.
EMBEDDED = tuple(
    sorted(
        {
            m.group(1).split(":")[0]
            for page in (ROOT / "docs").rglob("*.md")
            for m in re.finditer(r'^--8<--\s+"([^"]+)"', page.read_text(), re.M)
        }
    )
)
DOCKERFILE_PAGE = "backend/django/deploy/docker/Dockerfile/"
DOCKER_INDEX = "backend/django/deploy/docker/"
MUTATIONS_PAGE = "verification/mutations/"
DIAGRAM = ROOT / "docs" / "assets" / "docker-stages.svg"
SVG = "{http://www.w3.org/2000/svg}"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ARTIFACTS = ROOT / "artifacts"
# pymdownx.snippets' section markers, e.g. `# --8<-- [start:builder]`.
SECTION_MARKER = re.compile(
    r"^.*?-+8<-+[ \t]+\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\].*$", re.I
)


def mkdocs_build(config: Path, site_dir: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """A strict build; the reader's DOCS_* variables are left out, `settings` put in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCS_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ],
        cwd=config.parent,
        env={**env, **settings, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


# --- what the page must show, computed from the files on disk ---------------


def without_markers(text: str) -> str:
    """The file as the whole-file embed shows it: section marker lines dropped."""
    return "".join(line for line in text.splitlines(keepends=True) if not SECTION_MARKER.match(line))


def section(text: str, name: str) -> str:
    """The lines between `[start:name]` and `[end:name]`, nested markers dropped."""
    inside, found, lines = False, False, list[str]()
    for line in text.splitlines(keepends=True):
        marker = SECTION_MARKER.match(line)
        if marker and marker["name"] == name:
            if marker["type"].lower() == "start":
                inside, found = True, True
            else:
                inside = False
            continue
        if inside and not marker:
            lines.append(line)
    assert found, f"no snippet section {name!r} (no `[start:{name}]` marker line)"
    return "".join(lines)


def same_text(shown: str, expected: str) -> bool:
    """Whitespace-exact, apart from one trailing newline."""
    return shown.removesuffix("\n") == expected.removesuffix("\n")


def test_section_reader_on_a_known_text() -> None:
    text = "# head\n# --8<-- [start:a]\nFROM x AS a\n\n# --8<-- [end:a]\n# --8<-- [start:b]\nFROM y\n# --8<-- [end:b]\n"
    assert without_markers(text) == "# head\nFROM x AS a\n\nFROM y\n"
    assert section(text, "a") == "FROM x AS a\n\n"
    assert section(text, "b") == "FROM y\n"


# --- the built and served site ----------------------------------------------


@dataclass(frozen=True)
class Site:
    url: str
    directory: Path
    sources: dict[str, str]  # the embedded files, as they were when the site was built

    def pages(self) -> list[str]:
        """Every page's path below the site's URL, `index.html` dropped as a link would drop it."""
        found = [str(p.relative_to(self.directory)) for p in self.directory.rglob("*.html")]
        return sorted(p.removesuffix("index.html") for p in found)


def read_sources() -> dict[str, str]:
    return {name: (ROOT / name).read_text() for name in EMBEDDED}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Build the real docs strictly into a temporary directory, once a run (tests/site_builds.py), and serve
    it on loopback."""

    def make(site_dir: Path) -> dict[str, Any]:
        # The expected text must be what the build embedded: should a file change
        # while the site builds, build again.
        for _ in range(3):
            sources = read_sources()
            result = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
            if read_sources() == sources:
                return {"sources": sources, "returncode": result.returncode, "output": output_of(result)}
        return {"changing": True}

    site_dir, made = once(tmp_path_factory, "site", make)
    if made.get("changing"):
        pytest.fail(f"{', '.join(EMBEDDED)} kept changing while the site was built")
    output = made["output"]
    assert made["returncode"] == 0, f"mkdocs build --strict failed:\n{output}"
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert not warnings, "mkdocs build printed warnings:\n" + "\n".join(warnings)

    with served(site_dir) as url:
        yield Site(url, site_dir, made["sources"])


QUIET_MS, STEP_MS = 200, 25


@dataclass
class Visit:
    """A browser tab on the site that records what it asks for and what goes wrong."""

    page: Page
    site: Site
    foreign: list[str] = field(default_factory=list)  # requests to any host but the local server
    errors: list[str] = field(default_factory=list)
    where: str = ""  # the page being looked at, for the records above
    pending: set[Request] = field(default_factory=set)  # asked and not yet answered

    def go(self, path: str) -> None:
        self.where = path or "/"
        response = self.page.goto(self.site.url + path)
        assert response is not None and response.ok, f"{self.site.url + path} answered {response and response.status}"
        self.settle()

    def settle(self, quiet_ms: int = QUIET_MS, limit_ms: int = 15_000) -> None:
        """Until nothing is in flight for `quiet_ms`: what Playwright's "networkidle" waits for (500 ms),
        counted from the requests themselves, as a local server answers in a few milliseconds."""
        quiet = waited = 0
        while quiet < quiet_ms:
            assert waited < limit_ms, f"{self.where}: requests still in flight after {limit_ms} ms: {self.pending}"
            self.page.wait_for_timeout(STEP_MS)  # Playwright delivers the request events while it waits
            waited += STEP_MS
            quiet = quiet + STEP_MS if not self.pending else 0

    def problems(self) -> list[str]:
        return self.foreign + self.errors


def open_visit(browser: Browser, site: Site, viewport: dict[str, int]) -> tuple[Visit, Any]:
    context = browser.new_context(viewport={"width": viewport["width"], "height": viewport["height"]})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    visit = Visit(context.new_page(), site)
    local = urlsplit(site.url).netloc

    def on_request(request: Request) -> None:
        visit.pending.add(request)
        if elsewhere(request.url, local):  # it fails at the browser's dead proxy (tests/browser.py)
            visit.foreign.append(f"{visit.where}: asked {request.url}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            visit.errors.append(f"{visit.where}: console error: {message.text} ({message.location.get('url', '')})")

    visit.page.on("request", on_request)
    visit.page.on("requestfinished", lambda request: visit.pending.discard(request))
    visit.page.on("requestfailed", lambda request: visit.pending.discard(request))
    visit.page.on("console", on_console)
    visit.page.on("pageerror", lambda error: visit.errors.append(f"{visit.where}: page error: {error}"))
    return visit, context


@pytest.fixture
def visit(browser: Browser, site: Site) -> Iterator[Visit]:
    visit, context = open_visit(browser, site, DESKTOP)
    try:
        yield visit
    finally:
        context.close()


def test_site_builds_strictly_without_warnings(site: Site) -> None:
    assert site.url.startswith("http://127.0.0.1:")


def test_every_page_asks_only_the_local_server(visit: Visit, site: Site) -> None:
    """A first visit to each page, as a reader's browser makes it: nothing from elsewhere, no errors."""
    pages = site.pages()
    assert len(pages) > 10, pages
    for path in pages:
        visit.go(path)
    assert not visit.problems(), "pages asked other hosts or logged errors:\n" + "\n".join(visit.problems())


def test_without_settings_no_page_names_a_repository(site: Site) -> None:
    """Unset DOCS_* variables: no canonical URL, no repository widget, no edit link."""
    found = []
    for page in sorted(site.directory.rglob("*.html")):
        html = page.read_text("utf-8")
        for sign in ('rel="canonical"', 'class="md-source"', 'rel="edit"', "acme"):
            if sign in html:
                found.append(f"{page.relative_to(site.directory)}: {sign}")
    assert not found, "pages carry repository or site settings nobody set:\n" + "\n".join(found)


def code_blocks(page: Page, heading_id: str) -> Locator:
    """The `<code>` elements of code blocks between a heading and the next h2."""
    return page.locator(
        f"xpath=//h2[@id='{heading_id}']/following-sibling::*"
        f"[count(preceding-sibling::h2) = count(//h2[@id='{heading_id}']/preceding-sibling::h2) + 1]"
        "/descendant-or-self::div[contains(@class, 'language-dockerfile')]//pre/code"
    )


def title(page: Page) -> str:
    """The page's h1, without the toc extension's permalink sign."""
    return page.locator("h1").first.inner_text().strip().removesuffix("¶").strip()


def copied_text(page: Page, code: Locator) -> str:
    """What the block's copy button puts on the clipboard."""
    pre = code.locator("xpath=..")
    pre.hover()
    pre.locator("button.md-clipboard, button[data-md-type='copy']").first.click()
    return str(page.evaluate("() => navigator.clipboard.readText()"))


def test_dockerfile_page(visit: Visit, site: Site) -> None:
    page = visit.page
    dockerfile = site.sources["Dockerfile"]
    url = site.url
    expected = {
        "stage-1-builder": section(dockerfile, "builder"),
        "stage-2-runtime": section(dockerfile, "runtime"),
        "the-whole-dockerfile": without_markers(dockerfile),
    }

    visit.go(DOCKERFILE_PAGE)
    assert title(page) == "📜 Dockerfile"

    blocks = {}
    for heading_id, text in expected.items():
        found = code_blocks(page, heading_id)
        assert found.count() == 1, (
            f"section #{heading_id} should hold exactly one Dockerfile block, has {found.count()}"
        )
        code = blocks[heading_id] = found.first
        # A block in a collapsed admonition is opened, as a reader would.
        details = code.locator("xpath=ancestor::details")
        if details.count() and not details.first.evaluate("d => d.open"):
            details.first.locator("summary").first.click()
        assert code.is_visible(), f"the Dockerfile block in #{heading_id} is not visible"
        shown = code.text_content() or ""
        assert same_text(shown, text), f"#{heading_id} shows other text than the Dockerfile:\n{shown}"

    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "dockerfile-page.png"), full_page=True)

    for heading_id, text in expected.items():
        copied = copied_text(page, blocks[heading_id])
        assert copied == text.rstrip(), f"#{heading_id}'s copy button copies other text than the Dockerfile:\n{copied}"

    header = page.locator("article")
    back = header.get_by_role("link", name=re.compile(r"^\W*Back$"))
    assert back.count() == 1, "the page should have one Back link"
    back.click()
    page.wait_for_url(url + DOCKER_INDEX)
    assert title(page) == "🐳 Docker"

    page.go_back()
    page.wait_for_url(url + DOCKERFILE_PAGE)
    root = header.get_by_role("link", name=re.compile(r"^\W*Docs Root$"))
    assert root.count() == 1, "the page should have one Docs Root link"
    root.click()
    page.wait_for_url(url)
    assert title(page) == "📚 Backend Django"

    assert not visit.problems(), "the browser saw other hosts or errors:\n" + "\n".join(visit.problems())


# --- pages at a glance ----------------------------------------------------------


def diagram_check(root: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("docverify")), "diagram", "--root", str(root), "--check"]
    return subprocess.run([*command, str(root / DIAGRAM.relative_to(ROOT))], capture_output=True, text=True)


def test_the_diagram_is_drawn_from_the_proven_claims_and_says_so_in_its_alt_text() -> None:
    """Every word of the stage diagram comes from the claims and the Dockerfile; every page gives it that alt."""
    result = diagram_check(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    desc = "".join(next(ET.parse(DIAGRAM).getroot().iter(f"{SVG}desc")).itertext())
    shown = 0
    for page in (ROOT / "docs").rglob("*.md"):
        for alt in re.findall(r"!\[([^\]]*)\]\([^)]*docker-stages\.svg\)", page.read_text()):
            shown += 1
            assert alt == desc, f"{page.relative_to(ROOT)}: the diagram's alt text is not its description"
    assert shown >= 2, "the Dockerfile and Docker pages should show the diagram"


def test_the_diagram_goes_stale_when_a_claim_or_a_stage_changes(tmp_path: Path) -> None:
    for name in ("Dockerfile", "entrypoint.sh", "compose.yaml", "pyproject.toml", "poetry.lock", "mkdocs.yml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for name in ("docs", "tests", "src/docverify/README.md", "benchmarks/results.md", "benchmarks/mutation-report.md"):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, target)
    assert diagram_check(tmp_path).returncode == 0
    page = tmp_path / "docs/backend/django/deploy/docker/Dockerfile.md"
    claim = "Installs `libpq5` (PostgreSQL client library) and `curl` (for health checks)."
    page.write_text(page.read_text().replace(claim, "Installs `libpq5` (PostgreSQL client library)."))
    stale = diagram_check(tmp_path)
    assert stale.returncode == 1 and "the stage diagram is stale" in stale.stdout, stale.stdout + stale.stderr
    page.write_text(page.read_text().replace("Installs `libpq5` (PostgreSQL client library).", claim))
    dockerfile = tmp_path / "Dockerfile"
    written = "FROM python:3.13-slim AS runtime"
    dockerfile.write_text(dockerfile.read_text().replace(written, "FROM docker.io/library/python:3.13-slim AS runtime"))
    assert diagram_check(tmp_path).returncode == 1  # the same image, but the diagram quotes FROM as written
    dockerfile.write_text(dockerfile.read_text().replace("AS runtime", "AS server"))
    renamed = diagram_check(tmp_path)
    said = "Dockerfile.md:40: under the heading `Stage 2: Runtime` (line 38): Dockerfile:"
    assert renamed.returncode == 2 and said in renamed.stderr, renamed.stderr


def test_the_docker_page_shows_the_stage_diagram(visit: Visit) -> None:
    visit.go(DOCKER_INDEX)
    diagram = visit.page.locator("article img.stage-diagram")
    assert diagram.count() == 1, "the Docker page should show one stage diagram"
    assert diagram.is_visible()
    size = diagram.evaluate("img => [img.naturalWidth, img.getBoundingClientRect().width]")
    assert size[0] > 0, "the stage diagram did not load"
    assert size[1] > 300, f"the stage diagram is drawn {size[1]} px wide"
    assert not visit.problems(), "\n".join(visit.problems())


def page_size(visit: Visit) -> tuple[int, int]:
    width, height = visit.page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    return int(width), int(height)


def test_the_mutation_report_reads_on_a_phone(browser: Browser, site: Site) -> None:
    """At 390 px the report must not scroll sideways, nor grow far taller than on a desktop.

    Its wide table once squeezed the test ids to a few characters a line: 22,182 px tall at 390 px
    against 6,907 px at 1280 px.
    """
    sizes = {}
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        visit, context = open_visit(browser, site, viewport)
        try:
            visit.go(MUTATIONS_PAGE)
            sizes[name] = page_size(visit)
            assert not visit.problems(), "\n".join(visit.problems())
        finally:
            context.close()
    (phone_width, phone_height), (_, desktop_height) = sizes["phone"], sizes["desktop"]
    figures = f"{phone_height} px tall at {PHONE['width']} px wide, {desktop_height} px at {DESKTOP['width']} px"
    assert phone_width <= PHONE["width"], f"the mutation report scrolls sideways on a phone ({phone_width} px wide)"
    assert phone_height <= 1.5 * desktop_height, f"the mutation report is too long on a phone: {figures}"


# --- the site's settings ----------------------------------------------------------


SETTINGS = {
    "DOCS_SITE_URL": "https://docs.example.org/backend-django/",
    "DOCS_REPO_URL": "https://github.com/example/backend-django",
    "DOCS_EDIT_URI": "edit/main/docs/",
}


def test_settings_give_the_site_its_address_repository_and_edit_links(docs_copy: Path) -> None:
    site = docs_copy.parent / "site"
    result = mkdocs_build(docs_copy, site, **SETTINGS)
    assert result.returncode == 0, output_of(result)
    html = (site / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{SETTINGS["DOCS_SITE_URL"]}">' in html
    assert f'href="{SETTINGS["DOCS_REPO_URL"]}"' in html and 'class="md-source"' in html
    assert f'href="{SETTINGS["DOCS_REPO_URL"]}/edit/main/docs/README.md"' in html


def test_empty_settings_count_as_unset(docs_copy: Path) -> None:
    site = docs_copy.parent / "site"
    result = mkdocs_build(docs_copy, site, **dict.fromkeys(SETTINGS, ""))
    assert result.returncode == 0, output_of(result)
    html = (site / "index.html").read_text("utf-8")
    for sign in ('rel="canonical"', 'class="md-source"', 'rel="edit"'):
        assert sign not in html, f"empty DOCS_* variables still gave the page {sign}"


def test_an_edit_uri_without_a_repository_breaks_the_build(docs_copy: Path) -> None:
    result = mkdocs_build(docs_copy, docs_copy.parent / "site", DOCS_EDIT_URI="edit/main/docs/")
    assert result.returncode != 0, f"an edit link without a repository built:\n{output_of(result)}"
    assert "edit_uri" in output_of(result), output_of(result)


# --- the strict build catches what is broken ----------------------------------


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    """mkdocs.yml, docs/ and the embedded files, copied; returns the copy's mkdocs.yml."""
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(
        ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "conftest.py")
    )
    for name in EMBEDDED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path / "mkdocs.yml"


def append(page: Path, text: str) -> None:
    page.write_text(page.read_text() + "\n" + text + "\n")


def assert_build_fails_naming(config: Path, target: str) -> None:
    result = mkdocs_build(config, config.parent / "site")
    output = output_of(result)
    assert result.returncode != 0, f"the strict build passed although {target} is missing:\n{output}"
    assert target in output, f"the failed build does not name {target}:\n{output}"


def test_the_copy_builds(docs_copy: Path) -> None:
    """The copy alone builds, so the failures below come from what they break."""
    result = mkdocs_build(docs_copy, docs_copy.parent / "site")
    assert result.returncode == 0, output_of(result)


def test_a_link_to_a_missing_page_breaks_the_build(docs_copy: Path) -> None:
    append(docs_copy.parent / "docs/backend/django/health.md", "See [the missing page](./no-such-page.md).")
    assert_build_fails_naming(docs_copy, "no-such-page.md")


def test_a_link_to_a_missing_anchor_breaks_the_build(docs_copy: Path) -> None:
    append(
        docs_copy.parent / "docs/backend/django/deploy/docker/entrypoint.md",
        "See [a stage](./Dockerfile.md#no-such-anchor).",
    )
    assert_build_fails_naming(docs_copy, "no-such-anchor")


def test_a_missing_snippet_file_breaks_the_build(docs_copy: Path) -> None:
    append(docs_copy.parent / "docs/backend/django/deploy/compose.md", '```yaml\n--8<-- "NoSuchFile"\n```')
    assert_build_fails_naming(docs_copy, "NoSuchFile")


def test_an_embedded_file_builds_with_python_markdowns_own_fences(tmp_path: Path) -> None:
    """Without superfences (Python-Markdown's own fences, attr_list and snippets), a page embedding a file
    still builds: its fence gets no `linenums`, which that extension would write out as an attribute."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "Dockerfile").write_text('FROM python:3.13-slim\nCMD ["python3"]\n')
    (tmp_path / "pyproject.toml").write_text('[tool.docverify]\ndocs = "docs"\n')
    (tmp_path / "docs" / "index.md").write_text('# Image\n\n```dockerfile\n--8<-- "Dockerfile"\n```\n')
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nmarkdown_extensions: [attr_list, pymdownx.snippets]\nplugins: [docverify]\n")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    html = (tmp_path / "site" / "index.html").read_text()
    assert 'data-dv-file="Dockerfile"' in html and "CMD" in html, html[-2000:]
