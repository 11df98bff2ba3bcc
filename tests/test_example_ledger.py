"""A third project, shaped unlike the other two, proven by the installed engine through configuration
alone: examples/ledger (a `deps` stage with no WORKDIR filling a venv with plain pip, an unnamed final
stage, ENTRYPOINT plus CMD, a `python -c` health check, a read-only compose service). One fresh
virtual environment, one green run at every level, one run with a false sentence on the page and a
changed Dockerfile line, each failure named by page:line, the running level's included."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest_plugins = ["fresh_engine"]  # the engine in a fresh venv, made once a session
pytestmark = pytest.mark.xdist_group("fresh-engine")  # the venv above: made once, on one worker
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ledger"
PAGE = "docs/image.md"
# Its own tags and compose project, so a run here never meets one of the example by hand; each test has
# its own, as workers may run both at once (a session clears its project's leftovers as it starts).
PREFIX = "docverify-test-ledger"
SUGGESTED = "docverify-test-ledger-suggested"


def run_example(venv: Path, root: Path, prefix: str = PREFIX) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-v", "-o", f"docverify_image_prefix={prefix}"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old`; return its line."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new))
    return line_of(text, old)


@pytest.mark.docker
def test_the_ledger_example_is_proven_at_every_level_and_a_false_sentence_named(
    docker_engine: None, fresh_venv: Path, tmp_path: Path
) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "ledger", ignore=shutil.ignore_patterns("artifacts"))

    passed = run_example(fresh_venv, root)
    assert passed.returncode == 0, passed.stdout[-3000:]
    summary = passed.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary and "skipped" not in summary, summary
    outcomes = re.findall(r"::(static|image|running):\S+ (PASSED|FAILED|SKIPPED|ERROR)", passed.stdout)
    for level in ("static", "image", "running"):
        assert (level, "PASSED") in outcomes, f"no {level} claim passed:\n{passed.stdout[-3000:]}"
    assert {outcome for _, outcome in outcomes} == {"PASSED"}, passed.stdout[-3000:]
    # The service has no `image:`: compose named the one it built after the project, which goes with it.
    named = subprocess.run(["docker", "images", "-q", f"{PREFIX}-stack-*"], capture_output=True, text=True)
    assert named.returncode == 0 and named.stdout.split() == [], named

    # A false sentence on the page (proven at all three levels), and a Dockerfile line the page no
    # longer matches (the running stack stays healthy: the server still listens on 8080).
    uid_line = edit(root / PAGE, "(UID and GID `2001`)", "(UID `2002`, GID `2001`)")
    port_line = line_of((root / PAGE).read_text(), "**Port:** Exposes `8080`.")
    expose_line = edit(root / "Dockerfile", "EXPOSE 8080\n", "EXPOSE 8081\n")

    failed = run_example(fresh_venv, root)
    assert failed.returncode != 0
    out = failed.stdout
    expected = [
        f"{PAGE}:{uid_line} User Setup: docs say svc with UID 2002; Dockerfile:",
        f"{PAGE}:{uid_line} User Setup: docs say svc with UID 2002 and GID 2001; image {PREFIX}:",
        f"{PAGE}:{uid_line} User Setup: docs say the server as svc (UID 2002, GID 2001); service ledger",
        f"{PAGE}:{port_line} Port: docs say EXPOSE 8080 and nothing else; Dockerfile:{expose_line} ",
        f"{PAGE}:{port_line} Port: docs say 8080; image {PREFIX}:",
    ]
    for message in expected:
        assert message in out, f"{message!r} not in:\n{out[-4000:]}"
    assert f"::running:L{uid_line}:User-Setup FAILED" in out, out[-3000:]


def test_suggest_with_the_image_writes_a_page_proven_at_every_level(fresh_venv: Path, tmp_path: Path) -> None:
    """`docverify suggest --image` (the closed-world claims included) passes unedited, at every level."""
    root = shutil.copytree(EXAMPLE, tmp_path / "ledger")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"docverify-example-ledger"', f'"{SUGGESTED}"'))
    suggested = subprocess.run(
        [str(fresh_venv / "bin" / "docverify"), "suggest", "--image", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert suggested.returncode == 0, suggested.stderr[-3000:]
    for page in (root / "docs").glob("*.md"):
        page.unlink()
    (root / PAGE).write_text(suggested.stdout)
    passed = run_example(fresh_venv, root, SUGGESTED)
    assert passed.returncode == 0, passed.stdout[-3000:]
    outcomes = set(re.findall(r"::(static|image|running):\S+ PASSED", passed.stdout))
    assert outcomes == {"static", "image", "running"}, passed.stdout[-3000:]
