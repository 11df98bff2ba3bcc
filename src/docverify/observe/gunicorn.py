"""gunicorn's settings as gunicorn itself reads them in the image: its command line, `GUNICORN_CMD_ARGS` and its
configuration file (`--config`, or `gunicorn.conf.py` where it runs), by its own `Application.load_config`, run
under the Python its script names, in the image's working directory. The app is not loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer


@dataclass(frozen=True)
class Settings:
    daemon: bool = False
    check_config: bool = False
    print_config: bool = False
    config: str | None = None  # the configuration file it read
    exits: str | None = None  # gunicorn exited reading its configuration (a usage error, a broken file)
    error: str | None = None  # it could not be asked (no gunicorn on PATH, no Python)


@dataclass(frozen=True)
class Gunicorn:
    settings: dict[tuple[str, ...], Settings]  # by gunicorn's words (its name first)

    def of(self, words: Sequence[str]) -> Settings:
        return self.settings.get(tuple(words), Settings(error="not asked"))


def load(raw: list[dict[str, Any]]) -> Gunicorn:
    return Gunicorn({tuple(entry["words"]): Settings(**entry["settings"]) for entry in raw})


def inside(request: list[list[str]], context: dict[str, Any]) -> list[dict[str, Any]]:
    import json
    import shutil
    import subprocess

    # What gunicorn's Python runs: its configuration loaded as gunicorn loads it, the settings as JSON.
    reader = (
        "import json, os, sys\n"
        "from gunicorn.app.wsgiapp import WSGIApplication\n"
        "try:\n"
        "    app = WSGIApplication('%(prog)s [OPTIONS] [APP_MODULE]', prog='gunicorn')\n"
        "except SystemExit as leaving:\n"
        "    print(json.dumps({'exits': str(leaving.code)}))\n"
        "else:\n"
        "    cfg = app.cfg\n"
        "    read = os.path.abspath(cfg.config) if cfg.config and os.path.isfile(cfg.config) else None\n"
        "    print(json.dumps({'daemon': bool(cfg.daemon), 'check_config': bool(cfg.check_config),\n"
        "                      'print_config': bool(cfg.print_config), 'config': read}))\n"
    )
    answers = []
    for words in request:
        program = shutil.which(words[0])
        settings: dict[str, Any]
        if program is None:
            settings = {"error": f"{words[0]} is not on PATH"}
        else:
            with open(program, "rb") as handle:
                first = handle.readline().decode(errors="replace")
            python = first[2:].split()[0] if first.startswith("#!") else context["executable"]
            try:
                done = subprocess.run([python, "-c", reader, *words[1:]], capture_output=True, text=True, timeout=60)
                lines = done.stdout.strip().splitlines()
                settings = json.loads(lines[-1]) if lines else {"error": done.stderr.strip()[-600:] or "no answer"}
            except (OSError, ValueError, subprocess.TimeoutExpired) as error:
                settings = {"error": f"{python}: {error}"}
        answers.append({"words": words, "settings": settings})
    return answers


def merge(requests: Sequence[tuple[tuple[str, ...], ...]]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({words for request in requests for words in request}))


GUNICORN: Observer[tuple[tuple[str, ...], ...], Gunicorn] = Observer(
    "gunicorn", load, merge, inside=inside, phase="programs", where=("image",)
)


def need(words: Sequence[str]) -> Need:
    """`gunicorn.need(["gunicorn", "-w", "2", "app:wsgi"])`: gunicorn's settings with these words."""
    return GUNICORN.need((tuple(words),))
