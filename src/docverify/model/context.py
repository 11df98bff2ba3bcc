"""The build context as the builder sends it: the folder, less what `.dockerignore` leaves out.

Patterns follow Docker's rules: paths relative to the context root, `*` and `?` within one path
segment, `**` across any number of them, `!` re-including, and the last matching line wins. A
pattern that matches a folder excludes everything in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath


def _regex(pattern: str) -> re.Pattern[str]:
    out, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            index += 2
            if pattern.startswith("/", index):
                index += 1
                out += "(?:.*/)?"
            else:
                out += ".*"
            continue
        out += {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char))
        index += 1
    return re.compile(out + "(?:/.*)?")  # a folder's pattern takes everything under it


@dataclass(frozen=True)
class Context:
    root: Path

    @cached_property
    def rules(self) -> list[tuple[bool, re.Pattern[str]]]:
        ignore = self.root / ".dockerignore"
        if not ignore.is_file():
            return []
        found = []
        for raw in ignore.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            pattern = str(PurePosixPath(line.lstrip("!").strip()))
            found.append((keep, _regex(pattern.lstrip("/"))))
        return found

    def sent(self, relative: str) -> bool:
        """Whether the builder gets this path of the context."""
        path = str(PurePosixPath(relative))
        included = True
        for keep, pattern in self.rules:
            if pattern.fullmatch(path):
                included = keep
        return included

    def files(self, relative: str) -> list[str]:
        """The files the builder gets at or under `relative` (context-relative paths)."""
        start = self.root / relative
        if start.is_file():
            return [relative] if self.sent(relative) else []
        found = []
        for path in sorted(start.rglob("*")):
            name = path.relative_to(self.root).as_posix()
            if path.is_file() and self.sent(name):
                found.append(name)
        return found
