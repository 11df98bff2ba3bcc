"""CI's own formats: a failed claim is a GitHub annotation at its page line and at the file line it names,
and the run leaves a JUnit file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from test_mutations import COPIED

from docverify.read import items
from docverify.run import mutations

ROOT = Path(__file__).resolve().parents[1]
PAGE = "docs/backend/django/deploy/docker/Dockerfile.md"


def test_a_failed_claim_is_annotated_where_it_is_written_and_where_the_file_says_otherwise(tmp_path: Path) -> None:
    root = mutations.copy_repository(ROOT, tmp_path, COPIED)
    shutil.copytree(ROOT / "tests", root / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8000", "EXPOSE 8080"))
    expose = dockerfile.read_text().splitlines().index("EXPOSE 8080") + 1
    port = next(i.line for i in items.read(Path(PAGE), (root / PAGE).read_text()).items if i.label == "Port")
    junit = root / "artifacts" / "junit.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(root), "-c",
         str(root / "pyproject.toml"), "-o", f"docverify_report={root / 'report.json'}", f"--junitxml={junit}",
         "docs", "-m", "static"],
        cwd=root, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true"},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-2000:]
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert errors[0].startswith(
        f"::error file={PAGE},line={port},title=docverify%3A Port::{PAGE}:{port} Port: docs say"
    )
    assert any(line.startswith(f"::error file=Dockerfile,line={expose},") for line in errors), errors
    assert len(errors) == 2, errors
    failures = ElementTree.parse(junit).getroot().iter("failure")
    assert [f for f in failures if f"{PAGE}:{port} Port: docs say" in (f.get("message") or "") + (f.text or "")]
