"""Incremental mutation runs: what a catalogue entry's last green run rested on, and what changed since.

An entry's record at a level holds, for the files it ran green on: a digest of its definition, of
the lines it edits (its region), and per claim it bears on (a mutant's targets; the claims whose
inputs an equivalent rewrite moves) the claims' texts and the digests of the inputs their proofs
read at that level (`run.inputs`: position-free, so a comment moves nothing). An entry runs again
when one of them differs now, or when it has no record at the level (new, or red last time).
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, TypedDict

from ..config import from_pyproject
from ..vocabulary.registry import Registry
from .inputs import ABSENT, Inputs, digest
from .mutations import Mutation, target_of
from .walk import Walk


class ClaimsRecord(TypedDict):
    texts: list[str]  # sha256 of each claim's text with this target, sorted
    inputs: dict[str, str]  # what their proofs read at the level -> digest


class EntryRecord(TypedDict):
    definition: str
    region: str
    claims: dict[str, ClaimsRecord]  # target -> its claims
    commit: str | None
    date: str


def key(kind: str, name: str) -> str:
    return f"{kind}/{name}"


def definition(mutation: Mutation) -> str:
    return digest([dataclasses.astuple(mutation)])


def _lines(text: str, old: str) -> str:
    """The whole lines the edit's text spans (its leading and trailing newlines left out), or why none."""
    count = text.count(old)
    if count != 1:
        return f"{ABSENT}:{count}"
    start = text.index(old) + len(old) - len(old.lstrip("\n"))
    end = text.index(old) + len(old.rstrip("\n"))
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return text[first : len(text) if last < 0 else last]


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return None


def region(mutation: Mutation, root: Path) -> str:
    """The pre-image of what the entry edits: the lines each edit spans, and every file it writes."""
    text = _read(root / mutation.file)
    parts: list[object] = [mutation.file]
    if mutation.new_file:
        parts.append(ABSENT if text is None else hashlib.sha256(text.encode()).hexdigest())
    else:
        parts += [_lines(text, old) if text is not None else ABSENT for old, _ in mutation.edits]
    for name, _ in mutation.creates:
        created = _read(root / name)
        parts.append([name, ABSENT if created is None else hashlib.sha256(created.encode()).hexdigest()])
    return digest(parts)


def where(mutation: Mutation, root: Path) -> str:
    """`Dockerfile:76` for the first edit found now, else the file."""
    text = _read(root / mutation.file)
    if text is None or mutation.new_file or text.count(mutation.edits[0][0]) != 1:
        return mutation.file
    old = mutation.edits[0][0]
    start = text.index(old) + len(old) - len(old.lstrip("\n"))
    return f"{mutation.file}:{text.count(chr(10), 0, start) + 1}"


class Tree:
    """One state of the files: its claims' texts by target, and the digests of any input."""

    def __init__(self, root: Path, registry: Registry) -> None:
        self.root = root
        self.walk = Walk(from_pyproject(root), registry)

    @cached_property
    def inputs(self) -> Inputs:
        return Inputs(self.walk.sources)

    @cached_property
    def texts(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for claim in self.walk.claims():
            found.setdefault(target_of(claim), []).append(hashlib.sha256(claim.item.text.encode()).hexdigest())
        return {target: sorted(shas) for target, shas in found.items()}

    @cached_property
    def lines(self) -> dict[str, str]:
        """target -> `page:line` of its first claim, to say where a text changed."""
        found: dict[str, str] = {}
        for claim in self.walk.claims():
            found.setdefault(target_of(claim), claim.id)
        return found

    def digests(self, names: Iterable[str]) -> dict[str, str]:
        return {name: self.inputs.digest(name) for name in sorted(names)}


def record(
    mutation: Mutation, tree: Tree, names: Mapping[str, Iterable[str]], commit: str | None, date: str
) -> EntryRecord:
    """The entry's record on `tree`: `names` maps each claim target it bears on to the inputs read."""
    claims: dict[str, ClaimsRecord] = {
        target: {"texts": tree.texts.get(target, []), "inputs": tree.digests(read)} for target, read in names.items()
    }
    return {"definition": definition(mutation), "region": region(mutation, tree.root), "claims": claims,
            "commit": commit, "date": date}  # fmt: skip


def reasons(mutation: Mutation, kept: EntryRecord, now: Tree, then: Tree | None = None) -> list[str]:
    """Why the entry must run again, comparing the files now with its record (or with `then`'s files)."""
    found: list[str] = []
    if kept.get("definition") != definition(mutation):
        found.append("its definition in the catalogue changed")
    before = kept.get("region") if then is None else region(mutation, then.root)
    if before != region(mutation, now.root):
        found.append(f"the lines it edits changed ({where(mutation, now.root)})")
    for target, claims in sorted(kept.get("claims", {}).items()):
        texts = claims.get("texts", []) if then is None else then.texts.get(target, [])
        if texts != now.texts.get(target, []):
            found.append(f"the text of {target} changed ({now.lines.get(target, 'no such claim now')})")
        recorded = claims.get("inputs", {})
        old = recorded if then is None else then.digests(recorded)
        moved = [name for name in sorted(old) if now.inputs.digest(name) != old[name]]
        if moved:
            what = "; ".join(now.inputs.describe(name) for name in moved)
            found.append(f"what {target} read changed: {what}")
    return found


def touched(claims: Iterable[Mapping[str, Any]], level: str, tree: Tree) -> dict[str, set[str]]:
    """From a mutated copy's report: the targets whose inputs at `level` differ from `tree`'s, with their inputs."""
    found: dict[str, set[str]] = {}
    for claim in claims:
        inputs: dict[str, str] = (claim.get("levels", {}).get(level) or {}).get("inputs") or {}
        text = hashlib.sha256(str(claim.get("text", "")).encode()).hexdigest()
        target = f"{claim['stage']}/{claim['title']}" if claim.get("stage") else str(claim.get("title"))
        if text not in tree.texts.get(target, []) or any(tree.inputs.digest(n) != d for n, d in inputs.items()):
            found.setdefault(target, set()).update(inputs)
    return found


def read_by(claims: Iterable[Mapping[str, Any]], level: str, targets: Iterable[str]) -> dict[str, set[str]]:
    """From a report's claims: per target, every input its claims' proofs read at `level`."""
    wanted = set(targets)
    found: dict[str, set[str]] = {target: set() for target in wanted}
    for claim in claims:
        target = f"{claim['stage']}/{claim['title']}" if claim.get("stage") else str(claim.get("title"))
        if target in wanted:
            found[target].update((claim.get("levels", {}).get(level) or {}).get("inputs") or {})
    return found


def export(repository: Path, ref: str, names: Iterable[str], into: Path) -> Path:
    """The files `names` (paths or folders) as commit `ref` has them, written under `into`.

    Raises ValueError with one sentence when `ref` is no commit of the repository.
    """
    git = ["git", "-C", str(repository)]
    commit = subprocess.run(
        [*git, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True, text=True
    )
    if commit.returncode != 0:
        raise ValueError(f"--since {ref}: no such commit in {repository}")
    listed = subprocess.run([*git, "ls-tree", "--name-only", commit.stdout.strip()], capture_output=True, text=True)
    present = [name for name in names if name.split("/")[0] in listed.stdout.split()]
    archive = subprocess.Popen([*git, "archive", "--format=tar", commit.stdout.strip(), "--", *present],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    unpacked = subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, capture_output=True)
    _, error = archive.communicate()
    if archive.returncode != 0 or unpacked.returncode != 0:
        why = (error or unpacked.stderr).decode(errors="replace").strip()
        raise ValueError(f"--since {ref}: cannot read its files: {why}")
    return into
