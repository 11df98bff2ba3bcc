"""System packages: what dpkg (or apk) says is installed, and which were installed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, nothing


@dataclass(frozen=True)
class Packages:
    manager: str | None  # dpkg | apk | None (no package database)
    installed: dict[str, str]  # name -> version
    manual: tuple[str, ...]  # what `apt-mark showmanual` lists (apk: the world file)


def load(raw: dict[str, Any]) -> Packages:
    return Packages(raw["manager"], dict(raw["installed"]), tuple(raw["manual"]))


def inside(request: None, context: dict[str, Any]) -> dict[str, Any]:
    import os

    def stanzas(path: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        current: dict[str, str] = {}
        with open(path, errors="replace") as handle:
            for line in handle.read().split("\n") + [""]:
                if not line.strip():
                    if current:
                        found.append(current)
                    current = {}
                elif ":" in line and not line.startswith((" ", "\t")):
                    key, value = line.split(":", 1)
                    current[key] = value.strip()
        return found

    if os.path.exists("/var/lib/dpkg/status"):
        installed = {
            s["Package"]: s.get("Version", "")
            for s in stanzas("/var/lib/dpkg/status")
            if s.get("Status", "").endswith(" installed")
        }
        auto = set()
        if os.path.exists("/var/lib/apt/extended_states"):
            auto = {
                s["Package"].split(":")[0]
                for s in stanzas("/var/lib/apt/extended_states")
                if s.get("Auto-Installed") == "1"
            }
        return {"manager": "dpkg", "installed": installed, "manual": sorted(set(installed) - auto)}
    if os.path.exists("/lib/apk/db/installed"):
        installed, name = {}, None
        with open("/lib/apk/db/installed") as handle:
            for line in handle:
                if line.startswith("P:"):
                    name = line[2:].strip()
                elif line.startswith("V:") and name:
                    installed[name] = line[2:].strip()
        world = []
        if os.path.exists("/etc/apk/world"):
            with open("/etc/apk/world") as handle:
                world = [w.strip() for w in handle if w.strip()]
        return {"manager": "apk", "installed": installed, "manual": sorted(world)}
    return {"manager": None, "installed": {}, "manual": []}


PACKAGES: Observer[None, Packages] = Observer("packages", load, nothing, inside=inside)


def need(on: str = "self") -> Need:
    return PACKAGES.need(None, on)
