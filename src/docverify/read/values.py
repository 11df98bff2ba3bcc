"""What a backticked value names, in words, for the sentence that says it stands outside any claim.

Every backticked value names something a check could read: a path, a port, a variable, a setting,
a command, or a name (a user, a package, a service, a volume). The kind only words the message;
the rule is the same for all of them.
"""

from __future__ import annotations

import re

BLOCK = "a code block: "
PORT = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}:)?\d{1,5}(/(tcp|udp))?$|^[\w.-]+:\d{1,5}$")
VARIABLE = re.compile(r"^\$?\{?[A-Z][A-Z0-9_]*\*?\}?$")
SETTING = re.compile(r"^[a-z_][\w-]*(\.[a-z_][\w-]*)+$|^[\w.-]+\s*[:=]\s*\S")
PATH = re.compile(r"/|^\.|\.[a-z]{1,4}$")


def kind(value: str) -> str:
    if PORT.match(value):
        return "a number or port"
    if VARIABLE.match(value):
        return "a variable"
    if PATH.search(value) and " " not in value:
        return "a path"
    if SETTING.match(value):
        return "a setting"
    if " " in value.strip():
        return "a command"
    return "a name (a user, package, service or volume)"


def describe(shown: list[str]) -> str:
    """`a code block: …` or "`x` (a path), `y` (a port)" for what one line shows."""
    blocks = [value for value in shown if value.startswith(BLOCK)]
    words = [f"`{value}` ({kind(value)})" for value in dict.fromkeys(shown) if not value.startswith(BLOCK)]
    said = ", ".join(words[:4]) + (f" and {len(words) - 4} more" if len(words) > 4 else "")
    if blocks:
        said = f"{blocks[0]}…" + (f", and {said}" if said else "")
    return said
