"""`docverify suggest`: claim bullets for a project's Dockerfile (and image) that pass as written.

Like goss's `autoadd`: each label that can read reality (`Label.suggest`) says what it finds; each
finding is written in the first of the label's forms that writes it and reads back the same, under
its stage's heading, nested items under their group. With `--image` the images are built and
walked too, for the closed-world claims only an image can show (Filesystem, Special Files).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model.sources import Sources
from ..read.items import Item
from ..run.walk import Walk
from ..vocabulary.closure import FILESYSTEM, SPECIAL_FILES, FilesystemArgs, SpecialArgs
from ..vocabulary.label import Label
from .project import walk

Finding = tuple[Label[Any], Any]


def sentence(label: Label[Any], args: Any) -> str | None:
    """The first form that writes `args` and reads them back unchanged."""
    for form in label.forms:
        try:
            written = label.render(form, args)
        except Exception:
            continue
        item = Item(Path("suggested.md"), 1, label.group or label.name, written, (), 0, 1, label.nested, 0)
        claim = label.attempt(item)
        # The form states every value found (but one another field already holds), and reads them back.
        found = {
            f.name
            for f in dataclasses.fields(args)
            if getattr(args, f.name) != f.default and not f.metadata.get("implied")
        }
        if (
            claim is not None
            and claim.reading.form is form
            and found <= form.names
            and all(getattr(claim.args, name) == getattr(args, name) for name in form.names)
        ):
            return written
    return None


def findings(registry_walk: Walk) -> dict[int | None, list[Finding]]:
    sources = registry_walk.sources
    found: dict[int | None, list[Finding]] = {}
    seen: set[tuple[Any, ...]] = set()
    for label in registry_walk.registry.labels():
        for index, args in label.suggest(sources) if label.suggest else ():
            # Two labels proving one fact the same way (a pack's and another's): write it once.
            key = (index, tuple(c.run for c in label.checks_at("static")), repr(args))
            if key not in seen:
                seen.add(key)
                found.setdefault(index, []).append((label, args))
    return found


def image_findings(sources: Sources) -> list[Finding]:
    """Build the images and walk the final one and its base: what the stage adds and changes."""
    from ..observe import filesystem
    from ..observe.images import build_images
    from ..observe.plan import Plan

    final = sources.dockerfile.final
    plan = Plan()
    plan.add(f"stage:{final.index}", filesystem.need())
    plan.add(f"base:{final.base}", filesystem.need())
    images = build_images(sources, plan, lambda line: None)
    mine = images.final.observed(filesystem.FILESYSTEM)
    theirs = images.base_of(images.final).observed(filesystem.FILESYSTEM)
    added = tuple(sorted(t for t in mine.toplevel if t not in theirs.toplevel))
    changed = tuple(sorted(t for t in mine.toplevel if t in theirs.toplevel and mine.toplevel[t] != theirs.toplevel[t]))
    writable = tuple(sorted(w.path for w in mine.world_writable))
    made: list[Finding] = [(FILESYSTEM, FilesystemArgs(added, changed))] if added or changed else []
    extra_special = set(mine.setuid) - set(theirs.setuid) or set(mine.setgid) - set(theirs.setgid)
    if writable and not extra_special:
        made.append((SPECIAL_FILES, SpecialArgs(final.base, writable)))
    return made


def lines_for(found: Iterable[Finding]) -> list[str]:
    lines: list[str] = []
    groups: dict[str, list[str]] = {}
    for label, args in found:
        written = sentence(label, args)
        if written is None:
            continue
        if label.nested:
            groups.setdefault(label.group or label.name, []).append(f"    *   {written}")
        else:
            lines.append(f"*   **{label.name}:** {written}")
    for group, nested in groups.items():
        lines += [f"*   **{group}:**", *nested]
    return lines


def suggest(root: Path, with_image: bool = False) -> str:
    walked = walk(root)
    sources = walked.sources
    found = findings(walked)
    if with_image:
        final = sources.dockerfile.final.index
        found.setdefault(final, []).extend(image_findings(sources))
    name = sources.settings.relative(sources.settings.dockerfile)
    out = [
        f"# {name}",
        "",
        f"What {name} builds, stage by stage. Written by docverify suggest; every claim is proven.",
        "",
    ]
    for stage in sources.dockerfile.stages:
        body = lines_for(found.get(stage.index, []))
        if body:
            out += [f"## Stage {stage.index + 1}: {(stage.name or 'final').capitalize()}", "", *body, ""]
    rest = lines_for(found.get(None, []))
    if rest:
        out += ["## The container and its stack", "", *rest, ""]
    return "\n".join(out).rstrip() + "\n"
