"""chmod's mode language, as chmod reads it: its words, who may execute after a mode, and which modes open a file
up (write for the group or others, setuid, setgid, sticky)."""

from __future__ import annotations

import re
from collections.abc import Sequence

EVERYONE = frozenset("ugo")
# chmod's options; any other word starting with `-` is a mode (`-x`).
OPTIONS = {"-R", "-c", "-f", "-v", "--recursive", "--changes", "--silent", "--quiet", "--verbose", "--preserve-root",
           "--no-preserve-root"}  # fmt: skip
CLAUSE = re.compile(r"([ugoa]*)((?:[-+=][rwxXst]*)+)")


def chmod_words(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """(the mode, the files) of a chmod; `--reference` gives a mode no Dockerfile shows (None)."""
    words = [w for w in argv[1:] if w not in OPTIONS]
    if any(w.startswith("--reference") for w in words):
        return None, [w for w in words if not w.startswith("--reference")]
    return (words[0], words[1:]) if words else (None, [])


def execute_after(mode: str | None, before: frozenset[str]) -> frozenset[str]:
    """Who (of u, g, o) may execute a file after `chmod mode`, if `before` could: clause by clause, as chmod
    applies them (`+x-x` takes it back; `X` adds execute only where someone has it). An unreadable mode: no one."""
    return _after(mode, before, "x")


def read_after(mode: str | None, before: frozenset[str]) -> frozenset[str]:
    """Who (of u, g, o) may read a file after `chmod mode`, if `before` could (`a=x`, `0111`: no one)."""
    return _after(mode, before, "r")


def _after(mode: str | None, before: frozenset[str], perm: str) -> frozenset[str]:
    if mode is None:
        return frozenset()
    bit = 1 if perm == "x" else 4
    if re.fullmatch(r"[0-7]{1,4}", mode):
        return frozenset(who for who, digit in zip("ugo", mode.zfill(3)[-3:], strict=True) if int(digit) & bit)
    state = set(before)
    for clause in mode.split(","):
        match = CLAUSE.fullmatch(clause)
        if match is None:
            return frozenset()
        who = set(match[1].replace("a", "ugo")) or set(EVERYONE)
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", match[2]):
            named = perm in perms or (perm == "x" and "X" in perms and bool(state))
            if op == "=":
                state -= who
            if named and op in "+=":
                state |= who
            elif named:
                state -= who
    return frozenset(state)


def harmless(mode: str) -> bool:
    """No write for the group or others, no setuid, setgid or sticky bit (`u+s`, `4755`, `g+w` are steps)."""
    if re.fullmatch(r"[0-7]{1,4}", mode):
        digits = mode.zfill(4)
        return digits[0] == "0" and all(int(d) & 2 == 0 for d in digits[2:])
    for match in clauses(mode):
        if match is None or re.search(r"[st]", match[2]):
            return False
        others = not match[1] or bool(set(match[1]) & set("goa"))
        if others and re.search(r"[+=][rwxX]*w", match[2]):
            return False
    return True


def clauses(mode: str) -> list[re.Match[str] | None]:
    return [CLAUSE.fullmatch(clause) for clause in mode.split(",")]


def of_use(argv: Sequence[str]) -> bool:
    """`chmod +x`, `chmod 755`: what Makes executable reads (everyone may execute), or a mode that only takes away."""
    mode, _ = chmod_words(argv)
    if mode is None:
        return False
    if all(match and "-" in match[2] and not re.search(r"[+=]", match[2]) for match in clauses(mode)):
        return True  # only takes away (`go-w`): Makes executable still reads what it does to a claimed file
    return execute_after(mode, frozenset()) == EVERYONE and harmless(mode)
