"""Reverse coverage: every Dockerfile instruction and entrypoint step is claimed.

Static checks cite what they read; whatever no claim cites is undocumented.
"""

from __future__ import annotations

from pathlib import Path

from . import claims, vocabulary
from .subjects import ClaimFailed, Sources


def documented(root: Path) -> Sources:
    """Run every static check over the docs under `root`, collecting citations."""
    sources = Sources(root)
    for page in sorted((root / "docs").rglob("*.md")):
        for claim in claims.read(page.relative_to(root), page.read_text()):
            check = vocabulary.lookup(claim).checks.get("static")
            if check:
                try:
                    check(claim, sources)
                except ClaimFailed:
                    pass  # reported by the claim's own test
    return sources


def entrypoint_steps(sources: Sources) -> list[tuple[int, str]]:
    """Lines of entrypoint.sh that do something: not blank, comment or echo."""
    steps = []
    for number, line in enumerate(sources.entrypoint, start=1):
        code = line.strip()
        if number == 1 and code.startswith("#!"):
            steps.append((number, code))
        elif code and not code.startswith("#") and not code.startswith("echo "):
            steps.append((number, code))
    return steps


def undocumented(root: Path) -> list[str]:
    sources = documented(root)
    missing = [
        f"{i.where} {i.keyword} {i.value[:70]}"
        for i in sources.dockerfile.instructions
        if (i.path.name, i.line) not in sources.cited
    ]
    missing += [
        f"entrypoint.sh:{number} {code}"
        for number, code in entrypoint_steps(sources)
        if ("entrypoint.sh", number) not in sources.cited
    ]
    return missing
