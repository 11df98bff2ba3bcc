"""What the repository holds: in a git work tree, what git lists (tracked, or untracked and not ignored); elsewhere
(a copy without `.git`), what the `.gitignore` files under the root leave, read with git's own rules.

A deeper `.gitignore` overrides a shallower one (its `!` re-includes what the root's ignores), patterns are
relative to the folder of their file, a folder's pattern (`logs/`) matches the folder and all under it, and a
line git cannot read matches nothing, as git skips it. `.git` itself is never the repository's content, and
Python's byte-code caches count as ignored everywhere: Python writes them beside the code on every run, and most
developers ignore them globally rather than per repository.
"""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pathspec

BYTECODE = pathspec.GitIgnoreSpec.from_lines(["__pycache__/", "*.py[co]"])


def _spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    """The lines git can read; one it cannot (`!` alone, `[z-a]`) matches nothing."""
    kept = []
    for line in lines:
        try:
            pathspec.GitIgnoreSpec.from_lines([line])
        except Exception:  # pathspec's own errors and re.error: git skips such a line
            continue
        kept.append(line)
    return pathspec.GitIgnoreSpec.from_lines(kept)


@dataclass
class GitIgnore:
    root: Path
    _specs: dict[str, pathspec.GitIgnoreSpec | None] = field(default_factory=dict)

    @cached_property
    def listed(self) -> frozenset[str] | None:
        """The files git lists under the root (root-relative), or None outside a work tree."""
        try:
            found = subprocess.run(
                ["git", "-C", str(self.root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                capture_output=True, timeout=60,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return None
        if found.returncode != 0:
            return None
        return frozenset(p.decode("utf-8", "replace") for p in found.stdout.split(b"\0") if p)

    def _spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            path = self.root / folder / ".gitignore"
            lines = path.read_text("utf-8", "replace").splitlines() if path.is_file() else None
            self._specs[folder] = _spec(lines) if lines is not None else None
        return self._specs[folder]

    def files(self) -> list[str]:
        """The `.gitignore` files read so far that exist (root-relative): what an answer depended on."""
        if self.listed is not None:
            return [".gitignore"] if (self.root / ".gitignore").is_file() else []
        return sorted(".gitignore" if f == "." else f"{f}/.gitignore" for f, spec in self._specs.items() if spec)

    def ignored(self, relative: str, folder: bool = False) -> bool:
        """Whether the repository does not hold this root-relative path (a folder's path with `folder=True`)."""
        path = posixpath.normpath(relative) + ("/" if folder else "")
        if BYTECODE.match_file(path) or ".git" in path.rstrip("/").split("/"):
            return True
        if self.listed is not None:
            if folder:
                return not any(name.startswith(path) for name in self.listed)
            return path not in self.listed
        parts = path.rstrip("/").split("/")
        verdict = False
        for depth in range(len(parts)):
            here = "/".join(parts[:depth]) or "."
            spec = self._spec(here)
            if spec is None:
                continue
            below = path[len(here) + 1 :] if here != "." else path
            found = spec.check_file(below).include
            if found is not None:
                verdict = found
        return verdict
