"""COPY and ADD as the builder applies them: one row per source, with where it lands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from .dockerfile import Stage
from .instruction import Instruction, clean_path


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
    env = {**stage.args(), **{k: v for k, (v, _) in stage.env().items()}}
    # Only these keywords decide where a copy lands: a change to any other leaves the rows (and their proofs) be.
    ordered = sorted(stage.all("WORKDIR") + stage.all("COPY") + stage.all("ADD"), key=lambda i: i.line)
    for instruction in ordered:
        if instruction.keyword == "WORKDIR":
            raw = instruction.word(env)
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
            lands = f"{absolute}/{name}" if into_dir and not local.is_dir() else absolute
            found.append(Copy(instruction, frm, norm(source), clean_path(lands)))
    return found
