"""Secrets: no value of the names a page lists is baked into the image's history, environment or files.

The history's lines of the config-only instructions (CMD, LABEL, ...) are read only for whether they
name one (`mentions:`), so a proof holds while a changed CMD names none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model import reads
from ..model.sources import Sources
from ..observe import secrets
from ..observe.subjects import Images
from .label import Cites, Claim, Label, fail, words


@dataclass(frozen=True)
class SecretsArgs:
    names: tuple[str, ...]


NO_SECRETS = Label(
    "No Secrets",
    SecretsArgs,
    ["Neither the image's build history nor its environment holds [a|any] {names*}[; ...]"],
    example=SecretsArgs(("SECRET_KEY", "PASSWORD")),
    summary="No value of these names is baked into the image's history or environment.",
    scope="image",
)


SHORTEST = 6  # a shorter value is found everywhere by chance: it is not searched for


def secret_values(names: Sequence[str], sources: Sources) -> list[tuple[str, str]]:
    """(what it is, value): the values the stack gives its variables that the names cover (`PASSWORD` covers
    POSTGRES_PASSWORD), as compose reads them with its defaults."""
    if not sources.settings.runs_stack:
        return []
    found = []
    for service in sources.compose.services.values():
        for key, value in service.environment.items():
            if any(name.upper() in key.upper() for name in names) and len(str(value or "")) >= SHORTEST:
                found.append((f"{key} of service {service.name}", str(value)))
    return found


def _mentions(names: Sequence[str]) -> Callable[[str], str]:
    """`config:N:*` read for whether a config-only instruction's line names one of them or their values."""
    listed = json.dumps(sorted(names))

    def part(noted: str) -> str:
        match = re.fullmatch(r"config:(\w+):\*", noted)
        return f"mentions:{match[1]}:{listed}" if match else noted

    return part


@NO_SECRETS.image(
    "no NAME=value or NAME: value in the image history or config environment; no value the stack gives such a "
    "variable in the history, the environment or any file of the image",
    needs=lambda c, s: [secrets.need(secret_values(c.args.names, s))],
)
def no_secrets_image(claim: Claim[SecretsArgs], images: Images) -> Cites:
    image = images.final
    with reads.narrowed(_mentions(claim.args.names)):  # the build's own lines are read whole (`build:N`)
        places = [("history", line) for line in image.history]
    places += [("environment", f"{k}={v}") for k, v in image.config.env.items()]
    for name in claim.args.names:
        pattern = re.compile(rf"\b\w*{re.escape(name)}\w*\s*[=:]\s*\S+", re.IGNORECASE)
        for where, text in places:
            match = pattern.search(text)
            if match:
                fail(claim, f"no {name} in the image", f"{where}: {match.group(0)[:80]}", image.where)
    found = image.observed(secrets.SECRETS)
    for what, value in secret_values(claim.args.names, images.sources):
        for where, text in places:
            if value in text:  # the value itself is never shown; what stands around it is
                shown = text.replace(value, "<it>")
                at = shown.index("<it>")
                shown = (
                    ("…" if at > 60 else "") + shown[max(0, at - 60) : at + 64] + ("…" if len(shown) > at + 64 else "")
                )
                fail(claim, f"no value of {what} in the image", f"{where}: {shown}", image.where)
        if found.holding(what):
            fail(claim, f"no value of {what} in the image", f"it in {words(found.holding(what))}", image.where)
    return []
