"""entrypoint.sh's wait for the database: a project command, bounded by a variable with a default."""

from __future__ import annotations

from dataclasses import dataclass

from docverify.model.sources import Sources
from docverify.packs.django import spelling
from docverify.vocabulary import script
from docverify.vocabulary.label import Cites, Claim, Label, fail
from docverify.vocabulary.registry import Registry
from docverify.vocabulary.startup import default_of


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


@DATABASE_WAIT.static("the unconditional wait step reads the variable, whose default is the value and stays so")
def database_wait_static(claim: Claim[WaitArgs], sources: Sources) -> Cites:
    args = claim.args
    name, found = script.step(claim, sources, args.command, spelling)
    if not any(f"${args.variable}" in w or f"${{{args.variable}" in w for w in found.argv):
        fail(claim, f"{args.command} bounded by {args.variable}", f"`{' '.join(found.argv)}`", f"{name}:{found.line}")
    defaulted = default_of(sources.script(name), args.variable)
    if defaulted is None or defaulted[1] != str(args.default):
        fail(
            claim,
            f"{args.variable} defaulting to {args.default}",
            f"default {defaulted[1]}" if defaulted else "no default",
            name,
        )
    for command in script.steps(sources, name):
        for assignment in command.assignments if not command.argv else ():
            if assignment.split("=", 1)[0] == args.variable:
                fail(
                    claim,
                    f"{args.variable} defaulting to {args.default}",
                    f"`{assignment}` overriding it",
                    f"{name}:{command.line}",
                )
    return [f"{name}:{found.line}", f"{name}:{defaulted[0]}"]


def extend(registry: Registry) -> None:
    """Nothing of the core's to extend here."""
