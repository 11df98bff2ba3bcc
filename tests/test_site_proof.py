"""The published docs show their proof: the `docverify` MkDocs plugin.

The report reader refuses each kind of bad input with one clear sentence. A
real `mkdocs build` of a copy of this repository, given a green report made
from its current files, marks every claim, lists every claim Sybil collects
on the Claims page, and links each claim to the real line it was proven
against; Chromium shows that line highlighted, and every embedded line's
number is its number in the real file. With publishing on, a changed file or
a failed claim stops the build, naming it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from docverify.site import report as rp
from docverify.site import scan, verdict

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
COPIED = (
    "mkdocs.yml",
    "docs",
    "Dockerfile",
    "entrypoint.sh",
    "compose.yaml",
    "pyproject.toml",
    "poetry.lock",
    "benchmarks",
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


def cite_for(text: str, dockerfile: list[str]) -> list[str]:
    """The first Dockerfile line holding the claim's first value, as the engine would cite it."""
    values = re.findall(r"`([^`]+)`", text)
    for number, line in enumerate(dockerfile, start=1):
        if values and values[0] in line and "8<" not in line:
            return [f"Dockerfile:{number}"]
    return []


def green_report(repo: Path) -> dict[str, Any]:
    dockerfile = (repo / "Dockerfile").read_text().splitlines()
    pages = sorted(p.relative_to(repo).as_posix() for p in (repo / "docs").rglob("*.md"))
    claims = []
    for page in pages:
        for bullet in scan.bullets((repo / page).read_text()):
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
                        name: {"outcome": "passed", "message": None, "duration": 0.01, "date": "2026-11-27T21:04:05Z"}
                        for name in LEVELS[:2]
                    },
                    "cites": cite_for(bullet.text, dockerfile) if page == DOCKERFILE_PAGE else [],
                }
            )
    return {
        "schema": 1,
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


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of the files the site is built from, with a green report."""
    copy = tmp_path_factory.mktemp("repo")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, copy / name)
    (copy / ".gitignore").write_text("artifacts/\nsite/\n")
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "-c", "user.name=t", "-c", "user.email=t@127.0.0.1", "commit", "-qm", "copy")
    write_report(copy, green_report(copy))
    return copy


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
    with pytest.raises(rp.ReportError, match="the report has schema 0; this site reads schema 1"):
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
    return verdict.assess(path, repo, pages, engine, git(repo, "rev-parse", "HEAD"))


def test_an_older_engine_blocks_every_tick(repo: Path, tmp_path: Path) -> None:
    found = assess(repo, green_report(repo) | {"engine": "0.1.9"}, engine="0.2.0", tmp=tmp_path)
    assert found.blocker and "written by docverify 0.1.9; this is docverify 0.2.0" in found.blocker


def test_another_commit_and_a_dirty_tree_stop_publishing(repo: Path, tmp_path: Path) -> None:
    data = green_report(repo)
    data["run"] |= {"commit": "0" * 40, "dirty": True}
    found = assess(repo, data, tmp=tmp_path)
    errors = verdict.publish_errors(found, [])
    assert any("from commit 0000000, not HEAD" in e for e in errors), errors
    assert any("uncommitted changes" in e for e in errors), errors


def test_a_changed_file_is_named_as_stale(repo: Path, tmp_path: Path) -> None:
    data = green_report(repo)
    data["files"]["Dockerfile"] = "0" * 64
    found = assess(repo, data, tmp=tmp_path)
    assert found.blocker == "Not verified since Dockerfile changed. Run `python3 scripts/dev test`."


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


def test_a_green_report_publishes(repo: Path, tmp_path: Path) -> None:
    result = mkdocs_build(repo, tmp_path / "site", publish=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_dockerfile_stops_publishing(scratch: Path) -> None:
    dockerfile = scratch / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("WORKDIR /app", "WORKDIR /apq", 1))
    result = mkdocs_build(scratch, scratch / "site", publish=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the publish build passed with a changed Dockerfile:\n{output}"
    assert "Not verified since Dockerfile changed" in output, output
    assert "Traceback" not in output, output


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
    published = mkdocs_build(scratch, scratch / "site", publish=True)
    output = published.stdout + published.stderr
    assert published.returncode != 0 and "is not valid JSON" in output and "Traceback" not in output, output
