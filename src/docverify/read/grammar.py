"""The form grammar: a form's tokens, its tree, and the regular expression a tree compiles to.

`forms.py` says what the notation means; this module is how it is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VALUE = r"`[^`]+`"
# A value may carry a note in parentheses (narrative): `libpq5` (PostgreSQL client library).
NOTE = r"(?:\s*\([^`()]*\))?"
SEPARATOR = r"(?:\s*,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&)\s+)"
ARTICLE = r"(?:(?:an?|the)\s+)?"
LIST = rf"{VALUE}{NOTE}(?:{SEPARATOR}{ARTICLE}{VALUE}{NOTE})*"
VALUE_TEXT = re.compile(r"`([^`]+)`")
NOTE_TEXT = re.compile(r"`[^`]+`\s*\(([^`()]*)\)")
# `{name=a|b c}`: one of several literal wordings, bound to `name` (a word that carries meaning, read by a check).
# `->` is a word (an arrow), not the end of a `<...>` choice.
TOKEN = re.compile(
    r"\{[A-Za-z_][A-Za-z0-9_]*=[^{}]+\}|\{[A-Za-z_][A-Za-z0-9_]*[*~]?\}|\.\.\.|->|[\[\]<>|]|[^\s\[\]<>|{}]+"
)
WORD = r"[A-Za-z][\w.'-]*"  # a plain word a form reads (`{subject~}`): no backticks, no spaces
# What any sentence may add at its end, shown as narrative: a purpose or a reason (", so the server…",
# " because …", " for …") or a remark in parentheses. Anything else is refused: "…, after the system
# directories" would say something no check reads.
TAIL = r"(?P<tail>\s*,?\s+(?:so|so that|because|since|for|to ensure|to make sure|in order to)\s+[^`]+?|\s*\([^`()]+\))?"


class FormError(ValueError):
    """A form that cannot be compiled (the vocabulary's mistake, found when it is declared)."""


@dataclass(frozen=True)
class Node:
    kind: str  # "word" | "value" | "list" | "word-value" | "word-choice" | "free" | "optional" | "choice" | "sequence"
    text: str = ""  # the word, or the value's name
    children: tuple[Node, ...] = ()


def parse_form(tokens: list[str], closing: str | None) -> tuple[Node, int]:
    """A sequence of alternatives up to `closing`; returns (node, tokens used)."""
    alternatives: list[list[Node]] = [[]]
    used = 0
    while used < len(tokens):
        token = tokens[used]
        used += 1
        if token == closing:
            break
        if token in ("]", ">"):
            raise FormError(f"unbalanced {token!r}")
        if token == "|":
            if closing is None:
                raise FormError("'|' outside [ ] or < >")
            alternatives.append([])
        elif token in ("[", "<"):
            inner, taken = parse_form(tokens[used:], "]" if token == "[" else ">")
            used += taken
            alternatives[-1].append(Node("optional" if token == "[" else "choice", children=inner.children))
        elif token.startswith("{") and "=" in token:
            name, _, wordings = token[1:-1].partition("=")
            alternatives[-1].append(Node("word-choice", name, choices(wordings)))
        elif token.startswith("{"):
            name = token[1:-1]
            kind = "list" if name.endswith("*") else "word-value" if name.endswith("~") else "value"
            alternatives[-1].append(Node(kind, name.rstrip("*~")))
        elif token == "...":
            alternatives[-1].append(Node("free"))
        else:
            alternatives[-1].append(Node("word", token))
    else:
        if closing is not None:
            raise FormError(f"missing {closing!r}")
    sequences = tuple(Node("sequence", children=tuple(a)) for a in alternatives)
    return Node("choice", children=sequences), used


def choices(wordings: str) -> tuple[Node, ...]:
    """`a|b c` as word sequences, the longest first (so `any of them` is tried before `any`)."""
    found = [tuple(Node("word", w) for w in wording.split()) for wording in wordings.split("|")]
    if not all(found):
        raise FormError(f"empty wording in {{...={wordings}}}")
    ordered = sorted(found, key=lambda words: -len(" ".join(w.text for w in words)))
    return tuple(Node("sequence", children=words) for words in ordered)


def wording(node: Node) -> str:
    """A `word-choice` alternative as the form writes it."""
    return " ".join(word.text for word in node.children)


def _words_pattern(word: str) -> str:
    # A comma is optional wherever a form writes one; other punctuation is literal.
    parts = re.split(r"(,)", word)
    return "".join(r"\s*,?" if part == "," else re.escape(part) for part in parts if part)


@dataclass
class Compiler:
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)  # regex group -> (name, kind)
    free: list[str] = field(default_factory=list)  # regex groups of `...`

    def pattern(self, node: Node) -> str:
        if node.kind == "word":
            return _words_pattern(node.text)
        if node.kind == "word-choice":
            group = f"v{len(self.groups)}"
            self.groups[group] = (node.text, node.kind)
            return f"(?P<{group}>{'|'.join(self.pattern(child) for child in node.children)})"
        if node.kind in ("value", "list", "word-value"):
            group = f"v{len(self.groups)}"
            self.groups[group] = (node.text, node.kind)
            return f"(?P<{group}>{ {'value': VALUE, 'list': LIST, 'word-value': WORD}[node.kind] })"
        if node.kind == "free":
            group = f"f{len(self.free)}"
            self.free.append(group)
            return rf"(?P<{group}>[^`]*?)"
        if node.kind == "sequence":
            out = ""
            for index, child in enumerate(node.children):
                if index:
                    # Two literal words need a space between them; around anything else spacing is free.
                    before = node.children[index - 1]
                    glued = _wordlike(child) and _wordlike(before) and _first(child)[:1].isalnum()
                    out += r"\s+" if glued else r"\s*"
                out += self.pattern(child)
            return out
        inner = "|".join(self.pattern(child) for child in node.children)
        if node.kind == "optional":
            return rf"(?:{inner})?"
        return f"(?:{inner})"


def _wordlike(node: Node) -> bool:
    return node.kind in ("word", "word-choice")


def _first(node: Node) -> str:
    return node.text if node.kind == "word" else min((wording(c) for c in node.children), key=len)


def names_of(node: Node, optional: bool = False) -> tuple[set[str], set[str]]:
    """(names bound on every reading, names bound on some reading)."""
    if node.kind in ("value", "list", "word-value", "word-choice"):
        return (set() if optional else {node.text}), {node.text}
    if node.kind == "sequence":
        always: set[str] = set()
        some: set[str] = set()
        for child in node.children:
            a, s = names_of(child, optional)
            always |= a
            some |= s
        return always, some
    if node.kind in ("choice", "optional"):
        readings = [names_of(child, optional or node.kind == "optional") for child in node.children]
        always = set.intersection(*(a for a, _ in readings)) if readings else set()
        some = set().union(*(s for _, s in readings)) if readings else set()
        return (set() if node.kind == "optional" else always), some
    return set(), set()
