"""Django: the start-up steps the entrypoint runs (the settings are `django_settings`'s).

A management command must be Django's own (no app overriding it); at the running level migrations are
all applied and every static file the finders know is collected.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from ..model import reads
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import http
from ..observe.subjects import EVERYTHING, Images, Stack
from ..vocabulary import script
from ..vocabulary.label import Cites, Claim, Label, fail
from ..vocabulary.registry import Registry
from .django_app import DJANGO, DJANGO_RUNNING, need, need_running

# Options with which a manage.py command only reports what it would do.
REPORTS_ONLY = {"--plan", "--check", "--dry-run", "-n", "--list"}
# Django's own command and the app that provides it.
OWN = {"migrate": "django.core", "collectstatic": "django.contrib.staticfiles"}


def spelling(argv: tuple[str, ...]) -> tuple[str, ...]:
    """One spelling per meaning: `python3` is `python`, `./manage.py` (run by its `#!` line) is `python manage.py`,
    Django's `--no-input` is `--noinput`."""
    if argv[:1] == ("./manage.py",):
        argv = ("python", "manage.py", *argv[1:])
    python = re.fullmatch(r"python3?(\.\d+)?", argv[0].rsplit("/", 1)[-1]) if argv else None
    head = ("python",) if python else argv[:1]
    rest = ("manage.py" if word == "./manage.py" and python else word for word in argv[1:])
    return head + tuple("--noinput" if word == "--no-input" else word for word in rest)


@dataclass(frozen=True)
class StepArgs:
    command: str


def _command_name(command: str) -> str:
    words_ = command.split()
    return words_[words_.index("manage.py") + 1] if "manage.py" in words_[:-1] else words_[-1]


def step_static(claim: Claim[StepArgs], sources: Sources) -> Cites:
    name, found = script.step(claim, sources, claim.args.command, spelling, REPORTS_ONLY)
    return [f"{name}:{found.line}"]


def own_command_image(claim: Claim[StepArgs], images: Images) -> Cites:
    """The command is Django's own, or an app's that derives from it (whose effect the running level proves)."""
    command = _command_name(claim.args.command)
    seen = images.final.observed(DJANGO)
    provider = seen.setting("COMMANDS").get(command)
    if provider != OWN.get(command, provider) and not (seen.setting("DERIVED") or {}).get(command):
        fail(claim, f"Django's own `{command}`", f"`{command}` provided by {provider}, not derived from Django's",
             images.final.where)  # fmt: skip
    return []


def _steps(name: str, command: str) -> Label[StepArgs]:
    return Label(
        name,
        StepArgs,
        ["Runs {command}"],
        example=StepArgs(command),
        scope="image",
        summary=f"The entrypoint runs Django's `{command.split()[-2]}` at every start, for real.",
    )


MIGRATIONS = _steps("Migrations", "python manage.py migrate --noinput")
STATIC_FILES = _steps("Static Files", "python manage.py collectstatic --noinput")
for _label in (MIGRATIONS, STATIC_FILES):
    script.ordered(_label)
    _label.static("an unconditional step of the entrypoint script, not one that only reports")(step_static)
    _label.image("the command is Django's own, or an app's derived from it", needs=lambda c, s: [need()])(
        own_command_image
    )


@MIGRATIONS.running(
    "no migration pending in the running container's database, asked of Django's migration executor (not of a "
    "command an app may override)",
    needs=lambda c, s: [need_running()],
)
def migrations_running(claim: Claim[StepArgs], stack: Stack) -> Cites:
    check = stack.service.observed(DJANGO_RUNNING).migrations
    if check is None or check.code != 0:
        fail(claim, "every migration applied", (check.stderr if check else "no answer")[-300:], stack.service.where)
    return []


@STATIC_FILES.running(
    "every file the static-file finders know is in STATIC_ROOT of the running container, and a few of them, fetched "
    "from this machine at the URL the app gives them, have the collected content",
    needs=lambda c, s: [need_running()],
)
def static_files_running(claim: Claim[StepArgs], stack: Stack) -> Cites:
    static = stack.service.observed(DJANGO_RUNNING).static
    if "error" in static or not static.get("expected") or static.get("missing"):
        fail(
            claim,
            "every static file collected",
            static.get("error") or f"{static.get('expected')} expected, missing {static.get('missing')}",
            stack.service.where,
        )
    reads.note(*EVERYTHING)  # what the server answers depends on the whole service
    for file in static.get("served") or []:
        url = str(file.get("url") or "")
        answer = http.get(f"{stack.service.base_url}{url}") if url.startswith("/") else {"error": "no local URL"}
        if answer.get("status") != 200 or answer.get("sha256") != file.get("sha256"):
            has = f"HTTP {answer.get('status')} {answer.get('error') or ''}".strip()
            fail(claim, f"{file.get('path')} served as collected", f"{url or file.get('error')}: {has}",
                 f"GET {stack.service.base_url}{url} from this machine")  # fmt: skip
    return []


def register(registry: Registry) -> None:
    from . import django_settings

    registry.add_module(sys.modules[__name__], "django")
    registry.add_module(django_settings, "django")


__all__ = ["Command", "register"]
