"""The published docs show their proof: docverify's Markdown extension and MkDocs plugin.

The report reader refuses each kind of bad input with one clear sentence. A
real `mkdocs build` of a copy of this repository, given a green report made
from its current files, marks every claim with a chip per level, lists every
claim Sybil collects on the Claims page, and links each claim to the real line
it was proven against; Chromium shows that line highlighted, and every
embedded line's number is its number in the real file. With publishing on, a
changed file or a failed claim stops the build, naming it. (tests/test_site_marks.py
covers the proof without a report, the legend, popovers, anchors and gutter marks.)
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import Tabs, elsewhere, served
from once import once

from docverify.config import from_pyproject
from docverify.report.schema import SCHEMA
from docverify.run import vocab
from docverify.run.walk import Walk
from docverify.site import report as rp
from docverify.site import scan, verdict

ROOT = Path(__file__).resolve().parent.parent
COPIED = (
    "mkdocs.yml",
    ".dockerignore",
    "docs",
    "Dockerfile",
    "entrypoint.sh",
    "compose.yaml",
    "pyproject.toml",
    "poetry.lock",
    "benchmarks",
    "src/docverify/README.md",  # the Vocabulary page embeds its reference section
    "tests",  # the project's labels (the build proves the static level itself when the report cannot)
)
HASHED = ("Dockerfile", "entrypoint.sh", "compose.yaml", "pyproject.toml", "poetry.lock")
DOCKERFILE_PAGE = "docs/backend/django/deploy/docker/Dockerfile.md"
ARTIFACTS = ROOT / "artifacts"
ENGINE = verdict.installed_engine() or "0.2.0"
LEVELS = ["static", "image", "running"]


# --- a synthetic report, made from the files as they are ---------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def cite_for(text: str, dockerfile: list[str], start: int) -> list[str]:
    """The first instruction line from `start` holding the claim's first value, as the engine would cite it."""
    values = re.findall(r"`([^`]+)`", text)
    for number, line in enumerate(dockerfile, start=1):
        if number >= start and values and values[0] in line and not line.lstrip().startswith("#"):
            return [f"Dockerfile:{number}"]
    return []


def stage_start(page_text: str, dockerfile: list[str], line: int) -> int:
    """Where in the Dockerfile the stage a claim speaks of begins (its `## Stage 2` heading -> second FROM)."""
    headings = [n for n, text in enumerate(page_text.splitlines(), start=1) if text.startswith("## Stage ")]
    stage = sum(1 for n in headings if n < line)
    froms = [n for n, text in enumerate(dockerfile, start=1) if text.startswith("FROM ")]
    return froms[stage - 1] if 0 < stage <= len(froms) else 1


def recorded_inputs(repo: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Per claim id and level, what the engine records its proof read: the static pass's own inputs
    (the stages, for a claim it has no check for); the image level's are those and the final stage's build."""
    settings = from_pyproject(repo)
    walk = Walk(settings, vocab.build(settings.packs, settings.vocabularies))
    build, stages = walk.inputs.of(["build:final"]), walk.inputs.of(["dockerfile:stages"])
    outcomes = walk.static()
    found = {}
    for claim in walk.claims():
        static = outcomes[claim.id].inputs if claim.id in outcomes else stages
        found[claim.id] = {"static": static, "image": static | build}
    return found


def green_report(repo: Path) -> dict[str, Any]:
    dockerfile = (repo / "Dockerfile").read_text().splitlines()
    inputs = recorded_inputs(repo)
    pages = sorted(p.relative_to(repo).as_posix() for p in (repo / "docs").rglob("*.md"))
    claims = []
    for page in pages:
        text = (repo / page).read_text()
        for bullet in scan.bullets(text):
            start = stage_start(text, dockerfile, bullet.line)
            claims.append(
                {
                    "id": f"{page}:{bullet.line}",
                    "page": page,
                    "line": bullet.line,
                    "label": bullet.label,
                    "title": bullet.title,
                    "stage": None,
                    "text": bullet.text,
                    "text_sha256": rp.sha256_text(bullet.text),
                    "expected_levels": LEVELS[:2],
                    "levels": {
                        name: {
                            "outcome": "passed",
                            "message": None,
                            "duration": 0.01,
                            "date": "2026-11-27T21:04:05Z",
                            "inputs": inputs.get(f"{page}:{bullet.line}", {}).get(name, {}),
                        }
                        for name in LEVELS[:2]
                    },
                    "cites": cite_for(bullet.text, dockerfile, start) if page == DOCKERFILE_PAGE else [],
                }
            )
    return {
        "schema": SCHEMA,
        "engine": ENGINE,
        "run": {
            "commit": git(repo, "rev-parse", "HEAD"),
            "dirty": False,
            "date": "2026-11-27T21:04:05Z",
            "docker": None,
        },
        "files": {name: rp.sha256_file(repo / name) for name in (*HASHED, *pages)},
        "claims": claims,
    }


def write_report(repo: Path, data: dict[str, Any]) -> Path:
    path = repo / "artifacts" / "docverify-report.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
    return path


def copy_repository(into: Path) -> Path:
    """A committed copy of the files the site is built from."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
            shutil.copytree(source, into / name, ignore=ignore)
        else:
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    (into / ".gitignore").write_text("artifacts/\nsite/\n")
    git(into, "init", "-q")
    git(into, "add", "-A")
    git(into, "-c", "user.name=t", "-c", "user.email=t@127.0.0.1", "commit", "-qm", "copy")
    return into


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of the files the site is built from, with a green report (once a run: tests/once.py)."""

    def make(copy: Path) -> dict[str, Any]:
        write_report(copy_repository(copy), green_report(copy))
        return {}

    return once(tmp_path_factory, "site-proof-repo", make)[0]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) == count, f"{path.name}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new))


def mkdocs_build(repo: Path, site: Path, publish: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCVERIFY_PUBLISH": "1" if publish else "0"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- the reader: every kind of bad input, one clear sentence -----------------


def load_json(tmp_path: Path, text: str) -> rp.Report:
    path = tmp_path / "report.json"
    path.write_text(text)
    return rp.load(path)


def test_a_missing_report_is_named(tmp_path: Path) -> None:
    with pytest.raises(rp.ReportError, match="no verification report at .*nothing.json"):
        rp.load(tmp_path / "nothing.json")


def test_truncated_json_is_called_truncated(tmp_path: Path, repo: Path) -> None:
    text = (repo / "artifacts/docverify-report.json").read_text()
    with pytest.raises(rp.ReportError, match=r"not valid JSON \(line \d+: .*\); it may be truncated"):
        load_json(tmp_path, text[: len(text) // 2])


def test_an_older_schema_is_refused(tmp_path: Path, repo: Path) -> None:
    data = green_report(repo) | {"schema": 0}
    with pytest.raises(rp.ReportError, match="the report has schema 0; this site reads schema 2"):
        load_json(tmp_path, json.dumps(data))


def test_a_wrongly_typed_field_is_named(tmp_path: Path, repo: Path) -> None:
    data = green_report(repo)
    data["claims"][0]["line"] = "9"
    with pytest.raises(rp.ReportError, match=r"claims\[0\] 'line' should be int, is str"):
        load_json(tmp_path, json.dumps(data))


def assess(repo: Path, data: dict[str, Any], engine: str = ENGINE, tmp: Path | None = None) -> verdict.Assessment:
    path = (tmp or repo / "artifacts") / "assessed.json"
    path.write_text(json.dumps(data))
    pages = [p.relative_to(repo).as_posix() for p in (repo / "docs").rglob("*.md")]
    return verdict.assess(path, repo, pages, engine)


def test_an_older_engine_blocks_every_tick(repo: Path, tmp_path: Path) -> None:
    found = assess(repo, green_report(repo) | {"engine": "0.1.9"}, engine="0.2.0", tmp=tmp_path)
    assert found.blocker and "written by docverify 0.1.9; this is docverify 0.2.0" in found.blocker


def test_a_dirty_tree_stops_publishing_and_another_commit_does_not(repo: Path, tmp_path: Path) -> None:
    data = green_report(repo)
    data["run"] |= {"commit": "0" * 40}
    assert verdict.publish_errors(assess(repo, data, tmp=tmp_path), []) == []
    data["run"] |= {"dirty": True}
    errors = verdict.publish_errors(assess(repo, data, tmp=tmp_path), [])
    assert errors == ["the report comes from a tree with uncommitted changes (commit 0000000)"], errors


def views(repo: Path, data: dict[str, Any], tmp_path: Path) -> list[verdict.View]:
    found = assess(repo, data, tmp=tmp_path)
    pages = sorted(p.relative_to(repo).as_posix() for p in (repo / "docs").rglob("*.md"))
    return [
        verdict.view(found, page, bullet, repo, {})
        for page in pages
        for bullet in scan.bullets((repo / page).read_text())
    ]


def test_a_changed_instruction_stales_only_the_claims_whose_proof_read_it(scratch: Path, tmp_path: Path) -> None:
    data = json.loads((scratch / "artifacts/docverify-report.json").read_text())
    edit(scratch / "Dockerfile", '"core.wsgi:application"', '"core.wsgi:app"')  # a word the Command claim names
    shown = views(scratch, data, tmp_path)
    stale = {v.bullet.title: v.reason for v in shown if v.state != "proven"}
    assert set(stale) == {"Command", "Lint"}, stale
    line = next(n for n, text in enumerate((scratch / "Dockerfile").read_text().splitlines(), 1) if "--workers" in text)
    assert stale["Command"] == (
        f"what its static proof read changed since the last test run: the CMD of stage runtime (Dockerfile:{line}), "
        "as far as the claim's words `gunicorn`, `core.wsgi:application`, `0.0.0.0:8000` go"
    ), stale["Command"]
    assert verdict.publish_errors(assess(scratch, data, tmp=tmp_path), shown), "a stale claim must stop publishing"


def test_a_comment_stales_nothing(scratch: Path, tmp_path: Path) -> None:
    data = json.loads((scratch / "artifacts/docverify-report.json").read_text())
    edit(scratch / "Dockerfile", "\nEXPOSE 8000\n", "\n# The port the server binds, below.\nEXPOSE 8000\n")
    assert [v.where for v in views(scratch, data, tmp_path) if v.state != "proven"] == []


def test_a_level_that_recorded_no_inputs_is_stale_when_any_file_changed(scratch: Path, tmp_path: Path) -> None:
    data = json.loads((scratch / "artifacts/docverify-report.json").read_text())
    claim = on_dockerfile_page(data)
    claim["levels"]["image"].pop("inputs")
    edit(scratch / "Dockerfile", "\nEXPOSE 8000\n", "\n# The port the server binds, below.\nEXPOSE 8000\n")
    shown = {v.bullet.line: v for v in views(scratch, data, tmp_path) if v.page == DOCKERFILE_PAGE}
    assert (shown[claim["line"]].state, shown[claim["line"]].reason) == (
        "stale",
        "Dockerfile changed since the last test run",
    )
    assert [v.where for v in shown.values() if v.state != "proven" and v.bullet.line != claim["line"]] == []


def claim_view(repo: Path, data: dict[str, Any], tmp_path: Path, line: int) -> verdict.View:
    found = assess(repo, data, tmp=tmp_path)
    bullet = next(b for b in scan.bullets((repo / DOCKERFILE_PAGE).read_text()) if b.line == line)
    return verdict.view(found, DOCKERFILE_PAGE, bullet, repo, {})


def on_dockerfile_page(data: dict[str, Any]) -> dict[str, Any]:
    claim: dict[str, Any] = next(c for c in data["claims"] if c["page"] == DOCKERFILE_PAGE)
    return claim


def test_a_failed_claim_shows_its_message(repo: Path, tmp_path: Path) -> None:
    data = green_report(repo)
    claim = on_dockerfile_page(data)
    claim["levels"]["image"] = {"outcome": "failed", "message": "Dockerfile:6 has python:3.12"}
    shown = claim_view(repo, data, tmp_path, claim["line"])
    assert (shown.state, shown.reason) == ("failed", "image: Dockerfile:6 has python:3.12")


def test_a_cited_line_past_the_end_of_the_file_is_named(repo: Path, tmp_path: Path) -> None:
    data = green_report(repo)
    claim = on_dockerfile_page(data)
    claim["cites"] = ["Dockerfile:900"]
    length = len((repo / "Dockerfile").read_text().splitlines())
    shown = claim_view(repo, data, tmp_path, claim["line"])
    assert (shown.state, shown.reason) == ("stale", f"it cites Dockerfile:900, but Dockerfile has {length} lines")


def test_a_changed_claim_text_is_stale(repo: Path, tmp_path: Path) -> None:
    data = green_report(repo)
    claim = on_dockerfile_page(data)
    claim["text_sha256"] = "0" * 64
    shown = claim_view(repo, data, tmp_path, claim["line"])
    assert shown.state == "stale"


# --- publishing refuses what is not proven -----------------------------------


@pytest.fixture
def scratch(repo: Path, tmp_path: Path) -> Path:
    """Another committed copy, free to break."""
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def published(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The copy's docs with its green report, built to publish (once a run). The pages are a served build's:
    publishing only adds the refusal. The browser tests below read the same build."""

    def make(site_dir: Path) -> dict[str, Any]:
        result = mkdocs_build(repo, site_dir, publish=True)
        return {"args": result.args, "returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}

    site_dir, made = once(tmp_path_factory, "site-proof-published", make)
    return site_dir, subprocess.CompletedProcess(made["args"], made["returncode"], made["stdout"], made["stderr"])


def test_a_green_report_publishes(published: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    result = published[1]
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_dockerfile_stops_publishing(scratch: Path) -> None:
    edit(scratch / "Dockerfile", "WORKDIR /app", "WORKDIR /apq", count=3)
    result = mkdocs_build(scratch, scratch / "site", publish=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the publish build passed with a changed Dockerfile:\n{output}"
    assert "what its static proof read changed since the last test run: the WORKDIR instructions of stage" in output
    assert "Traceback" not in output, output


def test_changed_settings_stop_publishing_though_every_file_the_checks_read_is_the_same(scratch: Path) -> None:
    edit(scratch / "pyproject.toml", 'compose_env = ["', 'compose_env = ["DB_WAIT_TIMEOUT=5", "')
    git(scratch, "-c", "user.name=t", "-c", "user.email=t@127.0.0.1", "commit", "-qam", "another setting")
    result = mkdocs_build(scratch, scratch / "site", publish=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the publish build passed under other settings:\n{output}"
    assert "changed since the last test run: docverify's settings ([tool.docverify] in pyproject.toml)" in output
    assert "Traceback" not in output, output


def test_a_comment_only_commit_publishes_citing_the_lines_as_they_are_now(scratch: Path) -> None:
    edit(scratch / "Dockerfile", "\nEXPOSE 8000\n", "\n# The port the server binds, below.\nEXPOSE 8000\n")
    uncommitted = mkdocs_build(scratch, scratch / "site", publish=True)
    output = uncommitted.stdout + uncommitted.stderr
    assert uncommitted.returncode != 0 and "uncommitted changes (Dockerfile)" in output, output[-2000:]
    git(scratch, "-c", "user.name=t", "-c", "user.email=t@127.0.0.1", "commit", "-qam", "a comment")
    result = mkdocs_build(scratch, scratch / "site", publish=True)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (scratch / "site/backend/django/deploy/docker/Dockerfile/index.html").read_text()
    line = next(
        n for n, text in enumerate((scratch / "Dockerfile").read_text().splitlines(), 1) if text == "EXPOSE 8000"
    )
    port = next(b for b in scan.bullets((scratch / DOCKERFILE_PAGE).read_text()) if b.label == "Port")
    mark = html[html.index(f'data-dv-claim="L{port.line}"') :]
    mark = mark[: mark.index("</span></span></span>", mark.index("dv-cite"))]
    # The lines moved under the report: the page cites EXPOSE where it is now, not the comment above it.
    assert f'aria-label="Cited line Dockerfile:{line}"' in mark, mark
    assert f"Dockerfile:{line - 1}" not in mark, mark


def test_a_failed_claim_stops_publishing(scratch: Path) -> None:
    data = json.loads((scratch / "artifacts/docverify-report.json").read_text())
    claim = on_dockerfile_page(data)
    claim["levels"]["image"] = {"outcome": "failed", "message": "the image runs as root", "date": None}
    write_report(scratch, data)
    result = mkdocs_build(scratch, scratch / "site", publish=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the publish build passed with a failed claim:\n{output}"
    assert f"{DOCKERFILE_PAGE}:{claim['line']} {claim['title']}: image: the image runs as root" in output, output
    assert "Traceback" not in output, output


def test_a_corrupt_report_is_a_banner_when_serving_and_an_error_when_publishing(scratch: Path) -> None:
    (scratch / "artifacts/docverify-report.json").write_text('{"schema": 1, "engi')
    served = mkdocs_build(scratch, scratch / "site")
    assert served.returncode == 0, served.stdout + served.stderr
    page = (scratch / "site/backend/django/deploy/docker/Dockerfile/index.html").read_text()
    assert "dv-banner" in page and "is not valid JSON" in page
    # The build proves the static level itself; nothing of the unreadable report is shown as proven.
    assert 'dv-chip dv-proven" aria-expanded="false" aria-controls="dv-pop-L11-static"' in page
    assert not re.search(r'class="dv-chip dv-proven"[^>]*>(image|running)<', page), "a level the build cannot prove"
    published = mkdocs_build(scratch, scratch / "site", publish=True)
    output = published.stdout + published.stderr
    assert published.returncode != 0 and "is not valid JSON" in output and "Traceback" not in output, output


# --- the site in a real browser ------------------------------------------------


@pytest.fixture(scope="module")
def site(published: tuple[Path, subprocess.CompletedProcess[str]]) -> Iterator[str]:
    """The copy's docs, built with its green report and served on loopback."""
    site_dir, result = published
    assert result.returncode == 0, result.stdout + result.stderr
    with served(site_dir) as url:
        yield url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Width-independent checks run at desktop width only, so no test is generated just to be skipped.
    if "page" in metafunc.fixturenames:
        widths = [1280] if metafunc.function.__name__ in DESKTOP_ONLY else [1280, 390]
        ids = ["desktop", "phone"][: len(widths)]
        metafunc.parametrize("page", widths, ids=ids, indirect=True)


DESKTOP_ONLY = {
    "test_every_embedded_line_shows_its_number_in_the_real_file",
    "test_the_claims_page_lists_every_collected_claim",
}


@pytest.fixture
def page(tabs: Tabs, site: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page whose every request and console error is recorded; only the local server may be asked."""
    width = request.param
    local = urlsplit(site).netloc
    foreign: list[str] = []
    errors: list[str] = []

    with tabs.lend(width, 900 if width > 500 else 844) as lent:
        lent.on("request", lambda r: foreign.append(r.url) if elsewhere(r.url, local) else None)
        lent.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        lent.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        lent.page.width = width
        yield lent.page
    assert not foreign, f"the page asked hosts other than {local}: {foreign}"
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


def open_page(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


def test_every_claim_on_the_dockerfile_page_is_marked_proven(page: Any, site: str, repo: Path) -> None:
    open_page(page, site + "backend/django/deploy/docker/Dockerfile/")
    bullets = scan.bullets((repo / DOCKERFILE_PAGE).read_text())
    commit = git(repo, "rev-parse", "HEAD")[:7]
    for bullet in bullets:
        claim = page.locator(f"li#claim-L{bullet.line}")
        assert claim.count() == 1, f"{DOCKERFILE_PAGE}:{bullet.line} {bullet.title} has no anchored item"
        chips = claim.locator(":scope > .dv-proof button.dv-chip, :scope > p > .dv-proof button.dv-chip")
        names = chips.evaluate_all("bs => bs.map(b => b.firstChild.textContent)")
        assert names == LEVELS, f"line {bullet.line}: {names}"
        states = chips.evaluate_all("bs => bs.map(b => b.className.split(' ')[1])")
        assert states == ["dv-proven", "dv-proven", "dv-na"], f"line {bullet.line}: {states}"
        assert [chips.nth(i).get_attribute("aria-expanded") for i in range(3)] == ["false"] * 3
        pop = claim.locator(f"#dv-pop-L{bullet.line}-image")
        text = pop.evaluate("p => p.textContent")
        assert "image: proven" in text and "2026-11-27 21:04 UTC" in text and commit in text, text
        assert chips.first.is_visible()
    assert page.locator(".dv-banner").count() == 0, "a green, current report must not raise a banner"
    # The stage code is open on the page, not behind a click.
    for block in ("src-dockerfile-builder", "src-dockerfile-runtime", "src-dockerfile"):
        assert page.locator(f"#{block} td.code code").is_visible(), f"#{block} is not visible"
    ARTIFACTS.mkdir(exist_ok=True)
    name = "dockerfile-marks.png" if page.width > 500 else "dockerfile-marks-phone.png"
    page.locator("#stage-2-runtime").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / name))


def numbered_lines(page: Any, block: str) -> list[tuple[str, str]]:
    """(number shown beside it, text) of every line of an embedded block, in order."""
    pairs: list[tuple[str, str]] = page.evaluate(
        """block => {
            const root = document.getElementById(block);
            const numbers = [...root.querySelectorAll('td.linenos a[href^="#__codelineno"]')]
                .map(a => a.textContent.trim());
            const lines = [...root.querySelectorAll('td.code code > span[id^="__span-"]')];
            return lines.map((line, i) => [numbers[i], line.textContent.replace(/\\n$/, '')]);
        }""",
        block,
    )
    return pairs


@pytest.mark.parametrize(
    "url, file",
    [
        ("backend/django/deploy/docker/Dockerfile/", "Dockerfile"),
        ("backend/django/deploy/docker/entrypoint/", "entrypoint.sh"),
        ("backend/django/deploy/compose/", "compose.yaml"),
    ],
)
def test_every_embedded_line_shows_its_number_in_the_real_file(
    page: Any, site: str, repo: Path, url: str, file: str
) -> None:
    open_page(page, site + url)
    real = (repo / file).read_text().splitlines()
    blocks = page.eval_on_selector_all(f'[data-dv-file="{file}"]', "els => els.map(e => e.id)")
    assert blocks, f"{url} embeds no {file} with line numbers"
    for block in blocks:
        pairs = numbered_lines(page, block)
        assert pairs, f"#{block} shows no lines"
        for number, text in pairs:
            assert number and number.isdigit(), f"#{block}: a line without a number: {text!r}"
            assert text == real[int(number) - 1], (
                f"#{block} line {number} shows {text!r}; {file}:{number} is {real[int(number) - 1]!r}"
            )


def test_a_cited_line_link_lands_on_the_highlighted_real_line(page: Any, site: str, repo: Path) -> None:
    open_page(page, site + "backend/django/deploy/docker/Dockerfile/")
    real = (repo / "Dockerfile").read_text().splitlines()
    links = page.locator("a.dv-cite")
    assert links.count() > 0, "no claim on the Dockerfile page links to its proof"
    runtime_base = [b for b in scan.bullets((repo / DOCKERFILE_PAGE).read_text()) if b.label == "Base Image"][-1]
    link = page.locator(f"#claim-L{runtime_base.line} a.dv-cite").first
    cited = link.inner_text()
    file, line = cited.split(":")
    assert file == "Dockerfile"
    link.click()
    page.wait_for_function("() => location.hash.length > 1")
    target = page.locator(":target")
    assert target.count() == 1
    assert target.get_attribute("id") == f"__span-src-dockerfile-{line}", page.evaluate("location.hash")
    assert target.evaluate("e => e.closest('[id^=src-]').id") == "src-dockerfile", "it should land in the whole file"
    assert target.inner_text().rstrip("\n") == real[int(line) - 1], f"{cited} should show {real[int(line) - 1]!r}"
    background = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the cited line is not highlighted"
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"], f"the cited line is off screen: {box}"
    if page.width > 500:
        page.screenshot(path=str(ARTIFACTS / "dockerfile-cited-line.png"))


def collected_claims() -> set[tuple[str, int]]:
    """(page, line) of every claim item Sybil collects from docs/."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"collecting the docs failed:\n{done.stdout}{done.stderr}"
    ids = re.findall(r"^(docs/\S+\.md)::(?:static|image|running):L(\d+):", done.stdout, re.M)
    return {(page, int(line)) for page, line in ids}


def test_the_claims_page_lists_every_collected_claim(page: Any, site: str) -> None:
    claims = collected_claims()
    assert claims, "Sybil collected no claims"
    open_page(page, site + "verification/claims/")
    rows = page.locator(".dv-claims table tbody tr")
    assert rows.count() == len(claims), f"the Claims page has {rows.count()} rows; Sybil collects {len(claims)} claims"
    links = rows.locator("td:first-child a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    listed = {href.split("#claim-L")[1] for href in links}
    assert len(listed) <= len(claims)
    assert page.locator(".dv-claims .dv-outcome.dv-proven").count() == len(claims)


def test_a_claim_the_report_lacks_is_listed_as_such(scratch: Path) -> None:
    data = json.loads((scratch / "artifacts/docverify-report.json").read_text())
    dropped = on_dockerfile_page(data)
    data["claims"].remove(dropped)
    write_report(scratch, data)
    result = mkdocs_build(scratch, scratch / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (scratch / "site/backend/django/deploy/docker/Dockerfile/index.html").read_text()
    mark = re.search(rf'data-dv-claim="L{dropped["line"]}" data-dv-state="(\w+)"', page)
    assert mark and mark[1] == "notrun", f"line {dropped['line']} should be shown as not fully run"
    pop = re.search(rf'id="dv-pop-L{dropped["line"]}-image".*?</span></span>', page)
    assert pop and "Not run here" in pop[0] and "python3 scripts/dev test" in pop[0], pop and pop[0]
    claims = (scratch / "site/verification/claims/index.html").read_text()
    rows = re.findall(r"<tr data-page=.*?</tr>", claims)
    unrun = [row for row in rows if 'class="dv-outcome dv-notrun">' in row]
    assert len(unrun) == 1 and f"#claim-L{dropped['line']}" in unrun[0], unrun


def test_a_refused_publish_build_keeps_the_last_good_site(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = importlib.machinery.SourceFileLoader("dev_script", str(ROOT / "scripts" / "dev"))
    dev = types.ModuleType(loader.name)
    dev.__file__ = loader.path
    loader.exec_module(dev)
    monkeypatch.setattr(dev, "ROOT", scratch)
    monkeypatch.setattr(dev, "VENV", Path(sys.executable).parent.parent)
    monkeypatch.setattr(dev, "LOG", scratch / "dev.log")
    assert dev.build([]) == 0
    good = (scratch / "site/index.html").read_text()
    data = json.loads((scratch / "artifacts/docverify-report.json").read_text())
    on_dockerfile_page(data)["levels"]["image"] |= {"outcome": "failed", "message": "the image runs as root"}
    write_report(scratch, data)
    assert dev.build([]) == 1
    assert (scratch / "site/index.html").read_text() == good, "a refused build must leave the published site as it was"
    assert not (scratch / ".site.building").exists()
