"""Django's settings as Django loads them in the image: the paths each module of the settings package sets,
its modules, and the variables a module refuses to start without (and then uses).

Paths are compared whole, in every module of the package (each loaded on its own, a deployment's key and
database given placeholders) but those the sentence leaves out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..model import reads
from ..model.dockerfile import clean_path
from ..model.sources import Sources
from ..observe import logs
from ..observe.subjects import EVERYTHING, Images, Stack
from ..vocabulary.label import Cites, Claim, Label, fail, words
from .django_app import DJANGO, DjangoRequest, need

BUT = "[, in every module but {excluded*}]"


@dataclass(frozen=True)
class PathArgs:
    path: str
    excluded: tuple[str, ...] = ()  # modules of the settings package the sentence leaves out


def each_module(claim: Claim[Any], images: Images, excluded: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The settings of each module of the package but the excluded ones, each loaded on its own (the image's
    module alone when it is in no package). A module that does not load is a failure naming it."""
    facts = images.final.observed(DJANGO)
    found = facts.modules or {str(facts.setting("SETTINGS_MODULE")): facts.settings}
    unknown = [m for m in excluded if m not in found]
    if unknown:
        fail(claim, f"modules {words(excluded)} to leave out", f"no module {words(unknown)} among {words(found)}",
             f"{images.final.where} settings")  # fmt: skip
    chosen = {module: settings for module, settings in found.items() if module not in excluded}
    broken = [f"{module} ({settings['error']})" for module, settings in chosen.items() if "error" in settings]
    if broken:
        fail(claim, "every module loading", f"{words(broken)} not loading", f"{images.final.where} settings")
    return chosen


def _setting_label(name: str, setting: str) -> Label[PathArgs]:
    label = Label(
        name,
        PathArgs,
        ["{path}" + BUT],
        example=PathArgs(f"/app/{setting.lower().split('_')[0]}files"),
        summary=f"settings.{setting} as Django loads each module of the settings package, compared whole.",
        scope="image",
    )

    @label.image(
        f"settings.{setting} as Django loads each module of the package in the image (but those left out)",
        needs=lambda c, s: [need(DjangoRequest(modules=True))],
    )
    def check(claim: Claim[PathArgs], images: Images) -> Cites:
        values = {m: settings.get(setting) for m, settings in each_module(claim, images, claim.args.excluded).items()}
        wrong = [f"{value} in {module}" for module, value in values.items() if clean_path(str(value)) !=
                 clean_path(claim.args.path)]  # fmt: skip
        if wrong:
            fail(claim, f"{setting} {claim.args.path} in {words(values)}", f"{setting} {words(wrong)}",
                 f"{images.final.where} settings")  # fmt: skip
        return []

    return label


STATIC_ROOT = _setting_label("Static Root", "STATIC_ROOT")
MEDIA_ROOT = _setting_label("Media Root", "MEDIA_ROOT")


@dataclass(frozen=True)
class LogArgs:
    directory: str
    besides: str | None = None
    excluded: tuple[str, ...] = ()


LOG_DIRECTORY = Label(
    "Log Directory",
    LogArgs,
    ["{directory}[, besides {besides}]" + BUT],
    example=LogArgs("/app/logs", "stdout"),
    summary="LOGGING writes a file into this directory (and to stdout, when the sentence says so), in each module.",
    scope="image",
)


@LOG_DIRECTORY.image(
    "settings.LOGGING's handlers in each module (but those left out): a file handler in the directory, a stream "
    "handler to stdout",
    needs=lambda c, s: [need(DjangoRequest(modules=True))],
)
def log_directory_image(claim: Claim[LogArgs], images: Images) -> Cites:
    for module, settings in each_module(claim, images, claim.args.excluded).items():
        handlers = (settings.get("LOG_HANDLERS") or {}).values()
        where = f"{images.final.where}, {module}"
        folders = [os.path.dirname(h["filename"]) for h in handlers if h["filename"]]
        if clean_path(claim.args.directory) not in [clean_path(f) for f in folders]:
            fail(claim, f"log files in {claim.args.directory}", f"file handlers writing to "
                 f"{words(sorted(set(folders))) or 'nothing'}", where)  # fmt: skip
        if claim.args.besides is not None:
            streams = [h["stream"] for h in handlers if "StreamHandler" in h["class"]]
            if claim.args.besides != "stdout" or not {"ext://sys.stdout", "sys.stdout"} & set(streams):
                fail(claim, f"logs on {claim.args.besides} too",
                     f"stream handlers on {streams or 'nothing'} (stderr unless told)", where)  # fmt: skip
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


@REQUIRED.image(
    "the module, started without each variable (the others set), exits non-zero naming it; started with each set, "
    "a setting holds the value given",
    needs=_required,
)
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
    given = images.final.observed(DJANGO).given.get(claim.args.module, {})
    ignored = [name for name in claim.args.names if not given.get(name)]
    if ignored:
        fail(
            claim,
            f"{claim.args.module} taking {words(claim.args.names)} from the environment",
            f"no setting holding the value given to {words(ignored)}: the module uses its own",
            f"{images.final.where}, {claim.args.module} loaded with each of them set",
        )
    return []
