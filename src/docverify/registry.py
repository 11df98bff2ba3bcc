"""The vocabulary: which labels exist and what proves each, per level.

An explicit registry: vocabulary modules expose ``register(registry)`` and nothing happens
at import time. Project labels plug in the same way through the ``docverify_vocabularies``
option. A check receives the claim and the level's subject; it returns the file lines it
relied on (``["Dockerfile:41"]``) and raises `ClaimFailed` through `fail()` when the claim
is false.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NoReturn

from .claims import Claim
from .errors import ClaimFailed, ClaimUnreadable, ConfigError

LEVELS = ("static", "image", "running")
Cites = list[str]
Check = Callable[[Claim, Any], "Cites | None"]


def fail(claim: Claim, says: object, has: object, where: str) -> NoReturn:
    """The one failure shape: page:line, the claim, what the docs say, what the subject has, where."""
    raise ClaimFailed(f"{claim.where()} {claim.title}: docs say {says}; {where} has {has}")


VALUE = r"`[^`]+`"
# Values joined by commas, "and" or "or", each perhaps followed by a note in parentheses.
SEPARATOR = r"(?:\s*\([^`()]*\))?(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
LIST = rf"{VALUE}(?:{SEPARATOR}{VALUE})*"


@cache
def form_pattern(form: str) -> re.Pattern[str]:
    """`Installs {*} for ...` as a regex: values in backticks where the form has them, and only there."""
    form = form.strip()
    if form.endswith(".") and not form.endswith("..."):
        form = form[:-1]
    parts = re.split(r"(\{\}|\{\*\}|\.\.\.)", form)
    pattern = ""
    for part in parts:
        if part == "{}":
            pattern += VALUE
        elif part == "{*}":
            pattern += LIST
        elif part == "...":
            pattern += r"[^`]*?"
        else:
            pattern += r"\s+".join(re.escape(word) for word in part.split(" "))
    return re.compile(rf"{pattern}\.?", re.IGNORECASE | re.DOTALL)


def form_matches(form: str, sentence: str) -> bool:
    return form_pattern(form).fullmatch(sentence.strip()) is not None


def words(values: Iterable[str]) -> str:
    return ", ".join(values)


@dataclass
class Entry:
    keys: tuple[tuple[str, str | None], ...]
    least: int = 1
    most: int | None = None
    staged: bool = False
    last_stage_only: bool = False  # running level: only the final stage runs
    checks: dict[str, list[Check]] = field(default_factory=dict)
    meaning: dict[str, str] = field(default_factory=dict)  # level -> what is observed
    forms: tuple[str, ...] = ()  # sentence shapes: `{}` a value, `{*}` a list of values, `...` free words

    def read(self, claim: Claim) -> None:
        """Collection-time reading: an unreadable claim is an error, never a pass."""
        if self.forms and not any(form_matches(form, claim.sentence) for form in self.forms):
            shapes = " | ".join(self.forms)
            raise ClaimUnreadable(
                f"{claim.where()}: **{claim.title}** cannot read {claim.sentence!r}; its sentences read like: {shapes}"
            )
        count = len(claim.values)
        if count < self.least or (self.most is not None and count > self.most):
            wanted = f"{self.least}" if self.most == self.least else f"{self.least} to {self.most or 'any'}"
            raise ClaimUnreadable(
                f"{claim.where()}: **{claim.title}** needs {wanted} `value`(s), found {count}: {claim.text!r}"
            )
        if self.staged and claim.stage() is None:
            raise ClaimUnreadable(f"{claim.where()}: **{claim.title}** needs a `Stage N: Name` heading above it")

    def on(self, level: str, meaning: str = "") -> Callable[[Check], Check]:
        """Decorator: `@entry.on("image", "what the image shows")`."""
        if level not in LEVELS:
            raise ConfigError(f"unknown level {level!r}; levels are {', '.join(LEVELS)}")

        def add(check: Check) -> Check:
            self.checks.setdefault(level, []).append(check)
            if meaning:
                self.meaning[level] = meaning
            return check

        return add

    def run(self, level: str, claim: Claim, subject: Any) -> Cites:
        cites: Cites = []
        for check in self.checks[level]:
            cites += check(claim, subject) or []
        return cites


@dataclass
class Registry:
    entries: dict[tuple[str, str | None], Entry] = field(default_factory=dict)
    image_probes: dict[str, str] = field(default_factory=dict)  # name -> Python source run in the final image
    container_probes: dict[str, str] = field(default_factory=dict)  # name -> source run in the container

    def entry(self, *keys: str | tuple[str, str], **options: Any) -> Entry:
        normalised = tuple(key if isinstance(key, tuple) else (key, None) for key in keys)
        taken = [k for k in normalised if k in self.entries]
        if taken:
            raise ConfigError(f"label {taken[0]} is registered twice")
        made = Entry(normalised, **options)
        for key in normalised:
            self.entries[key] = made
        return made

    def extend(self, key: str | tuple[str, str], level: str, meaning: str = "") -> Callable[[Check], Check]:
        """Add a project check to a label the package owns (e.g. a deeper running-level observation)."""
        normalised = key if isinstance(key, tuple) else (key, None)
        if normalised not in self.entries:
            raise ConfigError(f"cannot extend unknown label {normalised}")
        return self.entries[normalised].on(level, meaning)

    def lookup(self, claim: Claim) -> Entry:
        found = self.entries.get(claim.key)
        if found is None:
            known = sorted({label for label, _ in self.entries})
            what = f"**{claim.label}:** {claim.verb} ..." if claim.verb else f"**{claim.label}:**"
            raise ClaimUnreadable(f"{claim.where()}: no check reads {what}; known labels: {', '.join(known)}")
        found.read(claim)
        return found

    def labels(self) -> list[Entry]:
        return list({id(e): e for e in self.entries.values()}.values())


def build(modules: Iterable[str] = ()) -> Registry:
    """The package's vocabulary plus each project module's `register(registry)`."""
    from . import vocabulary

    registry = Registry()
    vocabulary.register(registry)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise ConfigError(f"docverify_vocabularies: cannot import {name!r}: {error}") from None
        register = getattr(module, "register", None)
        if register is None:
            raise ConfigError(f"docverify_vocabularies: {name!r} has no register(registry) function")
        register(registry)
    return registry
