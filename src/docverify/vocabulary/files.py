"""Files and permissions: what is copied where, created, owned and made executable."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..claims import Claim
from ..dockerfile import Instruction, Stage, clean_path, expand
from ..registry import Cites, Registry, fail, words
from ..subjects import Images, Sources
from .common import unconditional
from .packages import exact_list


@dataclass(frozen=True)
class Copy:
    instruction: Instruction
    from_stage: str | None
    source: str  # normalised: no ./ prefix, no trailing /
    destination: str  # absolute, where `source` lands


def _norm(source: str) -> str:
    cleaned = str(PurePosixPath(source))
    return cleaned[2:] if cleaned.startswith("./") else cleaned


def copies_of(stage: Stage) -> list[Copy]:
    """Every COPY/ADD of the stage, one row per source, with its effective destination."""
    found: list[Copy] = []
    workdir = stage.inherited_workdir()
    env = {**stage.args(), **{k: v for k, (v, _) in stage.env().items()}}
    for instruction in stage.instructions:
        if instruction.keyword == "WORKDIR":
            raw = expand(instruction.value, env)
            workdir = clean_path(raw if raw.startswith("/") else f"{workdir}/{raw}")
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        *sources, target = instruction.arguments()
        into_dir = target.endswith("/") or len(sources) > 1 or target in (".", "./")
        absolute = clean_path(target if target.startswith("/") else f"{workdir}/{target}")
        for source in sources:
            name = PurePosixPath(source.rstrip("/")).name
            local = stage.from_instruction.path.parent / source
            lands = f"{absolute}/{name}" if into_dir and not local.is_dir() else absolute
            found.append(Copy(instruction, instruction.flags().get("from"), _norm(source), clean_path(lands)))
    return found


def copy_expectation(claim: Claim, sources: Sources) -> tuple[str | None, list[str], str | None]:
    """(from stage or None, sources, destination) a `Copies` claim reads."""
    values = list(claim.values)
    from_stage = values.pop(0) if sources.dockerfile.stage_named(values[0]) else None
    if from_stage and len(values) == 1:
        return from_stage, values, values[0]  # "from `builder` to `/venv`": the same path there
    destination = values.pop() if len(values) > 1 and values[-1].startswith("/") else None
    return from_stage, values, destination


def copies_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    from_stage, wanted, destination = copy_expectation(claim, sources)
    rows = copies_of(stage)
    cited = []
    for source in wanted:
        hits = [
            row
            for row in rows
            if (row.from_stage or "").lower() == (from_stage or "").lower()
            and row.source == _norm(source)
            and (destination is None or row.destination == clean_path(destination))
        ]
        if not hits:
            has = "; ".join(f"{r.instruction.where} {r.source} -> {r.destination}" for r in rows) or "no COPY"
            frm = f"--from={from_stage} " if from_stage else ""
            fail(claim, f"COPY {frm}{source} to {destination or '(any)'}", has, f"stage {stage.label}")
        cited += [h.instruction.cite for h in hits]
    return sorted(set(cited))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copies_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    from_stage, wanted, destination = copy_expectation(claim, images.sources)
    if from_stage:
        source_image = images.of_stage(from_stage)
        assert destination is not None
        if image.file(destination).type != "dir" or source_image is None:
            fail(claim, destination, "no such directory", image.where)
        here, there = image.facts.venvs.get(destination), source_image.facts.venvs.get(destination)
        if here != there:
            diff = sorted(set((here or {}).items()) ^ set((there or {}).items()))[:5]
            said = f"{destination} as in {from_stage} ({len(there or {})} distributions)"
            fail(claim, said, f"{len(here or {})} distributions, differing in {diff}", image.where)
        return []
    rows = {row.source: row.destination for row in copies_of(image.stage)}
    for source in wanted:
        local = images.sources.root / source
        target = destination or rows.get(_norm(source)) or f"{image.config.workdir}/{PurePosixPath(source).name}"
        if local.is_dir():
            tree = image.facts.tree(target)
            if not tree:
                fail(claim, f"{source} in {target}", "no tree probed there", image.where)
            for path in sorted(p for p in local.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                relative = path.relative_to(local).as_posix()
                if relative.split("/")[0] in IGNORED:
                    continue
                if relative not in tree:
                    fail(claim, f"{source}/{relative} copied", f"no {target}/{relative}", image.where)
                if tree[relative].sha256 not in (None, _sha256(path)):
                    fail(claim, f"{source}/{relative} copied", f"a different {target}/{relative}", image.where)
        else:
            fact = image.file(target)
            if fact.type != "file":
                fail(claim, f"{source} at {target}", fact.type, image.where)
            # Without a stated destination the stage may rewrite the file later (poetry lock, source add).
            if destination and fact.sha256 != _sha256(local):
                fail(claim, f"{source} at {target}", "other content", image.where)
    return []


# What .dockerignore keeps out of the app tree (local runs leave these behind).
IGNORED = {"db.sqlite3", "logs", "staticfiles", "mediafiles"}


def _made_directories(stage: Stage) -> tuple[list[str], list[str]]:
    made, cited = [], []
    for instruction, command in unconditional(stage.running("mkdir")) + unconditional(stage.running("install")):
        argv = list(command.argv)
        if argv[0].endswith("install") and "-d" not in argv:
            continue
        made += [clean_path(w) for w in argv[1:] if not w.startswith("-") and w.startswith("/")]
        cited.append(instruction.cite)
    return made, cited


def creates_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    made, cited = _made_directories(stage)
    wanted = [clean_path(v) for v in claim.values]
    missing = [v for v in wanted if v not in made]
    extra = sorted(set(made) - set(wanted)) if exact_list(claim) else []
    if missing or extra:
        has = f"mkdir of {words(made) or 'nothing'}" + (f" (not documented: {words(extra)})" if extra else "")
        fail(claim, f"mkdir {words(wanted)}", has, f"stage {stage.label}")
    return sorted(set(cited))


def creates_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    for path in claim.values:
        kind = image.file(path).type
        if kind != "dir":
            fail(claim, f"directory {path}", kind, image.where)
    return []


def changes_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    path, owner = clean_path(claim.values[0]), claim.values[-1]
    user = stage.user_named(owner)
    if user is None:
        fail(claim, f"a user {owner}", "no useradd of it", f"stage {stage.label}")

    def same(spec: str) -> bool:
        found = stage.user_named(spec)
        return found is not None and found.name == user.name

    chowns = [
        (i, c)
        for i, c in unconditional(stage.running("chown"))
        if len(c.argv) > 2 and same(c.operands()[0]) and path in [clean_path(w) for w in c.operands()[1:]]
    ]
    if not chowns:
        fail(claim, f"chown {owner} {path}", "no such chown", f"stage {stage.label}")
    later = [
        (i, c)
        for i, c in stage.running("chown")
        if i.line >= chowns[-1][0].line
        and not same(c.operands()[0])
        and path in [clean_path(w) for w in c.operands()[1:]]
    ]
    if later:
        fail(claim, f"{path} owned by {owner}", f"`{' '.join(later[0][1].argv)}` afterwards", stage.where(later[0][0]))
    cited = [i.cite for i, _ in chowns]
    # Code copied into the path must arrive owned too (COPY --chown, not chown -R afterwards).
    for row in copies_of(stage):
        if row.destination == path or row.destination.startswith(path.rstrip("/") + "/"):
            cited.append(row.instruction.cite)
            if not same(row.instruction.flags().get("chown", "root")):
                said = f"everything in {path} owned by {owner}"
                fail(claim, said, f"COPY into {row.destination} without --chown={owner}", stage.where(row.instruction))
    return sorted(set(cited))


def changes_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    path, owner = claim.values[0], claim.values[-1]
    user = image.user(owner)
    uid = user.uid if user else None
    top = image.file(path)
    if top.uid != uid:
        fail(claim, f"{path} owned by {owner} (UID {uid})", f"owner UID {top.uid}", image.where)
    wrong = sorted(rel for rel, fact in image.facts.tree(path).items() if fact.uid != uid)
    if wrong:
        said = f"everything in {path} owned by {owner}"
        fail(claim, said, f"{len(wrong)} paths owned by others, e.g. {path}/{wrong[0]}", image.where)
    return []


def _sets_execute(mode: str) -> bool:
    """`+x`, `a+x`, `ugo+rx`, `755`: execute for user, group and others alike."""
    if re.fullmatch(r"0?[0-7]{3,4}", mode):
        return all(int(digit) & 1 for digit in mode[-3:])
    for clause in mode.split(","):
        who, _, perms = clause.partition("+")
        if "x" in perms and (who in ("", "a") or set("ugo") <= set(who)):
            return True
    return False


def makes_static(claim: Claim, sources: Sources) -> Cites:
    stage = sources.stage(claim)
    name = claim.values[0]
    # Every mode change of the file, in order: chmod in RUNs and COPY --chmod; the last one wins.
    changes: list[tuple[Instruction, bool]] = []
    for instruction in stage.instructions:
        copied = instruction.keyword in ("COPY", "ADD") and "chmod" in instruction.flags()
        if copied and any(PurePosixPath(w).name == name for w in instruction.arguments()):
            changes.append((instruction, _sets_execute(instruction.flags()["chmod"])))
        if instruction.keyword == "RUN":
            for command in instruction.commands():
                touches = any(PurePosixPath(p).name == name for p in command.argv[2:])
                if command.runs("chmod") and len(command.argv) > 2 and touches and not command.conditional:
                    changes.append((instruction, _sets_execute(command.argv[1])))
    if not changes or not changes[-1][1]:
        has = f"the last mode change at {changes[-1][0].where} leaves it so" if changes else "no such chmod"
        fail(claim, f"chmod +x {name} (executable by everyone)", has, f"stage {stage.label}")
    return [i.cite for i, _ in changes]


def makes_image(claim: Claim, images: Images) -> Cites:
    image = images.image(claim)
    name = claim.values[0]
    matches = {p: f for p, f in image.facts.paths.items() if PurePosixPath(p).name == name and f.exists}
    if not matches or not all(f.executable for f in matches.values()):
        modes = {p: oct(f.mode or 0) for p, f in matches.items()} or "no such file"
        fail(claim, f"{name} executable by everyone", modes, image.where)
    return []


def register(registry: Registry) -> None:
    copies = registry.entry(
        ("Copy Artifacts", "Copies"),
        ("Dependency Export", "Copies"),
        least=1,
        staged=True,
        forms=(
            "Copies {*}",
            "Copies ...{}... to {}",
            "Copies ... ({}) to {}",
            "Copies the {} script to {}",
            "Copies the virtual environment from the {} stage to {}",
        ),
    )
    copies.on("static", "COPY rows (source, effective destination, --from), every spelling")(copies_static)
    copies.on("image", "file hashes in the image equal the repository's; venvs equal the source stage's")(copies_image)

    creates = registry.entry(
        ("Permissions & Directories", "Creates"),
        staged=True,
        forms=("Creates necessary directories ({*})", "Creates {*}", "Creates ... among others ..."),
    )
    creates.on("static", "the mkdir operands, exactly")(creates_static)
    creates.on("image", "each path is a directory in the image")(creates_image)

    changes = registry.entry(
        ("Permissions & Directories", "Changes"), least=2, staged=True, forms=("Changes ownership of {} to {}",)
    )
    changes.on("static", "chown to the same user (by name or UID), and COPY --chown into it")(changes_static)
    changes.on("image", "every path under it is owned by the user's UID")(changes_image)

    makes = registry.entry(("Permissions & Directories", "Makes"), least=1, staged=True, forms=("Makes {} executable",))
    makes.on("static", "chmod adding execute for everyone")(makes_static)
    makes.on("image", "the file's mode has all three execute bits")(makes_image)
