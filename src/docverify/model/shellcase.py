"""`case … esac` rewritten as the `if`/`elif` chain it runs as, for bashlex, which cannot parse `case`.

`case "$1" in a) x ;; *) y ;; esac` becomes `if true "$1"; then true; elif true; then x ; elif true; then y ; fi`:
every branch runs only on its pattern's answer, as an `elif` branch does, and the word is still expanded; a first
branch whose pattern is `*` always runs, as the `then` of `if true "$1"`. Each
line keeps its number, so every command stays on its line. A script the rewrite cannot follow is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CASE = re.compile(r"(?<![\w$-])case\s")
OPERATORS = (";;&", ";;", ";&", "&&", "||", ";", "|", "&", "(", ")", "\n")
# Words after which the next word is a command (as an operator is).
OPENERS = {"then", "do", "else", "elif", "{", "!", "if", "while", "until", "in"}
ENDS = (";;", ";;&", ";&")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    word: bool


class Unfollowed(ValueError):
    """Quoting or nesting the rewrite does not follow."""


def _word_end(text: str, index: int) -> int:
    """Where the word starting at `index` ends: quotes, `$( … )`, `${ … }` and backquotes kept whole."""
    depth, quote = 0, ""
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            if char == quote:
                quote = ""
            index += 1
            continue
        if char in "'\"`":
            quote = char
        elif text.startswith("$(", index) or text.startswith("${", index):
            depth += 1
            index += 1
        elif char in ")}" and depth:
            depth -= 1
        elif not depth and (char in " \t\n;&|()<>"):
            break
        index += 1
    if quote or depth:
        raise Unfollowed("an unclosed quote or expansion")
    return index


def tokens(text: str) -> list[Token]:
    found, index = [], 0
    while index < len(text):
        char = text[index]
        if char in " \t<>":
            index += 1
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n;&|()"):
            index = text.find("\n", index) if "\n" in text[index:] else len(text)
        elif operator := next((o for o in OPERATORS if text.startswith(o, index)), None):
            found.append(Token(operator, index, index + len(operator), False))
            index += len(operator)
        else:
            end = _word_end(text, index)
            found.append(Token(text[index:end], index, end, True))
            index = end
    return found


def rewritten(text: str) -> str:
    """The text with each `case` an `if` chain, or the text as it is when it has none or the rewrite fails."""
    if not CASE.search(text) or "<<" in text:  # a heredoc's body is no code: not followed
        return text
    try:
        return _rewrite(text)
    except Unfollowed:
        return text


def _rewrite(text: str) -> str:
    edits: list[tuple[int, int, str]] = []
    stack: list[dict[str, int | str]] = []  # each open `case`: its state, and where its pattern or list began
    command, previous = True, "\n"  # whether the next word stands where a command does; the token before
    for token in tokens(text):
        top = stack[-1] if stack else None
        state = top["state"] if top else None
        if state == "word" and token.word and top is not None:
            edits.append((int(top["at"]), int(top["at"]) + 4, "if true"))
            top["state"] = "in"
        elif state == "in" and token.text != "\n" and top is not None:
            if token.text != "in":
                raise Unfollowed("`case` with no `in`")
            edits.append((token.start, token.end, ("" if previous == "\n" else "; ") + "then true;"))
            top.update(state="pattern", head=len(edits) - 1)
        elif state == "pattern" and token.text != "\n" and top is not None:
            if token.text == "esac":
                edits.append((token.start, token.end, "fi"))
                stack.pop()
            elif token.text != "(":
                top.update(state="patterns", at=token.start)
            else:
                edits.append((token.start, token.end, ""))
        elif state == "patterns" and token.text == ")" and top is not None:
            newlines = text.count("\n", int(top["at"]), token.end)
            if "head" in top and "*" in (p.strip() for p in text[int(top["at"]) : token.start].split("|")):
                # A first `*)` always matches: its list is what the `if true` runs.
                at, end, said = edits[int(top["head"])]
                edits[int(top["head"])] = (at, end, said.removesuffix(" true;"))
                edits.append((int(top["at"]), token.end, "\n" * newlines))
            else:
                edits.append((int(top["at"]), token.end, "elif true; then" + "\n" * newlines))
            top.pop("head", None)
            top.update(state="list", empty=1)
        elif state == "list" and top is not None and (token.text in ENDS or (command and token.text == "esac")):
            # An empty branch gets a `true`; a `;` ends the list unless a newline or `;` already did.
            ended = "true; " if top["empty"] else "" if previous in ("\n", ";", "&") else "; "
            edits.append((token.start, token.end, ended + ("fi" if token.word else "")))
            if token.word:
                stack.pop()
            else:
                top["state"] = "pattern"
        elif state in (None, "list") and command and token.text == "case":
            if top is not None:
                top["empty"] = 0
            stack.append({"state": "word", "at": token.start})
        elif state == "list" and top is not None and token.word:
            top["empty"] = 0
        command, previous = not token.word or token.text in OPENERS, token.text
    if stack:
        raise Unfollowed("`case` with no `esac`")
    out, last = [], 0
    for start, end, replacement in sorted(edits):
        out.append(text[last:start] + replacement)
        last = end
    return "".join(out) + text[last:]
