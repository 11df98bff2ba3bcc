"""After the whole suite, the publish build accepts this session's report, or says exactly why not.

The report is complete only when every claim ran in this session at every level it has; then a
clean checkout (CI) must publish, and a checkout with uncommitted changes must be refused for
exactly that reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def whole_doc_suite(session: pytest.Session) -> bool:
    pages = {str(item.path) for item in session.items if item.name.startswith(("static:", "image:", "running:"))}
    levels = {item.name.split(":", 1)[0] for item in session.items}
    return len(pages) > 5 and {"static", "image", "running"} <= levels


# Marked a report reader: with workers it runs on the claims' worker, after every claim (the plugin
# writes the report just before it).
@pytest.mark.docverify_report
def test_the_publish_build_accepts_this_runs_report(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if not whole_doc_suite(request.session):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true runs the whole suite; the publish check needs every claim at every level")
        pytest.skip("the publish check needs the whole doc suite in this session")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DOCVERIFY_PUBLISH": "1", "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    output = result.stdout + result.stderr
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if dirty:
        assert result.returncode != 0 and "uncommitted changes" in output, output[-3000:]
    else:
        assert result.returncode == 0, f"the publish build refused this run's report:\n{output[-3000:]}"
