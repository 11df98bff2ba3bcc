"""Sentences of the Dockerfile page that only this project says, and the checks that read their words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from docverify.model.sources import Sources
from docverify.observe import files
from docverify.observe.observer import Need, Observer, nothing
from docverify.observe.subjects import Stack
from docverify.vocabulary import environment
from docverify.vocabulary.common import image_view_needs, running_view_needs
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


@dataclass(frozen=True)
class BytecodeArgs(environment.VariableArgs):
    suffix: str = ""


NO_BYTECODE = Label(
    "No Bytecode",
    BytecodeArgs,
    ["{name}: Sets {value}, so the read-only code tree stays free of {suffix} files"],
    example=BytecodeArgs("PYTHONDONTWRITEBYTECODE", "1", suffix=".pyc"),
    summary="A variable that keeps Python from writing bytecode next to the code.",
    nested=True,
    title=lambda a: a.name,
)
NO_BYTECODE.static("the stage's effective ENV value")(environment.variable_static)
NO_BYTECODE.image("the image config's environment", needs=lambda c, s: image_view_needs())(environment.variable_image)


def _workdir_tree(claim: Claim[BytecodeArgs], sources: Sources) -> list[Need]:
    found = sources.dockerfile.final.workdir()
    return [files.need(trees=[found[0] if found else "/"])]


@NO_BYTECODE.running(
    "PID 1's environment, and no such file under the code tree the server runs from",
    needs=lambda c, s: [
        *running_view_needs(),
        *_workdir_tree(c, s),
    ],
)
def no_bytecode_running(claim: Claim[BytecodeArgs], stack: Stack) -> Cites:
    environment.variable_running(claim, stack)
    found = stack.sources.dockerfile.final.workdir()
    root = found[0] if found else "/"
    written = sorted(rel for rel in stack.service.observed(files.FILES).tree(root) if rel.endswith(claim.args.suffix))
    if written:
        fail(
            claim,
            f"no {claim.args.suffix} file under {root}",
            f"{len(written)}, e.g. {root}/{written[0]}",
            stack.service.where,
        )
    return []


@dataclass(frozen=True)
class UnbufferedArgs(environment.VariableArgs):
    sink: str = ""


def _write_through(request: None, context: dict[str, object]) -> bool:
    import sys

    return bool(getattr(sys.stdout, "write_through", False))


WRITE_THROUGH: Observer[None, bool] = Observer(
    "write_through", bool, nothing, inside=_write_through, where=("container",), inputs=("config:self:Env",)
)

UNBUFFERED = Label(
    "Unbuffered Output",
    UnbufferedArgs,
    ["{name}: Sets {value}, so log lines reach {sink} at once"],
    example=UnbufferedArgs("PYTHONUNBUFFERED", "1", sink="docker logs"),
    summary="A variable that makes Python write its output through at once.",
    nested=True,
    title=lambda a: a.name,
)
UNBUFFERED.static("the stage's effective ENV value")(environment.variable_static)
UNBUFFERED.image("the image config's environment", needs=lambda c, s: image_view_needs())(environment.variable_image)


@UNBUFFERED.running(
    "PID 1's environment, and Python in the container writing stdout through",
    needs=lambda c, s: [
        *running_view_needs(),
        WRITE_THROUGH.need(None),
    ],
)
def unbuffered_running(claim: Claim[UnbufferedArgs], stack: Stack) -> Cites:
    environment.variable_running(claim, stack)
    if claim.args.sink != "docker logs" or not stack.service.observed(WRITE_THROUGH):
        fail(claim, f"stdout reaching {claim.args.sink} at once", "Python buffering stdout", stack.service.where)
    return []


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
