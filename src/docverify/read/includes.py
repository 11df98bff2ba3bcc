"""What pymdownx.snippets looks at to include a file: the facts a stored tagging depends on.

pymdownx resolves a snippet's name against each base path in turn (`get_snippet_path`): whether
the base exists and is a folder, whether the name is there, and for a base that is a file, whether
the name is that file. Those facts, and the digest of what it would read, change exactly when the
include would bring something else, so a page tagged before is reused only while they stand.
"""

from __future__ import annotations

import hashlib
import os

Fact = list[object]  # JSON-shaped: a stored tagging compares equal to one looked at again


def facts(name: str, bases: list[str]) -> list[Fact]:
    """What resolving `name` looks at under each base, in pymdownx's order."""
    return [_base(name, base) for base in bases]


def _base(name: str, base: str) -> Fact:
    if not os.path.exists(base):
        return ["absent"]
    if os.path.isdir(base):
        return ["folder", _file(os.path.join(base, name))]
    candidate = os.path.join(os.path.dirname(base), name)
    same = os.path.exists(candidate) and os.path.samefile(candidate, base)
    return ["file", same, _file(candidate) if same else None]


def _file(path: str) -> str | None:
    """The digest of what would be read there; a kind where nothing could be."""
    if os.path.isdir(path):
        return "folder"
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None
