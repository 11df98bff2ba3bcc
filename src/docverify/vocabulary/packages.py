"""What a stage installs: system packages, tools, exported requirements, the virtual environment.

A list of packages is the complete list of what the stage installs explicitly, unless the
sentence says "among others".
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..claims import Claim
from ..dockerfile import Stage
from ..errors import ClaimUnreadable
from ..registry import Cites, Registry, fail, words
from ..subjects import Images, Sources
from .common import cites, installed_by, unconditional
from .runtime import never_checks

OPEN_LIST = re.compile(r"\bamong others\b|\bat least\b", re.IGNORECASE)


def exact_list(claim: Claim) -> bool:
    return not OPEN_LIST.search(claim.sentence)


def installs_static(claim: Claim, sources: Sources, tool: str) -> Cites:
    stage = sources.stage(claim)
    found, installed = installed_by(stage, tool)
    wanted = set(claim.values)
    if tool == "apt-get":
        removals = [
            (i, c) for i, c in stage.commands()
            if (c.runs("apt-get", "purge") or c.runs("apt-get", "remove") or c.runs("apt", "remove"))
            and set(c.operands(2)) & wanted
        ]  # fmt: skip
        if removals:
            i, c = removals[0]
            fail(claim, f"{words(claim.values)} installed", f"`{' '.join(c.argv)}` removing one", stage.where(i))
    where = stage.where(found[0][0]) if found else stage.where()
    missing = sorted(wanted - set(installed))
    extra = sorted(set(installed) - wanted) if exact_list(claim) else []
    if missing or extra:
        has = f"{tool} install of {words(installed) or 'nothing'}"
        says = f"{tool} installs exactly {words(claim.values)}" if exact_list(claim) else words(claim.values)
        fail(claim, says, has + (f" (not documented: {words(extra)})" if extra else ""), where)
    return cites(found)


def dependencies_static(claim: Claim, sources: Sources) -> Cites:
    return installs_static(claim, sources, "apt-get")


def dependencies_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    missing = [v for v in claim.values if v not in image.packages]
    if missing:
        fail(claim, f"{words(claim.values)} installed", f"no {words(missing)} in the dpkg database", image.where)
    if exact_list(claim):
        # `apt-mark showmanual` minus the base image's: what the stage chose to install.
        added = sorted(set(image.facts.manual_packages) - set(images.base_of(image).facts.manual_packages))
        if set(added) != set(claim.values):
            fail(
                claim,
                f"exactly {words(claim.values)} installed on top of the base",
                f"manually installed {words(added)}",
                image.where,
            )
    return []


def poetry_setup_static(claim: Claim, sources: Sources) -> Cites:
    return installs_static(claim, sources, "pip")


def poetry_setup_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    missing = [v for v in claim.values if v.lower() not in image.facts.system_distributions]
    if missing:
        fail(claim, f"{words(claim.values)} installed", f"no {words(missing)} in the system Python", image.where)
    return []


def runs_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found_all = []
    for command in claim.values:
        program, *rest = command.split()
        found = unconditional(stage.running(program, *rest))
        if not found:
            fail(claim, f"RUN {command}", "no such command (that always runs)", f"stage {stage.label}")
        for instruction, run in found:
            idle = never_checks(run.invocation())  # `poetry lock --help` prints and locks nothing
            if idle:
                said = f"`{' '.join(run.argv)}`, which only prints ({idle})"
                fail(claim, f"RUN {command}", said, stage.where(instruction))
        found_all += found
    return cites(found_all)


def runs_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    if "poetry lock" in claim.values:
        check = image.facts.poetry_check_lock
        if check is None or check.code != 0:
            said = check.output if check else "no poetry or pyproject.toml"
            fail(claim, "a lock file fresh for pyproject.toml", f"`poetry check --lock` saying {said}", image.where)
    return []


def export_groups(claim: Claim, sources: Sources) -> tuple[set[str], str]:
    groups = set(sources.pyproject.get("tool", {}).get("poetry", {}).get("group", {}))
    named = {v for v in claim.values if v in groups}
    files = [v for v in claim.values if v not in groups]
    if not named or len(files) != 1:
        raise ClaimUnreadable(
            f"{claim.where()}: **{claim.title}** names groups {sorted(named)} and files {files}; "
            f"it needs Poetry groups (of {sorted(groups)}) and one output file"
        )
    return named, files[0]


def _export_options(argv: list[str]) -> tuple[set[str], str | None]:
    groups: set[str] = set()
    output = None
    for index, word in enumerate(argv):
        value = argv[index + 1] if index + 1 < len(argv) else ""
        for option in ("--only", "--with"):
            if word == option:
                groups |= set(value.split(","))
            elif word.startswith(option + "="):
                groups |= set(word.split("=", 1)[1].split(","))
        if word in ("--output", "-o"):
            output = value
        elif word.startswith("--output="):
            output = word.split("=", 1)[1]
    return groups, output


def exports_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    named, output = export_groups(claim, sources)
    found = unconditional(stage.running("poetry", "export"))
    if not found:
        fail(claim, "poetry export", "no `poetry export`", f"stage {stage.label}")
    instruction, command = found[-1]
    groups, out = _export_options(list(command.argv))
    if groups != named or out != output:
        said = f"poetry export of groups {words(sorted(named))} to {output}"
        fail(claim, said, f"`{' '.join(command.argv)}`", stage.where(instruction))
    return [instruction.cite]


def exports_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    named, output = export_groups(claim, images.sources)
    text = image.facts.requirements
    if text is None:
        fail(claim, f"{output} in {image.facts.workdir}", "no such file", image.where)
    lines = [line for line in text.splitlines() if line and not line.startswith((" ", "-", "#"))]
    exported = {re.split(r"[=<>;\s]", line)[0].lower() for line in lines}
    wanted = {name.lower() for name in images.sources.group_packages(named)}
    if exported != wanted:
        extra, missing = sorted(exported - wanted), sorted(wanted - exported)
        fail(
            claim,
            f"exactly the packages of groups {words(sorted(named))} ({len(wanted)})",
            f"{output} with extra {extra} and missing {missing}",
            image.where,
        )
    return []


def _venv_commands(stage: Stage, venv: str) -> list[str]:
    made = [
        i.cite
        for i, c in unconditional(stage.commands())
        if re.fullmatch(r"python3?(\.\d+)?", c.program) and list(c.argv[1:3]) == ["-m", "venv"] and venv in c.argv[3:]
    ]
    made += [i.cite for i, c in unconditional(stage.running("virtualenv")) if venv in c.argv[1:]]
    return made


def _installs_into(stage: Stage, venv: str, requirements: str) -> list[str]:
    found = []
    for instruction, command in unconditional(stage.running("pip", "install")):
        argv = list(command.invocation())
        interpreter = argv[argv.index("--python") + 1] if "--python" in argv else None
        target = str(PurePosixPath(argv[0]).parent.parent) if "/" in argv[0] else None
        into = interpreter and str(PurePosixPath(interpreter).parent.parent) or target
        reads = any(
            (w in ("-r", "--requirement") and i + 1 < len(argv) and argv[i + 1] == requirements)
            or w == f"--requirement={requirements}"
            for i, w in enumerate(argv)
        )
        if into == venv and reads:
            found.append(instruction.cite)
    return found


def virtual_environment_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    venv, requirements = claim.values[0], claim.values[-1]
    made = _venv_commands(stage, venv)
    if not made:
        fail(claim, f"python -m venv {venv}", "no such command", f"stage {stage.label}")
    installs = _installs_into(stage, venv, requirements)
    if not installs:
        fail(claim, f"pip install -r {requirements} into {venv}", "no such command", f"stage {stage.label}")
    return sorted(set(made + installs))


def virtual_environment_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    installed = image.facts.venvs.get(claim.values[0])
    if not installed or "error" in installed:
        fail(claim, f"a virtual environment at {claim.values[0]}", f"none usable ({installed})", image.where)
    pins = image.facts.requirements_pins
    wrong = {n: (v, installed.get(n)) for n, v in pins.items() if installed.get(n) != v}
    if not pins or wrong:
        said = f"{claim.values[0]} holding {claim.values[-1]}"
        fail(claim, said, f"mismatches {wrong}" if pins else "no pins read", image.where)
    return []


def register(registry: Registry) -> None:
    dependencies = registry.entry(
        "Dependencies",
        staged=True,
        forms=("Installs {*} for ...", "Installs {*} ...", "Installs {*}", "Installs ... among others"),
    )
    dependencies.on("static", "the apt-get install operands, exactly")(dependencies_static)
    dependencies.on(
        "image", "dpkg holds each, and exactly these are installed on top of the base (apt-mark showmanual)"
    )(dependencies_image)

    poetry = registry.entry("Poetry Setup", staged=True, forms=("Installs {*}",))
    poetry.on("static", "the system pip install operands, exactly")(poetry_setup_static)
    poetry.on("image", "each distribution in the image's system Python")(poetry_setup_image)

    runs = registry.entry(("Dependency Export", "Runs"), least=1, staged=True, forms=("Runs {} to ...", "Runs {*}"))
    runs.on("static", "the command runs unconditionally")(runs_static)
    runs.on("image", "`poetry check --lock` passes in the image")(runs_image)

    exports = registry.entry(
        ("Dependency Export", "Exports"),
        least=2,
        staged=True,
        forms=("Exports production dependencies (including {} and {} group) to {}", "Exports the {*} groups to {}"),
    )
    exports.on("static", "`poetry export` groups and output file")(exports_static)
    exports.on("image", "the exported file lists exactly the groups' locked packages")(exports_image)

    venv = registry.entry(
        "Virtual Environment",
        least=2,
        staged=True,
        forms=("Creates a Python virtual environment at {} and installs dependencies from {} into it",),
    )
    venv.on("static", "`python -m venv PATH`, then pip installs the file into it")(virtual_environment_static)
    venv.on("image", "the venv holds exactly the pinned versions")(virtual_environment_image)
