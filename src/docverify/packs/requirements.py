"""A requirements file inside an image, and the image Python's PEP 508 marker variables.

The pins whose markers hold are worked out here on the host (`packaging`), for the image's own
Python, not this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..observe.observer import Observer, union


@dataclass(frozen=True)
class Requirements:
    texts: dict[str, str | None]  # path -> text (None: no such file)
    environment: dict[str, str]  # PEP 508 marker variables of the image's Python

    def pins(self, path: str) -> dict[str, str]:
        """name -> version for each `name==version` whose marker holds for the image's Python."""
        from packaging.requirements import Requirement

        pins = {}
        for line in (self.texts.get(path) or "").replace("\\\n", " ").splitlines():
            line = line.split(" --hash")[0].split(" #")[0].strip()
            if not line or line.startswith(("#", "-")):
                continue
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(self.environment):
                pins[re.sub(r"[-_.]+", "-", requirement.name).lower()] = str(requirement.specifier).lstrip("=")
        return pins


def _requirements_inside(request: list[str], context: dict[str, Any]) -> dict[str, Any]:
    import os
    import platform
    import sys

    texts: dict[str, str | None] = {}
    for path in request:
        try:
            with open(path) as handle:
                texts[path] = handle.read()
        except OSError:
            texts[path] = None
    version = ".".join(platform.python_version_tuple()[:2])
    environment = {
        "implementation_name": sys.implementation.name,
        "implementation_version": platform.python_version(),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": version,
        "sys_platform": sys.platform,
    }
    return {"texts": texts, "environment": environment}


def _requirements_load(raw: dict[str, Any]) -> Requirements:
    return Requirements(dict(raw["texts"]), dict(raw["environment"]))


REQUIREMENTS: Observer[tuple[str, ...], Requirements] = Observer(
    "requirements", _requirements_load, union, inside=_requirements_inside
)
