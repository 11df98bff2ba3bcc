"""The HTML the plugin puts into pages: claim marks, banners, the claims table, real line numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from docverify.site import report as rp
from docverify.site.scan import Embed
from docverify.site.verdict import View

# Entities survive Markdown untouched, so text in marks is never read as Markdown.
_ESCAPE = {ord(c): f"&#{ord(c)};" for c in "&<>\"'`*_[]\\|"}
GLYPH = {"passed": "✓", "failed": "✗", "skipped": "○"}
STATE_WORD = {
    "proven": "proven",
    "unproven": "not proven",
    "failed": "failed",
    "stale": "stale",
    "missing": "no report",
    "unverified": "not verified",
}
CODE = re.compile(r"`([^`]+)`")


def esc(text: str) -> str:
    return text.translate(_ESCAPE)


def esc_code(text: str) -> str:
    """Escaped text whose `backticked` parts become <code>."""
    parts = CODE.split(text)
    return "".join(f"<code>{esc(part)}</code>" if index % 2 else esc(part) for index, part in enumerate(parts))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def block_id(embed: Embed) -> str:
    base = f"src-{slug(embed.file)}"
    if embed.section:
        return f"{base}-{slug(embed.section)}"
    if embed.first is not None:
        return f"{base}-{embed.first}-{embed.last}"
    return base


def line_anchor(block: str, line: int) -> str:
    """The id of a rendered line's span (pymdownx.highlight `line_spans: __span`)."""
    return f"__span-{block}-{line}"


def fence_line(embed: Embed, block: str, first: int) -> str:
    """The opening fence with an id and the real first line number."""
    extra = f'#{block} linenums="{first}" data-dv-file="{esc(embed.file)}"'
    info = embed.info
    if info.startswith("{") and info.endswith("}"):
        return f"{embed.indent}{embed.fence} {info[:-1].rstrip()} {extra} }}"
    lang, _, rest = info.partition(" ")
    options = f".{lang} " if lang else ""
    return f"{embed.indent}{embed.fence} {{ {options}{extra} {rest.strip()} }}".replace("  }", " }")


def relabel(html: str, block: str, shown: list[int]) -> str:
    """Give a block whose lines are not contiguous (markers left out) the real line numbers."""
    if shown == list(range(shown[0], shown[0] + len(shown))):
        return html
    first = shown[0]

    def real(rendered: str) -> str:
        index = int(rendered) - first
        return str(shown[index]) if 0 <= index < len(shown) else rendered

    name = re.escape(block)
    # The number shown (Pygments pads it to one width), then every id and href, each once.
    html = re.sub(
        rf'(href="#__codelineno-{name}-(\d+)">)( *\d+)(</a>)',
        lambda m: f"{m[1]}{real(m[2]).rjust(len(m[3]))}{m[4]}",
        html,
    )
    return re.sub(rf"((?:__span|__codelineno)-{name}-)(\d+)\b", lambda m: m[1] + real(m[2]), html)


def _tooltip(item: View) -> str:
    result = item.result
    if item.state == "proven" and result:
        levels = ", ".join(result.expected)
        dates = sorted({level.date[:10] for level in result.levels.values() if level.date})
        return f"Proven at {levels}" + (f" on {dates[-1]}" if dates else "")
    if result and item.state in ("failed", "unproven"):
        parts = []
        for name in result.expected:
            level = result.levels.get(name)
            parts.append(f"{name}: {level.outcome if level else 'not run'}")
        return f"{STATE_WORD[item.state].capitalize()}: " + ", ".join(parts)
    return f"{STATE_WORD[item.state].capitalize()}: {item.reason}"


def mark(item: View, commit: str, cite_links: list[tuple[str, str | None]]) -> str:
    """Inline HTML after a claim bullet: one glyph per expected level, then the cited lines."""
    result = item.result
    if result and item.state in ("proven", "failed", "unproven"):
        glyphs = "".join(
            f'<span class="dv-{(result.levels[n].outcome if n in result.levels else "skipped")}">'
            f"{GLYPH[result.levels[n].outcome if n in result.levels else 'skipped']}</span>"
            for n in result.expected
        )
    else:
        glyphs = '<span class="dv-skipped">?</span>'
    label = esc(f"{_tooltip(item)} (commit {commit})" if commit else _tooltip(item))
    html = (
        f'<span class="dv-proof" data-docverify="mark" id="claim-L{item.bullet.line}" data-dv-state="{item.state}">'
        f'<span class="dv-mark dv-{item.state}" role="img" aria-label="{label}" title="{label}">'
        f'<span aria-hidden="true">{glyphs}</span></span>'
    )
    for text, href in cite_links:
        if href:
            html += (
                f' <a class="dv-cite" href="{esc(href)}" title="The line this claim was proven against">{esc(text)}</a>'
            )
        else:
            html += f' <span class="dv-cite">{esc(text)}</span>'
    html += "</span>"
    if item.state in ("failed", "stale", "missing"):
        html += f'<span class="dv-why">{esc_code(item.reason)}</span>'
    return html


def banner(messages: list[str], blocking: bool) -> str:
    """A block for the top of a page: a warning when its claims show no ticks, else a note."""
    body = "".join(f"<p>{esc_code(text)}</p>" for text in messages)
    kind, title = ("warning", "Claims on this page are not verified") if blocking else ("note", "About this proof")
    return (
        f'<div class="admonition {kind} dv-banner" data-docverify="banner" role="status">'
        f'<p class="admonition-title">{title}</p>{body}</div>'
    )


def levels_cell(item: View) -> str:
    """Each expected level with its glyph: `static ✓ image ✓`."""
    result = item.result
    if result is None:
        return ""
    parts = []
    for name in result.expected:
        outcome = result.levels[name].outcome if name in result.levels else "skipped"
        parts.append(f'<span class="dv-level dv-{outcome}">{name}&nbsp;{GLYPH[outcome]}</span>')
    return " ".join(parts)


def table(rows: list[tuple[View, str, str, list[tuple[str, str | None]]]]) -> str:
    """The Claims page table: (view, page title, link to the claim, cited lines) per claim.

    Plain HTML, so that on a phone each row can stack as a card labelled by `data-label`.
    """
    counts: dict[str, int] = {}
    for item, *_ in rows:
        counts[item.state] = counts.get(item.state, 0) + 1
    summary = ", ".join(f"{count} {STATE_WORD[state]}" for state, count in sorted(counts.items()))
    head = "".join(f'<th scope="col">{name}</th>' for name in ("Page", "Claim", "Text", "Levels", "Outcome", "Proof"))
    body = []
    for item, title, href, cites in rows:
        proof = ", ".join(f'<a href="{esc(h)}">{esc(t)}</a>' if h else esc(t) for t, h in cites)
        outcome = f'<span class="dv-outcome dv-{item.state}">{STATE_WORD[item.state]}</span>'
        if item.reason:
            outcome += f'<span class="dv-reason">{esc_code(item.reason)}</span>'
        cells = [
            ("Page", f'<a href="{esc(href)}">{esc(title)}</a>&nbsp;<span class="dv-at">:{item.bullet.line}</span>'),
            ("Claim", esc(item.bullet.title)),
            ("Text", esc_code(item.bullet.text)),
            ("Levels", levels_cell(item)),
            ("Outcome", outcome),
            ("Proof", proof or "—"),
        ]
        body.append("<tr>" + "".join(f'<td data-label="{name}">{html}</td>' for name, html in cells) + "</tr>")
    return (
        f'<p class="dv-summary" data-docverify="summary">{len(rows)} claims: {esc(summary)}.</p>\n\n'
        f'<div class="dv-claims" data-docverify="claims"><table class="dv-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>\n"
    )


def cite_text(cite: rp.Cite) -> str:
    return str(cite)


def vocabulary(report: Path) -> str:
    """What "proven" means for each label at each level, from the report the engine wrote."""
    try:
        entries = json.loads(report.read_text()).get("vocabulary") or []
    except (OSError, ValueError, AttributeError):
        entries = []
    if not entries:
        return (
            '<p class="dv-summary" data-docverify="vocabulary">'
            "No verification report yet: run <code>python3 scripts/dev test</code>.</p>"
        )
    rows = ["| Label | Static | Image | Running |", "| --- | --- | --- | --- |"]
    for entry in entries:
        levels = entry.get("levels") or {}
        cells = [esc(str(levels.get(level, "—") or "—")) for level in ("static", "image", "running")]
        rows.append(f"| **{esc(str(entry.get('label', '')))}** | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"
