"""The marks a claim carries: a labelled chip per level, each opening a popover, and its cited lines.

Plain HTML: the popovers open by hover, keyboard and touch through docverify.js, and each chip
says its level and state in words, so neither colour nor the glyph alone carries the meaning.
"""

from __future__ import annotations

from collections.abc import Callable

from docverify.site.proof import GLYPH, STATES, WORD, Chip, ClaimProof
from docverify.site.render import esc, esc_code

LEGEND_LEVELS = (("static", "the files"), ("image", "the built image"), ("running", "the compose stack"))


def when(date: str) -> str:
    """`2026-11-27T21:04:05Z` -> `2026-11-27 21:04 UTC`."""
    return f"{date[:10]} {date[11:16]} UTC" if len(date) >= 16 and date[10] == "T" else date


def chip_button(chip: Chip, pop: str) -> str:
    return (
        f'<button type="button" class="dv-chip dv-{chip.state}" aria-expanded="false" aria-controls="{pop}">'
        f'{chip.level}<span class="dv-glyph" aria-hidden="true">{GLYPH[chip.state]}</span>'
        f'<span class="dv-sr">: {WORD[chip.state]}</span></button>'
    )


def popover(chip: Chip, pop: str, mutant_href: Callable[[str], str | None]) -> str:
    facts = []
    if chip.observes:
        facts.append(("Observes", esc_code(chip.observes)))
    if chip.date:
        facts.append(("Date", esc(when(chip.date))))
    if chip.commit:
        facts.append(("Commit", f"<code>{esc(chip.commit)}</code>"))
    if chip.test_id:
        facts.append(("Test", f"<code>{esc(chip.test_id).replace('::', '::<wbr>')}</code>"))
    if chip.state != "na":
        links = []
        for name in chip.mutants:
            href = mutant_href(name)
            links.append(f'<a href="{esc(href)}">{esc(name)}</a>' if href else esc(name))
        facts.append(("Bites", ", ".join(links) if links else "no mutant in the catalogue is caught here"))
    rows = "".join(f'<span class="dv-fact"><span class="dv-key">{key}</span> {value}</span>' for key, value in facts)
    return (
        f'<span class="dv-pop" id="{pop}" role="group" aria-label="{chip.level} level: {WORD[chip.state]}" hidden>'
        f'<span class="dv-pop-title">{chip.level}: {WORD[chip.state]}</span>'
        f'<span class="dv-detail">{esc_code(chip.detail)}</span>{rows}</span>'
    )


def mark(
    item: ClaimProof,
    cite_links: list[tuple[str, str | None]],
    mutant_href: Callable[[str], str | None],
) -> str:
    """After a claim bullet's text: its chips, then the lines it cites or why none."""
    chips = "".join(
        f'<span class="dv-tip">{chip_button(chip, pop)}{popover(chip, pop, mutant_href)}</span>'
        for chip in item.chips
        for pop in [f"dv-pop-L{item.line}-{chip.level}"]
    )
    html = (
        f'<span class="dv-proof" data-docverify="mark" data-dv-claim="L{item.line}" data-dv-state="{item.state}">'
        f'<span class="dv-chips" role="group" aria-label="Proof of {esc(item.title)}, level by level">{chips}</span>'
    )
    for text, href in cite_links:
        tag = f'a class="dv-cite" href="{esc(href)}"' if href else 'span class="dv-cite"'
        html += f' <{tag} aria-label="Cited line {esc(text)}">{esc(text)}</{tag.split()[0]}>'
    if not cite_links:
        html += f' <span class="dv-nocite">No line cited: {esc_code(item.no_cite)}</span>'
    html += "</span>"
    if item.state in ("failed", "stale"):
        html += f'<span class="dv-why" data-docverify="why">{esc_code(item.reason)}</span>'
    return html


def legend(claims_href: str | None) -> str:
    """Where the marks first appear on a page: what the chips and their states mean."""
    levels = ", ".join(f"<strong>{name}</strong> ({what})" for name, what in LEGEND_LEVELS)
    samples = " ".join(
        f'<span class="dv-sample dv-{state}"><span aria-hidden="true">{GLYPH[state]}</span> {WORD[state]}</span>'
        for state in STATES
    )
    more = f' <a href="{esc(claims_href)}">Every claim</a>.' if claims_href else ""
    return (
        '<div class="dv-legend" data-docverify="legend" role="note" aria-label="How to read the proof marks">'
        f"<p><strong>Proof marks.</strong> Each claim carries one chip per level: {levels}. "
        f"A chip is one of: {samples}. Select a chip (hover, tap, or Tab and Enter) to see what the level observed, "
        f"when, at which commit, by which test, and the mutants that show the check bites. Text tagged "
        '<span class="dv-narrative-tag">narrative · not proven</span> is explanation, commands or examples: '
        f"no test reads it.{more}</p></div>"
    )


def gutter(line: int, claims: list[tuple[ClaimProof, str]], pop: str) -> str:
    """A cited code line's mark in the line-number column: links back to the claims citing it."""
    names = "; ".join(f"{item.title} ({item.page.rpartition('/')[2]}:{item.line})" for item, _ in claims)
    first = claims[0][1]
    links = ", ".join(f'<a href="{esc(href)}">{esc(item.title)}</a>' for item, href in claims)
    return (
        f'<span class="dv-tip dv-gutter-tip" data-docverify="gutter" data-dv-line="{line}">'
        f'<a class="dv-gutter" href="{esc(first)}" aria-label="Line {line} is cited by: {esc(names)}" '
        f'aria-controls="{pop}" aria-expanded="false">◀</a>'
        f'<span class="dv-pop" id="{pop}" role="group" aria-label="Claims citing line {line}" hidden>'
        f'<span class="dv-pop-title">Line {line} is cited by</span><span class="dv-detail">{links}</span></span></span>'
    )


def banner(kind: str, messages: list[str]) -> str:
    body = "".join(f"<p>{esc_code(text)}</p>" for text in messages)
    title = {"warning": "Proof on this page is not current", "note": "About this proof"}.get(kind, "About this proof")
    return (
        f'<div class="admonition {kind} dv-banner" data-docverify="banner" role="status">'
        f'<p class="admonition-title">{title}</p>{body}</div>'
    )
