"""Settings from pytest ini options, falling back to ``[tool.docverify]`` in pyproject.toml."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from .errors import ConfigError

# name -> (help, kind, default); kind as pytest's addini types.
OPTIONS: dict[str, tuple[str, str, Any]] = {
    "docs": ("docs root holding the claim pages", "string", "docs"),
    "dockerfile": ("the Dockerfile the pages describe", "string", "Dockerfile"),
    "compose": ("the compose file of the running level (empty: none)", "string", "compose.yaml"),
    "context": ("the build context (default: the Dockerfile's folder)", "string", ""),
    "mkdocs": ("mkdocs.yml whose Markdown extensions render the pages", "string", "mkdocs.yml"),
    "service": ("compose service under test (default: the one that builds)", "string", ""),
    "image_prefix": ("tag prefix of the images the suite builds", "string", ""),
    "build_args": ("NAME=value build arguments; {pip-index} is pip's own index URL", "linelist", []),
    "compose_env": ("NAME=value variables compose interpolates; {free-port} is a free loopback port", "linelist", []),
    "report": ("where the verification report is written", "string", "artifacts/docverify-report.json"),
    "packs": ("vocabulary packs to use: python, poetry, debian, django, postgres", "linelist", []),
    "vocabularies": ("modules whose register(registry) adds project labels", "linelist", []),
    "coverage": ("fail when a Dockerfile instruction or entrypoint step is documented by no claim", "bool", False),
    "running": ("prove claims on the running compose stack too (needs `compose`)", "bool", True),
    "prebuilt": ("use images already built under the prefix (benchmarks)", "bool", False),
}


@dataclass(frozen=True)
class Settings:
    root: Path
    docs: Path
    dockerfile: Path
    compose: Path | None  # None: no running level
    mkdocs: Path
    context: Path
    service: str | None
    image_prefix: str
    build_args: dict[str, str] = field(default_factory=dict)
    compose_env: dict[str, str] = field(default_factory=dict)
    report: Path = Path("artifacts/docverify-report.json")
    packs: tuple[str, ...] = ()
    vocabularies: tuple[str, ...] = ()
    coverage: bool = False
    running: bool = True
    prebuilt: bool = False

    @property
    def runs_stack(self) -> bool:
        """Whether the running level applies: switched on, with a compose file that exists."""
        return self.running and self.compose is not None and self.compose.is_file()

    @property
    def project(self) -> str:
        """The compose project the running level owns (and cleans up)."""
        return f"{self.image_prefix}-stack"

    def relative(self, path: Path) -> str:
        """`path` relative to the root; a relative path is taken as relative to the root already."""
        return _relative(self.root, path)


@lru_cache(maxsize=4096)
def _relative(root: Path, path: Path) -> str:
    path = path if path.is_absolute() else root / path
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def add_options(parser: pytest.Parser) -> None:
    for name, (help_text, kind, default) in OPTIONS.items():
        parser.addini(f"docverify_{name}", help_text, type=kind, default=default)  # type: ignore[arg-type]


def _table(root: Path) -> dict[str, Any]:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    table = tomllib.loads(pyproject.read_text()).get("tool", {}).get("docverify", {})
    if not isinstance(table, dict):
        return {}
    unknown = sorted(set(table) - set(OPTIONS))
    if unknown:  # a misspelt key would fall back to its default without a word (a shared image prefix)
        hints = [f"{key} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(key, OPTIONS, 1)) else key
                 for key in unknown]  # fmt: skip
        raise ConfigError(
            f"[tool.docverify] in {pyproject}: unknown key(s) {', '.join(hints)}; known: {', '.join(OPTIONS)}"
        )
    return table


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def from_pytest(config: pytest.Config) -> Settings:
    """Ini options win; unset ones come from [tool.docverify], then the defaults."""
    root = Path(config.rootpath)
    table = _table(root)
    values: dict[str, Any] = {}
    for name, (_, _, default) in OPTIONS.items():
        given = config.getini(f"docverify_{name}")
        values[name] = given if given not in ("", [], None, default) else table.get(name, default)
    return make(root, values)


def from_pyproject(root: Path, **overrides: Any) -> Settings:
    """Settings from `[tool.docverify]` alone (scripts and mutation copies)."""
    return make(root, {**_table(root), **overrides})


def make(root: Path, values: dict[str, Any]) -> Settings:
    def path(name: str) -> Path:
        return (root / str(values.get(name) or OPTIONS[name][2])).resolve()

    def pairs(option: str) -> dict[str, str]:
        found: dict[str, str] = {}
        raw = values.get(option) or []
        items = raw.items() if isinstance(raw, dict) else (str(line).partition("=")[::2] for line in raw)
        for name, value in items:
            if not str(name).strip():
                raise ConfigError(f"docverify_{option}: {name}={value} is not NAME=value")
            found[str(name).strip()] = str(value).strip()
        return found

    vocabularies = values.get("vocabularies") or []
    dockerfile = path("dockerfile")
    compose = values.get("compose", OPTIONS["compose"][2])
    settings = Settings(
        root=root.resolve(),
        docs=path("docs"),
        dockerfile=dockerfile,
        compose=(root / str(compose)).resolve() if compose else None,
        mkdocs=path("mkdocs"),
        context=(root / str(values["context"])).resolve() if values.get("context") else dockerfile.parent,
        service=str(values.get("service") or "") or None,
        image_prefix=str(values.get("image_prefix") or f"{root.resolve().name}-docs").lower(),
        build_args=pairs("build_args"),
        compose_env=pairs("compose_env"),
        report=path("report"),
        packs=tuple(str(p) for p in values.get("packs") or []),
        vocabularies=tuple(str(v) for v in vocabularies),
        coverage=_boolean(values.get("coverage", False)),
        running=_boolean(values.get("running", True)),
        prebuilt=_boolean(values.get("prebuilt", False)),
    )
    if not settings.docs.is_dir():
        raise ConfigError(f"docverify_docs: no docs folder at {settings.docs}")
    return settings
