"""Sentence forms: how a label's sentences read, and the named values they carry.

A form is the sentence with its values named::

    Switches to {user}
    <Runs|Switches> as [the] [unprivileged] {user} [user|account] [(UID {uid})]
    Installs {packages*} [for ...]

- `{name}` is one backticked value, `{name*}` a list of them (joined by commas, "and", "or");
- `{name=a|b c}` is one of several literal wordings that carries meaning: the one written is bound to
  `name` (a `str` field), or inside `[...]` whether it is written at all (a `bool` field);
- `[a|b]` is optional, `<a|b>` one of several; both nest (their words change nothing a check reads);
- `...` is free words without values: narrative, shown as such, never proof;
- any other word is literal: case and spacing are free, a comma is optional, the final period too.

`Form.read` gives the bindings of a sentence, `Form.render` writes one from bindings (examples,
`docverify suggest`, `docverify fix`), and `closest` names the form an unreadable sentence was
nearest to.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .grammar import (
    LIST,
    NOTE_TEXT,
    TAIL,
    TOKEN,
    VALUE_TEXT,
    Compiler,
    FormError,
    Node,
    names_of,
    parse_form,
    wording,
)

Binding = str | tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """What a sentence says in one form: its values by name, and its narrative words."""

    form: Form
    bindings: dict[str, Binding]
    narrative: tuple[str, ...]


class Form:
    def __init__(self, text: str) -> None:
        self.text = " ".join(text.split())
        body = self.text[:-1] if self.text.endswith(".") and not self.text.endswith("...") else self.text
        try:
            self.tree, _ = parse_form(TOKEN.findall(body), None)
        except FormError as error:
            raise FormError(f"form {text!r}: {error}") from None
        self.always, self.names = names_of(self.tree)

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], dict[str, tuple[str, str]], list[str]]:
        """The regex, made when the form first reads a sentence: most forms of a vocabulary never do in a run."""
        compiler = Compiler()
        regex = re.compile(rf"\s*{compiler.pattern(self.tree)}{TAIL}\s*\.?\s*", re.IGNORECASE | re.DOTALL)
        return regex, compiler.groups, compiler.free

    def __repr__(self) -> str:
        return f"Form({self.text!r})"

    def read(self, sentence: str) -> Reading | None:
        regex, groups, free = self._compiled
        match = regex.fullmatch(sentence)
        if match is None:
            return None
        bindings: dict[str, Binding] = {}
        narrative: list[str] = []
        for group, (name, kind) in groups.items():
            text = match.group(group)
            if text is None:
                continue
            if kind == "word-value":
                bindings[name] = text
                continue
            if kind == "word-choice":  # the wording as the form writes it, whatever its case and spacing
                said = " ".join(text.lower().split())
                bindings[name] = next(w for w in self.wordings(name) if w.lower() == said)
                continue
            values = tuple(VALUE_TEXT.findall(text))
            bindings[name] = values if kind == "list" else values[0]
            narrative += NOTE_TEXT.findall(text)
        narrative += [match.group(g).strip() for g in free if match.group(g) and match.group(g).strip()]
        if match.group("tail"):
            narrative.append(match.group("tail").strip(" ,()"))
        return Reading(self, bindings, tuple(narrative))

    def wordings(self, name: str) -> list[str]:
        """The wordings a `{name=a|b}` choice reads, as the form writes them."""
        found: list[str] = []

        def walk(node: Node) -> None:
            if node.kind == "word-choice" and node.text == name:
                found.extend(wording(child) for child in node.children)
            for child in node.children if node.kind != "word-choice" else ():
                walk(child)

        walk(self.tree)
        return found

    @property
    def shown(self) -> str:
        """The form for a reader: `{name=a|b}` written `<a|b>` (`[a|b]` when optional; a lone wording as itself)."""
        text = re.sub(r"\[\{[A-Za-z_]\w*=([^{}]+)\}\]", r"[\1]", self.text)
        return re.sub(r"\{[A-Za-z_]\w*=([^{}]+)\}", lambda m: m[1] if "|" not in m[1] else f"<{m[1]}>", text)

    def render(self, bindings: Mapping[str, object]) -> str:
        """The sentence this form writes for `bindings` (optional parts only where their values are given)."""
        text = self._render(self.tree, bindings)
        if text is None:
            raise FormError(f"form {self.text!r} cannot write {dict(bindings)}")
        text = _tidy(text)
        return text[:1].upper() + text[1:] + "."

    def _render(self, node: Node, bindings: Mapping[str, object]) -> str | None:
        if node.kind == "word":
            return node.text
        if node.kind == "free":
            return ""  # free words are the writer's: a rendered sentence has none
        if node.kind == "word-choice":
            value = bindings.get(node.text)
            written = [wording(child) for child in node.children]
            if value is True:
                return written[-1]  # the shortest wording
            return str(value) if isinstance(value, str) and value in written else None
        if node.kind in ("value", "list", "word-value"):
            value = bindings.get(node.text)
            if not given(value):
                return None
            if node.kind == "word-value":
                return str(value)
            if node.kind == "value":
                return f"`{value}`"
            return _join([f"`{v}`" for v in value]) if isinstance(value, (tuple, list)) else f"`{value}`"
        if node.kind == "sequence":
            rendered = [self._render(child, bindings) for child in node.children]
            parts = [p for p in rendered if p is not None]
            if len(parts) != len(rendered):
                return None
            optional = [child.kind == "optional" for child in node.children]
            return " ".join(p for p in _articles(parts, optional) if p)
        if node.kind == "optional":
            bound = names_of(node)[1]
            if not bound:
                # Literal-only options are left out (the shortest sentence), but for an article.
                first = node.children[0].children if node.children else ()
                kept = len(first) == 1 and first[0].kind == "word" and first[0].text.lower() in ("a", "an", "the", ",")
                return first[0].text if kept else ""
            for child in node.children:
                text = self._render(child, bindings)
                if text is not None and names_of(child)[1] & {k for k, v in bindings.items() if given(v)}:
                    return text
            return ""
        for child in node.children:
            text = self._render(child, bindings)
            if text is not None:
                return text
        return None

    def skeleton(self) -> str:
        """The form's words with `{}` for values: what `closest` compares sentences with."""
        return _tidy(self._skeleton(self.tree))

    def _skeleton(self, node: Node) -> str:
        if node.kind == "word":
            return node.text
        if node.kind == "word-value":
            return "x"
        if node.kind == "word-choice":
            return wording(node.children[-1])
        if node.kind in ("value", "list"):
            return "{}"
        if node.kind == "free":
            return ""
        if node.kind == "sequence":
            return " ".join(self._skeleton(c) for c in node.children)
        return self._skeleton(node.children[0]) if node.children else ""


def given(value: object) -> bool:
    """A binding a sentence writes: not absent, not empty, not a `False` flag (0 is a value)."""
    return value is not None and value is not False and value != () and value != ""


ARTICLES = {"a", "an", "the"}


def _articles(parts: list[str], optional: list[bool]) -> list[str]:
    """An optional article stays before a value only when a noun follows the value (`the `x` script`)."""
    kept = list(parts)
    for index, part in enumerate(parts):
        if optional[index] and part.lower() in ARTICLES:
            after = [p for p in parts[index + 1 :] if p]
            if not after or (after[0].startswith("`") and (len(after) < 2 or not after[1][:1].isalpha())):
                kept[index] = ""
    return kept


def _join(values: Sequence[str]) -> str:
    if len(values) <= 1:
        return "".join(values)
    if len(values) == 2:
        return f"{values[0]} and {values[1]}"
    return ", ".join(values[:-1]) + f" and {values[-1]}"


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:)])", r"\1", text).replace("( ", "(")


def skeleton_of(sentence: str) -> str:
    """A sentence with each value written `{}`."""
    return " ".join(re.sub(LIST, "{}", sentence).split()).rstrip(".")


def closest(sentence: str, forms: Iterable[Form]) -> Form | None:
    """The form whose words are nearest the sentence's."""
    wanted = skeleton_of(sentence).lower()
    scored = [(difflib.SequenceMatcher(None, wanted, f.skeleton().lower()).ratio(), i, f) for i, f in enumerate(forms)]
    return max(scored, key=lambda t: (t[0], -t[1]))[2] if scored else None


def convert(name: str, kind: Any, value: Any) -> Any:
    """A binding as the type its args field declares: `int`, `str`, `tuple[str, ...]`, optional or not."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        return convert(name, inner[0], value)
    if origin is tuple:
        element = typing.get_args(kind)[0]
        items = value if isinstance(value, tuple) else (value,)
        return tuple(convert(name, element, v) for v in items)
    if isinstance(value, tuple):
        value = value[0] if len(value) == 1 else value
    if kind is bool:  # `[{name=wording}]`: the wording is written
        return isinstance(value, str) or value is True
    if kind is int:
        if not (isinstance(value, str) and value.isdigit()):
            raise ValueError(f"{name} must be a whole number, not `{value}`")
        return int(value)
    return value


__all__ = ["VALUE_TEXT", "Form", "FormError", "Reading", "closest", "convert", "skeleton_of"]
