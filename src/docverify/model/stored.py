"""What the builder stores for the config instructions, where the Dockerfile alone tells it.

A check that depends on a config value only through a comparison (is the Cmd the base's? does the
history name a password?) reads the comparison; `run.inputs` works it out again from this model, so
a rewrite that keeps the comparison keeps the proof.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from .dockerfile import Stage

# Instructions that set only the image config: they do not change the file system a build makes.
CONFIG_ONLY = {"CMD", "ENTRYPOINT", "EXPOSE", "HEALTHCHECK", "LABEL", "STOPSIGNAL", "VOLUME", "ONBUILD", "MAINTAINER"}
# Fields the builder copies from one instruction without substituting variables.
LITERAL = {"Cmd": "CMD", "Entrypoint": "ENTRYPOINT"}
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def stored(stage: Stage, field: str) -> list[str] | None:
    """The stage's Cmd or Entrypoint as `docker inspect` shows it, where the stage's own last instruction
    sets it and no SHELL changes how a shell form is wrapped; None where only the image can tell."""
    keyword = LITERAL.get(field)
    own = [i for i in stage.body if i.keyword == keyword]
    if keyword is None or not own or any(i.keyword == "SHELL" for s in stage.chain() for i in s.body):
        return None
    last = own[-1]
    return last.arguments() if last.is_exec_form() else ["/bin/sh", "-c", last.value]


def fingerprint(value: object) -> str:
    """A config value's digest, as carried in an input's name (an empty list and no value are alike)."""
    return hashlib.sha256(json.dumps(value or None, sort_keys=True).encode()).hexdigest()[:16]


def mentioning(stage: Stage, names: Sequence[str], values: Sequence[str]) -> list[str]:
    """The config-only instructions of the stage and the stages it builds on whose text holds one of the
    names (any case) or the values, JSON strings read decoded too: all a search of the build history's
    lines for them can find in those instructions."""
    found = []
    for instruction in (i for s in reversed(stage.chain()) for i in s.body if i.keyword in CONFIG_ONLY):
        texts = [instruction.value, *(_decoded(m.group(0)) for m in JSON_STRING.finditer(instruction.value))]
        if any(n.lower() in t.lower() for n in names for t in texts) or any(v in t for v in values for t in texts):
            found.append(f"{instruction.keyword} {instruction.value}")
    return found


def _decoded(literal: str) -> str:
    try:
        return str(json.loads(literal))
    except ValueError:
        return literal
