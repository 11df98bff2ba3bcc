"""The docs site, built and opened in a real browser.

The site must build with `mkdocs build --strict` and not one warning; a broken
link, a missing anchor or a missing embedded file must break that build. In
Chromium, the Dockerfile page must show the real Dockerfile: every embedded
block equals the file on disk (the whole file, and each stage between its
snippet markers), both in the page and in what its copy button copies.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Files outside docs/ that pages embed (and mkdocs.yml watches).
EMBEDDED = ("Dockerfile", "entrypoint.sh", "compose.yaml", "benchmarks/results.md", "benchmarks/mutation-report.md")
DOCKERFILE_PAGE = "backend/django/deploy/docker/Dockerfile/"
DOCKER_INDEX = "backend/django/deploy/docker/"
ARTIFACTS = ROOT / "artifacts"
# pymdownx.snippets' section markers, e.g. `# --8<-- [start:builder]`.
SECTION_MARKER = re.compile(r"^.*?-+8<-+[ \t]+\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\].*$", re.I)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def output_of(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


# --- what the page must show, computed from the files on disk ---------------


def without_markers(text: str) -> str:
    """The file as the whole-file embed shows it: section marker lines dropped."""
    return "".join(line for line in text.splitlines(keepends=True) if not SECTION_MARKER.match(line))


def section(text: str, name: str) -> str:
    """The lines between `[start:name]` and `[end:name]`, nested markers dropped."""
    inside, found, lines = False, False, []
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
    assert found, f"Dockerfile has no snippet section {name!r}"
    return "".join(lines)


def same_text(shown: str, expected: str) -> bool:
    """Whitespace-exact, apart from one trailing newline."""
    return shown.removesuffix("\n") == expected.removesuffix("\n")


def test_section_reader_on_a_known_text():
    text = "# head\n# --8<-- [start:a]\nFROM x AS a\n\n# --8<-- [end:a]\n# --8<-- [start:b]\nFROM y\n# --8<-- [end:b]\n"
    assert without_markers(text) == "# head\nFROM x AS a\n\nFROM y\n"
    assert section(text, "a") == "FROM x AS a\n\n"
    assert section(text, "b") == "FROM y\n"


# --- the built and served site ----------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@dataclass(frozen=True)
class Site:
    url: str
    sources: dict[str, str]  # the embedded files, as they were when the site was built


def read_sources() -> dict[str, str]:
    return {name: (ROOT / name).read_text() for name in EMBEDDED}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """Build the real docs strictly into a temporary directory and serve it on loopback."""
    site_dir = tmp_path_factory.mktemp("site")
    # The expected text must be what the build embedded: should a file change
    # while the site builds, build again.
    for _ in range(3):
        sources = read_sources()
        result = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
        if read_sources() == sources:
            break
    else:
        pytest.fail(f"{', '.join(EMBEDDED)} kept changing while the site was built")
    output = output_of(result)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{output}"
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert not warnings, "mkdocs build printed warnings:\n" + "\n".join(warnings)

    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}/", sources)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); the browser test needs Debian's Chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, site: Site):
    """A fresh page that may talk to loopback only, with its errors recorded.

    Requests elsewhere (the theme asks GitHub's API for the repository's
    stars) are aborted and listed, and their aborts are not page errors.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = context.new_page()
    page.blocked = []
    page.errors = []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    def on_console(message):
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if source in page.blocked and "net::ERR_FAILED" in message.text:
            return  # the abort above, not a fault of the site
        page.errors.append(f"console error: {message.text} ({source})")

    page.route("**/*", only_loopback)
    page.on("console", on_console)
    page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
    try:
        yield page
    finally:
        context.close()


def test_site_builds_strictly_without_warnings(site):
    assert site.url.startswith("http://127.0.0.1:")


def code_blocks(page, heading_id: str):
    """The `<code>` elements of code blocks between a heading and the next h2."""
    return page.locator(
        f"xpath=//h2[@id='{heading_id}']/following-sibling::*"
        f"[count(preceding-sibling::h2) = count(//h2[@id='{heading_id}']/preceding-sibling::h2) + 1]"
        "/descendant-or-self::div[contains(@class, 'language-dockerfile')]//pre/code"
    )


def title(page) -> str:
    """The page's h1, without the toc extension's permalink sign."""
    return page.locator("h1").first.inner_text().strip().removesuffix("¶").strip()


def copied_text(page, code) -> str:
    """What the block's copy button puts on the clipboard."""
    pre = code.locator("xpath=..")
    pre.hover()
    pre.locator("button.md-clipboard, button[data-md-type='copy']").first.click()
    return page.evaluate("() => navigator.clipboard.readText()")


def test_dockerfile_page(page, site: Site):
    dockerfile = site.sources["Dockerfile"]
    url = site.url
    expected = {
        "stage-1-builder": section(dockerfile, "builder"),
        "stage-2-runtime": section(dockerfile, "runtime"),
        "the-whole-dockerfile": without_markers(dockerfile),
    }

    response = page.goto(url + DOCKERFILE_PAGE)
    assert response is not None and response.ok, f"{url + DOCKERFILE_PAGE} answered {response and response.status}"
    assert title(page) == "📜 Dockerfile"

    blocks = {}
    for heading_id, text in expected.items():
        found = code_blocks(page, heading_id)
        assert found.count() == 1, f"section #{heading_id} should hold exactly one Dockerfile block, has {found.count()}"
        code = blocks[heading_id] = found.first
        # Stage blocks sit in collapsed admonitions: open them, as a reader would.
        details = code.locator("xpath=ancestor::details")
        if details.count() and not details.first.evaluate("d => d.open"):
            details.first.locator("summary").first.click()
        assert code.is_visible(), f"the Dockerfile block in #{heading_id} is not visible"
        shown = code.text_content()
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

    assert not page.errors, "the browser reported errors:\n" + "\n".join(page.errors)
    assert all(urlsplit(url).hostname == "api.github.com" for url in page.blocked), page.blocked


# --- the strict build catches what is broken ----------------------------------


@pytest.fixture
def docs_copy(tmp_path) -> Path:
    """mkdocs.yml, docs/ and the embedded files, copied; returns the copy's mkdocs.yml."""
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "conftest.py"))
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


def test_the_copy_builds(docs_copy):
    """The copy alone builds, so the failures below come from what they break."""
    result = mkdocs_build(docs_copy, docs_copy.parent / "site")
    assert result.returncode == 0, output_of(result)


def test_a_link_to_a_missing_page_breaks_the_build(docs_copy):
    append(docs_copy.parent / "docs/backend/django/health.md", "See [the missing page](./no-such-page.md).")
    assert_build_fails_naming(docs_copy, "no-such-page.md")


def test_a_link_to_a_missing_anchor_breaks_the_build(docs_copy):
    append(docs_copy.parent / "docs/backend/django/deploy/docker/entrypoint.md", "See [a stage](./Dockerfile.md#no-such-anchor).")
    assert_build_fails_naming(docs_copy, "no-such-anchor")


def test_a_missing_snippet_file_breaks_the_build(docs_copy):
    append(docs_copy.parent / "docs/backend/django/deploy/compose.md", '```yaml\n--8<-- "NoSuchFile"\n```')
    assert_build_fails_naming(docs_copy, "NoSuchFile")
