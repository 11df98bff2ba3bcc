"""Why a label cannot read a sentence, said so the writer can fix it: a closing remark it refuses,
or the closest form it reads with an example of it."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..read.forms import VALUE_TEXT, closest
from ..read.items import Item
from .label import Label

# A closing remark: a purpose or reason clause, or a parenthesis, at the end of a sentence.
REMARK = re.compile(r"(\s*,?\s+(so|so that|because|since|for|to ensure|where|which)\s+.*|\s*\([^()]*\)|\s*,\s+[^`,]+)$")


def remark_hint(label: Label[Any], item: Item) -> str | None:
    """Why a sentence the label would read without its closing remark is refused, if that is why."""
    remark = REMARK.search(item.sentence.rstrip(". "))
    if remark is None or not label.attempt(replace(item, sentence=item.sentence[: remark.start()])):
        return None
    opening = re.match(r"\W*(\w+)", remark.group(0))
    if opening and any(re.search(rf"\b{re.escape(opening[1])}\b", f.text, re.IGNORECASE) for f in label.forms):
        return None  # words a form reads (`, besides …`): the closest form says how to write them
    unread = ", ".join(f"`{v}`" for v in VALUE_TEXT.findall(remark.group(0)))
    if unread:
        return (f"its closing remark holds {unread}, a value no form reads: write the remark without backticks "
                "(it is then shown as narrative), or leave it out")  # fmt: skip
    return (
        f"its closing remark {remark.group(0).strip()!r} is neither a purpose (so, because, for, to ensure) "
        "nor a parenthesis, so it would say something no check reads: put it in parentheses, or leave it out"
    )


def hint(label: Label[Any], item: Item) -> str:
    found = remark_hint(label, item)
    if found:
        return found
    near = closest(item.sentence, label.forms) or label.forms[0]
    return f"the closest form it reads is `{near.shown}`, e.g. {label.render(near)!r}"
