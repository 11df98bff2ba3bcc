"""Mutations that each make one documented claim false.

Each mutation edits one file of a copy of the repository (the Dockerfile,
entrypoint.sh, compose.yaml or a docs page) and names the claims it must
make fail, by stage (on the Dockerfile page) and title, across all pages. `static_failures()` runs the
static level in-process; scripts/mutate runs the real doc suite per mutant,
image level included.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import claims, vocabulary
from .subjects import ClaimFailed, ClaimUnreadable, Sources

DOCKERFILE_PAGE = "docs/backend/django/deploy/docker/Dockerfile.md"
COPIED = ["Dockerfile", "entrypoint.sh", "compose.yaml", "pyproject.toml", "poetry.lock", ".dockerignore", "mkdocs.yml", "docs", "src"]


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    edits: tuple[tuple[str, str], ...]  # (old, new), each old found exactly once
    targets: tuple[str, ...]  # claim titles, "Stage/Title" on Dockerfile pages
    builds: bool = True  # does the mutated Dockerfile still build?

    def apply(self, root: Path) -> None:
        path = root / self.file
        text = path.read_text()
        for old, new in self.edits:
            count = text.count(old)
            if count != 1:
                raise ValueError(f"mutation {self.name}: {old!r} occurs {count} times in {self.file}")
            text = text.replace(old, new)
        path.write_text(text)


def m(name, file, edits, targets, builds=True) -> Mutation:
    edits = (edits,) if isinstance(edits[0], str) else tuple(edits)
    return Mutation(name, file, edits, (targets,) if isinstance(targets, str) else tuple(targets), builds)


D = "Dockerfile"
CATALOGUE = [
    # Stage 1: Builder
    m("builder-base", D, ("FROM python:3.13-slim AS builder", "FROM python:3.12-slim AS builder"), "Builder/Base Image", builds=False),
    m("builder-workdir", D, ("WORKDIR /app\n\n# Compilers", "WORKDIR /src\n\n# Compilers"), "Builder/Working Directory"),
    m("build-argument", D, [('ARG PACKAGE_INDEX_URL=""', 'ARG INDEX_URL=""')], "Builder/Build Argument"),
    m("builder-apt", D, ("gcc g++ libpq-dev", "gcc libpq-dev"), "Builder/Dependencies"),
    m("poetry-plugin", D, ("poetry==2.5.1 poetry-plugin-export==1.10.1", "poetry==2.5.1"), "Builder/Poetry Setup", builds=False),
    m("copy-lock", D, ("COPY pyproject.toml poetry.lock ./", "COPY pyproject.toml ./"), "Builder/Dependency Export Copies"),
    m("no-poetry-lock", D, ("&& POETRY_VIRTUALENVS_CREATE=false poetry lock \\\n", ""), "Builder/Dependency Export Runs"),
    m("export-groups", D, ("--only django,shared", "--only django"), "Builder/Dependency Export Exports"),
    m("venv-path", D, ("python -m venv /venv", "python -m venv /opt/venv"), "Builder/Virtual Environment", builds=False),
    # Stage 2: Runtime
    m("runtime-base", D, ("FROM python:3.13-slim\n", "FROM python:3.12-slim\n"), "Runtime/Base Image", builds=False),
    m("runtime-workdir", D, ("WORKDIR /app\n\nEXPOSE", "WORKDIR /srv\n\nEXPOSE"), ("Runtime/Working Directory",)),
    m("runtime-first-workdir", D, ("WORKDIR /app\n\n# libpq", "WORKDIR /srv\n\n# libpq"), "Runtime/Working Directory"),
    m("runtime-apt", D, ("libpq5 curl", "libpq5"), "Runtime/Dependencies"),
    m("uid", D, ("--uid 1000", "--uid 1001"), "Runtime/User Setup"),
    m("copy-venv", D, ("COPY --from=builder /venv /venv", "COPY --from=builder /venv /opt/venv"), "Runtime/Copy Artifacts Copies"),
    m("copy-app", D, ("src/backend_django /app", "src/backend_django /srv/app"), "Runtime/Copy Artifacts Copies", builds=False),
    m("copy-entrypoint", D, ("COPY entrypoint.sh /entrypoint.sh", "COPY entrypoint.sh /usr/local/bin/entrypoint.sh"), "Runtime/Copy Artifacts Copies", builds=False),
    m("mkdir", D, [("mkdir -p /app/staticfiles /app/mediafiles", "mkdir -p /app/staticfiles"),
                   ("/app/staticfiles /app/mediafiles /app/logs /app", "/app/staticfiles /app/logs /app")], "Runtime/Permissions & Directories Creates"),
    m("chown", D, ("chown appuser:appuser /app /app/staticfiles", "chown appuser:appuser /app/staticfiles"), "Runtime/Permissions & Directories Changes"),
    m("chmod", D, ("    && chmod +x /entrypoint.sh\n", "\n"), "Runtime/Permissions & Directories Makes", builds=False),
    m("user", D, ("\nUSER appuser\n", "\nUSER 1000\n"), "Runtime/User"),
    m("path", D, ('PATH="/venv/bin:$PATH"', 'PATH="$PATH:/venv/bin"'), "Runtime/Environment Variables PATH"),
    m("settings-module", D, ("DJANGO_SETTINGS_MODULE=core.settings.dev", "DJANGO_SETTINGS_MODULE=core.settings.prod"), "Runtime/Environment Variables DJANGO_SETTINGS_MODULE"),
    m("bytecode", D, ("PYTHONDONTWRITEBYTECODE=1", "PYTHONDONTWRITEBYTECODE=0"), "Runtime/Environment Variables PYTHONDONTWRITEBYTECODE"),
    m("unbuffered", D, ("PYTHONUNBUFFERED=1", "PYTHONUNBUFFERED=0"), "Runtime/Environment Variables PYTHONUNBUFFERED"),
    m("healthcheck", D, ('CMD ["curl"', 'CMD ["wget"'), "Runtime/Healthcheck"),
    m("entrypoint", D, ('ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]'), "Runtime/Entrypoint"),
    m("command", D, ('"core.wsgi:application"', '"core.wsgi"'), "Runtime/Command"),
    m("port", D, ("EXPOSE 8000", "EXPOSE 8080"), "Runtime/Port"),
    # Security
    m("runtime-gcc", D, ("libpq5 curl", "libpq5 curl gcc"), "No Build Tools"),
    m("read-write", "compose.yaml", ("read_only: true", "read_only: false"), "Read-only Root Filesystem"),
    m("lint-finding", D, ("&& apt-get install -y --no-install-recommends libpq5 curl", "&& apt-get install -y libpq5 curl"), "Lint"),
    # The page itself: a value changed in a bullet.
    m("page-base", DOCKERFILE_PAGE, ("*   **Base Image:** `python:3.13-slim`\n*   **Working Directory:** `/app`\n*   **Build",
                                     "*   **Base Image:** `python:3.12-slim`\n*   **Working Directory:** `/app`\n*   **Build"), "Builder/Base Image"),
    m("page-uid", DOCKERFILE_PAGE, ("UID `1000`", "UID `1001`"), "Runtime/User Setup"),
    m("page-package", DOCKERFILE_PAGE, ("Installs `libpq5`", "Installs `libpq-dev`"), "Runtime/Dependencies"),
    m("page-settings", DOCKERFILE_PAGE, ("to `core.settings.dev`", "to `core.settings.prod`"), "Runtime/Environment Variables DJANGO_SETTINGS_MODULE"),
    m("page-port", DOCKERFILE_PAGE, ("Exposes `8000`", "Exposes `80`"), "Runtime/Port"),
    # entrypoint.sh
    m("no-set-u", "entrypoint.sh", ("set -eu", "set -e"), "Shell"),
    m("wait-default", "entrypoint.sh", ("DB_WAIT_TIMEOUT:=30", "DB_WAIT_TIMEOUT:=300"), "Database Wait"),
    m("no-migrate", "entrypoint.sh", ("python manage.py migrate --noinput\n", "true\n"), "Migrations"),
    m("no-collectstatic", "entrypoint.sh", ("python manage.py collectstatic --noinput\n", "true\n"), "Static Files"),
    m("no-exec", "entrypoint.sh", ('exec "$@"', '"$@"'), "Server"),
    # compose.yaml
    m("db-image", "compose.yaml", ("image: postgres:17", "image: postgres:16"), "Database Image"),
    m("db-health", "compose.yaml", ('test: ["CMD-SHELL", "pg_isready', 'test: ["CMD-SHELL", "true || pg_ready'), "Database Health Check"),
    m("db-volume", "compose.yaml", ("- db-data:/var/lib/postgresql/data", "- db-data:/var/lib/postgresql"), "Database Volume"),
    m("public-port", "compose.yaml", ('"127.0.0.1:${BACKEND_PORT:-8000}:8000"', '"${BACKEND_PORT:-8000}:8000"'), "Published Port"),
    m("start-order", "compose.yaml", ("condition: service_healthy", "condition: service_started"), "Start Order"),
    m("hard-password", "compose.yaml", ("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-backend-dev-password}", "POSTGRES_PASSWORD: backend-dev-password"), "Credentials"),
]


def copy_repository(root: Path, into: Path) -> Path:
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__", "logs", "staticfiles", "mediafiles", "db.sqlite3"))
        elif source.exists():
            shutil.copy2(source, into / name)
    return into


def target_of(claim: claims.Claim) -> str:
    stage = claim.stage()
    return f"{stage[1]}/{claim.title}" if stage else claim.title


def static_failures(root: Path) -> dict[str, list[str]]:
    """Run the static level of every page under `root`: {target: [failure messages]}."""
    sources = Sources(root)
    failures: dict[str, list[str]] = {}
    pages = sorted(path.relative_to(root) for path in (root / "docs").rglob("*.md"))
    for claim in (claim for page in pages for claim in claims.read(page, (root / page).read_text())):
        check = vocabulary.lookup(claim).checks.get("static")
        if check is None:
            continue
        try:
            check(claim, sources)
        except (ClaimFailed, ClaimUnreadable) as failure:
            failures.setdefault(target_of(claim), []).append(str(failure))
    return failures
