"""Repository hygiene: the lock is fresh. (hadolint is a claim on the Security page.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    """A tool from the project's venv or .tools/ (scripts/dev installs both)."""
    for folder in (Path(sys.executable).parent, ROOT / ".tools" / "bin"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    assert found, f"{name} is not installed; run `python3 scripts/dev test`, which installs it"
    return found


def test_poetry_lock_is_fresh():
    result = subprocess.run([tool("poetry"), "check", "--lock"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, (
        f"poetry.lock is stale; run `python scripts/lock.py`:\n{result.stdout}{result.stderr}"
    )


def map_links(page: Path) -> set[Path]:
    """The pages a module map (the page's `| [name](link) | … |` rows) links to, resolved."""
    import re

    links = re.findall(r"^\| \[[^\]]+\]\(([^)#]+)\)", page.read_text(), re.M)
    return {(page.parent / link).resolve() for link in links}


def test_the_module_maps_list_every_page():
    docs = ROOT / "docs"
    home, verification = docs / "README.md", docs / "verification" / "README.md"
    every = {p.resolve() for p in docs.rglob("*.md")} - {home.resolve()}
    assert not every - map_links(home), f"the home page's module map leaves out {sorted(every - map_links(home))}"
    own = {p.resolve() for p in (docs / "verification").glob("*.md")} - {verification.resolve()}
    assert not own - map_links(verification), f"the verification map leaves out {sorted(own - map_links(verification))}"


def test_the_home_page_gives_the_address_serve_serves():
    import re

    dev = (ROOT / "scripts" / "dev").read_text()
    port = re.search(r"^DEFAULT_PORT = (\d+)$", dev, re.M)
    said = re.findall(r"http://127\.0\.0\.1:(\d+)(/\S*)", (ROOT / "docs" / "README.md").read_text())
    assert port and said, "the home page should give the local address of `scripts/dev serve`"
    # mkdocs.yml leaves site_url to DOCS_SITE_URL, unset locally: `mkdocs serve` serves the site at /.
    assert all((number, path) == (port[1], "/") for number, path in said), f"serve answers at :{port[1]}/, not {said}"
