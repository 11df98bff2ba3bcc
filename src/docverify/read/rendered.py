"""Pages rendered as the site renders them, for the claim reader to read.

Each page is rendered by Python-Markdown with the Markdown extensions that mkdocs.yml lists,
pymdownx.snippets included (its base paths taken from the root), every line tagged with its number
first (`lines`), so what the reader finds in the HTML names its page:line.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import re
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..diskcache import cached, stamp
from ..errors import ConfigError
from . import dom, includes, lines, statements

SNIPPETS = "pymdownx.snippets"
# Without mkdocs.yml: Python-Markdown's own extensions (the engine's one Markdown dependency), and
# pymdownx's fences (nested in lists and admonitions) and details where pymdown-extensions is installed.
DEFAULT = ["tables", "attr_list", "md_in_html", "admonition"]
PYMDOWNX = ["pymdownx.superfences", "pymdownx.details"]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml's where there
    """Reads mkdocs.yml with its custom tags (`!relative`, `!ENV`) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    """`!!python/name:module.attr`, imported as MkDocs imports it (an emoji index, a fence's formatter)."""
    module, _, attribute = suffix.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError) as error:
        raise ConfigError(f"mkdocs.yml: `!!python/name:{suffix}` cannot be imported here ({error})") from None


_Loader.add_multi_constructor("!", _any_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


def _named(value: Any) -> str:
    """A setting as a cache key: an imported function by its name (its repr holds an address)."""
    return f"{value.__module__}.{value.__qualname__}" if callable(value) else str(value)


@cache
def _entry_points() -> frozenset[str]:
    """Python-Markdown's extensions by entry point, read once: a read scans every installed distribution."""
    return frozenset(e.name for e in importlib.metadata.entry_points(group="markdown.extensions"))


def _loadable(name: str) -> bool:
    """Whether Python-Markdown can load an extension of this name: one of its entry points, or a module."""
    if name in _entry_points():
        return True
    try:
        return importlib.util.find_spec(name.partition(":")[0]) is not None
    except (ImportError, ValueError):
        return False


def extensions(mkdocs_yml: Path, root: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions and their settings, as the site renders pages."""
    if not mkdocs_yml.is_file():
        return defaults(), {}
    try:
        config = yaml.load(mkdocs_yml.read_text(), Loader=_Loader) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{mkdocs_yml.name} cannot be read as YAML: {error}") from None
    names: list[str] = ["toc", "tables", "fenced_code"]  # MkDocs always adds these
    settings: dict[str, dict[str, Any]] = {}
    for item in config.get("markdown_extensions") or []:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        settings[name] = dict(options or {})
    missing = [name for name in names if not _loadable(name)]
    if missing:
        raise ConfigError(f"{mkdocs_yml.name}: markdown_extensions {', '.join(missing)} cannot be loaded here (not "
                          "installed beside docverify?), and the pages are read as the site renders them")  # fmt: skip
    if SNIPPETS in settings:
        settings[SNIPPETS] = _snippet_settings(settings[SNIPPETS], mkdocs_yml, root, config)
    return list(dict.fromkeys(names)), settings


def _snippet_settings(options: dict[str, Any], mkdocs_yml: Path, root: Path, config: dict[str, Any]) -> dict[str, Any]:
    """Base paths from the root (the site builds there), never anything fetched, and a missing file an error
    (`check_paths`: without it a missing file is an empty block, on the site and here)."""
    bases = options.get("base_path", ["."])
    places = {"$config_dir": mkdocs_yml.parent, "$docs_dir": root / str(config.get("docs_dir", "docs"))}
    resolved = []
    for base in [bases] if isinstance(bases, str) else bases:
        text = str(base)
        head = next((key for key in places if text.startswith(key)), None)
        path = places[head] / text[len(head) :].lstrip("/") if head else root / text
        resolved.append(str(path.resolve()))
    return {**options, "base_path": resolved, "url_download": False, "auto_append": [], "check_paths": True}


FORMAT = "reading 1"  # what the disk cache holds: the reader's findings
TAGGING = "tagged 1"  # and a page's tagged text, its includes expanded
FENCE_LANGUAGE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?([\w+#.-]+)", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(---|\.\.\.)[ \t]*\n", re.DOTALL)


def languages(text: str) -> set[str]:
    return {name.lower() for name in FENCE_LANGUAGE.findall(text)} - {"text"}


class Renderer:
    """One Markdown converter, reset between pages.

    Code blocks hold no claims, so their languages are lexed as plain text: that spares Pygments
    compiling its lexers (most of the rendering time) and leaves fences and lists as the site has them.
    """

    def __init__(
        self, names: list[str], settings: dict[str, dict[str, Any]], texts: Iterable[str] = (), root: Path | None = None
    ) -> None:
        self._names = [name for name in names if name != SNIPPETS]
        self._snippets = settings.get(SNIPPETS) if SNIPPETS in names else None
        self._settings = {name: value for name, value in settings.items() if name != SNIPPETS}
        self._plain = {name for text in texts for name in languages(text)}
        self._converter: Any = None
        self._expander: Any = None
        # The key of a rendering: where snippets come from is no part of it (what they bring is in the text).
        keyed = {name: value for name, value in settings.items() if name != SNIPPETS}
        self._setup = json.dumps([names, keyed], sort_keys=True, default=_named)
        self._snippet_setup = json.dumps(self._snippets, sort_keys=True, default=str)
        if root is not None:  # base paths in the project keyed from its root: a copy elsewhere finds the tagging
            self._snippet_setup = self._snippet_setup.replace(json.dumps(str(root.resolve()))[1:-1], "@root")
        self._asked: set[str] = set()
        self._lock = threading.RLock()  # one converter: the static pass's threads take turns

    def learn(self, texts: Iterable[str]) -> None:
        """Fence languages of the pages to come, so one converter serves them all."""
        self._plain |= {name for text in texts for name in languages(text)}

    def _make(self) -> Any:
        import markdown  # type: ignore[import-untyped]  # only when the disk cache has no answer

        settings = dict(self._settings)
        if "pymdownx.highlight" in settings:
            plain = [{"name": name, "lang": "text"} for name in sorted(self._plain)]
            settings["pymdownx.highlight"] = {**settings["pymdownx.highlight"], "extend_pygments_lang": plain}
        return markdown.Markdown(extensions=self._names, extension_configs=settings)

    def _expand(self, group: list[str]) -> list[str]:
        """What pymdownx.snippets makes of one include (or block of includes), configured as the site's."""
        if self._expander is None:
            import markdown

            converter = markdown.Markdown(extensions=[SNIPPETS], extension_configs={SNIPPETS: self._snippets})
            self._expander = converter.preprocessors["snippet"]
            resolve = self._expander.get_snippet_path

            def noted(name: str) -> Any:
                self._asked.add(name)  # every name it looks for, found or not: what the tagging depends on
                return resolve(name)

            self._expander.get_snippet_path = noted
        self._expander.seen = set()
        found: list[str] = self._expander.parse_snippets(group)
        return found

    def tagged(self, text: str, failed: list[lines.SnippetError] | None = None) -> str:
        """The page's text, front matter blanked, each line tagged with its number; failed includes noted.
        Kept on disk by the text, while every file its includes looked at stands (`includes`)."""
        front = FRONT_MATTER.match(text)
        if front:
            text = "\n" * front[0].count("\n") + text[front.end() :]
        text = lines.PRIVATE.sub("", text)
        if self._snippets is None:
            return "\n".join(lines.tag(text.splitlines(), None, failed))
        bases: list[str] = self._snippets["base_path"]

        def tag() -> dict[str, Any]:
            errors: list[lines.SnippetError] = []
            with self._lock:
                self._asked = set()
                out = "\n".join(lines.tag(text.splitlines(), self._expand, errors))
                asked = sorted(self._asked)
            files = {name: includes.facts(name, bases) for name in asked}
            return {"tagged": out, "failed": [[e.line, e.reason] for e in errors], "files": files}

        def still(found: dict[str, Any]) -> bool:
            return all(includes.facts(name, bases) == facts for name, facts in found["files"].items())

        parts = [TAGGING, stamp("pymdownx"), stamp("docverify.read"), self._snippet_setup, text]
        found = cached("tagged", parts, tag, still=still)
        if failed is not None:
            failed += [lines.SnippetError(line, reason) for line, reason in found["failed"]]
        return str(found["tagged"])

    def html(self, text: str) -> str:
        """The page as the site renders it, every line's number in it."""
        return self._render(self.tagged(text))

    def _render(self, tagged: str) -> str:
        with self._lock:
            return self._convert(tagged)

    def _convert(self, tagged: str) -> str:
        if self._converter is None or not languages(tagged) <= self._plain:
            self._plain |= languages(tagged)
            self._converter = self._make()
        self._converter.reset()
        html: str = self._converter.convert(tagged)
        return html

    def reading(self, text: str) -> statements.Reading:
        """What the reader finds in the page's rendering; kept on disk, keyed by the tagged text."""
        failed: list[lines.SnippetError] = []
        tagged = self.tagged(text, failed)
        readers = ("markdown", "pymdownx", "pygments", "docverify.read")  # the reader's own code too
        parts = [FORMAT, *(stamp(p) for p in readers), self._setup, tagged]
        read = lambda: statements.read(dom.parse(self._render(tagged))).to_json()  # noqa: E731
        found = statements.Reading.from_json(cached("rendered", parts, read))
        found.problems += [(error.line, f"the snippet cannot be included: {error.reason}") for error in failed]
        missing = {error.line for error in failed}  # its block is empty, or the include's words: said once above
        found.loose = [(line, value) for line, value in found.loose if line not in missing]
        return found


def default() -> Renderer:
    return _default()


@lru_cache(maxsize=1)
def _default() -> Renderer:
    return Renderer(defaults(), {})


def defaults() -> list[str]:
    fences = PYMDOWNX if importlib.util.find_spec("pymdownx") else ["fenced_code"]
    return [*DEFAULT, *fences]


@lru_cache(maxsize=8)
def for_site(mkdocs_yml: Path, root: Path) -> Renderer:
    """The renderer of a project's site: one per process, shared by the walk and the checks."""
    names, settings = extensions(mkdocs_yml, root)
    return Renderer(names, settings, root=root)
