"""Django settings: the modules, production's requirements, the paths, and what the server runs with."""

from __future__ import annotations

from typing import Any

from docverify.claims import Claim
from docverify.registry import Cites, Registry, fail, words
from docverify.subjects import Images, Sources, Stack

from . import probes

FOLDER = "src/backend_django/core/settings"


def django(images: Images) -> dict[str, Any]:
    found: dict[str, Any] = images.final.facts.extra.get("django", {})
    return found


def modules_static(claim: Claim, sources: Sources) -> Cites:
    found = sorted(p.stem for p in (sources.root / FOLDER).glob("*.py") if p.stem != "__init__")
    if found != sorted(claim.values):
        fail(claim, words(claim.values), words(found), f"{FOLDER}/")
    return []


def modules_image(claim: Claim, images: Images) -> Cites:
    found = django(images).get("settings_modules")
    if found != sorted(claim.values):
        fail(claim, words(claim.values), found, images.final.where)
    return []


def required_image(claim: Claim, images: Images) -> Cites:
    refused = django(images).get("prod_without", {})
    for name in [v for v in claim.values if v.isupper()]:
        outcome = refused.get(name)
        if outcome is None or outcome["code"] == 0 or name not in outcome["stderr"]:
            has = outcome and f"exit {outcome['code']}: {outcome['stderr'].strip().splitlines()[-1:]}"
            said = f"core.settings.prod refusing to start without {name}, naming it"
            fail(claim, said, has or "not probed", images.final.where)
    return []


def setting_check(setting: str) -> Any:
    def check(claim: Claim, images: Images) -> Cites:
        value = django(images).get("database_down", {}).get(setting)
        held = value if isinstance(value, list) else [value]
        if not any(str(v).startswith(claim.values[0]) for v in held):
            fail(claim, f"{setting} {claim.values[0]}", f"{setting} {value}", f"{images.final.where} settings")
        return []

    return check


def log_directory_running(claim: Claim, stack: Stack) -> Cites:
    written = stack.service.facts.tree(claim.values[0])
    if not any(fact.type == "file" for fact in written.values()):
        fail(claim, f"log files in {claim.values[0]}", "none written", stack.service.where)
    return []


def settings_module_running(claim: Claim, stack: Stack) -> Cites:
    """DJANGO_SETTINGS_MODULE as the running app uses it: the module its workers announce at start."""
    if claim.variable != "DJANGO_SETTINGS_MODULE":
        return []
    logs = stack.compose("logs", "--no-color", stack.service.service, check=False).stdout if stack.compose else ""
    announced = [
        line.rsplit("settings module ", 1)[1].split()[0] for line in logs.splitlines() if "settings module " in line
    ]
    if not announced or set(announced) != {claim.values[0]}:
        said = f"the app announcing {sorted(set(announced)) or 'nothing'}"
        fail(claim, f"the app running with {claim.values[0]}", said, f"{stack.service.where} log")
    return []


def register(registry: Registry) -> None:
    registry.image_probes["django"] = probes.IMAGE
    registry.container_probes["django_running"] = probes.CONTAINER
    modules = registry.entry("Modules", least=1, forms=("{*}",))
    modules.on("static", "the settings package's modules")(modules_static)
    modules.on("image", "the modules in the image's app tree")(modules_image)
    registry.entry(
        "Required in Production", least=1, forms=("{} and {}; without either, {} refuses to start and names it",)
    ).on("image", "core.settings.prod run without each variable exits non-zero naming it")(required_image)
    for label, setting in (("Static Root", "STATIC_ROOT"), ("Media Root", "MEDIA_ROOT")):
        registry.entry(label, least=1, forms=("{}",)).on(
            "image", f"settings.{setting} as Django loads it in the image"
        )(setting_check(setting))
    logs = registry.entry("Log Directory", least=1, forms=("{}, besides stdout",))
    logs.on("image", "the file handlers of settings.LOGGING")(setting_check("LOG_FILES"))
    logs.on("running", "log files written there by the running server")(log_directory_running)
    registry.extend(("Environment Variables", "variable"), "running", "the settings module the running app announces")(
        settings_module_running
    )
