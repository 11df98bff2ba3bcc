"""The claim reader checked against the site's own rendering.

Each page is rendered by Python-Markdown with the Markdown extensions that mkdocs.yml lists.
Every rendered list item that opens with a bold ``Label:`` must be one the reader took as a
labelled item, and the other way round; a mismatch is an error naming page:line.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from ..diskcache import cached, stamp
from ..errors import ClaimUnreadable
from .items import LabelLine


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml with its custom tags (`!relative`, `!ENV`) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _any_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _any_tag)


def extensions(mkdocs_yml: Path, root: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions and their settings, as the site renders pages."""
    if not mkdocs_yml.is_file():
        return ["tables", "attr_list", "md_in_html"], {}
    config = yaml.load(mkdocs_yml.read_text(), Loader=_Loader) or {}
    names: list[str] = ["toc", "tables", "fenced_code"]  # MkDocs always adds these
    settings: dict[str, dict[str, Any]] = {}
    for item in config.get("markdown_extensions") or []:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        settings[name] = dict(options or {})
    # Embedded files are code blocks, never claims: the check renders the page's own text.
    names = [n for n in names if n != "pymdownx.snippets"]
    settings.pop("pymdownx.snippets", None)
    for name in list(settings):
        settings[name] = {k: v for k, v in settings[name].items() if not _is_python_reference(v)}
    return list(dict.fromkeys(names)), settings


def _is_python_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("!!python")


class _Items(HTMLParser):
    """Labels of `<li>` items whose first element is `<strong>Label:</strong>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: list[str] = []
        self._after_li = False
        self._strong: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self._after_li = True
        elif tag == "p" and self._after_li:
            pass
        elif tag == "strong" and self._after_li:
            self._strong = []
            self._after_li = False
        else:
            self._after_li = False

    def handle_data(self, data: str) -> None:
        if self._strong is not None:
            self._strong.append(data)
        elif data.strip():
            self._after_li = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong" and self._strong is not None:
            text = html.unescape("".join(self._strong)).strip()
            if text.endswith(":"):
                self.labels.append(text[:-1].strip())
            self._strong = None


FORMAT = "rendered 1"
FENCE_LANGUAGE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?([\w+#.-]+)", re.MULTILINE)


def languages(text: str) -> set[str]:
    return {name.lower() for name in FENCE_LANGUAGE.findall(text)} - {"text"}


class Renderer:
    """One Markdown converter, reset between pages.

    Code blocks hold no claims, so their languages are lexed as plain text: that spares Pygments
    compiling its lexers (most of the rendering time) and leaves fences and lists as the site has them.
    """

    def __init__(self, names: list[str], settings: dict[str, dict[str, Any]], texts: Iterable[str] = ()) -> None:
        self._names, self._settings = names, settings
        self._plain = {name for text in texts for name in languages(text)}
        self._converter: Any = None
        self._setup = json.dumps([names, settings], sort_keys=True, default=str)

    def _make(self) -> Any:
        import markdown  # type: ignore[import-untyped]  # only when the disk cache has no answer

        settings = dict(self._settings)
        if "pymdownx.highlight" in settings:
            plain = [{"name": name, "lang": "text"} for name in sorted(self._plain)]
            settings["pymdownx.highlight"] = {**settings["pymdownx.highlight"], "extend_pygments_lang": plain}
        return markdown.Markdown(extensions=self._names, extension_configs=settings)

    def labels(self, text: str) -> list[str]:
        """The labels of the page's labelled list items, as the site renders them."""
        parts = [FORMAT, *(stamp(p) for p in ("markdown", "pymdownx", "pygments")), self._setup, text]
        found: list[str] = cached("rendered", parts, lambda: self._render(text))
        return found

    def _render(self, text: str) -> list[str]:
        if self._converter is None or not languages(text) <= self._plain:
            self._plain |= languages(text)
            self._converter = self._make()
        self._converter.reset()
        items = _Items()
        items.feed(self._converter.convert(text))
        return items.labels


# Only bold text ending in a colon renders as a claim label; a page without any needs no rendering.
BOLD_LABEL = re.compile(r"(\*\*|__)[^*_\n]*:\s*(\*\*|__)|<strong>", re.IGNORECASE)


def check(page: Path, text: str, read: list[LabelLine], renderer: Renderer) -> None:
    rendered = Counter(renderer.labels(text) if BOLD_LABEL.search(text) else [])
    taken = Counter(item.label for item in read)
    if rendered == taken:
        return
    for label, count in (rendered - taken).items():
        line = _line_of(text, label)
        raise ClaimUnreadable(
            f"{page}:{line}: the site renders {count} list item(s) opening with **{label}:** that the claim reader "
            "does not read as claims; write them as `*   **Label:** text` items"
        )
    for label in taken - rendered:
        line = next(item.line for item in read if item.label == label)
        raise ClaimUnreadable(
            f"{page}:{line}: **{label}:** is read as a claim but the site does not render it as a labelled list item"
        )


def _line_of(text: str, label: str) -> int:
    pattern = re.compile(rf"(\*\*|__){re.escape(label)}:?(\*\*|__)")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return 1
