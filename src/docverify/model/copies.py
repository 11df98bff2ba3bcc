"""COPY and ADD as the builder applies them: one row per source, with where it lands, and the context file behind a
path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from .context import Context
from .dockerfile import Stage
from .instruction import Instruction, clean_path

if TYPE_CHECKING:
    from .sources import Sources


@dataclass(frozen=True)
class Copy:
    instruction: Instruction
    from_stage: str | None  # --from, as resolved: a stage name, or a stage index as text
    source: str  # normalised: no ./ prefix, no trailing /
    destination: str  # absolute, where `source` lands

    @property
    def owner(self) -> str | None:
        return self.instruction.flags().get("chown")


def norm(source: str) -> str:
    cleaned = str(PurePosixPath(source))
    return cleaned[2:] if cleaned.startswith("./") else cleaned


def copies_of(stage: Stage) -> list[Copy]:
    """Every COPY/ADD of the stage, with its effective destination (relative ones against WORKDIR)."""
    found: list[Copy] = []
    workdir = stage.inherited_workdir()
    # Only these keywords decide where a copy lands: a change to any other leaves the rows (and their proofs) be.
    ordered = sorted(stage.all("WORKDIR") + stage.all("COPY") + stage.all("ADD"), key=lambda i: i.line)
    for instruction in ordered:
        if instruction.keyword == "WORKDIR":
            raw = instruction.word(stage.variables(instruction))
            workdir = clean_path(raw if raw.startswith("/") else f"{workdir}/{raw}")
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        *sources, target = instruction.arguments()
        into_dir = target.endswith("/") or len(sources) > 1 or target in (".", "./")
        absolute = clean_path(target if target.startswith("/") else f"{workdir}/{target}")
        frm = instruction.flags().get("from")
        if frm is not None and frm.isdigit() and int(frm) < len(stage.dockerfile_stages):
            frm = stage.dockerfile_stages[int(frm)].name or frm  # `--from=0` names the first stage
        for source in sources:
            name = PurePosixPath(source.rstrip("/")).name
            local = stage.from_instruction.path.parent / source
            # A folder's contents land in the destination; a file lands in it, by its name, when it is a folder.
            folder = _folder_in(stage, frm, source) if frm is not None else local.is_dir()
            lands = f"{absolute}/{name}" if into_dir and not folder else absolute
            found.append(Copy(instruction, frm, norm(source), clean_path(lands)))
    return found


def _folder_in(stage: Stage, name: str, source: str) -> bool:
    """Whether `source` is a folder in the stage `name`: written with a trailing `/`, or a folder that stage
    makes (an absolute `mkdir` operand, or where its COPYs land things inside)."""
    if source.endswith("/"):
        return True
    other = next((s for s in stage.dockerfile_stages if (s.name or str(s.index)) == name), None)
    if other is None:
        return False
    path = clean_path(source)
    made = {clean_path(w) for _, c in other.running("mkdir") for w in c.operands() if w.startswith("/")}
    return path in made or any(row.destination.startswith(f"{path}/") for row in copies_of(other))


def context_file(sources: Sources, stage: Stage, path: str) -> str | None:
    """The build context's file a COPY lands at `path` in the stage (after .dockerignore), relative to the root, or
    None (a file from another stage, one the context does not send, or none at all)."""
    context = Context(sources.settings.context)
    for row in reversed(copies_of(stage)):
        if row.from_stage is not None or not (path == row.destination or path.startswith(row.destination + "/")):
            continue
        relative = str(PurePosixPath(row.source, path[len(row.destination) :].lstrip("/")))
        local = sources.settings.context / relative
        if local.is_file() and context.sent(relative) and local.is_relative_to(sources.root):
            return str(local.relative_to(sources.root))
    return None
