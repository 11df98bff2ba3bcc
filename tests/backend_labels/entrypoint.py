"""entrypoint.sh's wait for the database: a project command, bounded by a variable with a default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docverify.model.shell import parameters
from docverify.model.sources import Sources
from docverify.packs.django import spelling
from docverify.vocabulary import script
from docverify.vocabulary.label import Cites, Claim, Label
from docverify.vocabulary.registry import Registry
from docverify.vocabulary.startup import defaulted


@dataclass(frozen=True)
class WaitArgs:
    command: str
    variable: str
    default: int


DATABASE_WAIT = Label(
    "Database Wait",
    WaitArgs,
    ["Runs {command}, bounded by {variable} (default {default} seconds)[. ...]"],
    example=WaitArgs("python manage.py wait_for_db", "DB_WAIT_TIMEOUT", 30),
    summary="The entrypoint waits for the database with the project's command, bounded by a variable's seconds.",
    scope="image",
)
script.ordered(DATABASE_WAIT)


def _bounded(variable: str) -> Callable[[tuple[str, ...]], str | None]:
    """The words after the command bound it by the variable: `--timeout "$VAR"` (or `--timeout=$VAR`), nothing else."""

    def problem(rest: tuple[str, ...]) -> str | None:
        words = [w for word in rest for w in word.split("=", 1)] if rest else []
        bound = len(words) == 2 and words[0].startswith("-") and parameters(words[1]) == {variable}
        return None if bound else f"not bounded by {variable} alone: {' '.join(rest) or 'no bound'}"

    return problem


@DATABASE_WAIT.static("the unconditional wait step reads the variable, whose default is the value and stays so")
def database_wait_static(claim: Claim[WaitArgs], sources: Sources) -> Cites:
    args = claim.args
    name, found = script.step(claim, sources, args.command, spelling, rest=_bounded(args.variable))
    return [f"{name}:{found.line}", *defaulted(claim, sources, args.variable, str(args.default))]


def extend(registry: Registry) -> None:
    """Nothing of the core's to extend here."""
