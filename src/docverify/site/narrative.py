"""Narrative shown as narrative: what the author marked as explanation, commands or examples.

An admonition of type `narrative` (`!!! narrative`, `??? narrative`) and the section under a heading
with the `.narrative` class say nothing a test proves. Each gets a visible tag saying so (in the
admonition's title, under the heading), and each block of a narrative section a dashed rule at its
side, so a reader tells proven statements (their chips) from narrative at a glance.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

CLASS = "narrative"
HEADINGS = {f"h{level}": level for level in range(1, 7)}
TAG = "narrative · not proven"
WHY = "Explanation, commands to type or examples: nothing here is a claim, and no test proves it."


def classes(element: etree.Element) -> list[str]:
    return (element.get("class") or "").split()


def tag() -> etree.Element:
    span = etree.Element("span", {"class": "dv-narrative-tag", "data-docverify": "narrative", "title": WHY})
    span.text = TAG
    return span


def note() -> etree.Element:
    """Under a narrative heading (not in it: the page title and the table of contents stay its own words)."""
    line = etree.Element("p", {"class": "dv-narrative-note"})
    line.append(tag())
    return line


def mark(parent: etree.Element) -> bool:
    """Tag every narrative block under `parent`; whether any was found."""
    found = False
    level: int | None = None
    for child in list(parent):
        if child.tag in HEADINGS:
            if level is not None and HEADINGS[child.tag] <= level:
                level = None
            if CLASS in classes(child):
                level, found = HEADINGS[child.tag], True
                parent.insert(list(parent).index(child) + 1, note())
            continue
        if "dv-narrative-note" in classes(child):
            continue
        if level is not None and level > 1:  # a whole page (its h1) has its tag under the title, enough
            child.set("data-dv-narrated", "")  # an attribute: Material styles only tables without a class
        if CLASS in classes(child) and (child.tag == "details" or "admonition" in classes(child)):
            found = True
            title = next((e for e in child if e.tag == "summary" or "admonition-title" in classes(e)), None)
            if title is not None:
                title.append(tag())
        found = mark(child) or found
    return found


class Narrative(Treeprocessor):  # type: ignore[misc]
    def run(self, root: etree.Element) -> None:
        mark(root)
