"""What git leaves out of the repository: the `.gitignore` files under a root, read with git's own rules.

A deeper `.gitignore` overrides a shallower one (its `!` re-includes what the root's ignores), patterns are
relative to the folder of their file, and a folder's pattern (`logs/`) matches the folder and all under it.
Python's byte-code caches count as ignored everywhere: Python writes them beside the code on every run, and
most developers ignore them globally rather than per repository.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

BYTECODE = pathspec.GitIgnoreSpec.from_lines(["__pycache__/", "*.py[co]"])


@dataclass
class GitIgnore:
    root: Path
    _specs: dict[str, pathspec.GitIgnoreSpec | None] = field(default_factory=dict)

    def _spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            path = self.root / folder / ".gitignore"
            lines = path.read_text("utf-8", "replace").splitlines() if path.is_file() else None
            self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines) if lines is not None else None
        return self._specs[folder]

    def files(self) -> list[str]:
        """The `.gitignore` files read so far that exist (root-relative): what an answer depended on."""
        return sorted(".gitignore" if f == "." else f"{f}/.gitignore" for f, spec in self._specs.items() if spec)

    def ignored(self, relative: str, folder: bool = False) -> bool:
        """Whether git ignores this root-relative path (a folder's path with `folder=True`)."""
        path = posixpath.normpath(relative) + ("/" if folder else "")
        if BYTECODE.match_file(path):
            return True
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
