"""Files and permissions: what is copied where, created, owned and made executable.

Nested items under any group (**Copy Artifacts:**, **Permissions & Directories:**): each reads by
its own verb. Copies are checked against the build context as the builder sends it
(`.dockerignore` applied), files by content; a copy from another stage, tree against tree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..model.context import Context
from ..model.copies import Copy, copies_of, norm
from ..model.dockerfile import Stage, clean_path
from ..model.gitignore import GitIgnore
from ..model.sources import Sources
from ..observe import files
from ..observe.observer import Need
from ..observe.subjects import Images
from .label import Cites, Claim, Label, fail


@dataclass(frozen=True)
class CopiesArgs:
    sources: tuple[str, ...] = ()
    destination: str | None = None
    stage: str | None = None  # --from
    how: str = "to"  # "into": inside the destination folder (a folder's contents, or files put in it)
    what: str | None = None  # "script", "file", "folder", ...: what each source is


# What a noun says each source is: a file (a script: one with a `#!` line), or a folder.
NOUNS = {"script": "script", "file": "file", "files": "file", "folder": "dir", "directory": "dir", "tree": "dir"}
HOW = "{how=to|into}"


def _copies(sources: Sources) -> Iterable[tuple[int | None, CopiesArgs]]:
    for stage in sources.dockerfile.stages:
        for row in copies_of(stage):
            if row.from_stage:
                yield stage.index, CopiesArgs((row.source,), row.destination, row.from_stage)
            else:
                yield stage.index, CopiesArgs((row.source,), row.destination)


COPIES = Label(
    "Copies",
    CopiesArgs,
    [
        f"Copies {{sources*}} [{HOW} {{destination}}]",
        f"Copies [the] {{sources*}} {{what={'|'.join([*NOUNS, 'package', 'code'])}}} {HOW} {{destination}}",
        f"Copies [the] ... ({{sources*}}) {HOW} {{destination}}",
        f"Copies [the] ... from [the] {{stage}} stage {HOW} {{destination}}",
        f"Copies {{sources*}} from [the] {{stage}} stage [{HOW} {{destination}}]",
    ],
    example=CopiesArgs(("entrypoint.sh",), "/entrypoint.sh"),
    examples=[
        CopiesArgs(("/venv",), "/venv", "builder"),
        CopiesArgs(("entrypoint.sh",), "/entrypoint.sh", what="script"),
    ],
    summary="A `COPY`/`ADD` of the stage: what (from the build context, or from another stage) and where it lands.",
    nested=True,
    group="Copy Artifacts",
    key=lambda a: " ".join(a.sources),
    suggest=_copies,
)


def _lands(row: Copy, stage: Stage, destination: str | None, how: str, context: Path) -> bool:
    """The row's copy lands at the destination the page names: "to" that path, or in that folder when the COPY
    copies into a folder; "into" that folder only (a folder's contents, or files put in it). A relative
    destination is the COPY's working directory's."""
    if destination is None:
        return True
    workdir = stage.workdir_at(row.instruction)
    said = clean_path(destination if destination.startswith("/") else f"{workdir}/{destination}")
    target = row.instruction.arguments()[-1]
    into_folder = target.endswith("/") or target in (".", "./") or len(row.instruction.arguments()) > 2
    inside = into_folder and str(PurePosixPath(row.destination).parent) == said
    if how == "into":  # a folder's contents land in it; a file lands at a path of its own inside it
        return inside or (row.destination == said and (row.from_stage is not None or _kind(row, context) == "dir"))
    return row.destination == said or inside


def _kind(row: Copy, context: Path) -> str:
    """What the build context holds at a row's source: dir, script (a file with a `#!` line), file, or missing."""
    local = context / row.source
    if local.is_dir():
        return "dir"
    if not local.is_file():
        return "missing"
    with local.open("rb") as handle:
        return "script" if handle.read(2) == b"#!" else "file"


def _rows(claim: Claim[CopiesArgs], stage: Stage, context: Path) -> list[Copy]:
    """The COPY rows the claim describes (one per source), or a failure naming what the stage copies."""
    args = claim.args
    rows = copies_of(stage)
    hits: list[Copy] = []
    for source in args.sources or (None,):
        found = [
            row
            for row in rows
            if (row.from_stage or "").lower() == (args.stage or "").lower()
            and (source is None or row.source == norm(source))
            and _lands(row, stage, args.destination, args.how, context)
        ]
        if not found:
            has = "; ".join(f"{r.source} to {r.destination} (line {r.instruction.line})" for r in rows) or "no COPY"
            frm = f"--from={args.stage} " if args.stage else ""
            said = f"COPY {frm}{source or '(anything)'} {args.how} {args.destination or '(anywhere)'}"
            fail(claim, said, f"copies of {has}", stage.where())
        hits += found
    wanted = NOUNS.get(args.what or "")
    for row in hits if wanted and not args.stage else ():
        kind = _kind(row, context)
        if kind != wanted and not (wanted == "file" and kind == "script"):
            has = f"{row.source}, a {kind}" if kind != "missing" else f"no {row.source} in the build context"
            fail(claim, f"{row.source} copied, a {args.what}", has, stage.where(row.instruction))
    return hits


@COPIES.static(
    "COPY rows: source, effective destination (relative to WORKDIR), --from by name or index; a source from the "
    "build context is sent (.dockerignore leaves it in), a folder whole (what it leaves out, git ignores)"
)
def copies_static(claim: Claim[CopiesArgs], sources: Sources) -> Cites:
    rows = _rows(claim, sources.stage(claim), sources.settings.context)
    context = Context(sources.settings.context)
    if any(not row.from_stage for row in rows) and (context.root / ".dockerignore").is_file():
        sources.text(sources.settings.relative(context.root / ".dockerignore"))  # an input of the proof
    for row in rows:  # a glob, a URL or an ARG the builder expands: the image level sees what was sent
        plain = not any(c in row.source for c in "*?[$") and not re.match(r"[a-z][a-z0-9+.-]*:/", row.source)
        if not row.from_stage and plain and not context.files(row.source):
            fail(claim, f"{row.source} copied", ".dockerignore leaving it out of the build context",
                 row.instruction.where)  # fmt: skip
        if not row.from_stage and plain:
            _whole(claim, sources, context, row.source)
    return sorted({row.instruction.cite for row in rows})


def _whole(claim: Claim[CopiesArgs], sources: Sources, context: Context, source: str) -> None:
    """A folder copied is copied whole: `.dockerignore` may leave out only what the repository does not hold
    (what git ignores, and Python's byte-code caches)."""
    if not (context.root / source).is_dir():
        return
    ignore = GitIgnore(context.root)
    left = context.left_out(source, ignore)
    for name in ignore.files():  # inputs of the proof: a line added there may change the answer
        sources.text(sources.settings.relative(context.root / name))
    if left:
        shown = ", ".join(f"{path} (.dockerignore:{line})" for path, line in left[:3])
        more = f" and {len(left) - 3} more" if len(left) > 3 else ""
        fail(claim, f"{source} copied, the folder as the repository holds it",
             f"{len(left)} file(s) of it that git does not ignore left out of the build context: {shown}{more}",
             f".dockerignore:{left[0][1]}")  # fmt: skip


def _copy_needs(claim: Claim[CopiesArgs], sources: Sources) -> list[Need]:
    rows = _rows(claim, sources.stage(claim), sources.settings.context)
    needs = [files.need(trees=[row.destination]) for row in rows]
    needs += [files.need(trees=[row.source], on=f"stage:{row.from_stage}") for row in rows if row.from_stage]
    return needs


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@COPIES.image(
    "file by file, the image holds the build context's files (after .dockerignore) with the same "
    "content, a folder's whole (what .dockerignore leaves out, git ignores); a copy from a stage holds that "
    "stage's tree",
    needs=_copy_needs,
)
def copies_image(claim: Claim[CopiesArgs], images: Images) -> Cites:
    image = images.image(claim)
    assert image.stage is not None
    seen = image.observed(files.FILES)
    context = Context(images.sources.settings.context)
    for row in _rows(claim, image.stage, images.sources.settings.context):
        if row.from_stage:
            other = images.of_stage(row.from_stage)
            # The source itself counts too: a single file's tree is its root alone.
            there = (
                {p: (f.type, f.sha256) for p, f in other.observed(files.FILES).tree(row.source, itself=True).items()}
                if other
                else {}
            )
            here = {p: (f.type, f.sha256) for p, f in seen.tree(row.destination, itself=True).items()}
            differ = sorted(p or row.destination for p in set(here) | set(there) if here.get(p) != there.get(p))
            if there.get("", ("missing",))[0] == "missing" or differ:
                said = f"{row.destination} as {row.source} is in {row.from_stage} ({len(there)} paths)"
                has = f"{len(differ)} paths differing, e.g. {differ[:3]}" if differ else f"no {row.source} there"
                fail(claim, said, has, image.where)
            continue
        sent = context.files(row.source)
        if not sent:
            fail(
                claim,
                f"{row.source} copied",
                ".dockerignore leaving it out of the build context",
                row.instruction.where,
            )
        _whole(claim, images.sources, context, row.source)
        for relative in sent:
            inner = relative[len(row.source) :].lstrip("/") if relative != row.source else ""
            target = f"{row.destination}/{inner}" if inner else row.destination
            fact = seen.file(target)
            if fact.type != "file":
                fail(claim, f"{relative} copied to {target}", fact.type, image.where)
            if fact.sha256 != _sha256(context.root / relative) and not _may_rewrite(image.stage, row, target):
                fail(claim, f"{relative} copied to {target}", "a file with other content", image.where)
    return []


# Programs that write nothing but the paths they name: run in a folder, they leave its other files be.
# fmt: off
NAMED_ONLY = {
    "mkdir", "chown", "chmod", "chgrp", "touch", "rm", "rmdir", "ln", "install", "echo", "printf", "true",
    "apt-get", "apt", "apk", "groupadd", "useradd", "adduser", "addgroup", "usermod", ":", "[", "test",
}
# Programs that read a file or change only its metadata: naming it, they leave its content as it was.
KEEPS_CONTENT = {"chmod", "chown", "chgrp", "touch", "ls", "stat", "test", "[", "cat", "head", "sha256sum", "file"}
# fmt: on


def _may_rewrite(stage: Stage, row: Copy, target: str) -> bool:
    """Whether a later RUN of the stage may change the copied file: a command that may write names it (a path that
    resolves to it; `chmod` does not write), or works in its folder and is not one that writes only what it names
    (`poetry lock` rewrites its lock)."""
    folder = str(PurePosixPath(target).parent)
    for instruction in (i for i in stage.all("RUN") if i.line > row.instruction.line):
        workdir = stage.workdir_at(instruction)
        for command in instruction.commands():
            named = {clean_path(w if w.startswith("/") else f"{workdir}/{w}") for w in command.argv[1:] if w}
            if (target in named and command.program not in KEEPS_CONTENT) or (
                workdir == folder and command.program not in NAMED_ONLY
            ):
                return True
    return False
