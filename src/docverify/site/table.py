"""The Claims page: every claim in one filterable table, with a summary that stays in view."""

from __future__ import annotations

import re
from collections import Counter

from docverify.site.proof import GLYPH, LEVELS, OVERALL, STATES, WORD, ClaimProof
from docverify.site.render import esc, esc_code

LABEL = re.compile(r"^\s*(\*\*|__)[^*_]+:\s*(\*\*|__)\s*")  # the bold label the Claim column already names
Row = tuple[ClaimProof, str, str, list[tuple[str, str | None]]]  # claim, page title, link to it, cited lines


def _levels_cell(item: ClaimProof) -> str:
    return "".join(
        f'<span class="dv-level dv-{chip.state}"><span class="dv-glyph" aria-hidden="true">{GLYPH[chip.state]}</span>'
        f'{chip.level}<span class="dv-sr">: {WORD[chip.state]}</span></span>'
        for chip in item.chips
    )


def summary(rows: list[Row], controls: str) -> str:
    overall = Counter(item.state for item, *_ in rows)
    parts = [f'<span class="dv-count dv-{state}">{overall[state]} {word}</span>' for state, word in OVERALL.items()]
    per_level = []
    for level in LEVELS:
        counts = Counter(chip.state for item, *_ in rows for chip in item.chips if chip.level == level)
        shown = ", ".join(f"{counts[state]} {WORD[state]}" for state in STATES if counts[state])
        per_level.append(f"<span><strong>{level}</strong> {shown}</span>")
    return (
        f'<div class="dv-summary" data-docverify="summary">'
        f'<p class="dv-total" role="status"><strong><span data-dv-shown>{len(rows)}</span> of {len(rows)} claims'
        f'</strong> {" · ".join(parts)}</p><p class="dv-per-level">{" · ".join(per_level)}</p>{controls}</div>'
    )


def filters(rows: list[Row]) -> str:
    titles = list(dict.fromkeys(title for _, title, *_ in rows))
    pages = "".join(f'<option value="{esc(title)}">{esc(title)}</option>' for title in titles)
    levels = "".join(f'<option value="{level}">{level}</option>' for level in LEVELS)
    states = "".join(f'<option value="{state}">{WORD[state]}</option>' for state in STATES)
    return (
        '<form class="dv-filters" data-docverify="filters" hidden aria-label="Filter the claims">'
        f'<label>Page <select name="page"><option value="">every page</option>{pages}</select></label>'
        f'<label>Level <select name="level"><option value="">any level</option>{levels}</select></label>'
        f'<label>State <select name="state"><option value="">any state</option>{states}</select></label>'
        "</form>"
    )


def table(rows: list[Row]) -> str:
    """Plain HTML, so that on a phone each row can stack as a card labelled by `data-label`."""
    head = "".join(f'<th scope="col">{name}</th>' for name in ("Page", "Claim", "Text", "Levels", "Outcome", "Proof"))
    body = []
    for item, title, href, cites in rows:
        proof = " ".join(f'<a class="dv-cite" href="{esc(h)}">{esc(t)}</a>' if h else esc(t) for t, h in cites)
        outcome = f'<span class="dv-outcome dv-{item.state}">{OVERALL[item.state]}</span>'
        if item.reason:
            outcome += f'<span class="dv-reason">{esc_code(item.reason)}</span>'
        cells = [
            ("Page", f'<a href="{esc(href)}">{esc(title)}</a>&nbsp;<span class="dv-at">:{item.line}</span>'),
            ("Claim", esc(item.title)),
            ("Text", esc_code(LABEL.sub("", item.text, count=1))),
            ("Levels", _levels_cell(item)),
            ("Outcome", outcome),
            ("Proof", proof or f'<span class="dv-nocite">{esc_code(item.no_cite)}</span>'),
        ]
        data = " ".join(f'data-{chip.level}="{chip.state}"' for chip in item.chips)
        body.append(
            f'<tr data-page="{esc(title)}" data-state="{item.state}" {data}>'
            + "".join(f'<td data-label="{name}">{html}</td>' for name, html in cells)
            + "</tr>"
        )
    return (
        f'<div class="dv-claims-page" data-docverify="claims">{summary(rows, filters(rows))}'
        f'<div class="dv-claims"><table class="dv-table"><caption class="dv-sr">Every claim and its proof</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        '<p class="dv-empty" hidden>No claim matches these filters.</p></div>'
    )


def vocabulary(entries: dict[str, dict[str, str]], command: str) -> str:
    """What "proven" means for each label at each level, as Markdown (it is inserted before parsing)."""
    if not entries:
        said = f"No vocabulary to show: run <code>{esc(command)}</code>."
        return f'<p class="dv-summary" data-docverify="vocabulary">{said}</p>'
    rows = ["| Label | Static | Image | Running |", "| --- | --- | --- | --- |"]
    for label in sorted(entries):
        cells = [esc(entries[label].get(level, "") or "—") for level in LEVELS]
        rows.append(f"| **{esc(label)}** | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def counts(pages: list[tuple[str, str, dict[str, int]]]) -> str:
    """Per page: the bold labels its rendering shows, and what the reader took from it (`run.counts`)."""
    head = "".join(
        f'<th scope="col">{name}</th>'
        for name in ("Page", "Labels shown", "Claims", "Groups", "Unreadable", "Narrative blocks")
    )
    body = "".join(
        f'<tr><td><a href="{esc(href)}">{esc(title)}</a></td>'
        + "".join(f"<td>{n[key]}</td>" for key in ("shown", "claims", "groups", "unreadable", "narrative"))
        + "</tr>"
        for title, href, n in pages
    )
    return (
        '<div class="dv-counts" data-docverify="counts"><p><strong>Statements per page.</strong> Every bold label a '
        "page shows is a claim, a group of nested claims, or a failing test of its own: the test suite counts "
        "them in each page's rendering apart from the claim reader and fails a page where the two differ. "
        "Nested claims count in Claims, not in Labels shown.</p>"
        f'<table class="dv-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )
