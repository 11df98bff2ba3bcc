"""HTML helpers: escaping, the ids of embedded blocks and their lines, real line numbers."""

from __future__ import annotations

import re

from docverify.site.scan import Embed

# Entities survive Markdown untouched, so text in marks is never read as Markdown.
_ESCAPE = {ord(c): f"&#{ord(c)};" for c in "&<>\"'`*_[]\\|"}
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


def fence_line(embed: Embed, block: str, first: int, numbered: bool = True) -> str:
    """The opening fence with an id and the real first line number (`numbered`: where a highlighter reads
    `linenums`; Python-Markdown's own fences without one would write it out as an attribute, and fail)."""
    numbers = f' linenums="{first}"' if numbered else ""
    extra = f'#{block}{numbers} data-dv-file="{esc(embed.file)}"'
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
