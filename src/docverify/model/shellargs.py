"""A function's positional parameters at a call: `"$@"`, `$*`, `$1`…`$9` and `$#` are the call's words.

`inst() { apt-get install -y "$@"; }; inst gcc make` installs gcc and make. They are bound only when the
call's words are literal and the body never moves them (`shift`, `set --`, `getopts`); otherwise they stay as
written, a word the static level cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import shelltree

ALL = {"$@", "${@}", "$*", "${*}"}
ONE = re.compile(r"\$(?:([1-9#])|\{([1-9#])\})")
NOT_LITERAL = set("$`*?[")
MOVES = {"shift", "getopts"}


def of_call(argv: tuple[str, ...], body: Any) -> tuple[str, ...] | None:
    """What the body's positional parameters are at this call, or None if the static level cannot tell."""
    words = argv[1:]
    if any(set(word) & NOT_LITERAL for word in words) or any(_moves(c) for c in _commands(body)):
        return None
    return words


def bound(argv: tuple[str, ...], arguments: tuple[str, ...] | None) -> tuple[str, ...]:
    """argv with the enclosing call's positional parameters in place (`"$@"` one word each)."""
    if arguments is None:
        return argv

    def one(match: re.Match[str]) -> str:
        key = match[1] or match[2]
        return str(len(arguments)) if key == "#" else (arguments[int(key) - 1] if int(key) <= len(arguments) else "")

    found: list[str] = []
    for word in argv:
        value = ONE.sub(one, word)
        found += list(arguments) if word in ALL else [] if ONE.fullmatch(word) and not value else [value]
    return tuple(found)


def _moves(words: list[str]) -> bool:
    """`shift`, `getopts`, or a `set` given operands (`set -- a b`, `set a`): the parameters change."""
    if words[:1] == ["set"]:
        after_o = [n > 1 and re.fullmatch(r"[-+][a-z]*o", words[n - 1]) for n in range(len(words))]
        options = [w for n, w in enumerate(words) if n and not after_o[n]]  # `set -eo pipefail`: an option's value
        return any(word == "--" or not word.startswith(("-", "+")) for word in options)
    return bool(words[:1]) and words[0] in MOVES


def _commands(node: Any) -> Iterator[list[str]]:
    if getattr(node, "kind", None) == "command":
        yield shelltree.command_words(node)
    for child in [*(getattr(node, "parts", None) or []), *(getattr(node, "list", None) or [])]:
        if not isinstance(child, (str, int)) and hasattr(child, "kind"):
            yield from _commands(child)
