"""Django: settings as Django loads them in the image, and the start-up steps the entrypoint runs.

Paths are compared whole. A management command must be Django's own (no app overriding it); at
the running level migrations are all applied and every static file the finders know is collected.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from ..model import reads
from ..model.dockerfile import clean_path
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import http, logs
from ..observe.subjects import EVERYTHING, Images, Stack
from ..vocabulary import script
from ..vocabulary.label import Cites, Claim, Label, fail, words
from ..vocabulary.registry import Registry
from .django_app import DJANGO, DJANGO_RUNNING, DjangoRequest, need, need_running

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


@dataclass(frozen=True)
class PathArgs:
    path: str


def _setting_label(name: str, setting: str) -> Label[PathArgs]:
    label = Label(
        name,
        PathArgs,
        ["{path}"],
        example=PathArgs(f"/app/{setting.lower().split('_')[0]}files"),
        summary=f"settings.{setting} as Django loads it in the image, compared whole.",
        scope="image",
    )

    @label.image(f"settings.{setting} as Django loads it in the image", needs=lambda c, s: [need()])
    def check(claim: Claim[PathArgs], images: Images) -> Cites:
        value = images.final.observed(DJANGO).setting(setting)
        if clean_path(str(value)) != clean_path(claim.args.path):
            fail(claim, f"{setting} {claim.args.path}", f"{setting} {value}", f"{images.final.where} settings")
        return []

    return label


STATIC_ROOT = _setting_label("Static Root", "STATIC_ROOT")
MEDIA_ROOT = _setting_label("Media Root", "MEDIA_ROOT")


@dataclass(frozen=True)
class LogArgs:
    directory: str
    besides: str | None = None


LOG_DIRECTORY = Label(
    "Log Directory",
    LogArgs,
    ["{directory}[, besides {besides}]"],
    example=LogArgs("/app/logs", "stdout"),
    summary="LOGGING writes a file into this directory (and to stdout, when the sentence says so).",
    scope="image",
)


def _log_handlers(images: Images) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = images.final.observed(DJANGO).setting("LOG_HANDLERS") or {}
    return found


@LOG_DIRECTORY.image(
    "settings.LOGGING's handlers: a file handler in the directory, a stream handler to stdout",
    needs=lambda c, s: [need()],
)
def log_directory_image(claim: Claim[LogArgs], images: Images) -> Cites:
    handlers = _log_handlers(images).values()
    folders = [os.path.dirname(h["filename"]) for h in handlers if h["filename"]]
    if clean_path(claim.args.directory) not in [clean_path(f) for f in folders]:
        shown = words(sorted(set(folders))) or "none"
        fail(claim, f"log files in {claim.args.directory}", f"file handlers writing to {shown}", images.final.where)
    if claim.args.besides is not None:
        streams = [h["stream"] for h in handlers if "StreamHandler" in h["class"]]
        if claim.args.besides != "stdout" or not {"ext://sys.stdout", "sys.stdout"} & set(streams):
            fail(
                claim,
                f"logs on {claim.args.besides} too",
                f"stream handlers on {streams or 'nothing'} (stderr unless told)",
                images.final.where,
            )
    return []


@LOG_DIRECTORY.running(
    "the running server's own line for a request from this machine (Django's `Not Found: PATH`) lands at once in a "
    "file of the directory, and on the container's standard output (`docker logs`) when the sentence says so"
)
def log_directory_running(claim: Claim[LogArgs], stack: Stack) -> Cites:
    reads.note(*EVERYTHING)  # what the server logs depends on the whole service
    landed = logs.probe(stack.service, claim.args.directory)
    where = f"{stack.service.where}, after GET {landed.request} from this machine (HTTP {landed.status})"
    if not landed.files:
        fail(claim, f"log lines in a file of {claim.args.directory}", landed.error or "no file there holding its line",
             where)  # fmt: skip
    if claim.args.besides is not None and (claim.args.besides != "stdout" or not landed.stdout):
        has = "it on standard error only" if landed.stderr else "no such line in `docker logs`"
        fail(claim, f"log lines on {claim.args.besides} too", has, where)
    return []


@dataclass(frozen=True)
class ModulesArgs:
    modules: tuple[str, ...]


SETTINGS_MODULES = Label(
    "Settings Modules",
    ModulesArgs,
    ["{modules*}"],
    example=ModulesArgs(("base", "dev", "prod")),
    summary="The modules of the settings package (the one DJANGO_SETTINGS_MODULE names a module of), exactly.",
    scope="image",
)


@SETTINGS_MODULES.image("the modules of the settings package in the image", needs=lambda c, s: [need()])
def settings_modules_image(claim: Claim[ModulesArgs], images: Images) -> Cites:
    found = images.final.observed(DJANGO).setting("MODULES")
    if sorted(found or []) != sorted(claim.args.modules):
        fail(claim, words(claim.args.modules), words(found or []), images.final.where)
    return []


@dataclass(frozen=True)
class RequiredArgs:
    names: tuple[str, ...]
    module: str
    each: str = "it"  # "either" (two names), "any of them" (two or more), "it" (one)


REQUIRED = Label(
    "Required in Production",
    RequiredArgs,
    ["{names*}; without {each=either|any of them|it}, {module} refuses to start and names it"],
    example=RequiredArgs(("SECRET_KEY",), "core.settings.prod"),
    summary="A settings module that refuses to start without each of these variables, naming the one missing.",
    scope="image",
)


def _required(claim: Claim[RequiredArgs], sources: Sources) -> list[Any]:
    return [need(DjangoRequest(required=tuple((claim.args.module, name) for name in claim.args.names)))]


@REQUIRED.image("the module, started without each variable (the others set), exits non-zero naming it", needs=_required)
def required_image(claim: Claim[RequiredArgs], images: Images) -> Cites:
    count = len(claim.args.names)
    if not {"either": count == 2, "it": count == 1}.get(claim.args.each, count >= 2):
        said = f"{words(claim.args.names)}: without {claim.args.each}"
        fail(claim, said, f"{count} variable(s) named", claim.where())
    outcomes = images.final.observed(DJANGO).required
    for name in claim.args.names:
        outcome = outcomes.get(f"{claim.args.module}:{name}")
        if outcome is None or outcome.code == 0 or name not in outcome.stderr:
            has = "not observed"
            if outcome is not None:
                last = (outcome.stderr.strip().splitlines() or ["nothing on stderr"])[-1]
                started = "starting (exit 0)" if outcome.code == 0 else f"exiting {outcome.code}"
                has = f"{claim.args.module} {started} without {name}, its last words: {last}"
            fail(
                claim,
                f"{claim.args.module} refusing to start without {name}, naming it",
                has,
                f"{images.final.where}, {claim.args.module} loaded with {name} unset",
            )
    return []


def register(registry: Registry) -> None:
    registry.add_module(sys.modules[__name__], "django")


__all__ = ["Command", "register"]
