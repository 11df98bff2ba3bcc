"""How Python behaves in the running container: no bytecode written, output written through at once.

Part of the `python` pack. The variables are proven like any other (`Variable`), and their effect
where it lands: the code tree as built holds no bytecode file, nor does `docker diff` of the running
container, and Python in the container writes its standard output through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.sources import Sources
from ..observe import changes, files, logs, process
from ..observe.observer import Need, Observer, nothing
from ..observe.subjects import Images, Stack
from ..vocabulary import environment
from ..vocabulary.common import image_view_needs, running_view_needs
from ..vocabulary.compose import service_under_test
from ..vocabulary.label import Cites, Claim, Label, fail


@dataclass(frozen=True)
class BytecodeArgs(environment.VariableArgs):
    suffix: str = ".pyc"
    read_only: bool = False  # "the read-only code tree": the service runs on a read-only root file system


NO_BYTECODE = Label(
    "No Bytecode",
    BytecodeArgs,
    [
        "{name}: Sets {value}, so the [{read_only=read-only}] code tree stays free of {suffix} files",
        "{name}: Sets {value}, so Python writes no {suffix} files",
    ],
    example=BytecodeArgs("PYTHONDONTWRITEBYTECODE", "1", suffix=".pyc"),
    summary="A variable that keeps Python from writing bytecode files, proven in the running container.",
    nested=True,
    group="Environment Variables",
    title=lambda a: a.name,
)
NO_BYTECODE.static("the stage's effective ENV value")(environment.variable_static)


@NO_BYTECODE.static('"read-only": the service under test runs with read_only: true', applies=lambda a: a.read_only)
def no_bytecode_read_only(claim: Claim[BytecodeArgs], sources: Sources) -> Cites:
    service = service_under_test(sources) if sources.has_compose else None
    if service is None or service.spec.get("read_only") is not True:
        has = f"read_only: {service.spec.get('read_only') or 'false (not set)'}" if service else "no compose stack"
        fail(claim, "a read-only code tree", has, f"service {service.name}" if service else "the configuration")
    return [sources.compose.cite("read_only:")]


def _code_tree(claim: Claim[BytecodeArgs], sources: Sources) -> str | None:
    """The tree the sentence calls the code tree: the stage's working directory (none when it is `/`)."""
    found = sources.stage(claim).workdir()
    return found[0] if found and found[0] != "/" else None


def _bytecode_needs(claim: Claim[BytecodeArgs], sources: Sources) -> list[Need]:
    tree = _code_tree(claim, sources) if "code tree" in claim.reading.form.text else None
    return [*image_view_needs(), *([files.need(trees=[tree])] if tree else [])]


@NO_BYTECODE.image("the image config's environment; no such file in the working directory's tree as built",
                   needs=_bytecode_needs)  # fmt: skip
def no_bytecode_image(claim: Claim[BytecodeArgs], images: Images) -> Cites:
    environment.variable_image(claim, images)
    tree = _code_tree(claim, images.sources) if "code tree" in claim.reading.form.text else None
    if tree:
        image = images.image(claim)
        baked = sorted(p for p in image.observed(files.FILES).tree(tree) if p.endswith(claim.args.suffix))
        if baked:
            fail(claim, f"a code tree free of {claim.args.suffix} files", f"{len(baked)} in {tree} as built, e.g. "
                 f"{tree}/{baked[0]}", image.where)  # fmt: skip
    return []


@NO_BYTECODE.running("the environment of PID 1 and of each Python program it started, and no such file among "
                     "what the container wrote (`docker diff`)",
                     needs=lambda c, s: [*running_view_needs(), changes.need()])  # fmt: skip
def no_bytecode_running(claim: Claim[BytecodeArgs], stack: Stack) -> Cites:
    environment.variable_running(claim, stack)
    if claim.args.read_only and not stack.service.host_config.get("ReadonlyRootfs"):
        fail(claim, "a read-only code tree", "a writable root file system", stack.service.where)
    written = [p for p in stack.service.observed(changes.CHANGES).added() if p.endswith(claim.args.suffix)]
    if written:
        fail(claim, f"no {claim.args.suffix} file written", f"{len(written)}, e.g. {written[0]}", stack.service.where)
    return []


@dataclass(frozen=True)
class UnbufferedArgs(environment.VariableArgs):
    sink: str = ""


def _write_through(request: None, context: dict[str, Any]) -> bool:
    import sys

    return bool(getattr(sys.stdout, "write_through", False))


WRITE_THROUGH: Observer[None, bool] = Observer(
    "write_through", bool, nothing, inside=_write_through, where=("container",), inputs=("config:self:Env",)
)

UNBUFFERED = Label(
    "Unbuffered Output",
    UnbufferedArgs,
    ["{name}: Sets {value}, so [log] <lines|output> <reach|reaches> {sink} at once"],
    example=UnbufferedArgs("PYTHONUNBUFFERED", "1", sink="docker logs"),
    summary="A variable that makes Python write its output through at once, proven in the running container.",
    nested=True,
    group="Environment Variables",
    title=lambda a: a.name,
)
UNBUFFERED.static("the stage's effective ENV value")(environment.variable_static)
UNBUFFERED.image("the image config's environment", needs=lambda c, s: image_view_needs())(environment.variable_image)


@UNBUFFERED.running("the environment of PID 1 and of each Python program it started, and where their stdout and "
                    "stderr go (Docker's pipes), no log line that only a file they append to (or /dev/null) gets, "
                    "and Python in the container writing stdout through",
                    needs=lambda c, s: [*running_view_needs(), WRITE_THROUGH.need(None)])  # fmt: skip
def unbuffered_running(claim: Claim[UnbufferedArgs], stack: Stack) -> Cites:
    environment.variable_running(claim, stack)
    if claim.args.sink not in ("docker logs", "the terminal") or not stack.service.observed(WRITE_THROUGH):
        fail(claim, f"stdout reaching {claim.args.sink} at once", "Python buffering stdout", stack.service.where)
    # Written through to nowhere is no line in `docker logs`: the server's own output must go where Docker reads.
    pid1 = stack.service.observed(process.PROCESS)
    elsewhere = [
        f"{who} writing {name} to {target}"
        for who, streams in [("PID 1", pid1.streams), *((s.named, s.streams) for s in pid1.programs)]
        for name, target in zip(("stdout", "stderr"), streams, strict=True)
        if not target.startswith(("pipe:", "/dev/pts/"))
    ]  # a server a shell runs without `exec` writes where its own streams go
    if "/dev/null" in pid1.appended:
        elsewhere.append("the server appending its log to /dev/null")
    # A log file besides the pipes is the server's to keep; a line that only a file got never reaches Docker.
    kept = tuple(target for target in pid1.appended if target != "/dev/null")
    if kept:
        elsewhere += [f"a log line only a file got: {line}" for line in logs.missing(stack.service, kept)]
    if elsewhere:
        fail(claim, f"the server's output reaching {claim.args.sink}", "; ".join(elsewhere), stack.service.where)
    return []
