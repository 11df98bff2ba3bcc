"""Sentences of the Dockerfile page that only this project says, and the checks that read their words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from docverify.model.sources import Sources
from docverify.observe.subjects import Stack
from docverify.vocabulary import environment
from docverify.vocabulary.label import Cites, Claim, Label, fail
from docverify.vocabulary.registry import Registry
from docverify.vocabulary.users import USER_SETUP


@dataclass(frozen=True)
class IndexArgs:
    name: str
    first: str  # the command that points Poetry at the index
    then: str  # the command that must come after it


def _index(sources: Sources) -> Iterable[tuple[int | None, IndexArgs]]:
    for stage in sources.dockerfile.stages:
        for instruction in stage.all("ARG"):
            name = instruction.value.split("=")[0].strip()
            if "INDEX" in name and stage.running("poetry", "source", "add") and stage.running("poetry", "lock"):
                yield stage.index, IndexArgs(name, "poetry source add", "poetry lock")


BUILD_ARGUMENT = Label(
    "Build Argument",
    IndexArgs,
    [
        "{name} (optional) names a PEP 503 package index that pip and Poetry use instead of their defaults ({first} "
        "before {then}). Leave it empty wherever the default index is reachable"
    ],
    example=IndexArgs("PACKAGE_INDEX_URL", "poetry source add", "poetry lock"),
    summary="The build argument naming a package index: empty by default, handed to pip and to Poetry before it locks.",
    suggest=_index,
)


@BUILD_ARGUMENT.static(
    "an ARG defaulting to empty; a pip command and the first Poetry command read it, the first before the second"
)
def package_index_static(claim: Claim[IndexArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.args.name
    declared = [i for i in stage.all("ARG") if i.value.split("=")[0].strip() == name]
    if not declared or declared[-1].value.partition("=")[2].strip().strip("\"'") != "":
        fail(
            claim,
            f"ARG {name} empty by default",
            f"ARG {declared[-1].value}" if declared else "no such ARG",
            stage.where(declared[-1] if declared else None),
        )

    def reads(argv: tuple[str, ...]) -> bool:
        return any(f"${name}" in w or f"${{{name}" in w for w in argv)

    commands = stage.commands()
    pip = [(i, c) for i, c in commands if c.runs("pip") and reads(c.argv)]
    if not pip:
        fail(claim, f"pip using {name}", "no pip command that reads it", stage.where())
    program, *sub = claim.args.first.split()
    first = [(i, c) for i, c in stage.running(program, *sub) if reads(c.argv)]
    after, *rest = claim.args.then.split()
    then = stage.running(after, *rest)
    if not first or not then:
        fail(
            claim,
            f"`{claim.args.first}` with {name}, then `{claim.args.then}`",
            f"{len(first)} `{claim.args.first}` reading it, {len(then)} `{claim.args.then}`",
            stage.where(),
        )
    if (first[0][0].line, commands.index(first[0])) > (then[0][0].line, commands.index(then[0])):
        fail(
            claim,
            f"`{claim.args.first}` before `{claim.args.then}`",
            f"`{claim.args.then}` first",
            stage.where(then[0][0]),
        )
    return sorted({declared[-1].cite, *(i.cite for i, _ in pip + first + then)})


def settings_module_running(claim: Claim[environment.VariableArgs], stack: Stack) -> Cites:
    """DJANGO_SETTINGS_MODULE as the running app uses it: the module its workers announce at start."""
    logs = stack.compose("logs", "--no-color", stack.service.service, check=False).stdout
    announced = {
        line.rsplit("settings module ", 1)[1].split()[0] for line in logs.splitlines() if "settings module " in line
    }
    if announced != {claim.args.value}:
        fail(
            claim,
            f"the app running with {claim.args.value}",
            f"the app announcing {sorted(announced) or 'nothing'}",
            f"{stack.service.where} log",
        )
    return []


def extend(registry: Registry) -> None:
    registry.replace(BUILD_ARGUMENT, "backend_labels")
    registry.extend(USER_SETUP).add_forms("Creates a non-root user {user} with UID {uid} [and GID {gid}] for security")
    registry.extend(environment.VARIABLE).running(
        "the settings module the running app announces in its log",
        applies=lambda args: args.name == "DJANGO_SETTINGS_MODULE",
    )(settings_module_running)
