"""Python environments: the distributions a virtual environment holds, whatever installed them.

Read from the `*.dist-info` folders on disk (pip, uv, Poetry and virtualenv all leave them), so
no interpreter of the environment needs to run; `system` is the Python first on PATH.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, union


@dataclass(frozen=True)
class Venv:
    path: str
    exists: bool  # a pyvenv.cfg is there
    home: str | None  # the interpreter it was made from
    distributions: dict[str, str]  # normalised name -> version


@dataclass(frozen=True)
class Venvs:
    venvs: dict[str, Venv]
    system: dict[str, str]  # the distributions of the Python first on PATH
    system_python: str

    def at(self, path: str) -> Venv:
        return self.venvs.get(path.rstrip("/") or "/", Venv(path, False, None, {}))


def merge(requests: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    return union(requests)


def load(raw: dict[str, Any]) -> Venvs:
    venvs = {path: Venv(path, v["exists"], v["home"], dict(v["distributions"])) for path, v in raw["venvs"].items()}
    return Venvs(venvs, dict(raw["system"]), raw["system_python"])


def inside(request: list[str], context: dict[str, Any]) -> dict[str, Any]:
    import glob
    import importlib.metadata
    import os
    import re
    import sys

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    def dists(site: str) -> dict[str, str]:
        found = {}
        for folder in glob.glob(os.path.join(site, "*.dist-info")):
            meta: dict[str, str] = {}
            try:
                with open(os.path.join(folder, "METADATA"), errors="replace") as handle:
                    for line in handle:
                        if not line.strip():
                            break
                        key, _, value = line.partition(":")
                        meta.setdefault(key, value.strip())
            except OSError:
                continue
            if "Name" in meta:
                found[normal(meta["Name"])] = meta.get("Version", "")
        return found

    venvs = {}
    for path in request:
        config = os.path.join(path, "pyvenv.cfg")
        home = None
        if os.path.exists(config):
            with open(config) as handle:
                settings = dict(line.split("=", 1) for line in handle if "=" in line)
            home = settings.get("home ", settings.get("home", "")).strip() or None
        found = {}
        for site in glob.glob(os.path.join(path, "lib", "python*", "site-packages")):
            found.update(dists(site))
        venvs[path] = {"exists": os.path.exists(config), "home": home, "distributions": found}
    system = {normal(d.metadata["Name"]): d.version for d in importlib.metadata.distributions() if d.metadata["Name"]}
    return {"venvs": venvs, "system": system, "system_python": sys.executable}


VENVS: Observer[tuple[str, ...], Venvs] = Observer("venvs", load, merge, inside=inside)


def need(*paths: str, on: str = "self") -> Need:
    return VENVS.need(tuple(paths), on)
