"""bashlex's syntax trees as plain nodes.

bashlex builds its parser tables on every import (about 0.2 s), so trees go through the disk
cache: a run whose scripts have not changed never imports bashlex.
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from ..diskcache import cached, stamp
from . import shellcase

FORMAT = "shelltree 1"


class ShellError(ValueError):
    """The script is not shell bashlex can read."""


def _plain(value: Any) -> Any:
    if hasattr(value, "kind") and hasattr(value, "__dict__"):
        return {"__node__": {name: _plain(item) for name, item in vars(value).items()}}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _node(fields: dict[str, Any]) -> Any:
    return SimpleNamespace(**fields["__node__"]) if "__node__" in fields else fields


def _parse(script: str) -> dict[str, Any]:
    import bashlex  # type: ignore[import-untyped]  # only when the cache has no answer

    try:
        return {"trees": _plain(list(bashlex.parse(script)))}
    except (bashlex.errors.ParsingError, NotImplementedError, IndexError, TypeError) as error:
        return {"error": str(error)}


def parse(script: str) -> list[Any]:
    """The top-level nodes of `script`, each with bashlex's fields (`kind`, `parts`, `pos`, …)."""
    loaded = cached("shell", [FORMAT, stamp("bashlex"), script], lambda: _parse(script), _node)
    if "error" in loaded:
        raise ShellError(loaded["error"])
    trees: list[Any] = loaded["trees"]
    return trees


def unescape_continuations(script: str) -> str:
    """`\\` and a newline join two lines, as sh reads them (not inside single quotes, nor in a comment); the
    newlines taken out follow the joined line, so every later line keeps its number."""
    out, quote, comment, owed, index = [], "", False, 0, 0
    while index < len(script):
        char = script[index]
        if char == "\n" and (comment or not quote):
            out.append("\n" * (1 + owed))
            comment, owed, index = False, 0, index + 1
            continue
        if comment:
            out.append(char)
        elif char == "\\" and quote != "'":
            owed += script.startswith("\n", index + 1)
            out.append("" if script.startswith("\n", index + 1) else script[index : index + 2])
            index += 2
            continue
        elif char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
            out.append(char)
        else:
            comment = char == "#" and not quote and (index == 0 or script[index - 1] in " \t\n;&|()")
            out.append(char)
        index += 1
    return "".join(out) + "\n" * owed


# `$(( … ))` on one line: bashlex cannot read arithmetic expansion, and its value is a number either way.
ARITHMETIC = re.compile(r"\$\(\((?:[^()\n]|\([^()\n]*\))*\)\)")


INNER = re.compile(r"\$\([^()\n]*\)|`[^`\n]*`")  # a `$(…)` inside an arithmetic expansion runs all the same


def joined(script: str) -> str:
    """Lines joined as sh joins them, and each arithmetic expansion a number of the same width (its `$(…)` kept)."""
    return ARITHMETIC.sub(_number, unescape_continuations(script))


def _number(match: re.Match[str]) -> str:
    digits = ["0"] * len(match[0])
    for inner in INNER.finditer(match[0], 3):
        digits[inner.start() : inner.end()] = inner[0]
    return "".join(digits)


# bash's `[[ … ]]`, which bashlex cannot read, as the test `[ … ]` of the same width: a test either way.
TEST_OPEN, TEST_CLOSE = re.compile(r"(?<![^\s;&|(!])\[\[(?=\s)"), re.compile(r"(?<=\s)\]\](?=$|[\s;&|)])", re.M)


def readable(script: str) -> str:
    """The script as the parser is given it: `joined`, each `[[ … ]]` a `[ … ]`, and each `case` the `if` chain it
    runs as (every line number stands)."""
    tested = TEST_CLOSE.sub(" ]", TEST_OPEN.sub("[ ", joined(script)))
    return shellcase.rewritten(tested)


@lru_cache(maxsize=256)
def unreadable(script: str) -> str | None:
    """What bash says is wrong with a script no shell reads, or None: bashlex reads it, or else bash accepts it
    (bash accepts more than the `/bin/sh` of most images, so what it refuses no shell runs)."""
    try:
        parse(readable(script))
        return None
    except ShellError:
        pass
    try:
        checked = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):  # no bash here: the word split reads it, as before
        return None
    if checked.returncode == 0:
        return None
    said = [line.removeprefix("bash: -c: ") for line in checked.stderr.splitlines() if line.strip()]
    return said[0] if said else "a syntax error"


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]")  # a parameter's name, before any `:-default`


def expanded(command: Any) -> frozenset[str]:
    """The parameters a simple command's words and assignments expand (none inside single quotes)."""
    return frozenset(
        found[0]
        for part in command.parts
        for child in getattr(part, "parts", None) or []
        if child.kind == "parameter" and (found := NAME.match(str(child.value)))
    )


def command_words(node: Any) -> list[str]:
    """A simple command's words as written (quotes removed); none for any other node."""
    return [p.word for p in getattr(node, "parts", []) if p.kind == "word"] if node.kind == "command" else []


# Operators that end an and-or list's chain (`a && b; c`), and `||`, which may rescue it.
STOPS = (";", "&", "\n", "||")


def zero(status: str) -> bool:
    """Whether `exit N` ends well: the shell keeps N's low eight bits (`exit 256` is `exit 0`)."""
    return status.isdigit() and int(status) % 256 == 0


def statements(node: Any) -> list[Any]:
    """The commands, pipelines and compounds a list, a `{ … }` or a `( … )` holds, in order (a subshell's status is
    its own list's, and its `exit` sets it)."""
    if node.kind == "list":
        return [p for p in node.parts if p.kind not in ("operator", "reservedword")]
    if node.kind == "compound" and [p.word for p in node.list[:1] if p.kind == "reservedword"] in (["{"], ["("]):
        return [p for p in node.list if p.kind not in ("operator", "reservedword")]
    return [node]


def deciding(node: Any) -> Any:
    """What decides how a list or `{ … }` ends: its first `exit` or `return` (what runs before it, a message,
    leaves the status to it), else its last statement."""
    inner = statements(node)
    if inner == [node] or not inner:
        return node
    for statement in inner:
        found = deciding(statement)
        if command_words(found)[:1] in (["exit"], ["return"]):
            return found
    return deciding(inner[-1])


def first(node: Any) -> Any:
    """The first thing a list, a `{ … }` or a `( … )` runs."""
    while (inner := statements(node)) != [node] and inner:
        node = inner[0]
    return node


# `exit` and `return` with these (or none) keep the status the last command left.
KEEPS = ("$?", "${?}")


def fails(branch: Any, kept_fails: bool) -> bool:
    """Whether a branch ends failing: `false`, or `exit`/`return` with a status not 0. One that keeps `$?` fails
    only as the branch's first command, where `$?` is still a failure (`kept_fails`: right after `||`, or in the
    `else` of a condition that failed); after an `echo` it is the echo's 0."""
    found = deciding(branch)
    words = command_words(found)
    if words[:1] not in (["exit"], ["return"]):
        return words[:1] == ["false"]
    status = words[1] if len(words) > 1 else "$?"
    if status in KEEPS:
        return kept_fails and first(branch) is found
    return not zero(status)


def rescues(node: Any) -> bool:
    """Whether the command after `||` can end the list well: not `false`, nor `exit`/`return` with a failure."""
    return not fails(node, kept_fails=True)


def ends(node: Any) -> bool:
    """`exit`, `return`, `break`, `continue`, or `exec` of a program: nothing after it in its list runs (an `exec`
    that fails ends sh too); `exec >log` only redirects."""
    words = command_words(node)
    return words[:1] in (["exit"], ["return"], ["break"], ["continue"]) or (words[:1] == ["exec"] and len(words) > 1)
