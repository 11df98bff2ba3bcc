"""Stage basics: base image, working directory, build arguments."""

from __future__ import annotations

from ..claims import Claim
from ..dockerfile import clean_path, expand, normalise_image
from ..registry import Cites, Registry, fail
from ..resources import View
from ..subjects import Images, Sources, Stack


def base_image_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    wanted = normalise_image(claim.values[0])
    if stage.base != wanted:
        fail(claim, wanted, stage.base, stage.where())
    return [stage.from_instruction.cite, *(a.cite for a in sources.dockerfile.global_args if "$" in stage.written_base)]


def base_image_layers(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    wanted = normalise_image(claim.values[0])
    base = images.base_layers.get(wanted)
    if base is None:
        fail(claim, wanted, "no such base image to compare layers with", "the Docker engine")
    if image.layers[: len(base)] != base:
        fail(claim, f"layers of {wanted} ({len(base)} layers)", "a different layer stack at its bottom", image.where)
    return []


def working_directory_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    wanted = claim.values[0].rstrip("/") or "/"
    workdirs = stage.all("WORKDIR")
    if not workdirs:
        fail(claim, wanted, "no WORKDIR", stage.where())
    # A stage documented as working in one directory must not wander off: every WORKDIR lands there.
    current = stage.inherited_workdir()
    for workdir in workdirs:
        raw = expand(workdir.value, {**stage.args(), **{k: v for k, (v, _) in stage.env().items()}})
        current = clean_path(raw if raw.startswith("/") else f"{current}/{raw}")
        if current != wanted:
            fail(claim, wanted, f"WORKDIR {workdir.value} (that is {current})", stage.where(workdir))
    return [w.cite for w in workdirs]


def working_directory(claim: Claim, view: View) -> Cites:
    wanted = claim.values[0].rstrip("/") or "/"
    if (view.cwd.rstrip("/") or "/") != wanted:
        fail(claim, wanted, f"the main process working in {view.cwd}", view.where)
    return []


def working_directory_image(claim: Claim, images: Images) -> Cites:
    return working_directory(claim, images.image(claim).view)


def working_directory_running(claim: Claim, stack: Stack) -> Cites:
    return working_directory(claim, stack.service.view)


def build_argument_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.values[0]
    args = [i for i in stage.all("ARG") if i.value.split("=")[0].strip() == name]
    if not args:
        declared = [i.value for i in stage.all("ARG")]
        fail(claim, f"ARG {name}", f"ARGs {declared}", stage.where())
    optional = "optional" in claim.sentence.lower()
    if optional and "=" not in args[-1].value:
        fail(claim, f"{name} optional (with a default)", f"ARG {args[-1].value}", stage.where(args[-1]))
    # The argument must reach a command: an unconditional or guarded use in a RUN.
    users = [(i, c) for i, c in stage.commands() if any(f"${name}" in w or f"${{{name}" in w for w in c.argv)]
    if not users:
        fail(claim, f"{name} handed to the build's tools", "no RUN that reads it", f"stage {stage.label}")
    named_tools = [v for v in claim.values[1:] if " " in v]  # `poetry source add`, `poetry lock`
    for tool in named_tools:
        program, *sub = tool.split()
        if not stage.running(program, *sub):
            fail(claim, f"`{tool}` in the stage", "no such command", f"stage {stage.label}")
    return [a.cite for a in args] + sorted({i.cite for i, _ in users})


def register(registry: Registry) -> None:
    base = registry.entry("Base Image", least=1, most=1, staged=True, forms=("{}",))
    base.on("static", "the stage's FROM, with ARGs resolved and registry names normalised")(base_image_static)
    base.on("image", "the built image's bottom layers are exactly the base image's layers")(base_image_layers)

    workdir = registry.entry(
        "Working Directory", least=1, most=1, staged=True, forms=("{}", "Sets {} as the working directory")
    )
    workdir.on("static", "every WORKDIR of the stage resolves to the path")(working_directory_static)
    workdir.on("image", "the image config's working directory")(working_directory_image)
    workdir.on("running", "PID 1's current directory (/proc/1/cwd)")(working_directory_running)

    argument = registry.entry(
        "Build Argument",
        least=1,
        staged=True,
        forms=(
            "{} (optional) names a PEP 503 package index that pip and Poetry use instead of their defaults "
            "({} before {}). ...",
        ),
    )
    argument.on("static", "an ARG with a default, read by the stage's commands")(build_argument_static)
