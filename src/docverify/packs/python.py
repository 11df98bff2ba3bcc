"""Python: virtual environments, made and filled by any installer, and packages of the system Python.

A venv is made by `python -m venv`, `virtualenv` or `uv venv`, and filled by its own pip, by
`pip --python`, by `uv pip --python`, or by a bare `pip` that the stage's PATH resolves into it.
The image level reads the venv's `*.dist-info` (whatever installed them) against the pins of the
requirements file, markers evaluated for the image's own Python.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model.dockerfile import Instruction, Stage, clean_path
from ..model.instruction import option, option_values
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import venvs
from ..observe.observer import Need
from ..observe.subjects import Images
from ..vocabulary.common import cites, install_operands, unconditional
from ..vocabulary.label import Cites, Claim, Label, fail, words
from ..vocabulary.registry import Registry
from . import requirements
from .pipenv import diverted, elsewhere

PYTHON = re.compile(r"python3?(\.\d+)?")


# --- reading the Dockerfile -----------------------------------------------------------------------


def made_venvs(stage: Stage, path: str) -> list[tuple[Instruction, Command]]:
    found = []
    for instruction, command in unconditional(stage.commands()):
        argv = command.argv
        if PYTHON.fullmatch(command.program) and list(argv[1:3]) in (["-m", "venv"], ["-m", "virtualenv"]):
            operands = [w for w in argv[3:] if not w.startswith("-")]
        elif command.program == "virtualenv" or (command.program == "uv" and argv[1:2] == ("venv",)):
            operands = [w for w in argv[1 + (command.program == "uv") :] if not w.startswith("-")]
        else:
            continue
        if path in [clean_path(w) for w in operands]:
            found.append((instruction, command))
    return found


def _path_first(stage: Stage, instruction: Instruction, venv: str) -> bool:
    """Whether the PATH a RUN sees finds `venv/bin`'s programs before the system's."""
    value = ""
    for env in stage.all("ENV"):
        if env.line < instruction.line and "PATH" in env.env():
            value = env.env()["PATH"]
    return bool(value) and value.split(":")[0].rstrip("/") == f"{venv}/bin"


def installs_into(stage: Stage, venv: str, requirements: str | None = None) -> list[tuple[Instruction, Command]]:
    """pip (or uv pip) installs into the venv, reading `requirements` when it is named (not `--dry-run`, nor with
    pip's environment or its own `--target`, `--prefix` or `--root` sending it elsewhere)."""
    found = []
    for instruction, command in unconditional(stage.running("pip", "install") + stage.running("uv", "pip", "install")):
        argv = list(command.invocation())
        if "--dry-run" in argv[: argv.index("--") if "--" in argv else len(argv)]:
            continue  # it only reports what it would install
        if command.program != "uv" and diverted(stage, instruction, command) or elsewhere(argv, venv):
            continue
        interpreter = option(argv, "--python")
        program = PurePosixPath(argv[0])
        into = None
        if interpreter:  # `--python /venv`, or an interpreter in its bin/ (`python`, `python3`, `python3.13`)
            named = PurePosixPath(interpreter)
            into = clean_path(str(named.parent.parent) if PYTHON.fullmatch(named.name) else interpreter)
        elif "/" in str(program) and program.parent.name == "bin":
            into = str(program.parent.parent)
        elif _path_first(stage, instruction, venv) or any(
            a.partition("=")[0] == "VIRTUAL_ENV" and clean_path(a.partition("=")[2]) == venv for a in command.exported
        ):
            into = venv
        given = {posixpath.normpath(v) for v in option_values(argv, "--requirement", "-r")}
        reads = requirements is None or requirements in given
        if into == venv and reads:
            found.append((instruction, command))
    return found


@dataclass(frozen=True)
class VenvArgs:
    path: str
    requirements: str | None = None
    seeded: bool = False  # "at `/venv` with pip": the venv holds its own pip
    by_pip: bool = False  # "installs … with pip": pip installs into it, not `uv pip`


PIP = "with pip|with plain pip"
UNSEEDED = {"--without-pip", "--no-pip", "--no-seed"}


def _venvs(sources: Sources) -> Iterable[tuple[int | None, VenvArgs]]:
    for stage in sources.dockerfile.stages:
        for _, command in unconditional(stage.commands()):
            if PYTHON.fullmatch(command.program) and list(command.argv[1:3]) == ["-m", "venv"]:
                path = next((clean_path(w) for w in command.argv[3:] if not w.startswith("-")), None)
                if path and installs_into(stage, path):
                    files = [
                        w
                        for _, c in installs_into(stage, path)
                        for i, w in enumerate(c.argv)
                        if i and c.argv[i - 1] in ("-r", "--requirement")
                    ]
                    yield stage.index, VenvArgs(path, files[0] if files else None)


VIRTUAL_ENVIRONMENT = Label(
    "Virtual Environment",
    VenvArgs,
    [
        f"Creates a [Python] virtual environment at {{path}} [{{seeded={PIP}}}] and installs "
        f"<dependencies|packages|the requirements> from {{requirements}} into it [{{by_pip={PIP}}}]",
        f"Creates a [Python] virtual environment at {{path}} and installs {{requirements}} into it [{{by_pip={PIP}}}]",
        "Creates a [Python] virtual environment at {path}",
    ],
    example=VenvArgs("/venv", "requirements.txt"),
    summary="A virtual environment the stage makes, and the requirements file it installs into it.",
    suggest=_venvs,
    describes=("venv", "uv", "pip", "virtualenv"),
)


@VIRTUAL_ENVIRONMENT.static(
    "the venv made (venv, virtualenv, uv venv), then an install into it reading the file (not one that pip's "
    "environment sends elsewhere: `PIP_TARGET`, `PIP_DRY_RUN`)"
)
def venv_static(claim: Claim[VenvArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    path = clean_path(claim.args.path)
    made = made_venvs(stage, path)
    if not made:
        fail(
            claim,
            f"a virtual environment made at {path}",
            "no `python -m venv`, `virtualenv` or `uv venv` of it",
            stage.where(),
        )
    filled = installs_into(stage, path, claim.args.requirements)
    maker = made[-1][1]
    has_pip = "--seed" in maker.argv if maker.program == "uv" else not UNSEEDED & set(maker.argv)
    if claim.args.seeded and not has_pip:
        fail(claim, f"{path} made with its own pip", f"`{' '.join(maker.argv)}`", stage.where(made[-1][0]))
    uv = [c for _, c in filled if c.program == "uv"]
    if claim.args.by_pip and uv:
        fail(claim, f"pip installing into {path}", f"`{' '.join(uv[0].argv)}`, uv's installer", stage.where())
    if claim.args.requirements and not filled:
        sent = [d for i, c in stage.running("pip", "install") if (d := diverted(stage, i, c))]
        fail(
            claim,
            f"an install of {claim.args.requirements} into {path}",
            "no pip install into it reading the file" + (f" (pip's environment has {sent[0]})" if sent else ""),
            stage.where(),
        )
    return cites(made + filled)


def _requirements_path(claim: Claim[VenvArgs], sources: Sources) -> str | None:
    if not claim.args.requirements:
        return None
    stage = sources.stage(claim)
    filled = installs_into(stage, clean_path(claim.args.path), claim.args.requirements)
    folder = stage.workdir_at(filled[0][0]) if filled else "/"
    return clean_path(f"{folder}/{claim.args.requirements}")


def _venv_needs(claim: Claim[VenvArgs], sources: Sources) -> list[Need]:
    needs = [venvs.need(clean_path(claim.args.path))]
    file = _requirements_path(claim, sources)
    return [*needs, requirements.REQUIREMENTS.need((file,))] if file else needs


@VIRTUAL_ENVIRONMENT.image(
    "the venv's installed distributions hold every pin of the requirements file, at its version", needs=_venv_needs
)
def venv_image(claim: Claim[VenvArgs], images: Images) -> Cites:
    image = images.image(claim)
    venv = image.observed(venvs.VENVS).at(clean_path(claim.args.path))
    if not venv.exists:
        fail(claim, f"a virtual environment at {claim.args.path}", "no pyvenv.cfg there", image.where)
    file = _requirements_path(claim, images.sources)
    if file:
        pins = image.observed(requirements.REQUIREMENTS).pins(file)
        wrong = {n: (v, venv.distributions.get(n)) for n, v in pins.items() if venv.distributions.get(n) != v}
        if not pins or wrong:
            fail(
                claim,
                f"{claim.args.path} holding the pins of {claim.args.requirements}",
                f"mismatches {wrong}" if pins else f"no pins read from {file}",
                image.where,
            )
    return []


# --- packages of the system Python --------------------------------------------------------------


def system_installs(stage: Stage, maybe: bool = False) -> tuple[list[tuple[Instruction, Command]], list[str]]:
    """Bare `pip install`s (not into a venv): what they install (`maybe`: those on a condition too)."""
    runs = [(i, c) for i, c in stage.running("pip", "install") if not c.inert] if maybe else None
    found = [
        (i, c)
        for i, c in (runs if runs is not None else unconditional(stage.running("pip", "install")))
        if "/" not in c.invocation()[0] and "--python" not in c.argv and not _path_into_venv(stage, i)
    ]
    return found, [name for _, c in found for name in install_operands(c)]


def project_name(name: str) -> str:
    """A distribution's name as pip compares it (PEP 503): `poetry_plugin_export` is `poetry-plugin-export`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _path_into_venv(stage: Stage, instruction: Instruction) -> bool:
    value = ""
    for env in stage.all("ENV"):
        if env.line < instruction.line and "PATH" in env.env():
            value = env.env()["PATH"]
    first = value.split(":")[0] if value else ""
    return bool(first) and first not in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "$PATH")


@dataclass(frozen=True)
class DistributionsArgs:
    distributions: tuple[str, ...]


def distributions_static(claim: Claim[DistributionsArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    found, installed = system_installs(stage)
    wanted = {project_name(d) for d in claim.args.distributions}
    have = {project_name(d) for d in installed}
    runs, _ = system_installs(stage, maybe=True)
    maybe = [(i, n) for i, c in runs for n in install_operands(c) if project_name(n) not in have | wanted]
    if maybe:  # an exact list: what a condition may install counts
        fail(claim, f"pip installs exactly {words(claim.args.distributions)}", f"a pip install, on a condition, of "
             f"{maybe[0][1]}", stage.where(maybe[0][0]))  # fmt: skip
    if wanted != have:
        extra = sorted(have - wanted)
        has = f"pip install of {words(installed) or 'nothing'}" + (
            f" (not documented: {words(extra)})" if extra else ""
        )
        fail(claim, f"pip installs exactly {words(claim.args.distributions)}", has, stage.where())
    return cites(found)


def distributions_image(claim: Claim[DistributionsArgs], images: Images) -> Cites:
    image = images.image(claim)
    system = image.observed(venvs.VENVS).system
    missing = [d for d in claim.args.distributions if project_name(d) not in system]
    if missing:
        fail(
            claim,
            f"{words(claim.args.distributions)} installed",
            f"no {words(missing)} in the system Python",
            image.where,
        )
    return []


def _system(sources: Sources) -> Iterable[tuple[int | None, DistributionsArgs]]:
    for stage in sources.dockerfile.stages:
        _, names = system_installs(stage)
        if names:
            yield stage.index, DistributionsArgs(tuple(names))


PYTHON_PACKAGES = Label(
    "Python Packages",
    DistributionsArgs,
    ["Installs {distributions*} [into the system Python]"],
    example=DistributionsArgs(("poetry",)),
    summary="Distributions a stage installs into its system Python with pip, exactly.",
    suggest=_system,
    describes=("pip", "uv"),
)
PYTHON_PACKAGES.static("the system pip install operands, exactly")(distributions_static)
PYTHON_PACKAGES.image("each distribution in the image's system Python", needs=lambda c, s: [venvs.need()])(
    distributions_image
)


def register(registry: Registry) -> None:
    from . import python_runtime

    registry.add_module(sys.modules[__name__], "python")
    registry.add_module(python_runtime, "python")


__all__: Sequence[str] = ["PYTHON_PACKAGES", "VIRTUAL_ENVIRONMENT", "register"]
