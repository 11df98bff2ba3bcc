"""The build context as the builder sends it: the folder, less what `.dockerignore` leaves out.

Lines are read as Docker's ignore-file reader and pattern matcher read them: a line starting with `#` is a
comment (before spaces are trimmed), one `!` re-includes, each pattern is cleaned as a path is (`a/../b` is
`b`, a leading `/` goes). Paths are relative to the context root; `*` and `?` match within one path segment,
`**` across any number, `[…]` is a character class and `\\` makes the next character literal; the last
matching line wins, and a pattern that matches a folder excludes everything in it.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import DockerfileError
from .gitignore import GitIgnore

BOM = "\ufeff"
# What Go's strings.TrimSpace trims (unicode.IsSpace): Python's str.strip also takes \x1c-\x1f, which Go keeps.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))


def _regex(pattern: str) -> re.Pattern[str]:
    """Docker's translation of a pattern to a regular expression (moby/patternmatcher); ValueError when Go's
    `filepath.Match` would refuse it (an unclosed `[`, a `\\` at the end)."""
    out, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):  # `**/` is `**`; at the end anything, else any folders (or none)
            index += 2 + pattern.startswith("/", index + 2)
            out += ".*" if index >= len(pattern) else "(?:.*/)?"
            continue
        if char == "\\":
            if index + 1 == len(pattern):
                raise ValueError("a `\\` that escapes nothing")
            out, index = out + re.escape(pattern[index + 1]), index + 2
            continue
        if char == "[":
            close = pattern.find("]", index + 2 if pattern[index + 1 : index + 2] in ("]", "^") else index + 1)
            if close < 0:
                raise ValueError("an unclosed `[`")
            body = pattern[index + 1 : close].replace("\\", "\\\\")
            out, index = out + f"[{body}]", close + 1
            continue
        out += {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char))
        index += 1
    return re.compile(out + "(?:/.*)?")  # a folder's pattern takes everything under it


def _clean(pattern: str) -> str:
    """Go's `filepath.Clean`, then the leading `/` dropped: `./a`, `a//b/` and `x/../a` name what `a` names."""
    cleaned = posixpath.normpath(pattern)
    cleaned = "/" + cleaned.lstrip("/") if cleaned.startswith("/") else cleaned  # normpath keeps `//`, Go does not
    return cleaned[1:] if len(cleaned) > 1 and cleaned.startswith("/") else cleaned


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


@dataclass(frozen=True)
class Context:
    root: Path

    @cached_property
    def patterns(self) -> list[tuple[bool, str]]:
        return [(keep, pattern) for keep, pattern, _, _ in self._read]

    @cached_property
    def _read(self) -> list[tuple[bool, str, re.Pattern[str], int]]:
        """Each line's (re-includes, pattern, its regular expression, line number); a pattern Docker refuses is an
        error."""
        ignore = self.root / ".dockerignore"
        if not ignore.is_file():
            return []
        found = []
        # Lines end at `\n` only (and lose one `\r` before it), as Go's scanner reads them.
        text = ignore.read_bytes().decode("utf-8", "replace").removeprefix(BOM)
        for number, raw in enumerate(text.split("\n"), start=1):
            raw = raw.removesuffix("\r")
            if raw.startswith("#") or not raw.strip(GO_SPACE):  # a comment only where the line starts with `#`
                continue
            line = raw.strip(GO_SPACE)
            keep = line.startswith("!")  # one `!`: `!!name` re-includes a file named `!name`
            pattern = _clean(line[1:].strip(GO_SPACE)) if keep else _clean(line)
            if keep and not line[1:].strip(GO_SPACE):
                raise DockerfileError(f".dockerignore:{number}: `!` alone, which Docker refuses")
            try:
                found.append((keep, pattern, _regex(pattern), number))
            except ValueError as error:
                raise DockerfileError(
                    f".dockerignore:{number}: `{raw.strip()}` has {error}, which Docker refuses"
                ) from None
        return found

    @cached_property
    def rules(self) -> list[tuple[bool, re.Pattern[str]]]:
        return [(keep, regex) for keep, _, regex, _ in self._read]

    def may_hold(self, folder: str) -> bool:
        """Whether anything under an excluded folder could be sent again (a `!` pattern reaching into it)."""
        for keep, pattern in self.patterns:
            head = re.split(r"[*?\[\\]", pattern)[0]  # the literal start: what it can reach into
            if keep and (pattern.startswith(folder + "/") or folder.startswith(head.rstrip("/")) or not head):
                return True
        return False

    def sent(self, relative: str) -> bool:
        """Whether the builder gets this path of the context."""
        return self.deciding(relative) is None

    def deciding(self, relative: str) -> int | None:
        """The `.dockerignore` line that leaves this path out, or None when the builder gets it."""
        path = posixpath.normpath(relative)
        line = None
        for keep, _, pattern, number in self._read:
            if pattern.fullmatch(path):
                line = None if keep else number
        return line

    def left_out(self, folder: str, ignore: GitIgnore) -> list[tuple[str, int]]:
        """The files under `folder` that the repository holds (git does not ignore them) and the builder does not
        get, each with the `.dockerignore` line that leaves it out."""
        found = []
        for directory, dirs, files in os.walk(self.root / folder):
            here = Path(directory).relative_to(self.root).as_posix()
            dirs[:] = sorted(d for d in dirs if not ignore.ignored(_join(here, d), folder=True))
            for name in sorted(files):
                relative = _join(here, name)
                line = self.deciding(relative)
                if line is not None and not ignore.ignored(relative):
                    found.append((relative, line))
        return found

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
