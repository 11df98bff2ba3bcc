"""A page never yields fewer claims than its rendering shows.

The rendered page's bold labels are counted apart from the reader's walk (`read.statements`), and
each must be met by what the walk collected: a claim, a group, or a failing item at its line. A
label that is none of these (bold text ending in a colon in the middle of a sentence, in a heading,
or in a shape the reader missed) fails as an item of its own, naming page:line.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ClaimUnreadable
from ..read.items import PageItems
from ..report.schema import PageRecord
from ..vocabulary.label import Claim

LINE = re.compile(r"^\S+?:(\d+):")


def _lines(problems: list[ClaimUnreadable]) -> set[int]:
    return {int(found[1]) for problem in problems if (found := LINE.match(str(problem)))}


def of(found: PageItems, claims: list[Claim[Any]], problems: list[ClaimUnreadable]) -> PageRecord:
    """What the page renders and what was collected from it, for the report and the Claims page."""
    items = {item.line for item in found.items if not item.nested}
    return {
        "rendered": len(found.counted),
        "claims": sum(1 for claim in claims if not claim.item.nested),
        "nested": sum(1 for claim in claims if claim.item.nested),
        "groups": sum(1 for labelled in found.labelled if labelled.line not in items),
        "unreadable": len(problems),
        "narrative": found.narrative,
    }


def missed(
    page: Path, found: PageItems, claims: list[Claim[Any]], problems: list[ClaimUnreadable]
) -> list[ClaimUnreadable]:
    """One error per rendered label that no claim, group or failing item stands for."""
    items = {item.line for item in found.items if not item.nested}
    collected = Counter((claim.line, claim.item.label) for claim in claims if not claim.item.nested)
    collected.update((labelled.line, labelled.label) for labelled in found.labelled if labelled.line not in items)
    failing = _lines(problems)
    errors = []
    for line, label in ((counted.line, counted.label) for counted in found.counted):
        if collected[(line, label)] > 0:
            collected[(line, label)] -= 1
        elif line not in failing:
            errors.append(
                ClaimUnreadable(
                    f"{page}:{line}: the site shows **{label}:** here, but no claim was collected for it; "
                    "a bold label opens a list item, a paragraph or a table row, and that makes it a claim"
                )
            )
    return errors
