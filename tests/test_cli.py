"""The `docverify` command: the reference stays fresh, `suggest` writes claims that pass, `fix` mends drift."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_mutations import COPIED

from docverify.run import mutations

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "src" / "docverify" / "README.md"
DOCVERIFY = str(Path(sys.executable).with_name("docverify"))
PORT_PAGE = "docs/backend/django/deploy/docker/Dockerfile.md"


def docverify(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DOCVERIFY, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def static_suite(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The real static level (coverage included) of the pages under `root`/docs."""
    report = f"docverify_report={root / 'report.json'}"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(root)]
    command += ["-c", str(root / "pyproject.toml"), "-o", report, "docs", "-m", "static", *extra]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    root = mutations.copy_repository(ROOT, tmp_path, COPIED)
    shutil.copytree(ROOT / "tests", root / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_the_readme_reference_is_what_the_registry_says_and_a_stale_one_fails(tmp_path: Path) -> None:
    assert docverify("reference", "--check", str(README)).returncode == 0
    stale = tmp_path / "README.md"
    stale.write_text(README.read_text().replace("#### Base Image", "#### Base Img"))
    result = docverify("reference", "--check", str(stale))
    assert result.returncode == 1 and "the Vocabulary reference is stale" in result.stdout
    assert "-#### Base Img" in result.stdout and "+#### Base Image" in result.stdout


def test_the_readme_examples_are_real_code(tmp_path: Path) -> None:
    """The label and observer the README shows type-check under --strict, register, and read their example."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert len(blocks) == 2, "the README shows a label module and an observer module"
    for number, block in enumerate(blocks):
        (tmp_path / f"readme_example_{number}.py").write_text(block)
    mypy = subprocess.run(
        [str(Path(sys.executable).with_name("mypy")), "--strict", "--no-incremental", *map(str, tmp_path.glob("*.py"))],
        capture_output=True, text=True, cwd=ROOT, env={"MYPYPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        from readme_example_0 import CONFIG_FILE  # type: ignore[import-not-found]

        from docverify.read.items import Item
        from docverify.run import vocab

        registry = vocab.build()
        registry.add(CONFIG_FILE, "readme")
        sentence = "Reads its settings from `/etc/app.toml` (mode `600`)."
        claim = registry.read(Item(Path("p.md"), 1, "Config File", sentence, (), 0, 1))
        assert (claim.args.path, claim.args.mode) == ("/etc/app.toml", 600)
    finally:
        sys.path.remove(str(tmp_path))


def test_suggest_writes_a_page_that_passes_as_written(repo_copy: Path) -> None:
    suggested = docverify("suggest", "--root", str(repo_copy))
    assert suggested.returncode == 0, suggested.stderr
    shutil.rmtree(repo_copy / "docs")
    (repo_copy / "docs").mkdir()
    (repo_copy / "docs" / "Dockerfile.md").write_text(suggested.stdout)
    result = static_suite(repo_copy)
    assert result.returncode == 0, result.stdout[-3000:]
    passed = int(re.search(r"(\d+) passed", result.stdout).group(1))  # type: ignore[union-attr]
    assert passed >= 40 and "reverse-coverage" not in result.stdout


def test_suggest_for_the_hello_example_passes_as_written(tmp_path: Path) -> None:
    root = shutil.copytree(ROOT / "examples" / "hello", tmp_path / "hello")
    suggested = docverify("suggest", "--root", str(root))
    assert suggested.returncode == 0, suggested.stderr
    (root / "docs" / "image.md").write_text(suggested.stdout)
    result = static_suite(root, "-p", "no:django")  # the example is no Django project
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout[-3000:]


def test_suggest_for_the_ledger_example_passes_as_written(tmp_path: Path) -> None:
    root = shutil.copytree(ROOT / "examples" / "ledger", tmp_path / "ledger")
    suggested = docverify("suggest", "--root", str(root))
    assert suggested.returncode == 0, suggested.stderr
    for page in (root / "docs").glob("*.md"):
        page.unlink()
    (root / "docs" / "image.md").write_text(suggested.stdout)
    result = static_suite(root, "-p", "no:django")
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout[-3000:]
    assert "reverse-coverage" not in result.stdout, "suggest documents every instruction and step"


def test_fix_rewrites_a_drifted_value_and_leaves_what_it_cannot(repo_copy: Path) -> None:
    dockerfile = repo_copy / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("EXPOSE 8000", "EXPOSE 8080").replace("--uid 1000", "--uid 1001")
    )
    page = repo_copy / PORT_PAGE
    # A User sentence that states the UID too: its value drifts with the account's.
    page.write_text(page.read_text().replace("Switches to `appuser`.", "Switches to `appuser` (UID `1000`)."))
    before = page.read_text()
    dry = docverify("fix", "--root", str(repo_copy), "--dry-run")
    assert "+*   **Port:** Exposes `8080`." in dry.stdout and page.read_text() == before
    assert "with UID `1001` for security" in dry.stdout and "GID" not in dry.stdout
    assert "+*   **User:** Switches to `appuser` (UID `1001`)." in dry.stdout, dry.stdout
    fixed = docverify("fix", "--root", str(repo_copy))
    assert fixed.returncode == 0 and "fixed 3 claim(s); 0 failing" in fixed.stderr, fixed.stderr
    assert static_suite(repo_copy).returncode == 0
    # A claim whose label cannot read reality (a step gone from the entrypoint): left for a person, exit 1.
    script = repo_copy / "entrypoint.sh"
    script.write_text(script.read_text().replace("python manage.py migrate --noinput\n", ""))
    left = docverify("fix", "--root", str(repo_copy))
    assert left.returncode == 1 and "entrypoint.md:13 Migrations: not fixed" in left.stderr, left.stderr


def test_suggest_documents_a_step_no_other_label_describes_and_a_folder_a_run_makes(tmp_path: Path) -> None:
    """A build step like `python -m compileall` gets a Runs claim, so reverse coverage passes; a top-level folder a
    RUN makes is one the Filesystem claim may say the stage adds."""
    root = shutil.copytree(ROOT / "examples" / "hello", tmp_path / "hello")
    dockerfile = root / "Dockerfile"
    steps = "RUN python -m compileall -q /srv/hello\nRUN mkdir /data\n\nUSER hello\n"
    dockerfile.write_text(dockerfile.read_text().replace("USER hello\n", steps.replace("/srv/hello", "/srv")))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "coverage = true\n")
    suggested = docverify("suggest", "--root", str(root))
    assert "Runs `python -m compileall`." in suggested.stdout, suggested.stdout
    page = (
        suggested.stdout + "\n*   **Filesystem:** Adds `/data` to the base image, and changes only `/etc` and `/srv`.\n"
    )
    (root / "docs" / "image.md").write_text(page)
    result = static_suite(root, "-p", "no:django")
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout[-3000:]
    # Reverse coverage is on: without the Runs claim, the step is undocumented.
    lines = [line for line in page.splitlines() if "Build Steps" not in line and "compileall" not in line]
    (root / "docs" / "image.md").write_text("\n".join(lines) + "\n")
    bare = static_suite(root, "-p", "no:django")
    assert bare.returncode == 1 and "RUN python -m compileall" in bare.stdout, bare.stdout[-3000:]


def test_suggest_for_a_bash_entrypoint_in_a_subfolder_passes_as_written(tmp_path: Path) -> None:
    """Its options whole (`-o pipefail` too), a function's body as its steps (not the call), coverage where the
    claims cite the script (by its path from the root), and a Dockerfile in a folder of its own."""
    root = tmp_path / "sub"
    (root / "docs").mkdir(parents=True)
    (root / "docker").mkdir()
    (root / "docker" / "Dockerfile").write_text(
        'FROM python:3.13-slim\nCOPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n'
        'CMD ["python", "-m", "http.server"]\n'
    )
    (root / "docker" / "entrypoint.sh").write_text(
        '#!/usr/bin/env bash\nset -euo pipefail\nprepare() {\n    mkdir -p /tmp/state\n}\nprepare\nexec "$@"\n'
    )
    settings = 'docs = "docs"\ncompose = ""\ncoverage = true\ndockerfile = "docker/Dockerfile"\ncontext = "."\n'
    (root / "pyproject.toml").write_text("[tool.docverify]\n" + settings)
    suggested = docverify("suggest", "--root", str(root))
    assert "`set -eu -o pipefail`" in suggested.stdout and "Runs `prepare`" not in suggested.stdout, suggested.stdout
    # The kind of what is copied is looked up in the build context, not beside the Dockerfile.
    page = suggested.stdout.replace("Copies `docker/entrypoint.sh` to", "Copies the `docker/entrypoint.sh` script to")
    assert page != suggested.stdout
    (root / "docs" / "image.md").write_text(page)
    result = static_suite(root, "-p", "no:django")
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout[-3000:]
