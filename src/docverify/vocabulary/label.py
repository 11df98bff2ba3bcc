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
import sys
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, NoReturn, TypeVar

from ..errors import ClaimFailed, ClaimUnreadable, ConfigError
from ..model.dockerfile import Instruction, Stage
from ..model.sources import Sources
from ..observe.observer import Need
from ..observe.subjects import Images, Stack
from ..read.forms import Form, FormError, Reading, convert
from ..read.items import Item

Level = Literal["static", "image", "running"]
LEVELS: tuple[Level, ...] = ("static", "image", "running")
# stage: the Dockerfile stage under whose `Stage N: Name` heading the claim sits (else the final one);
# image: the final image; stack: the compose stack; project: the repository.
Scope = Literal["stage", "image", "stack", "project"]
Uses = Literal["reads", "own", "breaks"]  # what a running check does to the stack
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
    uses: Uses = "reads"  # running checks: what it does to the stack (run.running says what may run beside what)

    def covers(self, claim: Claim[A]) -> bool:
        if self.forms and " ".join(claim.reading.form.text.split()) not in self.forms:
            return False
        return self.applies is None or self.applies(claim.args)


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
        group: str = "",
        title: Callable[[A], str] | None = None,
        key: Callable[[A], str] | None = None,
        suggest: Callable[[Sources], Iterable[tuple[int | None, A]]] | None = None,
        describes: Sequence[str] = (),
        covers: Callable[[A, Stage, Instruction, str], bool] | None = None,
    ) -> None:
        self.name, self.args, self.scope, self.nested = name, args, scope, nested
        # The programs whose steps its claims account for, in the forms it reads (vocabulary/commands.py): reverse
        # coverage asks a Runs claim for any other step of the stage.
        self.describes = tuple(describes)
        # For a label one claim of which speaks of one path: whether the claim's path is that word of a command.
        self.covers = covers
        self.group = group  # a nested label: the group heading `docverify suggest` writes it under
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

    def _add(
        self, level: Level, meaning: str, run: Any, needs: Any, applies: Any, forms: Sequence[str], uses: Uses = "reads"
    ) -> None:
        known = {form.text for form in self.forms}
        wanted = tuple(" ".join(f.split()) for f in forms)
        if set(wanted) - known:
            raise ConfigError(f"label {self.name}: a check names forms it does not have: {sorted(set(wanted) - known)}")
        self.checks.append(Check(level, meaning, run, needs, applies, wanted, getattr(run, "__module__", ""), uses))

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
        uses: Uses = "reads",
    ) -> Callable[[RunningCheck[A]], RunningCheck[A]]:
        """A running check; `uses` says what it does to the stack: `reads` it, starts containers of its `own`, or
        `breaks` it while it runs (see `docverify.run.running`)."""

        def add(check: RunningCheck[A]) -> RunningCheck[A]:
            self._add("running", meaning, check, needs, applies, forms, uses)
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
                values[name] = convert(name, self._hints[name], value)
            except ValueError as error:
                where = f"{item.where()}: " if item else ""
                raise ClaimUnreadable(f"{where}**{self.name}**: {error}") from None
        return self.args(**values)

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
