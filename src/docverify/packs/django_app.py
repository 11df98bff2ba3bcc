"""The Django app as Django loads it, inside the image or the running container.

Each question runs in an interpreter of its own under the image's settings module: the settings
(paths, logging, static-file finders), the settings package's modules, which app provides each
management command (and whether an app's own derives from Django's), a settings module started
without each required variable, GETs through Django's test client with the given environment, and
in a running container whether migrations are pending (asked of Django's migration executor, not of
a command an app may override), which static files are collected, and a few of them as the server
names them, to fetch from the host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..observe.observer import Need, Observer


@dataclass(frozen=True)
class DjangoRequest:
    environment: tuple[tuple[str, str], ...] = ()  # set for every question (an unreachable database)
    get: tuple[str, ...] = ()  # paths asked through the test client
    required: tuple[tuple[str, str], ...] = ()  # (settings module, variable) started without the variable
    running: bool = False  # migrations pending, static files collected
    modules: bool = False  # the paths each module of the settings package sets, each loaded on its own


@dataclass(frozen=True)
class Outcome:
    code: int | None
    stderr: str


@dataclass(frozen=True)
class DjangoFacts:
    # SETTINGS_MODULE, STATIC_ROOT, MEDIA_ROOT, LOG_HANDLERS, MODULES, COMMANDS, DERIVED (an app's command derives
    # from Django's own of that name), responses
    settings: dict[str, Any]
    required: dict[str, Outcome] = field(default_factory=dict)  # "module:NAME" -> how the start went
    # module -> NAME -> whether a setting holds the value given to the required variable (all of them given)
    given: dict[str, dict[str, bool]] = field(default_factory=dict)
    migrations: Outcome | None = None
    static: dict[str, Any] = field(default_factory=dict)  # expected, missing, served: [{path, url, sha256}]
    # module -> its STATIC_ROOT, MEDIA_ROOT and LOG_HANDLERS loaded on its own, or {"error": why it did not load}
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)

    def setting(self, name: str) -> Any:
        return self.settings.get(name)


def merge(requests: Sequence[DjangoRequest]) -> DjangoRequest:
    def joined(name: str) -> tuple[Any, ...]:
        return tuple(sorted({item for r in requests for item in getattr(r, name)}))

    return DjangoRequest(
        joined("environment"),
        joined("get"),
        joined("required"),
        any(r.running for r in requests),
        any(r.modules for r in requests),
    )


def load(raw: dict[str, Any]) -> DjangoFacts:
    if "error" in raw["settings"]:
        raise ValueError(f"Django did not load its settings: {raw['settings']['error'][-800:]}")
    required = {key: Outcome(v["code"], v["stderr"]) for key, v in raw.get("required", {}).items()}
    migrations = raw.get("migrations")
    return DjangoFacts(
        raw["settings"],
        required,
        dict(raw.get("given") or {}),
        Outcome(migrations["code"], migrations["stdout"] + migrations["stderr"]) if migrations else None,
        dict(raw.get("static") or {}),
        dict(raw.get("modules") or {}),
    )


def inside(request: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    import json
    import os
    import subprocess
    import sys

    base = dict(os.environ, **dict(request["environment"]))
    # LOGGING's handlers: a stream given as an object (`sys.stdout`) by its name, as `ext://sys.stdout` names it.
    handlers_code = """
handlers = {}
for name, h in (settings.LOGGING or {}).get("handlers", {}).items():
    stream = h.get("stream") or ""
    stream = {"<stdout>": "sys.stdout", "<stderr>": "sys.stderr"}.get(getattr(stream, "name", None), stream)
    handlers[name] = {"class": h.get("class", ""), "filename": str(h.get("filename") or ""), "stream": str(stream)}
"""
    # One module of the settings package loaded on its own: the paths it sets.
    paths_code = """
import json, django
from django.conf import settings
django.setup()
# handlers
print(json.dumps({"STATIC_ROOT": str(settings.STATIC_ROOT), "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                  "LOG_HANDLERS": handlers}))
""".replace("# handlers\n", handlers_code)
    # What a module needs to load that only a deployment gives it: a key, and a database that needs no server.
    placeholders = {"SECRET_KEY": "docverify-probe", "DATABASE_URL": "sqlite:////tmp/docverify-probe.sqlite3"}
    # Which of the values given turn up in the settings, each found by a token of its own.
    given_code = """
import json, django
from django.conf import settings
django.setup()
seen = {name: repr(getattr(settings, name)) for name in dir(settings) if name.isupper()}
# A setting of the variable's own name must hold it (SECRET_KEY, not SECRET_KEY_FALLBACKS); else any setting.
print(json.dumps({name: token in seen.get(name, repr(seen)) for name, token in TOKENS.items()}))
"""
    settings_code = """
import json, logging, os, pkgutil, importlib, django
from django.conf import settings
django.setup()
from django.core.management import get_commands
from django.test import Client
package = settings.SETTINGS_MODULE.rpartition(".")[0]
# handlers
def derived():
    # For each command an app of the project provides in place of Django's own: does its class derive from it?
    from django.core.management import load_command_class
    own = ["django.core", *(a for a in settings.INSTALLED_APPS if a.startswith("django."))]
    found = {}
    for name, app in get_commands().items():
        if app.startswith("django."):
            continue
        for origin in own:
            try:
                base = importlib.import_module(f"{origin}.management.commands.{name}").Command
            except ImportError:
                continue
            try:
                found[name] = issubclass(type(load_command_class(app, name)), base)
            except Exception:
                found[name] = False
    return found
answers = {}
for path in PATHS:
    response = Client().get(path, HTTP_HOST="127.0.0.1")
    answers[path] = {"status": response.status_code, "body": response.content.decode(errors="replace")}
print(json.dumps({
    "SETTINGS_MODULE": settings.SETTINGS_MODULE,
    "STATIC_ROOT": str(settings.STATIC_ROOT), "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "LOG_HANDLERS": handlers,
    "MODULES": sorted(m.name for m in pkgutil.iter_modules(importlib.import_module(package).__path__))
    if package else [],
    "COMMANDS": {name: app for name, app in get_commands().items()},
    "DERIVED": derived(),
    "responses": answers,
}))
""".replace("PATHS", json.dumps(list(request["get"]))).replace("# handlers\n", handlers_code)

    def run(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
        try:
            done = subprocess.run(
                [sys.executable, *argv], capture_output=True, text=True, env=env, timeout=120, cwd=context["workdir"]
            )
            return {"code": done.returncode, "stdout": done.stdout[-6000:], "stderr": done.stderr[-3000:]}
        except (OSError, subprocess.TimeoutExpired) as error:
            return {"code": None, "stdout": "", "stderr": str(error)}

    loaded = run(["-c", settings_code], base)
    try:
        settings = json.loads(loaded["stdout"].strip().splitlines()[-1]) if loaded["code"] == 0 else None
    except (ValueError, IndexError):
        settings = None
    facts: dict[str, Any] = {"settings": settings or {"error": loaded["stderr"] or loaded["stdout"]}}
    facts["required"] = {}
    # The other required variables get a value that loads: a database URL that needs no server.
    known = {"DATABASE_URL": "sqlite:////tmp/docverify-probe.sqlite3"}
    for module, name in request["required"]:
        others = {n: known.get(n, "docverify-probe") for m, n in request["required"] if m == module and n != name}
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=module, **others)
        env.pop(name, None)
        facts["required"][f"{module}:{name}"] = run(["-c", "import django; django.setup()"], env)
    # Then with every one given a value of its own: does a setting hold it (not a value written in the module)?
    facts["given"] = {}
    for module in sorted({m for m, _ in request["required"]}):
        tokens = {n: f"docverify-given-{n}-end" for m, n in request["required"] if m == module}  # none a prefix
        values = {n: f"sqlite:////tmp/{t}.sqlite3" if n == "DATABASE_URL" else t for n, t in tokens.items()}
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=module, **values)
        given = run(["-c", given_code.replace("TOKENS", json.dumps(tokens))], env)
        try:
            facts["given"][module] = json.loads(given["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            facts["given"][module] = {n: False for n in tokens}
    facts["modules"] = {}
    package = (settings or {}).get("SETTINGS_MODULE", "").rpartition(".")[0]
    # A package of settings modules (`core.settings.dev`); a `settings.py` beside `urls.py` is the one module.
    modular = "settings" in package.rpartition(".")[2]
    for module in (settings or {}).get("MODULES", []) if request["modules"] and modular else []:
        env = {**placeholders, **base, "DJANGO_SETTINGS_MODULE": f"{package}.{module}"}
        done = run(["-c", paths_code], env)
        try:
            facts["modules"][module] = json.loads(done["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            facts["modules"][module] = {"error": (done["stderr"].strip().splitlines() or ["no output"])[-1]}
    if request["running"]:
        # Django's migration executor, not `manage.py migrate --check`: an app may override the command.
        pending = """
import sys, django
django.setup()
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
print("pending: " + (", ".join(f"{m.app_label}.{m.name}" for m, _ in plan) or "none"))
sys.exit(1 if plan else 0)
"""
        facts["migrations"] = run(["-c", pending], base)
        collected = run(
            [
                "-c",
                """
import hashlib, json, os, django
from django.conf import settings
django.setup()
from django.contrib.staticfiles.finders import get_finders
expected = sorted({path for finder in get_finders() for path, _ in finder.list([])})
missing = [p for p in expected if not os.path.isfile(os.path.join(settings.STATIC_ROOT, p))]
# A few collected files as the server names them (hashed names too) and their content, to fetch from the host.
from django.contrib.staticfiles.storage import staticfiles_storage
served = []
for p in [expected[i] for i in sorted({0, len(expected) // 2, len(expected) - 1})] if expected else []:
    try:
        stored = staticfiles_storage.stored_name(p) if hasattr(staticfiles_storage, "stored_name") else p
        with open(os.path.join(settings.STATIC_ROOT, stored), "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        served.append({"path": p, "url": staticfiles_storage.url(p), "sha256": digest})
    except Exception as error:
        served.append({"path": p, "url": "", "sha256": "", "error": repr(error)[:300]})
print(json.dumps({"root": str(settings.STATIC_ROOT), "expected": len(expected), "missing": missing[:20],
                  "served": served}))
""",
            ],
            base,
        )
        try:
            facts["static"] = json.loads(collected["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            facts["static"] = {"error": collected["stderr"]}
    return facts


DJANGO: Observer[DjangoRequest, DjangoFacts] = Observer(
    "django", load, merge, inside=inside, phase="alone", where=("image",), inputs=("config:self:Env",)
)
# In a running container the app already writes: side by side with the other programs is enough.
DJANGO_RUNNING: Observer[DjangoRequest, DjangoFacts] = Observer(
    "django_running", load, merge, inside=inside, phase="programs", where=("container",), inputs=("config:self:Env",)
)


def need(request: DjangoRequest | None = None) -> Need:
    return DJANGO.need(request or DjangoRequest())


def need_running(request: DjangoRequest | None = None) -> Need:
    return DJANGO_RUNNING.need(request or DjangoRequest(running=True))
