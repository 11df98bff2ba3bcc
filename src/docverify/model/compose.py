"""The compose file as compose itself reads it, and the stack the running level owns.

`docker compose config --format json` is the model: interpolation, defaults, short and
long syntax all resolved by compose, so every equivalent spelling reads the same. Its
answer goes through the disk cache when nothing but the files named here can change it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ..diskcache import cached
from ..errors import ComposeError
from . import reads

SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it: the same answers, faster


@dataclass(frozen=True)
class Service:
    name: str
    spec: dict[str, Any]

    @property
    def builds(self) -> bool:
        return "build" in self.spec

    @property
    def image(self) -> str | None:
        return self.spec.get("image")

    @property
    def target(self) -> str | None:
        """The Dockerfile stage `build.target` names; None builds the last."""
        build = self.spec.get("build")
        return str(build["target"]) if isinstance(build, dict) and build.get("target") else None

    @property
    def healthcheck(self) -> dict[str, Any]:
        return dict(self.spec.get("healthcheck") or {})

    @property
    def ports(self) -> list[dict[str, Any]]:
        return list(self.spec.get("ports") or [])

    @property
    def volumes(self) -> list[dict[str, Any]]:
        return list(self.spec.get("volumes") or [])

    @property
    def tmpfs(self) -> list[str]:
        """Each tmpfs as written, options too (`/tmp:ro`)."""
        raw = self.spec.get("tmpfs") or []
        return [raw] if isinstance(raw, str) else [str(t) for t in raw]

    @property
    def environment(self) -> dict[str, str | None]:
        return dict(self.spec.get("environment") or {})

    @property
    def depends_on(self) -> dict[str, dict[str, Any]]:
        return dict(self.spec.get("depends_on") or {})


OVERRIDES = (  # compose 2.40's own preference when several are there: `.yml` first (measured)
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
# The files `docker compose up` looks for by itself, in its order of preference.
DEFAULTS = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def picked_by_default(path: Path) -> bool:
    """Whether a plain `docker compose up` in the file's folder finds this file by itself (no `-f`)."""
    first = next((path.parent / name for name in DEFAULTS if (path.parent / name).is_file()), None)
    return first is not None and first.resolve() == path.resolve()


def dotenv(folder: Path) -> dict[str, str]:
    """The project's `.env`, as compose reads it for its own settings: NAME=value lines, quotes stripped."""
    found: dict[str, str] = {}
    file = folder / ".env"
    for line in file.read_text().splitlines() if file.is_file() else []:
        name, equals, value = line.strip().removeprefix("export ").partition("=")
        if equals and name.strip() and not name.lstrip().startswith("#"):
            value = value.strip()
            quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
            found[name.strip()] = value[1:-1] if quoted else value.split(" #", 1)[0].strip()
    return found


def compose_files(path: Path) -> list[Path]:
    """The files `docker compose up` reads, merged in this order. The default file of its folder is run as the
    docs run it, with no `-f`: then `COMPOSE_FILE` in the project's `.env` names the files, else the file and
    its override. Any other file is run with `-f`."""
    if not picked_by_default(path):
        return [path]
    settings = dotenv(path.parent)
    listed = settings.get("COMPOSE_FILE", "")
    if listed:
        separator = settings.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        return [path.parent / name for name in listed.split(separator) if name]
    override = next((path.parent / name for name in OVERRIDES if (path.parent / name).is_file()), None)
    return [path, override] if override else [path]


def file_options(path: Path) -> list[str]:
    """Nothing for the default file, so compose reads `.env` and `COMPOSE_FILE` as a user's `docker compose up`."""
    return [] if picked_by_default(path) else ["-f", str(path)]


def own_environment(environment: dict[str, str]) -> dict[str, str]:
    """The caller's environment less compose's own settings: the project's files and `.env` decide them."""
    return {name: value for name, value in environment.items() if not name.startswith("COMPOSE_")}


PLUGIN_DIRS = (
    Path.home() / ".docker" / "cli-plugins",
    Path("/usr/local/lib/docker/cli-plugins"),
    Path("/usr/local/libexec/docker/cli-plugins"),
    Path("/usr/lib/docker/cli-plugins"),
    Path("/usr/libexec/docker/cli-plugins"),
)


def _cache_parts(path: Path, environment: dict[str, str]) -> list[str] | None:
    """What compose's answer depends on, for the disk cache; None where compose would read more
    files than these (`include`, `extends`, `env_file`) or the plugin cannot be found to stamp."""
    plugin = next((d / "docker-compose" for d in PLUGIN_DIRS if (d / "docker-compose").is_file()), None)
    if plugin is None:
        return None
    files = compose_files(path)
    if not all(file.is_file() for file in files):
        return None  # compose says which is missing
    texts = [file.read_text() for file in files]
    for text in texts:
        try:
            loaded = yaml.load(text, Loader=SAFE) or {}
        except yaml.YAMLError:
            return None  # compose says what is wrong
        services = loaded.get("services") if isinstance(loaded, dict) else None
        if not isinstance(loaded, dict) or "include" in loaded or not isinstance(services, dict):
            return None
        if any(isinstance(s, dict) and ("extends" in s or "env_file" in s) for s in services.values()):
            return None
    env_file = path.parent / ".env"
    env_text = env_file.read_text() if env_file.is_file() else ""
    # Every override file there counts, whichever compose picks: the answer is compose's, not this list's.
    others = [
        f"{f.name}\n{f.read_text()}" for f in (path.parent / n for n in OVERRIDES) if f.is_file() and f not in files
    ]
    info = plugin.stat()
    # The folder's name makes the project's name. Its place only prefixes the paths compose makes absolute,
    # which `_placed` puts back: a copy elsewhere shares the answer, unless a path climbs out with `..`.
    where = path.parent.name if not any(".." in text for text in [*texts, env_text]) else str(path.parent.resolve())
    return [
        "compose 2",
        f"{plugin}:{info.st_mtime_ns}:{info.st_size}",
        json.dumps(environment, sort_keys=True),
        where,
        env_text,
        *(f"{file.name}\n{text}" for file, text in zip(files, texts, strict=True)),
        *others,
    ]


HERE = "@docverify:project-folder@"  # where the project's folder was, in a stored answer


def _placed(answer: dict[str, Any], old: Path | str, new: Path | str) -> dict[str, Any]:
    """The answer with the paths under `old` (the folder, or the mark of it) moved under `new`."""
    text = json.dumps(answer)
    olds = {str(old), str(old.resolve())} if isinstance(old, Path) else {old}
    for before in sorted(olds, key=len, reverse=True):
        escaped = json.dumps(before)[1:-1]
        text = re.sub(re.escape(escaped) + r'(?=[/"])', lambda _: json.dumps(str(new))[1:-1], text)
    moved: dict[str, Any] = json.loads(text)
    return moved


class ComposeModel:
    """`docker compose config` of one file, with no variables set beyond the given ones."""

    def __init__(self, path: Path, environment: dict[str, str] | None = None) -> None:
        self.path = path
        self.environment = environment or {}
        self._raw: dict[str, Any] | None = None
        self._lock = threading.Lock()  # one `docker compose config` per model, whichever thread asks first

    @property
    def raw(self) -> dict[str, Any]:
        reads.note("compose")
        with self._lock:
            if self._raw is None:
                self._raw = self._load()
            return self._raw

    def _load(self) -> dict[str, Any]:
        if not self.path.is_file():
            raise ComposeError(f"{self.path}: no such compose file")
        # Only what the file itself defaults: none of the caller's POSTGRES_* leak in.
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG")}
        environment = {**keep, **self.environment}
        parts = _cache_parts(self.path, environment)
        if parts is None:
            return self._ask(environment)
        folder = self.path.parent
        answer = cached("compose", parts, lambda: _placed(self._ask(environment), folder, HERE))
        return _placed(answer, HERE, folder)

    def _ask(self, environment: dict[str, str]) -> dict[str, Any]:
        try:
            result = subprocess.run(
                ["docker", "compose", *file_options(self.path), "config", "--format", "json"],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=self.path.parent,
                env=environment,
            )
        except FileNotFoundError:
            raise ComposeError("the docker client (with its compose plugin) is not installed") from None
        if result.returncode != 0:
            reason = result.stderr.strip().splitlines()[-1:] or ["no reason given"]
            raise ComposeError(f"{self.path.name}: `docker compose config` refused it: {reason[0]}")
        loaded: dict[str, Any] = json.loads(result.stdout)
        return loaded

    @cached_property
    def text_lines(self) -> list[str]:
        return self.path.read_text().splitlines()

    @property
    def services(self) -> dict[str, Service]:
        return {name: Service(name, spec) for name, spec in (self.raw.get("services") or {}).items()}

    @property
    def volumes(self) -> dict[str, Any]:
        return dict(self.raw.get("volumes") or {})

    def built(self) -> Service:
        built = [s for s in self.services.values() if s.builds]
        if not built:
            raise ComposeError(f"{self.path.name}: no service has a build section")
        return built[0]

    def pulled(self) -> list[Service]:
        return [s for s in self.services.values() if not s.builds]

    def line_of(self, *words: str) -> int:
        """The first line of the file holding all `words` (for citations), else 1."""
        for number, line in enumerate(self.text_lines, start=1):
            if all(word in line for word in words):
                return number
        return 1

    def line_in(self, service: str, *words: str) -> int:
        """The first line of `service`'s own block holding all `words`, else its line of the first word (compose
        may have respelled the value), else `line_of`."""
        lines = self.text_lines
        header = re.compile(rf"\s+['\"]?{re.escape(service)}['\"]?:\s*(#.*)?")
        start = next((n for n, line in enumerate(lines) if header.fullmatch(line)), None)
        if start is None:
            return self.line_of(*words)
        indent = len(lines[start]) - len(lines[start].lstrip())
        block = []
        for number in range(start + 1, len(lines)):
            line = lines[number]
            if line.strip() and not line.lstrip().startswith("#") and len(line) - len(line.lstrip()) <= indent:
                break
            block.append((number + 1, line))
        for wanted in (words, words[:1]):
            found = next((number for number, line in block if all(word in line for word in wanted)), None)
            if found is not None:
                return found
        return self.line_of(*words)

    def cite(self, *words: str, service: str | None = None) -> str:
        """`file:line` in the last file compose merges whose line holds all `words` (its value wins), else the
        compose file's own line (in `service`'s block, when given)."""
        for file in reversed(compose_files(self.path)):
            if file.resolve() == self.path.resolve() or not file.is_file():
                continue
            for number, line in enumerate(file.read_text().splitlines(), start=1):
                if all(word in line for word in words):
                    return f"{file.name}:{number}"
        return f"{self.path.name}:{self.line_in(service, *words) if service else self.line_of(*words)}"
