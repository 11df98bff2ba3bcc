"""`docverify fix`: after a deliberate change, rewrite the values of the claims it made false.

Like `inline-snapshot --fix`: each failing claim whose label can read reality (`Label.suggest`)
is rewritten in its own sentence form with what the files now say, but only when exactly one
finding matches it (by the label's key) and the rewritten claim then passes. The diff is shown
for review; `--dry-run` writes nothing. Claims it cannot fix are listed with why.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
from pathlib import Path
from typing import Any

from ..errors import ClaimFailed, DockerfileError
from ..model.sources import stage_of
from ..read.forms import VALUE_TEXT as VALUE
from ..read.forms import FormError
from ..read.items import Item
from ..run.walk import Walk
from ..vocabulary.label import Claim
from .project import walk
from .suggest import findings


def _index(walked: Walk, claim: Claim[Any]) -> int | None:
    if claim.label.scope != "stage":
        return None
    try:
        return stage_of(claim, walked.sources.dockerfile).index
    except (ClaimFailed, DockerfileError):
        return None


def rewrite(walked: Walk, claim: Claim[Any], found: dict[int | None, list[Any]]) -> tuple[str | None, str]:
    """(the new sentence, or None; why not)."""
    label = claim.label
    if label.suggest is None:
        return None, f"**{label.name}** cannot read reality to suggest a value"
    candidates = [args for other, args in found.get(_index(walked, claim), []) if other.name == label.name]
    if label.key is not None:
        candidates = [args for args in candidates if label.key(args) == label.key(claim.args)]
    if len(candidates) != 1:
        return None, f"{len(candidates)} findings could be this claim's"
    # The claim's own values where reality says nothing of them; reality's values elsewhere.
    stated = claim.reading.bindings  # only what the sentence states is rewritten: no new fact slips in
    known = {k: v for k, v in dataclasses.asdict(candidates[0]).items() if k in stated and v not in (None, ())}
    merged = label.args(**{**dataclasses.asdict(claim.args), **known})
    try:
        written = in_place(claim, merged) or label.render(claim.reading.form, merged)
    except (FormError, Exception) as error:
        return None, f"its form cannot say {merged} ({error})"
    if not claim.sentence.rstrip().endswith("."):
        written = written.rstrip(".")
    item = dataclasses.replace(claim.item, sentence=written)
    if walked.check(walked.registry.read(item), "static", walked.sources).failure:
        return None, "the rewritten claim still fails"
    return written, ""


def in_place(claim: Claim[Any], merged: Any) -> str | None:
    """The sentence with only its changed values swapped, its other words (notes included) kept."""
    form = claim.reading.form
    before, after = VALUE.findall(claim.label.render(form, claim.args)), VALUE.findall(claim.label.render(form, merged))
    written = VALUE.findall(claim.sentence)
    if not (len(before) == len(after) == len(written)) or before != written:
        return None  # a list grew or shrank: the form writes it anew
    values = iter(after)
    return VALUE.sub(lambda _: f"`{next(values)}`", claim.sentence)


def fix(root: Path, write: bool = True) -> int:
    walked = walk(root)
    outcomes = walked.static()
    found = findings(walked)
    edits: dict[Path, list[tuple[Item, str]]] = {}
    left: list[str] = []
    for claim in walked.claims():
        outcome = outcomes.get(claim.id)
        if outcome is None or outcome.failure is None:
            continue
        written, why = rewrite(walked, claim, found)
        if written is None:
            left.append(f"{claim.where()} {claim.title}: not fixed: {why}\n    {outcome.failure}")
        else:
            edits.setdefault(claim.page, []).append((claim.item, written))
    for page, changes in sorted(edits.items()):
        path = walked.settings.root / page
        old = path.read_text()
        lines = old.splitlines(keepends=True)
        for item, written in changes:
            lines[item.line - 1] = lines[item.line - 1].replace(item.sentence, written, 1)
        new = "".join(lines)
        sys.stdout.writelines(
            difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{page}", f"b/{page}")
        )
        if write:
            path.write_text(new)
    for line in left:
        print(line, file=sys.stderr)
    fixed = sum(len(c) for c in edits.values())
    verb = "fixed" if write else "would fix"
    print(f"docverify fix: {verb} {fixed} claim(s); {len(left)} failing claim(s) left for a person", file=sys.stderr)
    return 1 if left else 0
