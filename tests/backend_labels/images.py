"""Sentences of the Dockerfile page that only this project says, and the checks that read their words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from docverify.model.instruction import option
from docverify.model.overrides import set_over
from docverify.model.shell import Command, parameters
from docverify.model.sources import Sources
from docverify.observe.docker import resolve_build_args
from docverify.observe.observer import Observer, nothing
from docverify.observe.subjects import Images, Stack
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
    describes=(
        *(f"pip config {verb} {key}" for verb in ("set", "unset") for key in ("global.index-url", "install.index-url")),
        "poetry source add",
        "poetry source remove",
    ),  # fmt: skip
)


PIP_INDEX = ("global.index-url", "install.index-url")  # `extra-index-url` adds an index, it replaces none
POETRY_PRIMARY = ("primary", "default")  # a supplemental or explicit source leaves PyPI first


def _pip_configures(command: Command, name: str) -> str | None:
    """`pip config [--global|--user|--site] set global.index-url "$NAME"`: which pips read it (`site`: only
    those running the interpreter that ran it, not one `--python` or a venv points elsewhere), else None."""
    words = [w for w in command.invocation()[1:] if w not in ("--global", "--site", "--user")]
    if command.runs("pip", "config") and words[1:3] in (["set", k] for k in PIP_INDEX) and command.reads(name):
        return "site" if "--site" in command.argv else "every"
    return None


# What points pip elsewhere from the environment: another index, another config, or more indexes.
PIP_ENVIRONMENT = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONFIG_FILE", "PIP_NO_INDEX", "PIP_ISOLATED_MODE")


def _pip_environment(stage: Any, instruction: Any, command: Command) -> str | None:
    """A variable pip reads that an earlier `export` of the RUN (or an ENV before it) sets."""
    before = [c for i, c in stage.commands() if i is instruction and c.line <= command.line and c is not command]
    for earlier in before:
        if earlier.program == "export" and {w.partition("=")[0] for w in earlier.argv[1:]} & set(PIP_ENVIRONMENT):
            return f"`{' '.join(earlier.argv)}` before it"
        # A plain assignment reaches pip under `set -a`, or where the name is exported already: counted either way.
        if not earlier.argv and {w.partition("=")[0] for w in earlier.assignments} & set(PIP_ENVIRONMENT):
            return f"`{' '.join(earlier.assignments)}` before it"
    found = [n for n in PIP_ENVIRONMENT if n in stage.env(instruction)]
    return f"ENV {found[0]}" if found else None


def _pip_uses(command: Command, name: str, configured: str | None) -> str | None:
    """Why a `pip install` does not use the index `$NAME` instead of its default, or None when it does."""
    argv = list(command.invocation())
    given = option(argv, "--index-url", "-i", clusters=False)  # pip: `-rreq.txt` holds no `-i`
    if "--no-index" in argv:
        return "--no-index"
    extra = option(argv, "--extra-index-url") or next((a for a in command.exported if a.startswith("PIP_EXTRA")), None)
    if extra is not None:  # an index more: pip asks both, its default among them when it is PyPI
        return f"--extra-index-url {extra}"
    if given is not None:
        return None if name in parameters(given) else f"--index-url {given}"
    if any(a.startswith("PIP_INDEX_URL=") and name in parameters(a) for a in command.exported):
        return None
    if "--isolated" in argv or any(a.startswith(("PIP_CONFIG_FILE=", "PIP_INDEX_URL=")) for a in command.exported):
        return "pip told to ignore its configuration"
    target = option(argv, "--python") or ("/".join(argv[0].split("/")[:-2]) if "/" in argv[0] else None)
    if configured == "site" and target:
        return f"pip config --site is read by the interpreter that set it, and this install runs {target}"
    return None if configured else "no index-url configured before it"


def _unguarded(stage: Any, instruction: Any, command: Command, name: str) -> str | None:
    """Why a step that hands `$NAME` on may never run when it is set: a condition that tests no `$NAME`."""
    if not command.conditional:
        return None
    tests = [c for i, c in stage.commands() if i is instruction and c.program in ("[", "test", "[[")]
    if any(c.reads(name) for c in tests) and not any(w in ("-z", "!") for c in tests for w in c.argv):
        return None
    shown = "; ".join(" ".join(c.argv) for c in tests) or "a condition"
    return f"`{' '.join(command.argv)}` runs only when `{shown}`, which tests no ${name}"


@BUILD_ARGUMENT.static(
    "an ARG defaulting to empty; every pip install uses it as its index (--index-url, or pip config's index-url set "
    "before it), and a primary Poetry source reads it before `poetry lock`; each reads the argument's own value (no "
    "ENV over it, no default, no assignment earlier in the RUN), and nothing undoes it before its last use"
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

    commands = stage.commands()
    configured: str | None = None
    pip = []
    for instruction, command in commands:
        # Undone (even on a condition), pip's later installs do without it; once they are done, it harms none.
        if command.runs("pip", "config", "unset") and set(PIP_INDEX) & set(command.argv):
            configured = None
        scope = _pip_configures(command, name)
        if scope and (why := _unguarded(stage, instruction, command, name)):
            fail(claim, f"pip given ${name} whenever it is set", why, stage.where(instruction))
        if (scope or command.runs("pip", "install")) and (over := set_over(name, stage, instruction, command)):
            fail(claim, f"pip given the build argument ${name}", over[0], stage.where(over[1]))
        configured = configured if configured == "every" else scope or configured
        if (scope or command.reads(name)) and declared[-1].line > instruction.line:  # an ARG is in scope from its line
            fail(claim, f"${name} set for the step", f"ARG {name} declared after it, at line {declared[-1].line}",
                 stage.where(instruction))  # fmt: skip
        if command.runs("pip", "install"):
            pip.append((instruction, command))
            unused = _pip_uses(command, name, configured) or _pip_environment(stage, instruction, command)
            if unused:
                shown = f"`{' '.join(command.argv)}` ({unused})"
                said = f"pip installing from ${name} instead of its default index"
                fail(claim, said, shown, stage.where(instruction))
    if not pip:
        fail(claim, f"pip installing from ${name}", "no pip install", stage.where())
    program, *sub = claim.args.first.split()
    first = [(i, c) for i, c in stage.running(program, *sub) if c.reads(name)]
    after, *rest = claim.args.then.split()
    then = stage.running(after, *rest)
    if not first or not then:
        fail(
            claim,
            f"`{claim.args.first}` with {name}, then `{claim.args.then}`",
            f"{len(first)} `{claim.args.first}` reading it, {len(then)} `{claim.args.then}`",
            stage.where(),
        )
    if why := _unguarded(stage, first[0][0], first[0][1], name):
        fail(claim, f"Poetry given ${name} whenever it is set", why, stage.where(first[0][0]))
    if over := set_over(name, stage, *first[0]):
        fail(claim, f"Poetry given the build argument ${name}", over[0], stage.where(over[1]))
    priority = option(list(first[0][1].argv), "--priority", "-p") or "primary"
    others = [c for _, c in stage.running("poetry", "source", "add") if not c.reads(name)]
    second = [c for c in others if (option(list(c.argv), "--priority", "-p") or "primary") in POETRY_PRIMARY]
    if second:  # two primary sources: Poetry asks both
        fail(claim, f"Poetry using ${name} instead of its default", f"`{' '.join(second[0].argv)}` as well",
             stage.where(first[0][0]))  # fmt: skip
    if priority not in POETRY_PRIMARY:
        article = "an" if priority[:1] in "aeiou" else "a"
        shown = f"`{' '.join(first[0][1].argv)}`, {article} {priority} source Poetry asks only after its default"
        fail(claim, f"Poetry using ${name} instead of its default", shown, stage.where(first[0][0]))
    removed = [(i, c) for i, c in stage.running("poetry", "source", "remove")
               if commands.index(first[0]) < commands.index((i, c)) < commands.index(then[0])]  # fmt: skip
    if removed:  # gone before the lock: Poetry locks from its default
        shown = f"`{' '.join(removed[0][1].argv)}` before `{claim.args.then}`"
        fail(claim, f"Poetry using ${name} when it locks", shown, stage.where(removed[0][0]))
    if (first[0][0].line, commands.index(first[0])) > (then[0][0].line, commands.index(then[0])):
        fail(
            claim,
            f"`{claim.args.first}` before `{claim.args.then}`",
            f"`{claim.args.then}` first",
            stage.where(then[0][0]),
        )
    return sorted({declared[-1].cite, *(i.cite for i, _ in pip + first + then)})


@dataclass(frozen=True)
class IndexSeen:
    pip: dict[str, str]  # `pip config list`: key -> value
    sources: list[dict[str, Any]]  # the Poetry sources of pyproject.toml where the stage works


def _index_inside(request: None, context: dict[str, Any]) -> dict[str, Any]:
    import os
    import subprocess
    import sys
    import tomllib

    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60)
    pip = {}
    for line in listed.stdout.splitlines():
        key, _, value = line.partition("=")
        pip[key.strip()] = value.strip().strip("'\"")
    try:
        with open(os.path.join(context["workdir"], "pyproject.toml"), "rb") as handle:
            sources = tomllib.load(handle).get("tool", {}).get("poetry", {}).get("source", [])
    except (OSError, ValueError):
        sources = []
    return {"pip": pip, "sources": sources}


PACKAGE_INDEX: Observer[None, IndexSeen] = Observer(
    "package_index", lambda raw: IndexSeen(raw["pip"], raw["sources"]), nothing, inside=_index_inside,
    phase="programs", where=("image",),
)  # fmt: skip


@BUILD_ARGUMENT.image(
    "in the built stage, with the index the suite builds with: pip's configured index-url is it, and "
    "pyproject.toml's one primary Poetry source is it",
    needs=lambda c, s: [PACKAGE_INDEX.need(None)],
)
def package_index_image(claim: Claim[IndexArgs], images: Images) -> Cites:
    image = images.image(claim)
    given = resolve_build_args(images.sources.settings.build_args).get(claim.args.name, "")
    seen = image.observed(PACKAGE_INDEX)
    pip = {key: value for key, value in seen.pip.items() if key in PIP_INDEX}
    poetry = [s.get("url") for s in seen.sources if str(s.get("priority", "primary")) in POETRY_PRIMARY]
    # Exactly that one primary source: another (PyPI with no URL among them) is asked as well.
    if sorted(set(pip.values())) != ([given] if given else []) or poetry != ([given] if given else []):
        has = f"pip's {pip or 'default index'} and Poetry's primary sources {poetry or 'none'}"
        fail(claim, f"pip and Poetry using {given or 'their defaults'} ({claim.args.name})", has, image.where)
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
    registry.extend(USER_SETUP).add_forms(
        "Creates a {unprivileged=non-root} user {user} with UID {uid} [and GID {gid}] for security"
    )
    registry.extend(environment.VARIABLE).running(
        "the settings module the running app announces in its log",
        applies=lambda args: args.name == "DJANGO_SETTINGS_MODULE",
    )(settings_module_running)
