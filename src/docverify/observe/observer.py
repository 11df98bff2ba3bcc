"""One kind of observation: what runs to gather a fact, its typed loader, and what to ask it.

An observer module declares one `Observer`: a function shipped into the image or container
(standard library only: it runs under the image's own Python), or one run on the host (HTTP,
Docker's own answers); a `load` that turns its JSON into a typed fact; and `merge`, which joins
the requests of every claim that needs it, so each image is probed once, with every observer
that any claim needs. Labels say what they need with `observer.need(request)`; nothing is
guessed from the words of a page.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, cast

from ..errors import ProbeFailed

R = TypeVar("R")  # what one claim asks
F = TypeVar("F")  # the typed fact

# files: before anything inside writes (the facts are the image's as built);
# programs: child programs, side by side, after the files;
# alone: a container of its own (it starts the app, which writes);
# host: on this machine, against the running stack.
Phase = Literal["files", "programs", "alone", "host"]
Where = Literal["image", "container"]


@dataclass(frozen=True)
class Need:
    """An observation a claim needs: which observer, asked what, of which subject."""

    observer: Observer[Any, Any]
    request: Any
    on: str = "self"  # self: the claim's own image or container; base; final; stage:NAME


@dataclass(frozen=True)
class Observer(Generic[R, F]):
    name: str
    load: Callable[[Any], F]
    merge: Callable[[Sequence[R]], R]
    # Shipped inside: standard library only; it gets the request as JSON (a dataclass arrives as a dict).
    inside: Callable[[Any, dict[str, Any]], Any] | None = None
    host: Callable[[R, Any], Any] | None = None  # on the host, given the running service
    phase: Phase = "files"
    where: tuple[Where, ...] = ("image", "container")
    helpers: tuple[Callable[..., Any], ...] = field(default=())  # shipped before `inside`
    # What its answer depends on besides the subject's build and compose (model/reads.py names; `self` is the
    # subject's stage): a socket listens as the command says, so the sockets depend on the command.
    inputs: tuple[str, ...] = ()
    on_build: bool = True  # its answer depends on the image's file system
    last: bool = False  # on the host, after the other host observers: it sees what they made the service do

    def need(self, request: R, on: str = "self") -> Need:
        return Need(self, request, on)

    def source(self) -> str:
        """The program text shipped inside: the helpers, then `inside`."""
        if self.inside is None:
            raise ProbeFailed(f"observer {self.name} runs on the host, not inside")
        return "\n\n".join(textwrap.dedent(inspect.getsource(f)) for f in (*self.helpers, self.inside))

    def loaded(self, raw: Any, what: str) -> F:
        """The typed fact, or a clear error naming the observer and the subject."""
        if isinstance(raw, dict) and set(raw) == {"error"}:
            raise ProbeFailed(f"observing {self.name} in {what} failed: {raw['error']}")
        try:
            return self.load(raw)
        except (KeyError, TypeError, ValueError) as error:
            raise ProbeFailed(f"observing {self.name} in {what} gave an unreadable answer ({error!r})") from None


def union(requests: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The merge of requests that are sets of names or paths."""
    return tuple(sorted({item for request in requests for item in request}))


def nothing(requests: Sequence[None]) -> None:
    """The merge of requests that ask nothing in particular."""
    return None


@dataclass
class Observed:
    """The facts gathered about one image or container, by observer name."""

    what: str
    facts: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    # Observes what no claim declared (a doctest, a project check): one more probe, asked with no request.
    fetch: Callable[[Observer[Any, Any]], Observed] | None = field(default=None, repr=False)

    def get(self, observer: Observer[Any, F]) -> F:
        if observer.name not in self.facts and observer.name not in self.failures and self.fetch is not None:
            late = self.fetch(observer)
            self.facts.update(late.facts)
            self.failures.update(late.failures)
        if observer.name in self.failures:
            raise ProbeFailed(self.failures[observer.name])
        if observer.name not in self.facts:
            raise ProbeFailed(
                f"{self.what} was not observed for {observer.name}: the label using it must declare "
                f"`{observer.name}.need(...)` among its needs"
            )
        return cast(F, self.facts[observer.name])
