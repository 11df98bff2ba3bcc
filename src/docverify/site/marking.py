"""What the extension does to a page's lines and HTML, apart from the converter's plumbing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from docverify.site import chips, model, render

LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s")
PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
NARRATIVE = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*narrative\b|\{[^{}]*\.narrative\b[^{}]*\}\s*$")


def place(lines: list[str], index: int, shape: str, html: str) -> None:
    """A claim's marks after its own text: in a table row, inside its last cell."""
    if shape == "row":
        row = lines[index].rstrip()
        lines[index] = f"{row[:-1]} {html} |" if row.endswith("|") and not row.endswith("\\|") else f"{row} {html}"
        return
    lines[own_end(lines, index)] += " " + html


def own_end(lines: list[str], start: int) -> int:
    """The last line of a list item's own text: before a blank line or the next item."""
    end = start
    while end + 1 < len(lines) and lines[end + 1].strip() and not LIST_ITEM.match(lines[end + 1]):
        end += 1
    return end


def own_placeholders(item: etree.Element) -> list[str]:
    """Stash placeholders in an element's own text (a list item's, a row's cells'), not in its nested lists."""
    return [f"\x02wzxhzdk:{n}\x03" for n in _own_numbers(item)]


def _own_numbers(item: etree.Element) -> list[str]:
    found = PLACEHOLDER.findall(item.text or "")
    for child in item:
        if child.tag not in ("ul", "ol"):
            found += _own_numbers(child)
        found += PLACEHOLDER.findall(child.tail or "")
    return found


def banner(site: model.Site, page: str) -> tuple[str, list[str]]:
    found, repo_page = site.found, site.prefix + page
    command = site.options.command
    if found.report is None:
        return "note", [
            f"{found.blocker or 'No verification report.'} Until then, this build proved the static level "
            "itself against the files as they are; the image and running levels show as not run here "
            f"(`{command}` runs them, with Docker)."
        ]
    if found.blocker or repo_page in found.stale_pages:
        why = found.blocker or found.stale_pages[repo_page]
        return "warning", [
            f"{why} This build proved the static level again; the image and running levels show the last "
            "run's results as stale."
        ]
    stale = [v for v in site.views if v.page == repo_page and v.state == "stale"]
    if stale:
        titles = ", ".join(dict.fromkeys(v.bullet.title for v in stale))
        return "warning", [
            f"Not verified since what {len(stale)} claim(s)' proof read changed ({titles}); run `{command}`. "
            "This build proved their static level again; their image and running levels show the last run's "
            "results as stale, each naming what changed."
        ]
    return "note", [f"Publishing would refuse this report: {note}." for note in found.notes]


def insert_after_header(lines: list[str], html: str) -> None:
    """After the h1 and the back-link line that follows it."""
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    following = next((i for i in range(at, len(lines)) if lines[i].strip()), None)
    if following is not None and lines[following].lstrip().startswith("[⬅"):
        at = following + 1
    lines[at:at] = ["", html, ""]


def cited(site: model.Site, page: str, block: model.Block, text: str, source: bool) -> str:
    """Each cited line of an embedded block: its instruction lit as one group, a gutter mark back."""
    citing = site.citing(block.embed.file)
    for line in (n for n in block.shown if n in citing):
        group = f"{block.id}-{line}"
        claims = [(item, site.href(page, item.page.removeprefix(site.prefix), f"claim-L{item.line}", source))
                  for item in citing[line]]  # fmt: skip
        mark = chips.gutter(line, claims, f"dv-gut-{group}")
        number = re.compile(rf'(<a href="#__codelineno-{re.escape(block.id)}-{line}">\s*\d+</a>)')
        text = number.sub(lambda m, mark=mark: m[1] + mark, text, count=1)  # type: ignore[misc]
        for lit in range(line, site.extent(block.embed.file, line) + 1):
            span = f'<span id="{render.line_anchor(block.id, lit)}"'
            text = text.replace(span, f'{span} class="dv-cited" data-dv-group="{group}"', 1)
    return text
