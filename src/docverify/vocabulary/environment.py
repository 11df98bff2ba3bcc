"""Environment variables: declared by the stage, held by the image, seen by the server.

"Adds `/venv/bin` to the PATH" means it comes first; "Sets `X`" means the value is exactly X.
"""

from __future__ import annotations

from .. import docker
from ..claims import Claim
from ..registry import Cites, Registry, fail, words
from ..resources import View
from ..subjects import Images, Sources, Stack
from .common import same_group


def holds(claim: Claim, value: str | None) -> bool:
    if value is None:
        return False
    sentence = claim.sentence.strip().lower()
    if sentence.startswith(("adds", "prepends")):
        return value.split(":")[0].rstrip("/") == claim.values[0].rstrip("/")
    return value == claim.values[0]


def variable_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.variable or ""
    effective = stage.env()
    group = same_group(claim, sources)
    if group and group[0].line == claim.line:
        # The list of variables is the list: the stage sets none the page does not name.
        documented = {c.variable for c in group}
        for instruction in stage.all("ENV"):
            extra = sorted(set(instruction.env()) - documented)
            if extra:
                fail(claim, f"the variables {words(sorted(v for v in documented if v))} and no other",
                     f"ENV {words(extra)} documented nowhere", stage.where(instruction))  # fmt: skip
    if name not in effective:
        fail(claim, f"ENV {name}", "no ENV of it", f"stage {stage.label}")
    value, instruction = effective[name]
    if not holds(claim, value):
        fail(claim, f"{name} with {claim.values[0]}", f"{name}={value}", stage.where(instruction))
    return [i.cite for i in stage.all("ENV") if name in i.env()]


def variable_view(claim: Claim, view: View, what: str) -> Cites:
    name = claim.variable or ""
    value = view.env.get(name)
    if not holds(claim, value):
        fail(claim, f"{name} with {claim.values[0]}", f"{name}={value} {what}", view.where)
    return []


def variable_image(claim: Claim, images: Images) -> Cites:
    return variable_view(claim, images.image(claim).view, "in the image config")


def variable_running(claim: Claim, stack: Stack) -> Cites:
    cites = variable_view(claim, stack.service.view, "in PID 1's environment")
    if len(claim.values) == 2 and claim.values[1].startswith("."):
        # "stays free of `.pyc` files": look at the code tree the server has been running from.
        suffix, root = claim.values[1], stack.service.view.cwd
        found = sorted(rel for rel, fact in stack.service.facts.tree(root).items() if rel.endswith(suffix))
        if found:
            fail(claim, f"no {suffix} file under {root}", f"{len(found)}, e.g. {root}/{found[0]}", stack.service.where)
    if len(claim.values) == 2 and claim.values[1] == "docker logs":
        # Unbuffered output: Python in the container writes stdout through, not in blocks.
        code = "import sys; print(sys.stdout.write_through)"
        result = docker.run("exec", stack.service.inspect["Id"], "python", "-c", code, timeout=60)
        if result.stdout.strip() != "True":
            fail(
                claim,
                "stdout written through at once",
                f"write_through {result.stdout.strip() or result.stderr[-200:]}",
                stack.service.where,
            )
    return cites


def register(registry: Registry) -> None:
    variable = registry.entry(
        ("Environment Variables", "variable"),
        least=1,
        staged=True,
        forms=(
            "Adds {} to the PATH ...",
            "Sets ...{}...",
            "Sets {}, so the read-only code tree stays free of {} files",
            "Sets {}, so log lines reach {} at once",
            "Sets {}, so ...",
            "Prepends {} ...",
        ),
    )
    variable.on("static", "the stage's effective ENV value (later ENVs win)")(variable_static)
    variable.on("image", "the image config's environment")(variable_image)
    variable.on("running", "PID 1's environment (/proc/1/environ)")(variable_running)
