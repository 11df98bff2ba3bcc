"""A label: one typed declaration of what a claim says and how each level proves it.

    @dataclass(frozen=True)
    class UserArgs:
        user: str

    USER = Label("User", UserArgs, ["Switches to {user}", "Runs as {user}"], example=UserArgs("appuser"),
                 summary="The user the container's process runs as.")

    @USER.static("the effective USER, by name or UID")
    def _(claim: Claim[UserArgs], sources: Sources) -> Cites: ...

Each form names its values; a sentence read by a form becomes `claim.args`, an instance of the
args dataclass. Checks are typed per level (`Sources`, `Images`, `Stack`), so mypy rejects a check
registered at the wrong level. A check says what it needs observed (`needs=`), and when it
applies (`applies=`): a level with no applicable check is not claimed for that sentence.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import sys
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, NoReturn, TypeVar

from ..errors import ClaimFailed, ClaimUnreadable, ConfigError
from ..model.sources import Sources
from ..observe.observer import Need
from ..observe.subjects import Images, Stack
from ..read.forms import Form, FormError, Reading, closest
from ..read.items import Item

Level = Literal["static", "image", "running"]
LEVELS: tuple[Level, ...] = ("static", "image", "running")
# stage: the Dockerfile stage under whose `Stage N: Name` heading the claim sits (else the final one);
# image: the final image; stack: the compose stack; project: the repository.
Scope = Literal["stage", "image", "stack", "project"]
Cites = list[str]
A = TypeVar("A")
A_co = TypeVar("A_co", covariant=True)


@dataclass(frozen=True)
class Claim(Generic[A_co]):
    """A labelled item the vocabulary read: where it is, which label, and its typed values.

    Covariant in its values: a check written for a label's args also reads a project label whose
    args extend them (a dataclass subclass).
    """

    item: Item
    label: Label[Any]
    args: A_co
    reading: Reading

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def page(self) -> Any:
        return self.item.page

    @property
    def line(self) -> int:
        return self.item.line

    @property
    def sentence(self) -> str:
        return self.item.sentence

    @property
    def stage_heading(self) -> tuple[int, str] | None:
        return self.item.stage_heading

    @property
    def title(self) -> str:
        """`User`, or for a nested item its group and its own name: `Copy Artifacts Copies`."""
        own = self.label.title(self.args) if self.label.title else self.label.name
        return f"{self.item.label} {own}" if self.item.nested else own

    def where(self) -> str:
        return self.item.where()


def fail(claim: Claim[Any], says: object, has: object, where: str) -> NoReturn:
    """The one failure shape: page:line, the claim, what the docs say, what the subject has, and where."""
    raise ClaimFailed(f"{claim.where()} {claim.title}: docs say {says}; {where} has {has}")


def words(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


StaticCheck = Callable[[Claim[A], Sources], "Cites | None"]
ImageCheck = Callable[[Claim[A], Images], "Cites | None"]
RunningCheck = Callable[[Claim[A], Stack], "Cites | None"]
Needs = Callable[[Claim[A], Sources], Iterable[Need]]


@dataclass(frozen=True)
class Check(Generic[A]):
    level: Level
    meaning: str  # what this level observes, for the Vocabulary reference and the site
    run: Callable[[Claim[A], Any], Cites | None]
    needs: Needs[A] | None = None
    applies: Callable[[A], bool] | None = None
    forms: tuple[str, ...] = ()  # only for sentences read by these forms (default: every form)
    owner: str = ""  # the module that registered it (a pack or a project's vocabulary)

    def covers(self, claim: Claim[A]) -> bool:
        if self.forms and " ".join(claim.reading.form.text.split()) not in self.forms:
            return False
        return self.applies is None or self.applies(claim.args)


def _convert(name: str, kind: Any, value: Any, label: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        return _convert(name, inner[0], value, label)
    if origin is tuple:
        element = typing.get_args(kind)[0]
        items = value if isinstance(value, tuple) else (value,)
        return tuple(_convert(name, element, v, label) for v in items)
    if isinstance(value, tuple):
        value = value[0] if len(value) == 1 else value
    if kind is int:
        if not (isinstance(value, str) and value.isdigit()):
            raise ValueError(f"{name} must be a whole number, not `{value}`")
        return int(value)
    return value


class Label(Generic[A]):
    def __init__(
        self,
        name: str,
        args: type[A],
        forms: Sequence[str],
        *,
        example: A,
        summary: str,
        examples: Sequence[A] = (),
        scope: Scope = "stage",
        nested: bool = False,
        title: Callable[[A], str] | None = None,
        key: Callable[[A], str] | None = None,
        suggest: Callable[[Sources], Iterable[tuple[int | None, A]]] | None = None,
    ) -> None:
        self.name, self.args, self.scope, self.nested = name, args, scope, nested
        self.summary, self.example, self.title, self.key, self.suggest = summary, example, title, key, suggest
        self.examples: tuple[A, ...] = (example, *examples)  # between them, one that every form can write
        self.checks: list[Check[A]] = []
        self.forms: list[Form] = []
        self.owner = ""
        self.module = sys._getframe(1).f_globals.get("__name__", "")  # where it is declared
        self.origin: Label[A] = self  # the declaration a registry's copy was made from
        self._hints = typing.get_type_hints(args)
        self._fields = {f.name: f for f in dataclasses.fields(args)}  # type: ignore[arg-type]
        self.add_forms(*forms)

    def __repr__(self) -> str:
        return f"Label({self.name!r})"

    def copy(self) -> Label[A]:
        """The label as one registry holds it: its own checks and forms, so extending it changes no other."""
        made = copy.copy(self)
        made.checks, made.forms = list(self.checks), list(self.forms)
        return made

    def add_forms(self, *forms: str) -> None:
        """More ways of saying it; every form is checked against the args dataclass when added."""
        required = {
            n
            for n, f in self._fields.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        for text in forms:
            try:
                form = Form(text)
            except FormError as error:
                raise ConfigError(f"label {self.name}: {error}") from None
            unknown = form.names - set(self._fields)
            missing = required - form.always
            if unknown or missing:
                raise ConfigError(
                    f"label {self.name}: form {text!r} names {sorted(unknown)} that {self.args.__name__} lacks"
                    if unknown
                    else f"label {self.name}: form {text!r} does not always give {sorted(missing)}"
                )
            self.forms.append(form)

    # --- checks, typed per level ------------------------------------------------------

    def _add(self, level: Level, meaning: str, run: Any, needs: Any, applies: Any, forms: Sequence[str]) -> None:
        known = {form.text for form in self.forms}
        wanted = tuple(" ".join(f.split()) for f in forms)
        if set(wanted) - known:
            raise ConfigError(f"label {self.name}: a check names forms it does not have: {sorted(set(wanted) - known)}")
        self.checks.append(Check(level, meaning, run, needs, applies, wanted, getattr(run, "__module__", "")))

    def static(
        self, meaning: str, *, applies: Callable[[A], bool] | None = None, forms: Sequence[str] = ()
    ) -> Callable[[StaticCheck[A]], StaticCheck[A]]:
        def add(check: StaticCheck[A]) -> StaticCheck[A]:
            self._add("static", meaning, check, None, applies, forms)
            return check

        return add

    def image(
        self,
        meaning: str,
        *,
        needs: Needs[A] | None = None,
        applies: Callable[[A], bool] | None = None,
        forms: Sequence[str] = (),
    ) -> Callable[[ImageCheck[A]], ImageCheck[A]]:
        def add(check: ImageCheck[A]) -> ImageCheck[A]:
            self._add("image", meaning, check, needs, applies, forms)
            return check

        return add

    def running(
        self,
        meaning: str,
        *,
        needs: Needs[A] | None = None,
        applies: Callable[[A], bool] | None = None,
        forms: Sequence[str] = (),
    ) -> Callable[[RunningCheck[A]], RunningCheck[A]]:
        def add(check: RunningCheck[A]) -> RunningCheck[A]:
            self._add("running", meaning, check, needs, applies, forms)
            return check

        return add

    def checks_at(self, level: Level, claim: Claim[A] | None = None) -> list[Check[A]]:
        """The checks of `level`; with a claim, those that apply to its sentence."""
        return [c for c in self.checks if c.level == level and (claim is None or c.covers(claim))]

    def levels(self, claim: Claim[A]) -> list[Level]:
        return [level for level in LEVELS if self.checks_at(level, claim)]

    def meanings(self, level: Level) -> list[str]:
        return [c.meaning for c in self.checks_at(level)]

    # --- reading ----------------------------------------------------------------------

    def attempt(self, item: Item) -> Claim[A] | None:
        """The claim, when one of the forms reads the sentence; None when none does."""
        for form in self.forms:
            reading = form.read(item.sentence)
            if reading is not None:
                return Claim(item, self, self.make(reading.bindings, item), reading)
        return None

    def make(self, bindings: dict[str, Any], item: Item | None = None) -> A:
        values = {}
        for name, value in bindings.items():
            try:
                values[name] = _convert(name, self._hints[name], value, self.name)
            except ValueError as error:
                where = f"{item.where()}: " if item else ""
                raise ClaimUnreadable(f"{where}**{self.name}**: {error}") from None
        return self.args(**values)

    def read(self, item: Item) -> Claim[A]:
        found = self.attempt(item)
        if found is None:
            raise ClaimUnreadable(f"{item.where()}: **{self.name}** cannot read {item.sentence!r}; {self.hint(item)}")
        return found

    def hint(self, item: Item) -> str:
        near = closest(item.sentence, self.forms) or self.forms[0]
        return f"the closest form it reads is `{near.text}`, e.g. {self.render(near)!r}"

    def render(self, form: Form | None = None, args: A | None = None) -> str:
        """A sentence in `form` (default: the first) for `args` (default: the first example it can write)."""
        chosen = form or self.forms[0]
        candidates = [args] if args is not None else list(self.examples)
        for candidate in candidates:
            values = dataclasses.asdict(candidate)  # type: ignore[call-overload]
            try:
                return chosen.render({k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})
            except FormError:
                continue
        raise ConfigError(f"label {self.name}: form {chosen.text!r} writes none of its examples")

    def example_for(self, form: Form) -> A:
        """The first example the form can write."""
        for candidate in self.examples:
            try:
                self.render(form, candidate)
                return candidate
            except ConfigError:
                continue
        raise ConfigError(f"label {self.name}: form {form.text!r} writes none of its examples")


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
        return label.read(item)

    def _read_nested(self, item: Item) -> Claim[Any]:
        read = [claim for claim in (label.attempt(item) for label in self.nested) if claim is not None]
        if len(read) == 1:
            return read[0]
        if read:
            names = words(c.label.name for c in read)
            raise ClaimUnreadable(f"{item.where()}: {item.sentence!r} reads as more than one claim ({names})")
        forms = [form for label in self.nested for form in label.forms]
        near = closest(item.sentence, forms)
        owner = next((label for label in self.nested if near in label.forms), None)
        example = f", e.g. {owner.render(near)!r}" if owner and near else ""
        raise ClaimUnreadable(
            f"{item.where()}: no nested claim reads {item.sentence!r} (under **{item.label}:**); "
            f"the closest form is `{near.text if near else '?'}`{example}"
        )
