"""Environment variables: set by the stage, held by the image, seen by the server's process.

A group of variable items is the complete list of what the stage sets with ENV: the first item
checks that no other variable is set. "Sets `X`" means the value is exactly X; "Prepends" and
"Adds … to the PATH" put the entry before what the variable held (the ENV writes `X:$PATH`; the image's
is X, then the base image's), "Appends" after it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import reads
from ..model.dockerfile import Stage
from ..model.instruction import expand, expanded
from ..model.sources import Sources
from ..observe import files, process
from ..observe.observer import Need
from ..observe.subjects import Images, Stack
from .common import image_view, image_view_needs, page_items, running_view, running_view_needs
from .compose import service_under_test
from .label import Cites, Claim, Label, fail, words
from .serverconfig import Unreadable, file_env
from .servers import configured, server_env

NAME = re.compile(r"^`(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s*:")


@dataclass(frozen=True)
class VariableArgs:
    name: str
    value: str | None = None  # the whole value
    entry: str | None = None  # one entry of a list variable (PATH)
    programs: tuple[str, ...] = ()  # found on that PATH entry first: `python` is the environment's


FIRST = (
    "{name}: Prepends {entry} [to <the PATH|PATH|it>]",
    "{name}: Adds {entry} to the <PATH|front of the PATH|start of the PATH>",
    "{name}: Prepends {entry}[,] so {programs*} <is|are> the <environment's|entry's|folder's>",
    "{name}: Prepends {entry}[,] so {programs*} <resolves|resolve|is found|are found> there",
)
LAST = ("{name}: Appends {entry} [to <the PATH|PATH|it>]",)
EXACT = ("{name}: Sets {value}", "{name}: Sets [the] ... to {value}", "{name}: {value}")


def _variables(sources: Sources) -> Iterable[tuple[int | None, VariableArgs]]:
    for stage in sources.dockerfile.stages:
        for name, (value, instruction) in stage.env().items():
            if instruction.stage_index != stage.index:
                continue
            entries = value.split(":")
            if entries[1:] and entries[-1] in (f"${name}", f"${{{name}}}"):
                yield stage.index, VariableArgs(name, entry=":".join(entries[:-1]))  # it puts these first
            elif f"${name}" not in value and f"${{{name}}}" not in value:
                yield stage.index, VariableArgs(name, value)


VARIABLE = Label(
    "Variable",
    VariableArgs,
    [*EXACT, *FIRST, *LAST],
    example=VariableArgs("DJANGO_SETTINGS_MODULE", "core.settings.dev"),
    examples=[VariableArgs("PATH", entry="/venv/bin"), VariableArgs("PATH", entry="/venv/bin", programs=("python",))],
    summary="An environment variable the stage sets (`ENV`), nested under a group such as "
    "`**Environment Variables:**`; the group lists every variable the stage sets.",
    nested=True,
    group="Environment Variables",
    title=lambda a: a.name,
    key=lambda a: a.name,
    suggest=_variables,
)


def _entries(value: str) -> list[str]:
    return [e.rstrip("/") or "/" for e in value.split(":")]


def holds(claim: Claim[VariableArgs], value: str | None, before: str | None = None) -> bool:
    """The value is the one the sentence says: exactly, or with the entry added first (last) to `before`, what
    the variable held before (when known)."""
    args = claim.args
    if value is None:
        return False
    if args.value is not None:
        return value == args.value
    entries, wanted = _entries(value), _entries(args.entry or "")
    last = claim.reading.form.text in LAST
    added, rest = (
        (entries[-len(wanted) :], entries[: -len(wanted)]) if last else (entries[: len(wanted)], entries[len(wanted) :])
    )
    return added == wanted and (before is None or rest == _entries(before))


def said(claim: Claim[VariableArgs]) -> str:
    args = claim.args
    if args.value is not None:
        return f"{args.name}={args.value}"
    if claim.reading.form.text in LAST:
        return f"{args.name}=${args.name}:{args.entry} ({args.entry} after what {args.name} held)"
    return f"{args.name}={args.entry}:${args.name} ({args.entry} before what {args.name} held)"


def siblings(claim: Claim[VariableArgs], sources: Sources) -> list[str]:
    """The variables the claim's group names, in order (the group is the list)."""
    found = page_items(claim, sources)
    group = [i for i in found if i.nested and i.group == claim.item.group]
    return [m["name"] for i in group if (m := NAME.match(i.sentence))]


@VARIABLE.static(
    "the stage's effective ENV value (later ENVs win), and in the final stage what gunicorn's `--env` sets over it; "
    "the group names every variable the stage sets"
)
def variable_static(claim: Claim[VariableArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.args.name
    effective = stage.env()
    documented = siblings(claim, sources)
    if documented and documented[0] == name:
        for instruction in stage.all("ENV"):
            extra = sorted(set(instruction.env()) - set(documented))
            if extra:
                fail(
                    claim,
                    f"the variables {words(documented)} and no other",
                    f"ENV {words(extra)} documented nowhere",
                    stage.where(instruction),
                )
    if name not in effective:
        fail(claim, f"ENV {name}", "no ENV of it", stage.where())
    value, instruction = effective[name]
    # Prepended or appended to what it held: the ENV writes the variable itself beside the entry.
    # Other variables as the builder expands them (`$VENV/bin:$PATH` with `ARG VENV=/venv`); its own stays.
    others = {k: v for k, v in stage.variables(instruction).items() if k != name}
    written = expand(instruction.env()[name], others)
    itself = next((w for w in (f"${name}", f"${{{name}}}") if w in _entries(written)), f"${name}")
    if not holds(claim, value) or (claim.args.entry is not None and not holds(claim, written, itself)):
        fail(claim, said(claim), f"{name}={written}", stage.where(instruction))
    if claim.args.entry is not None and name not in expanded(instruction.env_written().get(name, "")):
        # Single quotes or `\$` keep `$PATH` as text: the variable loses what it held.
        fail(claim, said(claim), f"{name}={instruction.env_written()[name]}, which the builder does not expand",
             stage.where(instruction))  # fmt: skip
    if stage is sources.dockerfile.final:
        _server_env(claim, sources, stage)
    if stage is sources.dockerfile.final and sources.settings.runs_stack:
        service = service_under_test(sources)
        # compose's `environment:` wins in the stack's container (a name without a value passes the image's on).
        given = service.environment.get(name)
        given = value if given is None else given
        if not holds(claim, given):
            fail(claim, said(claim), f"{name}={given} in service {service.name}",
                 sources.compose.cite(f"{name}:", service=service.name))  # fmt: skip
    return [i.cite for i in stage.all("ENV") if name in i.env()]


def _server_env(claim: Claim[VariableArgs], sources: Sources, stage: Stage) -> None:
    """gunicorn's `--env` (on the CMD, or in `GUNICORN_CMD_ARGS`) sets the variable again in the server itself."""
    options, where = configured(sources, stage)
    try:
        extra = ["gunicorn", *shlex.split(options or "")]
    except ValueError:
        extra = []
    # Only what `--env` gives this variable is read of the ENTRYPOINT and CMD: another word changes no proof.
    name = f"serverenv:{stage.index}:{claim.args.name}"
    with reads.narrowed(lambda noted: name if re.fullmatch(r"dockerfile:\d+:(CMD|ENTRYPOINT)", noted) else noted):
        stored = [stage.exec_list("ENTRYPOINT"), stage.exec_list("CMD")]
        command = stored[1]
    for found in stored:
        given = server_env(found[0]).get(claim.args.name) if found else None
        if found and given is not None and not holds(claim, given):
            fail(claim, said(claim), f"gunicorn --env {claim.args.name}={given}", stage.where(found[1]))
    given = server_env(extra).get(claim.args.name)
    if given is not None and not holds(claim, given):
        fail(claim, said(claim), f"gunicorn --env {claim.args.name}={given} in GUNICORN_CMD_ARGS", where)
    try:  # gunicorn.conf.py's `raw_env` too
        from_file, named = file_env(sources, stage, command[0] if command else [], options)
    except Unreadable as error:
        fail(claim, said(claim), f"raw_env set as `{error.statement}, which only running the file tells", where)
    given = from_file.get(claim.args.name)
    if given is not None and not holds(claim, given):
        fail(claim, said(claim), f"gunicorn's raw_env {claim.args.name}={given}", named)


def _programs(claim: Claim[VariableArgs], sources: Sources) -> list[Need]:
    return [*image_view_needs(), files.need(which=claim.args.programs)] if claim.args.programs else image_view_needs()


@VARIABLE.image("the image config's environment; a program said to be the entry's is found there first on PATH",
                needs=_programs)  # fmt: skip
def variable_image(claim: Claim[VariableArgs], images: Images) -> Cites:
    image = images.image(claim)
    view = image_view(image)
    value = view.env.get(claim.args.name)
    base = image_view(images.base_of(image)).env.get(claim.args.name) if claim.args.entry is not None else None
    if not holds(claim, value, base):
        shown = f" (the base image's: {base})" if base is not None else ""
        fail(claim, said(claim), f"{claim.args.name}={value} in the image config{shown}", view.where)
    found = image.observed(files.FILES).which if claim.args.programs else {}
    for program in claim.args.programs:
        where = found.get(program) or ""
        if _entries(where.rpartition("/")[0] or "/") != _entries(claim.args.entry or ""):
            fail(claim, f"{program} found in {claim.args.entry}", f"{program} at {found.get(program) or 'nowhere'}",
                 view.where)  # fmt: skip
    return []


@VARIABLE.running("the environment of PID 1, and of each Python program it started (/proc/*/environ): a server a "
                  "shell runs without `exec` is one; a worker the server forked shares its environment",
                  needs=lambda c, s: running_view_needs())  # fmt: skip
def variable_running(claim: Claim[VariableArgs], stack: Stack) -> Cites:
    view = running_view(stack.service)
    value = view.env.get(claim.args.name)
    if not holds(claim, value):
        fail(claim, said(claim), f"{claim.args.name}={value} in PID 1's environment", view.where)
    for started in stack.service.observed(process.PROCESS).programs:
        if not started.env:  # `env -i`, or a process title written over it (setproctitle): nothing says it holds
            why = "unreadable by the probe's user" if started.env is None else "empty, as /proc shows it"
            fail(claim, said(claim), f"the environment of {started.named}, which PID 1 started, {why}", view.where)
        if not holds(claim, value := started.env.get(claim.args.name)):
            fail(claim, said(claim), f"{claim.args.name}={value} in the environment of {started.named}, which PID 1 "
                 "started", view.where)  # fmt: skip
    return []
