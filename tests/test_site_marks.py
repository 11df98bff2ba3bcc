"""The proof a reader sees, from a fresh clone on: chips, legend, popovers, anchors, gutter marks, Claims page.

A copy of the repository with no test report is built as `scripts/dev serve` builds it: the build
proves the static level itself, and shows the image and running levels as not run here, with the
command that runs them. A stale report keeps its static proof current and shows the rest as stale,
naming the input that changed. In Chromium, at 1280 px and 390 px: the legend stands before the
first claims; a chip's popover opens by hover, keyboard (Enter, Escape) and touch; a claim's anchor
lands on the claim, below the sticky header, highlighted; a citation lights its whole instruction;
each cited line's gutter mark leads back to its claim; the Claims page filters and keeps its
summary in view; axe-core finds nothing serious or critical in either colour scheme.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from browser import Tabs, elsewhere, served
from test_site_proof import DOCKERFILE_PAGE, copy_repository, green_report, mkdocs_build, write_report

from docverify.report.schema import LEVELS
from docverify.site import live

if TYPE_CHECKING:  # imported by pytest, as the plugin named below, so its module is rewritten once
    from site_builds import Built

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE_URL = "backend/django/deploy/docker/Dockerfile/"
pytest_plugins = ["site_builds"]  # the fresh clone and its build, shared with tests/test_generators.py
CLAIM_PAGES = ("backend/django/deploy/compose/", DOCKERFILE_URL, "backend/django/settings/")
SCHEMES = ("light", "dark")


def built(repo: Path) -> Path:
    result = mkdocs_build(repo, repo / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "site"


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text()


def chip(html: str, line: int, level: str) -> tuple[str, str]:
    """(state, popover text) of a claim's chip at a level."""
    state = re.search(rf'class="dv-chip dv-(\w+)"[^>]*aria-controls="dv-pop-L{line}-{level}"', html)
    pop = re.search(rf'id="dv-pop-L{line}-{level}".*?</span></span>', html, re.S)
    assert state and pop, f"no {level} chip for line {line}"
    return state[1], re.sub(r"<[^>]+>", " ", pop[0])


@pytest.fixture(scope="module")
def fresh(fresh_clone: Path) -> Path:
    """A fresh clone: no report (tests/site_builds.py; tests/test_generators.py reads the same)."""
    return fresh_clone


@pytest.fixture(scope="module")
def fresh_site(fresh_mkdocs: Built) -> Path:
    assert fresh_mkdocs.result.returncode == 0, fresh_mkdocs.output
    print(f"fresh clone built with its static proof in {fresh_mkdocs.seconds:.1f} s")
    return fresh_mkdocs.site


def test_a_fresh_clone_shows_static_proof_and_says_what_is_not_run(fresh: Path, fresh_site: Path) -> None:
    proven = live.run(fresh)
    assert proven.error is None and len(proven.claims) > 30, proven.error
    pages: dict[str, str] = {}
    for ident, claim in proven.claims.items():
        page, _, line = ident.rpartition(":")
        url = page.removeprefix("docs/").removesuffix(".md").removesuffix("README").rstrip("/") + "/"
        html = pages.setdefault(page, html_of(fresh_site, "" if url == "/" else url))
        for level in LEVELS:
            state, text = chip(html, int(line), level)
            if level not in claim.levels:
                assert state == "na", f"{ident} {level}: {state}"
            elif level == "static":
                assert state == "proven", f"{ident}: the build should prove its static level, shows {state}: {text}"
            else:
                assert state == "notrun" and "Not run here" in text and "python3 scripts/dev test" in text, text
    dockerfile = html_of(fresh_site, DOCKERFILE_URL)
    assert "No verification report" in dockerfile and "proved the static level" in dockerfile
    # Each mutant a chip names links to its row of the mutation report.
    mutants = set(re.findall(r'href="[./]*verification/mutations/#mutant-([\w.-]+)"', dockerfile))
    rows = set(re.findall(r'id="mutant-([\w.-]+)"', html_of(fresh_site, "verification/mutations/")))
    assert len(mutants) > 20 and mutants <= rows, f"mutant links without a row: {sorted(mutants - rows)}"


def test_a_lie_fails_its_static_chip_without_a_report(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path)
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("--uid 1000", "--uid 1001", 1))
    html = html_of(built(repo), DOCKERFILE_URL)
    page = (repo / DOCKERFILE_PAGE).read_text().splitlines()
    line = next(n for n, text in enumerate(page, 1) if "User Setup" in text)
    state, text = chip(html, line, "static")
    assert state == "failed" and "1000" in text, text
    assert re.search(rf'data-dv-claim="L{line}" data-dv-state="failed"', html)


def test_narrative_is_tagged_as_narrative_and_each_page_counted(fresh_site: Path) -> None:
    compose = html_of(fresh_site, "backend/django/deploy/compose/")
    tags = re.findall(
        r'<span class="dv-narrative-tag" data-docverify="narrative" title="([^"]+)">([^<]+)</span>', compose
    )
    assert len(tags) == 4 and all(text == "narrative · not proven" and "no test proves" in why for why, text in tags)
    assert 'class="admonition narrative"' in compose and "data-dv-narrated" in compose
    section = compose[compose.index('id="start-the-stack"') :]  # the heading keeps its anchor; its blocks are marked
    assert section.index("dv-narrative-note") < section.index("data-dv-narrated")
    # The legend says what the tag means; a page that is narrative as a whole says so under its title.
    assert "narrative · not proven</span> is explanation, commands or examples" in compose
    home = html_of(fresh_site, "")
    assert home.index("<h1") < home.index('<p class="dv-narrative-note">') < home.index('id="module-map"')
    assert "<p data-dv-narrated" not in home
    claims = html_of(fresh_site, "verification/claims/")
    counted = re.search(r'data-docverify="counts".*?</table>', claims, re.S)
    assert counted and "Statements per page" in counted[0], "the Claims page should count each page's statements"
    row = re.search(r"Dockerfile</a></td>((?:<td>\d+</td>){5})", counted[0])
    assert row and re.findall(r"\d+", row[1])[:3] == ["23", "32", "4"], row and row[1]


def test_a_claim_in_a_table_row_or_a_paragraph_gets_its_chips_and_anchor(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path)
    page = repo / DOCKERFILE_PAGE
    table = "\n| Fact | Statement |\n| --- | --- |\n| **Port:** | Exposes `8000`. |\n"  # at the end: lines stay
    page.write_text(page.read_text() + table + "\n**Stop Signal:** `SIGTERM`.\n")
    html = html_of(built(repo), DOCKERFILE_URL)
    lines = page.read_text().splitlines()
    row = next(n for n, text in enumerate(lines, 1) if text.startswith("| **Port:**"))
    paragraph = next(n for n, text in enumerate(lines, 1) if text.startswith("**Stop Signal:**"))
    assert re.search(rf'<tr class="dv-claim" id="claim-L{row}">|<tr id="claim-L{row}" class="dv-claim">', html)
    assert re.search(
        rf'<p class="dv-claim" id="claim-L{paragraph}">|<p id="claim-L{paragraph}" class="dv-claim">', html
    )
    assert chip(html, row, "static")[0] == "proven"
    assert chip(html, paragraph, "static")[0] in ("proven", "failed")  # read and checked, whichever it is


def test_a_stale_report_keeps_static_proof_and_stales_the_rest(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path)
    write_report(repo, green_report(repo))
    # The same base, spelled out in full: still true, but not what the last test run read.
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("FROM python:", "FROM docker.io/library/python:", 1))
    html = html_of(built(repo), DOCKERFILE_URL)
    static, _ = chip(html, 11, "static")
    image, text = chip(html, 11, "image")
    assert (static, image) == ("proven", "stale"), (static, image)
    assert "the stages of Dockerfile" in text and "python3 scripts/dev test" in text, text
    assert 'class="admonition warning dv-banner"' in html


def test_a_claim_the_report_names_stale_says_which_input_changed(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path)
    data = green_report(repo)
    named = next(c for c in data["claims"] if c["page"] == DOCKERFILE_PAGE and c["title"] == "Command")
    named["stale"] = "Dockerfile:71"
    write_report(repo, data)
    html = html_of(built(repo), DOCKERFILE_URL)
    state, text = chip(html, named["line"], "image")
    assert state == "stale" and "stale because Dockerfile:71 changed" in text, text
    others = [c for c in data["claims"] if c["page"] == DOCKERFILE_PAGE and c is not named]
    assert all(chip(html, c["line"], "image")[0] == "proven" for c in others), "only the named claim is stale"


# --- in the browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def url(fresh_site: Path) -> Iterator[str]:
    with served(fresh_site) as address:
        yield address


@contextmanager
def tab(tabs: Tabs, url: str, width: int, scheme: str = "light", touch: bool = False) -> Iterator[Any]:
    """A tab that may ask only the site, its page errors and console errors kept in `page.errors`."""
    with tabs.lend(width, 900 if width > 500 else 844, scheme, touch) as lent:
        page = lent.page
        errors: list[str] = []
        lent.on("pageerror", lambda error: errors.append(str(error)))
        lent.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        local = urlsplit(url).netloc
        lent.on("request", lambda r: errors.append(f"asked {r.url}") if elsewhere(r.url, local) else None)
        page.errors = errors
        yield page


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def page(tabs: Tabs, url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    with tab(tabs, url, request.param) as opened:
        opened.width = request.param
        yield opened
        errors = opened.errors
    assert not errors, errors


def test_the_legend_stands_before_the_first_claims(page: Any, url: str) -> None:
    for path in CLAIM_PAGES:
        page.goto(url + path)
        legend = page.locator(".dv-legend")
        assert legend.count() == 1 and legend.is_visible(), f"{path}: no visible legend"
        before = legend.evaluate("l => !!(l.compareDocumentPosition(document.querySelector('li.dv-claim')) & 4)")
        assert before, f"{path}: the legend is not before the first claim"
        text = legend.inner_text()
        assert all(word in text for word in ("proven", "failed", "not run", "not applicable", "stale")), text


def popover_of(page: Any, line: int, level: str) -> tuple[Any, Any]:
    return page.locator(f"#claim-L{line} button[aria-controls='dv-pop-L{line}-{level}']"), page.locator(
        f"#dv-pop-L{line}-{level}"
    )


def test_a_chip_opens_by_keyboard_and_closes_with_escape(page: Any, url: str) -> None:
    page.goto(url + DOCKERFILE_URL)
    button, pop = popover_of(page, 43, "static")
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and pop.is_visible()
    text = pop.inner_text()
    assert "static: proven" in text and "Observes" in text and "Test" in text and "User-Setup" in text, text
    assert "Bites" in text and pop.locator("a[href*='mutations']").count() > 0, "the mutants should be links"
    box, width = pop.bounding_box(), page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"the popover leaves the screen: {box}"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not pop.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "dv-pop-L43-static"


def test_a_chip_opens_by_hover(tabs: Tabs, url: str) -> None:
    with tab(tabs, url, 1280) as page:
        page.goto(url + DOCKERFILE_URL)
        button, pop = popover_of(page, 43, "image")
        button.hover()
        assert pop.is_visible() and "image: not run" in pop.inner_text()
        page.mouse.move(5, 5)
        page.wait_for_timeout(400)
        assert not pop.is_visible(), "the popover stays after the pointer left"


def test_a_chip_opens_by_touch(tabs: Tabs, url: str) -> None:
    with tab(tabs, url, 390, touch=True) as page:
        page.goto(url + DOCKERFILE_URL)
        button, pop = popover_of(page, 43, "running")
        button.tap()
        assert pop.is_visible() and button.get_attribute("aria-expanded") == "true"
        page.locator("h1").tap()
        assert not pop.is_visible(), "a tap elsewhere should close the popover"


def header_bottom(page: Any) -> float:
    return float(page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom"))


def test_a_claim_anchor_lands_on_the_claim_highlighted(page: Any, url: str) -> None:
    page.goto(url + DOCKERFILE_URL + "#claim-L43")
    page.wait_for_timeout(300)
    target = page.locator(":target")
    assert target.evaluate("t => t.tagName + '#' + t.id") == "LI#claim-L43"
    box = target.bounding_box()
    assert box and header_bottom(page) <= box["y"] < page.viewport_size["height"], f"under the header: {box}"
    assert target.evaluate("t => getComputedStyle(t).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")


def test_a_citation_lights_the_whole_instruction(page: Any, url: str) -> None:
    page.goto(url + DOCKERFILE_URL)
    page.locator("#claim-L43 a.dv-cite").first.click()
    page.wait_for_function("() => location.hash.length > 1")
    lit = page.locator(".dv-lit")
    text = "\n".join(lit.all_inner_texts())
    assert lit.count() >= 2 and "useradd" in text and "--uid 1000" in text, f"only part of the instruction: {text}"
    colour = lit.last.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), "the continued line is not lit"


def test_every_cited_line_leads_back_to_its_claims(page: Any, url: str) -> None:
    page.goto(url + DOCKERFILE_URL)
    cited = page.eval_on_selector_all("li.dv-claim a.dv-cite", "as => as.map(a => a.textContent)")
    lines = {int(text.split(":")[1]) for text in cited if text.startswith("Dockerfile:")}
    marks = page.locator("#src-dockerfile .dv-gutter-tip")
    marked = {int(n) for n in marks.evaluate_all("ms => ms.map(m => m.dataset.dvLine)")}
    assert lines and lines <= marked, f"cited lines without a gutter mark: {sorted(lines - marked)}"
    # The runtime's user setup, wherever it is now.
    line = next(n for n, text in enumerate((ROOT / "Dockerfile").read_text().splitlines(), 1) if "groupadd" in text)
    gutter = page.locator(f"#src-dockerfile .dv-gutter-tip[data-dv-line='{line}'] a.dv-gutter")
    gutter.click()
    page.wait_for_function("() => location.hash.startsWith('#claim-')")
    target = page.locator(":target")
    assert target.locator("a.dv-cite", has_text=f"Dockerfile:{line}").count() >= 1, "the gutter led to another claim"


def test_every_claim_cites_a_line_or_says_why(page: Any, url: str) -> None:
    for path in (*CLAIM_PAGES, "backend/django/health/", "backend/django/deploy/docker/security/"):
        page.goto(url + path)
        bare = page.eval_on_selector_all(
            "li.dv-claim",
            """items => items.filter(li => {
                const mark = li.querySelector(':scope > .dv-proof, :scope > p > .dv-proof');
                return !mark.querySelector('.dv-cite') && !(mark.querySelector('.dv-nocite')?.textContent.trim());
            }).map(li => li.id)""",
        )
        assert not bare, f"{path}: claims with neither a citation nor a reason: {bare}"


def test_the_claims_page_filters_and_keeps_its_summary_in_view(page: Any, url: str) -> None:
    page.goto(url + "verification/claims/")
    rows = page.locator(".dv-table tbody tr")
    total = rows.count()
    page.select_option("select[name=level]", "image")
    page.select_option("select[name=state]", "notrun")
    visible = page.locator(".dv-table tbody tr:not([hidden])")
    states = visible.evaluate_all("rs => rs.map(r => r.dataset.image)")
    assert 0 < len(states) < total and set(states) == {"notrun"}, states
    assert page.locator("[data-dv-shown]").inner_text() == str(len(states))
    page.select_option("select[name=state]", "failed")
    assert visible.count() == 0 and page.locator(".dv-empty").is_visible()
    page.select_option("select[name=state]", "")
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(200)
    summary = page.locator(".dv-summary").bounding_box()
    assert summary and header_bottom(page) - 1 <= summary["y"] <= header_bottom(page) + 4, f"scrolled away: {summary}"
    if page.width > 500:
        wide = page.evaluate("(c => c.scrollWidth > c.clientWidth)(document.querySelector('.dv-claims'))")
        assert not wide, "the Claims table is wider than its column"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", ["verification/claims/", DOCKERFILE_URL])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_serious(tabs: Tabs, url: str, scheme: str, path: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with tab(tabs, url, width, scheme) as page:
        page.goto(url + path)
        if page.locator("#claim-L43").count():
            page.locator("#claim-L43 button.dv-chip").first.click()  # an open popover is checked too
        found = Axe().run(page).response["violations"]
    # Ours: what docverify adds (its classes start with dv-); the theme's own findings are the theme's.
    serious = [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in found
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
        if "dv-" in str(node["target"]) or "dv-" in node.get("html", "") or "claim-L" in str(node["target"])
    ]
    assert not serious, f"axe at {width} px, {scheme}, {path}:\n" + "\n".join(serious)


def test_the_report_field_stale_is_read(fresh: Path, tmp_path: Path) -> None:
    """A later report may name, per claim, the input that staled it; the reader keeps it."""
    from docverify.site import report as rp

    data = green_report(fresh)  # only read
    data["claims"][0]["stale"] = "Dockerfile:3"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data))
    first = rp.load(path).claims[(data["claims"][0]["page"], data["claims"][0]["line"])]
    assert first.stale == "Dockerfile:3"


def test_a_lent_tab_comes_back_as_a_new_one(tabs: Tabs, url: str) -> None:
    """The shared tabs keep the tests apart: storage, handlers, routes, viewport and page are reset."""
    heard: list[str] = []
    with tabs.lend(1280, 900) as lent:
        lent.on("console", lambda m: heard.append(m.text))
        lent.page.goto(url + DOCKERFILE_URL)
        lent.page.evaluate("() => { localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1'); }")
        lent.route("**/*", lambda r: r.abort())
        lent.page.set_viewport_size({"width": 700, "height": 500})
        first = lent.page
    with tabs.lend(1280, 900) as lent:
        assert lent.page is first and lent.page.url == "about:blank", "the same tab, on a blank page"
        assert lent.page.viewport_size == {"width": 1280, "height": 900}
        lent.page.goto(url + DOCKERFILE_URL)  # would fail if the aborting route had stayed
        kept = lent.page.evaluate("() => [localStorage.getItem('left'), sessionStorage.getItem('left')]")
        assert kept == [None, None], f"storage kept from the last test: {kept}"
        lent.page.evaluate("() => console.log('after')")
        assert "after" not in heard, "a handler of the last test still listens"
