"""The registry: the labels a project uses, and how an item is read into a claim.

The core vocabulary, the packs a project names and its own modules each add labels; a project
may extend a label (more forms, deeper checks) or replace it, in its registry only.
"""

from __future__ import annotations

import difflib
import types
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import ClaimUnreadable, ConfigError
from ..read.forms import closest
from ..read.items import Item
from . import hints
from .label import Claim, Label, words

A = TypeVar("A")


@dataclass
class Registry:
    """The labels in use: the core vocabulary, the packs chosen, and the project's own."""

    top: dict[str, Label[Any]] = field(default_factory=dict)  # normalised name -> label
    nested: list[Label[Any]] = field(default_factory=list)

    @staticmethod
    def normal(name: str) -> str:
        return " ".join(name.lower().split())

    def add(self, label: Label[Any], owner: str = "") -> None:
        label = label.copy()
        label.owner = label.owner or owner
        if label.nested:
            if any(existing.name == label.name for existing in self.nested):
                raise ConfigError(f"nested label {label.name} is declared twice")
            self.nested.append(label)
            return
        key = self.normal(label.name)
        if key in self.top:
            raise ConfigError(f"label {label.name} is declared twice ({self.top[key].owner} and {owner})")
        self.top[key] = label

    def add_module(self, module: types.ModuleType, owner: str) -> None:
        """Every label a module declares, in the order it declares them."""
        seen = {id(label.origin) for label in self.labels()}
        for value in vars(module).values():
            if isinstance(value, Label) and value.module == module.__name__ and id(value) not in seen:
                seen.add(id(value))
                self.add(value, owner)

    def labels(self) -> list[Label[Any]]:
        return [*self.top.values(), *self.nested]

    def replace(self, label: Label[Any], owner: str = "") -> None:
        """Put a project's own declaration in place of a label of the same name (its own sentences, its own checks)."""
        if label.nested:
            self.nested = [n for n in self.nested if n.name != label.name]
        else:
            self.top.pop(self.normal(label.name), None)
        self.add(label, owner)

    def extend(self, label: Label[A]) -> Label[A]:
        """This registry's copy of `label`, to add checks or forms to: `registry.extend(RUNS).image(...)(check)`."""
        found = self.top.get(self.normal(label.name)) if not label.nested else None
        found = found or next((n for n in self.nested if n.name == label.name), None)
        if found is None:
            raise ConfigError(f"cannot extend {label.name}: it is not in this registry")
        return found

    def find(self, name: str) -> Label[Any]:
        found = self.top.get(self.normal(name)) or next((n for n in self.nested if n.name == name), None)
        if found is None:
            raise ConfigError(f"no label {name!r}")
        return found

    def read(self, item: Item) -> Claim[Any]:
        """The claim an item makes, or ClaimUnreadable naming page:line and the closest accepted form."""
        if item.nested:
            return self._read_nested(item)
        label = self.top.get(self.normal(item.label))
        if label is None:
            near = difflib.get_close_matches(item.label, [lab.name for lab in self.top.values()], n=3, cutoff=0.5)
            hint = f"did you mean {' or '.join(f'**{n}:**' for n in near)}? " if near else ""
            raise ClaimUnreadable(
                f"{item.where()}: no label **{item.label}:** in the vocabulary; {hint}"
                "the Vocabulary reference lists every label and its forms"
            )
        if label.nested:
            raise ClaimUnreadable(f"{item.where()}: **{label.name}** is read only as an item nested under a group")
        found = label.attempt(item)
        if found is None:
            raise ClaimUnreadable(
                f"{item.where()}: **{label.name}** cannot read {item.sentence!r}; {hints.hint(label, item)}"
            )
        return found

    def _read_nested(self, item: Item) -> Claim[Any]:
        read = [claim for claim in (label.attempt(item) for label in self.nested) if claim is not None]
        if len(read) == 1:
            return read[0]
        if read:
            names = words(c.label.name for c in read)
            raise ClaimUnreadable(f"{item.where()}: {item.sentence!r} reads as more than one claim ({names})")
        remarks = [hint for label in self.nested if (hint := hints.remark_hint(label, item))]
        if remarks:
            raise ClaimUnreadable(f"{item.where()}: {item.sentence!r} (under **{item.label}:**): {remarks[0]}")
        forms = [form for label in self.nested for form in label.forms]
        near = closest(item.sentence, forms)
        owner = next((label for label in self.nested if near in label.forms), None)
        example = f", e.g. {owner.render(near)!r}" if owner and near else ""
        raise ClaimUnreadable(
            f"{item.where()}: no nested claim reads {item.sentence!r} (under **{item.label}:**); "
            f"the closest form is `{near.shown if near else '?'}`{example}"
        )
