"""The build context as the builder sends it: the folder, less what `.dockerignore` leaves out.

Patterns follow Docker's rules: paths relative to the context root, `*` and `?` within one path
segment, `**` across any number of them, `!` re-including, and the last matching line wins. A
pattern that matches a folder excludes everything in it.
"""

from __future__ import annotations

import os
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


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


@dataclass(frozen=True)
class Context:
    root: Path

    @cached_property
    def patterns(self) -> list[tuple[bool, str]]:
        ignore = self.root / ".dockerignore"
        if not ignore.is_file():
            return []
        found = []
        for raw in ignore.read_text().splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                found.append((line.startswith("!"), str(PurePosixPath(line.lstrip("!").strip())).lstrip("/")))
        return found

    @cached_property
    def rules(self) -> list[tuple[bool, re.Pattern[str]]]:
        return [(keep, _regex(pattern)) for keep, pattern in self.patterns]

    def may_hold(self, folder: str) -> bool:
        """Whether anything under an excluded folder could be sent again (a `!` pattern reaching into it)."""
        for keep, pattern in self.patterns:
            head = pattern.split("*")[0].split("?")[0]
            if keep and (pattern.startswith(folder + "/") or folder.startswith(head.rstrip("/")) or not head):
                return True
        return False

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
        for directory, dirs, files in os.walk(start):
            here = Path(directory).relative_to(self.root).as_posix()
            # An excluded folder no `!` pattern reaches into is not walked, as the builder does not walk it.
            dirs[:] = sorted(d for d in dirs if self.sent(_join(here, d)) or self.may_hold(_join(here, d)))
            for name in sorted(files):
                relative = _join(here, name)
                if self.sent(relative):
                    found.append(relative)
        return sorted(found)
