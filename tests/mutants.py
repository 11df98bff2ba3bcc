"""This project's catalogues for docverify's mutation runs.

CATALOGUE: each mutant makes one documented sentence false and names the claims that must
fail (the Dockerfile page's under their stage: "Runtime/User"). EQUIVALENT: rewrites that say
the same thing another way; the whole suite must accept every one.
"""

# A table, one entry a line: long lines read better here than wrapped ones.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

from docverify.run.mutations import UNDOCUMENTED, Mutation, mutant

D = "Dockerfile"
C = "compose.yaml"
E = "entrypoint.sh"
PAGE = "docs/backend/django/deploy/docker/Dockerfile.md"
BASE = "src/backend_django/core/settings/base.py"
WAIT = "src/backend_django/health/management/commands/wait_for_db.py"
COMMANDS = "src/backend_django/health/management/commands"
SECURITY = "docs/backend/django/deploy/docker/security.md"
ENTRYPOINT_PAGE = "docs/backend/django/deploy/docker/entrypoint.md"

CATALOGUE: list[Mutation] = [
    # Stage 1: Builder
    mutant(
        "builder-base",
        D,
        ("FROM python:3.13-slim AS builder", "FROM python:3.12-slim AS builder"),
        "Builder/Base Image",
        builds=False,
    ),
    mutant(
        "builder-workdir",
        D,
        ("WORKDIR /app\n\n# Compilers", "WORKDIR /src\n\n# Compilers"),
        "Builder/Working Directory",
    ),
    mutant("build-argument", D, ('ARG PACKAGE_INDEX_URL=""', 'ARG INDEX_URL=""'), "Builder/Build Argument"),
    mutant("builder-apt", D, ("gcc g++ libpq-dev", "gcc libpq-dev"), "Builder/Dependencies"),
    mutant(
        "poetry-plugin",
        D,
        ("poetry==2.5.1 poetry-plugin-export==1.10.1", "poetry==2.5.1"),
        "Builder/Poetry Setup",
        builds=False,
    ),
    mutant(
        "copy-lock",
        D,
        ("COPY pyproject.toml poetry.lock ./", "COPY pyproject.toml ./"),
        "Builder/Dependency Export Copies",
    ),
    mutant(
        "no-poetry-lock",
        D,
        ("&& POETRY_VIRTUALENVS_CREATE=false poetry lock \\\n", ""),
        ("Builder/Dependency Export Runs", "Builder/Build Argument"),
    ),
    mutant("export-groups", D, ("--only django,shared", "--only django"), "Builder/Dependency Export Exports"),
    mutant(
        "venv-path",
        D,
        ("python -m venv --without-pip /venv", "python -m venv --without-pip /opt/venv"),
        "Builder/Virtual Environment",
        builds=False,
    ),
    # Stage 2: Runtime
    mutant(
        "runtime-base",
        D,
        ("FROM python:3.13-slim AS runtime", "FROM python:3.12-slim AS runtime"),
        "Runtime/Base Image",
        builds=False,
    ),
    mutant("runtime-workdir", D, ("WORKDIR /app\n\nEXPOSE", "WORKDIR /srv\n\nEXPOSE"), "Runtime/Working Directory"),
    mutant(
        "runtime-first-workdir", D, ("WORKDIR /app\n\n# libpq", "WORKDIR /srv\n\n# libpq"), "Runtime/Working Directory"
    ),
    mutant("runtime-apt", D, ("libpq5 curl", "libpq5"), "Runtime/Dependencies"),
    mutant("uid", D, ("--uid 1000", "--uid 1001"), "Runtime/User Setup"),
    mutant(
        "copy-venv",
        D,
        ("COPY --from=builder /venv /venv", "COPY --from=builder /venv /opt/venv"),
        ("Runtime/Copy Artifacts Copies", "Runtime/Filesystem"),
    ),
    mutant(
        "copy-app",
        D,
        ("src/backend_django /app", "src/backend_django /srv/app"),
        # It lands owned by appuser, outside the one path the page gives appuser.
        ("Runtime/Copy Artifacts Copies", "Runtime/Filesystem", "Runtime/Permissions & Directories Changes ownership"),
        builds=False,
    ),
    mutant(
        "copy-entrypoint",
        D,
        ("COPY entrypoint.sh /entrypoint.sh", "COPY entrypoint.sh /usr/local/bin/entrypoint.sh"),
        (
            "Runtime/Copy Artifacts Copies",
            "Runtime/Filesystem",
            "Runtime/Command",
            "Runtime/Permissions & Directories Makes executable",  # `chmod +x /entrypoint.sh` is no longer the copy's
            "Shell",
            "Server",
            "Database Wait",
            "Migrations",
            "Static Files",
        ),
        builds=False,
    ),
    mutant(
        "mkdir",
        D,
        [
            ("mkdir -p /app/staticfiles /app/mediafiles", "mkdir -p /app/staticfiles"),
            ("/app/staticfiles /app/mediafiles /app/logs /app", "/app/staticfiles /app/logs /app"),
        ],
        "Runtime/Permissions & Directories Creates",
    ),
    mutant(
        "chown",
        D,
        ("chown appuser:appuser /app /app/staticfiles", "chown appuser:appuser /app/staticfiles"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "chmod",
        D,
        ("    && chmod +x /entrypoint.sh\n", "\n"),
        "Runtime/Permissions & Directories Makes executable",
        builds=False,
    ),
    mutant("user", D, ("\nUSER appuser\n", "\nUSER nobody\n"), ("Runtime/User", "Non-root")),
    mutant("path", D, ('PATH="/venv/bin:$PATH"', 'PATH="$PATH:/venv/bin"'), "Runtime/Environment Variables PATH"),
    mutant(
        "settings-module",
        D,
        ("DJANGO_SETTINGS_MODULE=core.settings.dev", "DJANGO_SETTINGS_MODULE=core.settings.prod"),
        "Runtime/Environment Variables DJANGO_SETTINGS_MODULE",
    ),
    mutant(
        "bytecode",
        D,
        ("PYTHONDONTWRITEBYTECODE=1", "PYTHONDONTWRITEBYTECODE=0"),
        "Runtime/Environment Variables PYTHONDONTWRITEBYTECODE",
    ),
    mutant(
        "unbuffered", D, ("PYTHONUNBUFFERED=1", "PYTHONUNBUFFERED=0"), "Runtime/Environment Variables PYTHONUNBUFFERED"
    ),
    mutant("healthcheck", D, ('CMD ["curl"', 'CMD ["wget"'), "Runtime/Healthcheck"),
    mutant(
        "entrypoint",
        D,
        ('ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]'),
        "Runtime/Entrypoint",
    ),
    # Once `core.wsgi`, which gunicorn serves as `core.wsgi:application` (its callable's default): a catalogue bug.
    mutant("command", D, ('"core.wsgi:application"', '"core.urls:application"'), "Runtime/Command"),
    mutant("port", D, ("EXPOSE 8000", "EXPOSE 8080"), "Runtime/Port"),
    # The effect differs while the text still matches.
    mutant("health-never-fails", D, ('"--fail", ', ""), "Runtime/Healthcheck"),
    mutant(
        "health-or-true",
        D,
        (
            'CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:8000/health/"]',
            "CMD curl --fail --silent --output /dev/null http://127.0.0.1:8000/health/ || true",
        ),
        ("Runtime/Healthcheck", "Lint"),
    ),
    mutant("health-other-path", D, ("8000/health/", "8000/admin/"), "Runtime/Healthcheck"),
    mutant(
        "later-env-wins",
        D,
        ("\nWORKDIR /app\n\nEXPOSE", "\nENV DJANGO_SETTINGS_MODULE=core.settings.prod\n\nWORKDIR /app\n\nEXPOSE"),
        "Runtime/Environment Variables DJANGO_SETTINGS_MODULE",
    ),
    mutant(
        "later-user-wins",
        D,
        ("\nWORKDIR /app\n\nEXPOSE", "\nUSER nobody\n\nWORKDIR /app\n\nEXPOSE"),
        ("Runtime/User", "Lint", "Non-root"),
    ),
    mutant(
        "conditional-install",
        D,
        (
            "&& pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1",
            "|| pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1",
        ),
        "Builder/Poetry Setup",
        builds=False,
    ),
    mutant("set-u-comment", E, ("set -eu", "set -u  # was: set -eu"), "Shell"),
    mutant(
        "db-health-or-true",
        C,
        (
            'pg_isready -U \\"$${POSTGRES_USER}\\" -d \\"$${POSTGRES_DB}\\"',
            'pg_isready -U \\"$${POSTGRES_USER}\\" -d \\"$${POSTGRES_DB}\\" || true',
        ),
        "Database Health Check",
    ),
    mutant(
        "sigkill",
        C,
        ("    image: backend-django:latest\n", "    image: backend-django:latest\n    stop_signal: SIGKILL\n"),
        "Server",
    ),
    mutant(
        "volume-over-app",
        C,
        [
            (
                "      - backend-logs:/app/logs/backend\n",
                "      - backend-logs:/app/logs/backend\n      - app-code:/app\n",
            ),
            ("  backend-logs:\n", "  backend-logs:\n  app-code:\n"),
        ],
        "Read-only Root Filesystem",
    ),
    mutant(
        "lint-ignore-moved",
        D,
        [
            (
                "# hadolint ignore=DL3008\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc",
                "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc",
            )
        ],
        "Lint",
        creates=((".hadolint.yaml", "ignored:\n  - DL3008\n"),),
    ),
    mutant("lint-bare-ignore", D, ("# The docs name the user; useradd above fixes its UID at 1000.\n", ""), "Lint"),
    # Values in the sentence that no check reads.
    mutant("page-gid", PAGE, ("UID `1000` for security", "UID `1000` and GID `0` for security"), "Runtime/User Setup"),
    # Lists are exact.
    mutant("runtime-extra-package", D, ("libpq5 curl", "libpq5 curl procps"), "Runtime/Dependencies"),
    mutant(
        "extra-directory",
        D,
        ("mkdir -p /app/staticfiles", "mkdir -p /app/cache /app/staticfiles"),
        "Runtime/Permissions & Directories Creates",
    ),
    mutant("extra-expose", D, ("EXPOSE 8000", "EXPOSE 8000 9000"), "Runtime/Port"),
    # The closed world: nothing added that the page does not declare.
    mutant(
        "extra-env",
        D,
        (
            "    PYTHONUNBUFFERED=1\n",
            '    PYTHONUNBUFFERED=1 \\\n    GUNICORN_CMD_ARGS="--env DJANGO_SETTINGS_MODULE=core.settings.test"\n',
        ),
        # an ENV no item names, and gunicorn's --env setting the settings module over the image's
        ("Runtime/Environment Variables PATH", "Runtime/Environment Variables DJANGO_SETTINGS_MODULE"),
    ),
    mutant("extra-volume", D, ("\nEXPOSE 8000\n", "\nEXPOSE 8000\n\nVOLUME /app/cache\n"), "Runtime/Image Config"),
    mutant(
        "extra-label",
        D,
        ("\nEXPOSE 8000\n", "\nEXPOSE 8000\n\nLABEL org.opencontainers.image.title=backend\n"),
        "Runtime/Image Config",
    ),
    mutant(
        "extra-stopsignal",
        D,
        ("\nEXPOSE 8000\n", "\nEXPOSE 8000\n\nSTOPSIGNAL SIGKILL\n"),
        ("Runtime/Image Config", "Server"),
    ),
    mutant(
        "setuid-bit",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && chmod u+s /usr/bin/curl\n"),
        "Special Files",
        level="image",
    ),
    mutant(
        "world-writable",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && chmod o+w /app/mediafiles\n"),
        "Special Files",
        level="image",
    ),
    mutant(
        "lock-help",
        D,
        ("POETRY_VIRTUALENVS_CREATE=false poetry lock \\", "POETRY_VIRTUALENVS_CREATE=false poetry lock --help \\"),
        "Builder/Dependency Export Runs",
    ),
    mutant(
        "copy-into-usr",
        D,
        (
            "COPY entrypoint.sh /entrypoint.sh",
            "COPY entrypoint.sh /entrypoint.sh\nCOPY entrypoint.sh /usr/local/bin/start",
        ),
        "Runtime/Filesystem",
    ),
    mutant(
        "extra-top-level",
        D,
        (
            "COPY entrypoint.sh /entrypoint.sh",
            "COPY entrypoint.sh /entrypoint.sh\nCOPY entrypoint.sh /opt/entrypoint.sh",
        ),
        ("Runtime/Filesystem",),
    ),
    mutant(
        "stray-file",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && touch /srv/stamp\n"),
        "Runtime/Filesystem",
        level="image",
    ),
    mutant(
        "cap-add",
        C,
        ("    cap_drop:\n      - ALL\n", "    cap_drop:\n      - ALL\n    cap_add:\n      - NET_ADMIN\n"),
        "Capabilities",
    ),
    mutant(
        "new-privileges", C, ("      - no-new-privileges:true\n", "      - no-new-privileges:false\n"), "Capabilities"
    ),
    # Found by an adversarial review: the tokens stay, the effect goes.
    mutant(
        "curl-no-fail",
        D,
        ('"/dev/null", "http://127.0.0.1:8000/health/"]', '"/dev/null", "--no-fail", "http://127.0.0.1:8000/health/"]'),
        "Runtime/Healthcheck",
    ),
    mutant(
        "curl-second-url",
        D,
        (
            '"http://127.0.0.1:8000/health/"]',
            '"http://127.0.0.1:8000/health/", "--output", "/dev/null", "http://127.0.0.1:8000/static/"]',
        ),
        "Runtime/Healthcheck",
    ),
    mutant("curl-version", D, ('CMD ["curl", "--fail"', 'CMD ["curl", "--version", "--fail"'), "Runtime/Healthcheck"),
    mutant(
        "pg-isready-help",
        C,
        (
            'test: ["CMD-SHELL", "pg_isready -U \\"$${POSTGRES_USER}\\" -d \\"$${POSTGRES_DB}\\""]',
            'test: ["CMD", "pg_isready", "--help"]',
        ),
        "Database Health Check",
    ),
    mutant(
        "migrate-and-true",
        E,
        ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput && true\n"),
        "Shell",
    ),
    mutant(
        "migrate-background",
        E,
        ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput &\n"),
        "Shell",
    ),
    mutant(
        "wait-overridden",
        E,
        (': "${DB_WAIT_TIMEOUT:=30}"\n', ': "${DB_WAIT_TIMEOUT:=30}"\nDB_WAIT_TIMEOUT=300\n'),
        "Database Wait",
    ),
    mutant(
        "wait-help", E, ('--timeout "$DB_WAIT_TIMEOUT"\n', '--timeout "$DB_WAIT_TIMEOUT" --help\n'), "Database Wait"
    ),
    mutant(
        "python-shadowed",
        E,
        (': "${DB_WAIT_TIMEOUT:=30}"\n', ': "${DB_WAIT_TIMEOUT:=30}"\npython() { :; }\n'),
        ("Database Wait", "Migrations", "Static Files"),
    ),
    mutant(
        "url-password",
        C,
        (
            "postgres://${POSTGRES_USER:-backend}:${POSTGRES_PASSWORD:-backend-dev-password}@db",
            "postgres://${POSTGRES_USER:-backend}:backend-dev-password@db",
        ),
        "Credentials",
    ),
    mutant(
        "override-file",
        C,
        ("read_only: true", "read_only: true"),
        ("Non-root", "Capabilities"),
        creates=(("compose.override.yaml", "services:\n  backend:\n    user: root\n    privileged: true\n"),),
    ),
    mutant(
        "chmod-undone",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && chmod 0644 /entrypoint.sh\n"),
        "Runtime/Permissions & Directories Makes executable",
        builds=False,
    ),
    mutant(
        "curl-purged",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && apt-get purge -y curl\n"),
        "Runtime/Dependencies",
    ),
    mutant(
        "chown-undone",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && chown root:root /app\n"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "env-from-arg",
        D,
        [
            ("DJANGO_SETTINGS_MODULE=core.settings.dev", "DJANGO_SETTINGS_MODULE=${SETTINGS:-core.settings.dev}"),
            ("\nUSER appuser\n", "\nUSER appuser\n\nARG SETTINGS=core.settings.prod\n"),
        ],
        ("Runtime/Environment Variables DJANGO_SETTINGS_MODULE",),
    ),
    # Security
    mutant("runtime-gcc", D, ("libpq5 curl", "libpq5 curl gcc"), ("No Build Tools", "Runtime/Dependencies")),
    mutant(
        "read-write",
        C,
        ("read_only: true", "read_only: false"),
        ("Read-only Root Filesystem", "Runtime/Environment Variables PYTHONDONTWRITEBYTECODE"),
    ),
    mutant(
        "lint-finding",
        D,
        ("&& apt-get install -y --no-install-recommends libpq5 curl", "&& apt-get install -y libpq5 curl"),
        "Lint",
    ),
    # The page itself: a value changed in a bullet.
    mutant(
        "page-base",
        PAGE,
        (
            "*   **Base Image:** `python:3.13-slim`\n*   **Working Directory:** `/app`\n*   **Build",
            "*   **Base Image:** `python:3.12-slim`\n*   **Working Directory:** `/app`\n*   **Build",
        ),
        "Builder/Base Image",
    ),
    mutant("page-uid", PAGE, ("UID `1000`", "UID `1001`"), "Runtime/User Setup"),
    mutant("page-package", PAGE, ("Installs `libpq5`", "Installs `libpq-dev`"), "Runtime/Dependencies"),
    mutant(
        "page-settings",
        PAGE,
        ("to `core.settings.dev`", "to `core.settings.prod`"),
        "Runtime/Environment Variables DJANGO_SETTINGS_MODULE",
    ),
    mutant("page-port", PAGE, ("Exposes `8000`", "Exposes `80`"), "Runtime/Port"),
    # Claims the site renders but a reader could miss.
    mutant("page-plus-marker", PAGE, ("*   **Port:** Exposes `8000`", "+   **Port:** Exposes `80`"), "Runtime/Port"),
    mutant(
        "page-underscore-bold", PAGE, ("*   **Port:** Exposes `8000`", "*   __Port:__ Exposes `80`"), "Runtime/Port"
    ),
    # entrypoint.sh
    mutant("no-set-u", E, ("set -eu", "set -e"), "Shell"),
    mutant("wait-default", E, ("DB_WAIT_TIMEOUT:=30", "DB_WAIT_TIMEOUT:=300"), "Database Wait"),
    mutant("no-migrate", E, ("python manage.py migrate --noinput\n", "true\n"), "Migrations"),
    mutant(
        "migrate-optional",
        E,
        ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput || true\n"),
        "Shell",
    ),
    mutant("no-collectstatic", E, ("python manage.py collectstatic --noinput\n", "true\n"), "Static Files"),
    mutant("no-exec", E, ('exec "$@"', '"$@"'), ("Server", "Runtime/Command")),
    # Options and steps whose text stays while their effect goes.
    mutant(
        "set-late",
        E,
        [
            ('set -eu\n\n: "${DB_WAIT_TIMEOUT:=30}"\n', ': "${DB_WAIT_TIMEOUT:=30}"\n'),
            ('--timeout "$DB_WAIT_TIMEOUT"\n', '--timeout "$DB_WAIT_TIMEOUT"\nset -eu\n'),
        ],
        "Shell",
    ),
    mutant(
        "migrate-plan",
        E,
        ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput --plan\n"),
        "Migrations",
    ),
    mutant(
        "collectstatic-dry-run",
        E,
        ("python manage.py collectstatic --noinput\n", "python manage.py collectstatic --noinput --dry-run\n"),
        "Static Files",
    ),
    # The hand-over's control flow: the text `exec "$@"` stays, the server never gets PID 1.
    mutant("exec-background", E, ('exec "$@"', 'exec "$@" &'), ("Server", "Shell", "Runtime/Command")),
    mutant("exit-before-exec", E, ('\nexec "$@"', '\nexit 0\nexec "$@"'), ("Server", "Runtime/Command")),
    mutant(
        "exit-on-a-whim",
        E,
        ('\nexec "$@"', '\n[ -n "${SKIP_SERVER:-}" ] && exit 0\nexec "$@"'),
        ("Server", "Runtime/Command"),
    ),
    mutant("arguments-cleared", E, ('\nexec "$@"', '\nset --\nexec "$@"'), ("Server", "Runtime/Command")),
    mutant("arguments-shifted", E, ('\nexec "$@"', '\nshift\nexec "$@"'), ("Server", "Runtime/Command")),
    # Every value of the Server sentence is read: the PID and the signal too.
    mutant("page-server-pid", ENTRYPOINT_PAGE, ("the server is PID `1`", "the server is PID `2`"), "Server"),
    mutant(
        "page-server-signal", ENTRYPOINT_PAGE, ("receives `SIGTERM` directly", "receives `SIGINT` directly"), "Server"
    ),
    mutant(
        "exec-conditional", E, ('exec "$@"', 'if [ "$#" -gt 1 ]; then exec "$@"; fi'), ("Server", "Runtime/Command")
    ),
    # Once an equivalent: a command opening with a flag now runs gunicorn, not the container's command,
    # a step no claim documents (reverse coverage names it, at its line).
    mutant(
        "flag-prefix",
        E,
        ('\nexec "$@"', '\nif [ "${1#-}" != "$1" ]; then set -- gunicorn "$@"; fi\nexec "$@"'),
        UNDOCUMENTED,
    ),
    # The system as its users run it (issue 18, class 3): the effect where it lands.
    mutant(
        "migrate-negated",
        E,
        ("python manage.py migrate --noinput\n", "! python manage.py migrate --noinput\n"),
        "Shell",
    ),
    mutant(
        "migrate-piped",
        E,
        ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput | cat\n"),
        "Shell",
    ),
    mutant(
        "migrate-overridden",
        f"{COMMANDS}/migrate.py",
        (
            "",
            "from django.core.management.commands.migrate import Command as Base\n\n\nclass Command(Base):\n    def handle(self, *args, **options):\n        return None\n",
        ),
        "Migrations",
        new_file=True,
        level="running",
    ),
    mutant(
        "collectstatic-overridden",
        BASE,
        ('    "django.contrib.staticfiles",\n    "health",\n', '    "health",\n    "django.contrib.staticfiles",\n'),
        "Static Files",
        creates=(
            (
                f"{COMMANDS}/collectstatic.py",
                "from django.contrib.staticfiles.management.commands.collectstatic import Command as Base\n\n\nclass Command(Base):\n    def handle(self, **options):\n        return None\n",
            ),
        ),
        level="running",
    ),
    mutant(
        "static-not-served",
        BASE,
        ('    "whitenoise.middleware.WhiteNoiseMiddleware",\n', ""),
        "Static Files",
        level="running",
    ),
    mutant(
        "no-finders",
        BASE,
        ('STATIC_URL = "static/"\n', 'STATIC_URL = "static/"\nSTATICFILES_FINDERS = []\n'),
        "Static Files",
        level="running",
    ),
    mutant(
        "log-file-unused",
        BASE,
        ('"handlers": ["console", "file"],', '"handlers": ["console"],'),
        "Log Directory",
        level="running",
    ),
    mutant(
        "log-stdout-unused",
        BASE,
        ('"handlers": ["console", "file"],', '"handlers": ["file"],'),
        "Log Directory",
        level="running",
    ),
    mutant(
        "wait-longer",
        WAIT,
        # Both lines: with the deadline alone moved, the sleep's negative length ended the wait at the bound anyway.
        [
            ("if elapsed >= timeout:", "if elapsed >= 3 * timeout:"),
            ("time.sleep(min(interval, timeout - elapsed))", "time.sleep(interval)"),
        ],
        "Database Wait",
        level="running",
    ),
    mutant(
        "dotenv-compose-file",
        ".env",
        ("", "COMPOSE_FILE=compose.yaml:compose.local.yaml\n"),
        # The page's reason for PYTHONDONTWRITEBYTECODE is the read-only code tree: it goes false too.
        ("Read-only Root Filesystem", "Runtime/Environment Variables PYTHONDONTWRITEBYTECODE"),
        new_file=True,
        creates=(("compose.local.yaml", "services:\n  backend:\n    read_only: false\n"),),
    ),
    mutant("dotenv-port", ".env", ("", "BACKEND_PORT=8001\n"), "Published Port", new_file=True),
    mutant(
        "pgdata-outside",
        C,
        (
            "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n",
            "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n      PGDATA: /var/lib/postgresql/data/../pgdata\n",
        ),
        "Database Volume",
    ),
    mutant(
        "tmp-volume",
        C,
        [
            ("      - /tmp\n", ""),
            (
                "      - backend-logs:/app/logs/backend\n",
                "      - backend-logs:/app/logs/backend\n      - scratch:/tmp\n",
            ),
            ("  backend-logs:\n", "  backend-logs:\n  scratch:\n"),
        ],
        "Read-only Root Filesystem",
    ),
    mutant(
        "sticky-writable",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && chmod 1777 /app/mediafiles\n"),
        "Special Files",
        level="image",
    ),
    mutant(
        "same-size-edit",
        D,
        (
            "    && chmod +x /entrypoint.sh\n",
            "    && chmod +x /entrypoint.sh \\\n    && sed -i 's/umask 022/umask 027/' /root/.bashrc\n",
        ),
        "Runtime/Filesystem",
        level="image",
    ),
    mutant(
        "password-in-history",
        D,
        (
            "    && chmod +x /entrypoint.sh\n",
            "    && chmod +x /entrypoint.sh \\\n    && printf '%s\\n' 'appuser:backend-dev-password' > /tmp/users && chpasswd < /tmp/users && rm /tmp/users\n",
        ),
        "No Secrets",
        level="image",
    ),
    mutant(
        "password-in-code",
        BASE,
        (
            "default=f\"sqlite:///{BASE_DIR / 'db.sqlite3'}\"",
            'default="postgres://backend:backend-dev-password@db:5432/backend"',
        ),
        "No Secrets",
        level="image",
    ),
    mutant(
        "pgdata-on-tmpfs",
        C,
        [
            (
                "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n",
                "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n      PGDATA: /var/lib/postgresql/data/pgdata\n",
            ),
            (
                "      - db-data:/var/lib/postgresql/data\n",
                "      - db-data:/var/lib/postgresql/data\n    tmpfs:\n      - /var/lib/postgresql/data/pgdata\n",
            ),
        ],
        "Database Volume",
    ),
    mutant(
        "compose-expose",
        C,
        ("    read_only: true\n", '    read_only: true\n    expose:\n      - "9000"\n'),
        "Runtime/Port",
    ),
    mutant(
        "loopback-bind",
        C,
        (
            "    read_only: true\n",
            '    read_only: true\n    command: ["gunicorn", "core.wsgi:application", "--bind", "127.0.0.1:8000"]\n',
        ),
        # Once only a stack showed it (Published Port, running); the static level now reads compose's command.
        "Runtime/Command",
    ),
    # compose.yaml
    mutant("db-image", C, ("image: postgres:17", "image: postgres:16"), "Database Image"),
    mutant(
        "db-health",
        C,
        ('test: ["CMD-SHELL", "pg_isready', 'test: ["CMD-SHELL", "true || pg_ready'),
        "Database Health Check",
    ),
    mutant("db-volume", C, ("- db-data:/var/lib/postgresql/data", "- db-data:/var/lib/postgresql"), "Database Volume"),
    mutant(
        "public-port", C, ('"127.0.0.1:${BACKEND_PORT:-8000}:8000"', '"${BACKEND_PORT:-8000}:8000"'), "Published Port"
    ),
    mutant(
        "extra-port",
        C,
        (
            '      - "127.0.0.1:${BACKEND_PORT:-8000}:8000"\n',
            '      - "127.0.0.1:${BACKEND_PORT:-8000}:8000"\n      - "127.0.0.1:9000:9000"\n',
        ),
        "Published Port",
    ),
    mutant("start-order", C, ("condition: service_healthy", "condition: service_started"), "Start Order"),
    mutant(
        "host-network", C, ("    read_only: true\n", "    read_only: true\n    network_mode: host\n"), "Published Port"
    ),
    mutant("host-pid", C, ("    read_only: true\n", "    read_only: true\n    pid: host\n"), "Server"),
    mutant(
        "compose-entrypoint",
        C,
        ("    read_only: true\n", '    read_only: true\n    entrypoint: ["gunicorn"]\n'),
        # compose's entrypoint replaces the image's and drops the CMD: the service runs a bare `gunicorn`
        ("Runtime/Entrypoint", "Runtime/Command"),
    ),
    mutant(
        "hard-password",
        C,
        ("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-backend-dev-password}", "POSTGRES_PASSWORD: backend-dev-password"),
        "Credentials",
    ),
    # Issue 18: values compared whole. A command with more words, a variable of a longer name, a PATH that
    # drops what it held, an index pip only adds, a path the page makes shorter or settings make longer.
    mutant(
        "migrate-more-words",
        E,
        ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput --fake\n"),
        "Migrations",
    ),
    mutant(
        "wait-other-variable",
        E,
        ('--timeout "$DB_WAIT_TIMEOUT"\n', '--timeout "${DB_WAIT_TIMEOUT_MAX:-300}"\n'),
        "Database Wait",
    ),
    mutant(
        "path-replaced",
        D,
        ('PATH="/venv/bin:$PATH"', 'PATH="/venv/bin:/usr/local/bin:/usr/bin:/bin"'),
        "Runtime/Environment Variables PATH",
    ),
    mutant(
        "pip-extra-index",
        D,
        ("pip config --global set global.index-url", "pip config --global set global.extra-index-url"),
        "Builder/Build Argument",
    ),
    mutant(
        "pip-isolated",
        D,
        ("&& pip --python /venv/bin/python install", "&& pip --isolated --python /venv/bin/python install"),
        "Builder/Build Argument",
    ),
    mutant(
        "poetry-supplemental",
        D,
        ("poetry source add --priority=primary", "poetry source add --priority=supplemental"),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "export-with",
        D,
        ("poetry export --only django,shared", "poetry export --with django,shared"),
        "Builder/Dependency Export Exports",
    ),
    mutant(
        "code-appended",
        D,
        (
            "    && chmod +x /entrypoint.sh\n",
            "    && chmod +x /entrypoint.sh \\\n    && printf '# x\\n' >> /app/manage.py\n",
        ),
        "Runtime/Copy Artifacts Copies",
        level="image",
    ),
    mutant(
        "unhealthy-nested",
        "src/backend_django/health/views.py",
        (
            '{"status": "error", "database": "unavailable", "reason"',
            '{"status": "error", "detail": {"database": "unavailable"}, "reason"',
        ),
        "Unhealthy Response",
        level="image",
    ),
    mutant(
        "page-venv-with-pip",
        PAGE,
        ("environment at `/venv` and installs", "environment at `/venv` with pip and installs"),
        "Builder/Virtual Environment",
    ),
    # A page naming a shorter path, or settings pointing at a longer one.
    mutant(
        "page-log-dir-shorter",
        "docs/backend/django/settings.md",
        ("**Log Directory:** `/app/logs/backend`", "**Log Directory:** `/app/logs`"),
        "Log Directory",
        level="image",
    ),
    mutant(
        "media-root-longer",
        "src/backend_django/core/settings/base.py",
        ('MEDIA_ROOT = BASE_DIR / "mediafiles"', 'MEDIA_ROOT = BASE_DIR / "mediafiles" / "uploads"'),
        "Media Root",
        level="image",
    ),
    # Lists of exceptions, checked as lists.
    mutant(
        "page-at-least",
        PAGE,
        ("Installs `gcc`, `g++`, `libpq-dev` for building", "Installs `gcc`, `libpq-dev` for at least building"),
        "Builder/Dependencies",
    ),
    mutant(
        "page-writable-shorter",
        SECURITY,
        ("`/var/tmp` and `/run/lock` (the", "`/var/tmp` and `/run` (the"),
        "Special Files",
        level="image",
    ),
    mutant(
        "page-writable-dropped",
        SECURITY,
        ("outside `/tmp`, `/var/tmp` and `/run/lock` (the", "outside `/tmp` and `/run/lock` (the"),
        "Special Files",
        level="image",
    ),
    mutant(
        "page-changes-more",
        PAGE,
        ("changes only `/etc`, `/usr` and `/var`, through", "changes only `/etc`, `/opt`, `/usr` and `/var`, through"),
        "Runtime/Filesystem",
        level="image",
    ),
    # Words that carry meaning: read, or the sentence refused.
    mutant(
        "page-copy-into-file",
        PAGE,
        (
            "Copies the `entrypoint.sh` script to `/entrypoint.sh`",
            "Copies the `entrypoint.sh` script into `/entrypoint.sh`",
        ),
        "Runtime/Copy Artifacts Copies",
    ),
    mutant(
        "page-script-folder",
        PAGE,
        ("Copies the `entrypoint.sh` script to", "Copies the `entrypoint.sh` folder to"),
        "Runtime/Copy Artifacts Copies",
    ),
    mutant(
        "page-users",
        PAGE,
        ("through the packages and the user above", "through the packages and the users above"),
        "Runtime/Filesystem",
    ),
    mutant(
        "page-either-one",
        "docs/backend/django/settings.md",
        ("`SECRET_KEY` and `DATABASE_URL`; without either", "`SECRET_KEY`; without either"),
        "Required in Production",
        level="image",
    ),
    # The order of two steps, and steps that never run.
    mutant(
        "migrate-before-wait",
        E,
        [
            ('echo "entrypoint: applying migrations"\npython manage.py migrate --noinput\n', ""),
            ("# --8<-- [start:wait]\n", "# --8<-- [start:wait]\npython manage.py migrate --noinput\n"),
        ],
        "Migrations",
    ),
    mutant(
        "collectstatic-after-exec",
        E,
        [
            ('echo "entrypoint: collecting static files"\npython manage.py collectstatic --noinput\n', ""),
            ('exec "$@"\n', 'exec "$@"\npython manage.py collectstatic --noinput\n'),
        ],
        "Static Files",
    ),
    # A default the shell never gives: the expansion only reads it.
    mutant(
        "default-not-assigned",
        E,
        (': "${DB_WAIT_TIMEOUT:=30}"', 'echo "${DB_WAIT_TIMEOUT:-30}" >/dev/null'),
        "Database Wait",
    ),
    # hadolint's own pragmas: a global ignore hides the rule everywhere, reason or not.
    mutant(
        "lint-global-ignore",
        D,
        [
            (
                "# hadolint ignore=DL3008\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc",
                "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc",
            ),
            (
                "# hadolint ignore=DL3008\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq5",
                "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq5",
            ),
            (
                "# --8<-- [start:builder]\n",
                "# Debian's packages follow the base image's release.\n# hadolint global ignore=DL3008\n# --8<-- [start:builder]\n",
            ),
        ],
        "Lint",
    ),
    mutant(
        "lint-marker-as-reason",
        D,
        [
            (
                "# hadolint ignore=DL3008\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc",
                "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends gcc",
            ),
            ("# --8<-- [start:builder]\nFROM python:3.13-slim AS builder\n", "FROM python:3.13-slim AS builder\n"),
            (
                "ARG PACKAGE_INDEX_URL=\"\"\n\nWORKDIR /app\n\n# Compilers and libpq headers build psycopg's C implementation. Packages\n# follow the base image's Debian release, so their versions are not pinned.\n",
                'ARG PACKAGE_INDEX_URL=""\n\nWORKDIR /app\n\n# --8<-- [start:builder]\n# hadolint ignore=DL3008\n',
            ),
        ],
        "Lint",
    ),
]

# Everything the site renders is read (issue 18, class 1): a lie wherever the page shows it fails the claim it
# would be, at its line; hidden, disguised and stray statements are errors naming page:line.
PORT = "*   **Port:** Exposes `8000`.\n"
LIST_END = "each described above.\n"  # the Runtime stage's last claim


def port_moved(name: str, block: str, targets: str | tuple[str, ...] = ()) -> Mutation:
    """The Port claim moved out of the list into `block`, after the stage's claims (`{port}` its value)."""
    return mutant(name, PAGE, [(PORT, ""), (LIST_END, LIST_END + "\n" + block)], targets)


ROW = "| Fact | Statement |\n| --- | --- |\n| **Port:** | Exposes `{port}`. |\n"
LABEL_COLUMN = "| Label | Statement |\n| --- | --- |\n| Port | Exposes `{port}`. |\n"
ADMONITION = '!!! note "Ports"\n\n    *   **Port:** Exposes `{port}`.\n'
NARRATIVE = '!!! narrative "Ports"\n\n    *   **Port:** Exposes `{port}`.\n'
PARAGRAPH = "**Port:** Exposes `{port}`.\n"
LIE = "8080"

CATALOGUE += [
    port_moved("rendered-table-row", ROW.format(port=LIE), "Runtime/Port"),
    port_moved("rendered-label-column", LABEL_COLUMN.format(port=LIE), "Runtime/Port"),
    port_moved("rendered-admonition", ADMONITION.format(port=LIE), "Runtime/Port"),
    port_moved("rendered-bold-paragraph", PARAGRAPH.format(port=LIE), "Runtime/Port"),
    # A labelled statement is a claim even inside narrative: narrative excuses prose, never a label.
    port_moved("rendered-narrative-claim", NARRATIVE.format(port=LIE), "Runtime/Port"),
    mutant("rendered-html-label", PAGE, (PORT, "*   <b>Port:</b> Exposes `8080`.\n"), "Runtime/Port"),
    mutant(
        "rendered-snippet",
        PAGE,
        (PORT, '--8<-- "ports.md"\n'),
        ("Runtime/Port", "Runtime/Image Config"),
        creates=(("ports.md", "*   **Port:** Exposes `8080`.\n"),),
    ),
    mutant(
        "rendered-hidden-value",
        PAGE,
        ("Exposes `8000`.", 'Exposes `8000`{: style="display:none" } `8080`.'),
        ("Runtime/Port", "Runtime/Image Config"),
    ),
    mutant(
        "rendered-comment",
        PAGE,
        ("Exposes `8000`.", "Exposes `8080`<!-- `8000` -->."),
        ("Runtime/Port", "Runtime/Image Config"),
    ),
    mutant("rendered-hidden-claim", PAGE, (PORT, PORT + "    {: hidden }\n"), ("Runtime/Port", "Runtime/Image Config")),
    mutant(
        "rendered-zero-width-label",
        PAGE,
        ("*   **Port:**", "*   **Po\u200brt:**"),
        ("Runtime/Port", "Runtime/Image Config"),
    ),
    mutant(
        "rendered-homoglyph-label",
        PAGE,
        ("*   **Port:**", "*   **P\u043ert:**"),
        ("Runtime/Port", "Runtime/Image Config"),
    ),
    mutant(
        "rendered-nbsp-label", PAGE, ("*   **Image Config:**", "*   **Image\u00a0Config:**"), "Runtime/Image Config"
    ),
    mutant(
        "rendered-zero-width-value",
        PAGE,
        ("Switches to `appuser`", "Switches to `app\u200buser`"),
        ("Runtime/User", "Runtime/Image Config"),
    ),
    mutant(
        "rendered-homoglyph-value",
        PAGE,
        ("Switches to `appuser`", "Switches to `\u0430ppuser`"),
        ("Runtime/User", "Runtime/Image Config"),
    ),
    # Unreadable, the claim cites nothing: reverse coverage also names the user's RUN line.
    mutant(
        "rendered-bidi-value",
        PAGE,
        ("UID `1000`", "UID `\u202e0001\u202c`"),
        ("Runtime/User Setup", UNDOCUMENTED),
    ),
    # A bold label in the middle of a sentence: the site shows it, no claim reads it.
    mutant(
        "rendered-mid-sentence-label",
        PAGE,
        ("What the entrypoint does before", "The image also says **Port:** 8080. What the entrypoint does before"),
        "(unreadable page)",
    ),
    # A value or a command outside claims and narrative: a statement no check reads.
    mutant(
        "rendered-prose-value",
        PAGE,
        ("the\nhealth endpoint is described", "the server\nlistens on `8080`; the health endpoint is described"),
        "(unreadable page)",
    ),
    mutant(
        "rendered-command-block",
        PAGE,
        (
            "## The whole Dockerfile\n",
            "Run it:\n\n```sh\ndocker run -p 8080:8080 backend\n```\n\n## The whole Dockerfile\n",
        ),
        "(unreadable page)",
    ),
]

# Refactors that change nothing a page says: the whole suite must stay green.
EQUIVALENT: list[Mutation] = [
    mutant("user-by-uid", D, ("\nUSER appuser\n", "\nUSER 1000\n")),
    mutant("chown-by-uid", D, ("chown appuser:appuser /app /app/staticfiles", "chown 1000:1000 /app /app/staticfiles")),
    mutant("bind-equals", D, ('"--bind", "0.0.0.0:8000"', '"--bind=0.0.0.0:8000"')),
    mutant("workdir-slash", D, ("WORKDIR /app\n\n# libpq", "WORKDIR /app/\n\n# libpq")),
    mutant(
        "python-m-pip", D, ("&& pip install --no-cache-dir poetry", "&& python -m pip install --no-cache-dir poetry")
    ),
    mutant(
        "registry-qualified",
        D,
        ("FROM python:3.13-slim AS builder", "FROM docker.io/library/python:3.13-slim AS builder"),
    ),
    mutant(
        "base-from-arg",
        D,
        (
            "# --8<-- [start:builder]\nFROM python:3.13-slim AS builder",
            "ARG PYTHON_IMAGE=python:3.13-slim\n\n# --8<-- [start:builder]\nFROM ${PYTHON_IMAGE} AS builder",
        ),
    ),
    mutant(
        "env-split",
        D,
        (
            'ENV PATH="/venv/bin:$PATH" \\\n    DJANGO_SETTINGS_MODULE=core.settings.dev \\',
            'ENV PATH="/venv/bin:$PATH"\nENV DJANGO_SETTINGS_MODULE=core.settings.dev\nENV \\',
        ),
    ),
    mutant("chmod-numeric", D, ("chmod +x /entrypoint.sh", "chmod 0755 /entrypoint.sh")),
    mutant("set-long-options", E, ("set -eu", "set -o errexit -o nounset")),
    mutant("migrate-no-input", E, ("python manage.py migrate --noinput", "python manage.py migrate --no-input")),
    mutant(
        "python3-collectstatic",
        E,
        ("python manage.py collectstatic --noinput", "python3 manage.py collectstatic --noinput"),
    ),
    mutant("copy-to-root", D, ("COPY entrypoint.sh /entrypoint.sh", "COPY ./entrypoint.sh /")),
    mutant(
        "lock-no-interaction",
        D,
        (
            "POETRY_VIRTUALENVS_CREATE=false poetry lock \\",
            "POETRY_VIRTUALENVS_CREATE=false poetry lock --no-interaction \\",
        ),
    ),
    mutant("exec-braced", E, ('exec "$@"', 'exec "${@}"')),
    mutant(
        "compose-long-port",
        C,
        (
            '      - "127.0.0.1:${BACKEND_PORT:-8000}:8000"\n',
            '      - target: 8000\n        host_ip: 127.0.0.1\n        published: "${BACKEND_PORT:-8000}"\n',
        ),
    ),
    mutant("page-dash-marker", PAGE, ("*   **Port:** Exposes", "-   **Port:** Exposes")),
    mutant("workdir-from-arg", D, ("WORKDIR /app\n\nEXPOSE", "ARG APPDIR=/app\nWORKDIR ${APPDIR}\n\nEXPOSE")),
    # Read as their tools read them: stage indexes, quoting, relative paths, shell default idioms.
    mutant("copy-from-index", D, ("COPY --from=builder /venv /venv", "COPY --from=0 /venv /venv")),
    mutant(
        "workdir-slash-everywhere",
        D,
        [
            ("WORKDIR /app\n\n# Compilers", "WORKDIR /app/\n\n# Compilers"),
            ("WORKDIR /app\n\n# libpq", "WORKDIR /app/\n\n# libpq"),
            ("WORKDIR /app\n\nEXPOSE", "WORKDIR /app/\n\nEXPOSE"),
        ],
    ),
    mutant(
        "workdir-quoted",
        D,
        [
            ("WORKDIR /app\n\n# Compilers", 'WORKDIR "/app"\n\n# Compilers'),
            ("WORKDIR /app\n\n# libpq", 'WORKDIR "/app"\n\n# libpq'),
            ("WORKDIR /app\n\nEXPOSE", "WORKDIR '/app'\n\nEXPOSE"),
        ],
    ),
    mutant(
        "workdir-relative",
        D,
        [
            (
                "WORKDIR /app\n\n# libpq",
                "WORKDIR /\n# Relative on purpose: resolved against the one above.\n# hadolint ignore=DL3000\nWORKDIR app\n\n# libpq",
            ),
            (
                "WORKDIR /app\n\nEXPOSE",
                "# Relative on purpose: the stage already works in /app.\n# hadolint ignore=DL3000\nWORKDIR .\n\nEXPOSE",
            ),
        ],
    ),
    mutant("default-by-assignment", E, (': "${DB_WAIT_TIMEOUT:=30}"', 'DB_WAIT_TIMEOUT="${DB_WAIT_TIMEOUT:-30}"')),
    mutant("default-exported", E, (': "${DB_WAIT_TIMEOUT:=30}"', 'export DB_WAIT_TIMEOUT="${DB_WAIT_TIMEOUT:-30}"')),
    mutant("default-unquoted", E, (': "${DB_WAIT_TIMEOUT:=30}"', ": ${DB_WAIT_TIMEOUT:=30}")),
    mutant("path-braced", D, ('PATH="/venv/bin:$PATH"', 'PATH="/venv/bin/:${PATH}"')),
    mutant(
        "poetry-default-priority",
        D,
        ("poetry source add --priority=primary package-index", "poetry source add package-index"),
    ),
    mutant(
        "page-copy-into",
        PAGE,
        ("code (`src/backend_django`) to `/app`", "code (`src/backend_django`) into `/app`"),
    ),
    # The same claim in another shape the site renders, and narrative marked as such.
    port_moved("page-table-row", ROW.format(port=8000)),
    port_moved("page-label-column", LABEL_COLUMN.format(port=8000)),
    port_moved("page-admonition", ADMONITION.format(port=8000)),
    port_moved("page-bold-paragraph", PARAGRAPH.format(port=8000)),
    port_moved("page-narrative-claim", NARRATIVE.format(port=8000)),
    mutant("page-html-label", PAGE, (PORT, "*   <b>Port:</b> Exposes `8000`.\n")),
    mutant(
        "page-narrative-command",
        PAGE,
        (
            "## The whole Dockerfile\n",
            '!!! narrative "Run it"\n\n    ```sh\n    docker run -p 8080:8080 backend\n    ```\n\n## The whole Dockerfile\n',
        ),
    ),
    mutant(
        "page-narrative-section",
        PAGE,
        (
            "## The whole Dockerfile\n",
            "## Run it { .narrative }\n\nPublish `8000` on `8080` with `docker run -p 8080:8000`.\n\n## The whole Dockerfile\n",
        ),
    ),
    # The system as its users run it (issue 18, class 3): the same effect, another way.
    mutant(
        "migrate-derived",
        f"{COMMANDS}/migrate.py",
        (
            "",
            'from django.core.management.commands.migrate import Command as Base\n\n\nclass Command(Base):\n    def handle(self, *args, **options):\n        self.stdout.write("migrating")\n        return super().handle(*args, **options)\n',
        ),
        new_file=True,
    ),
    mutant(
        "pipe-with-pipefail",
        E,
        [
            ("set -eu\n", "set -eu -o pipefail\n"),
            ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput | cat\n"),
        ],
    ),
    mutant("set-euo-pipefail", E, ("set -eu\n", "set -euo pipefail\n")),
    mutant("dotenv-same", ".env", ("", "COMPOSE_FILE=compose.yaml\nBACKEND_PORT=8000\n"), new_file=True),
    mutant(
        "pgdata-subdirectory",
        C,
        (
            "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n",
            "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n      PGDATA: /var/lib/postgresql/data/pgdata\n",
        ),
    ),
    mutant(
        "tmpfs-long-syntax",
        C,
        [
            ("      - /tmp\n", ""),
            (
                "      - backend-logs:/app/logs/backend\n",
                "      - backend-logs:/app/logs/backend\n      - type: tmpfs\n        target: /tmp\n",
            ),
        ],
    ),
    mutant("expose-same", C, ("    read_only: true\n", '    read_only: true\n    expose:\n      - "8000"\n')),
    mutant(
        "root-logger-by-name",
        BASE,
        [
            (
                '    "root": {\n        "handlers": ["console", "file"],\n        "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),\n    },\n',
                '    "loggers": {\n        "": {\n            "handlers": ["console", "file"],\n            "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),\n        },\n    },\n',
            )
        ],
    ),
    mutant("wait-more-often", WAIT, ('"--interval", type=float, default=1,', '"--interval", type=float, default=0.5,')),
]

# Found by an adversarial try (2026-12-06): lies the suite once passed, and rewrites it once refused.
CATALOGUE += [
    mutant("index-site-config", D, ("pip config --global set", "pip config --site set"), "Builder/Build Argument"),
    mutant(
        "index-guard-typo",
        D,
        (
            'if [ -n "$PACKAGE_INDEX_URL" ]; then \\\n        pip config',
            'if [ -n "$PACKAGE_INDEX_URLS" ]; then \\\n        pip config',
        ),
        "Builder/Build Argument",
    ),
    mutant(
        "index-single-quoted",
        D,
        ('global.index-url "$PACKAGE_INDEX_URL"', "global.index-url '$PACKAGE_INDEX_URL'"),
        ("Builder/Build Argument", "Lint"),
    ),
    mutant("compose-init", C, ("    cap_drop:\n", "    init: true\n    cap_drop:\n"), "Server"),
    mutant(
        "second-bind",
        D,
        ('"--bind", "0.0.0.0:8000",', '"--bind", "0.0.0.0:8000", "--bind", "0.0.0.0:9000",'),
        "Runtime/Command",
        level="running",
    ),
    mutant(
        "venv-chowned",
        D,
        ("COPY --from=builder /venv /venv", "COPY --from=builder --chown=appuser /venv /venv"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
]

# The CMD read narrowly at the image level (2026-12-06): a CMD that names a secret is still caught.
CATALOGUE += [
    mutant(
        "password-in-cmd",
        D,
        ('"--access-logfile", "-"]', '"--access-logfile", "-", "--env", "DB_PASSWORD=backend-dev-password"]'),
        "No Secrets",
        level="image",
    ),
]

# Health Timing (2026-12-06): a retries change was a rewrite while no sentence stated them; now it is a lie.
CATALOGUE += [
    mutant("retries-fifteen", D, ("--retries=3", "--retries=15"), "Runtime/Health Timing"),
    mutant(
        "compose-health-interval",
        C,
        ("    cap_drop:\n", "    healthcheck:\n      interval: 10s\n    cap_drop:\n"),
        "Runtime/Health Timing",
    ),
]

EQUIVALENT += [
    mutant("index-user-config", D, ("pip config --global set", "pip config --user set")),
    mutant("wait-interval", E, ('--timeout "$DB_WAIT_TIMEOUT"', '--timeout "$DB_WAIT_TIMEOUT" --interval 2')),
    mutant("exec-env", E, ('exec "$@"', 'exec env "$@"')),
    mutant("entrypoint-dot-path", D, ('ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["/./entrypoint.sh"]')),
    mutant("page-user-noun", PAGE, ("Switches to `appuser`.", "Switches to the `appuser` user.")),
    mutant(
        "page-ascii-arrow",
        "docs/backend/django/deploy/compose.md",
        ("`127.0.0.1:8000` → container", "`127.0.0.1:8000` -> container"),
    ),
    mutant("page-default-after", ENTRYPOINT_PAGE, ("(default `30` seconds)", "(`30` seconds by default)")),
    mutant("graceful-equals", D, ('"--graceful-timeout", "5"', '"--graceful-timeout=5"')),
    # Not `--interval=2000ms`: Docker reads it, hadolint does not (the Lint claim refuses it, rightly).
    mutant("health-options-reordered", D, ("--interval=2s --timeout=3s", "--timeout=3s --interval=2s")),
    mutant(
        "page-health-every",
        PAGE,
        (
            "Checks every `2s`, gives each check `3s`, allows a start period of `30s`, and turns unhealthy after `3` "
            "failures in a row.",
            "Every `2` seconds, with a timeout of `3` seconds, a start period of `0.5m`, and `3` retries.",
        ),
    ),
]

# The adversarial try of Health Timing (2026-12-06): compose may switch the check off, a zero in compose keeps the
# image's value, and the builder drops a flag's quotes (for every instruction's flags).
CATALOGUE += [
    mutant(
        "compose-health-disabled",
        C,
        ("    cap_drop:\n", "    healthcheck:\n      disable: true\n    cap_drop:\n"),
        ("Runtime/Health Timing", "Runtime/Healthcheck"),  # the stack defines no health check at all
    ),
]

# A zero the builders read apart: Docker 20.10's refuses it, later ones read the default (2026-12-06).
CATALOGUE += [mutant("health-interval-zero", D, ("--interval=2s", "--interval=0s"), "Runtime/Health Timing")]

# Compose may build the service from another stage: the stack then runs that stage's health check (2026-12-06).
CATALOGUE += [
    mutant(
        "compose-target-builder",
        C,
        ("      context: .\n      network: host\n", "      context: .\n      target: builder\n      network: host\n"),
        ("Runtime/Health Timing", "Non-root"),  # the builder stage runs as root
    ),
]

EQUIVALENT += [
    mutant(
        "compose-target-runtime",
        C,
        ("      context: .\n      network: host\n", "      context: .\n      target: runtime\n      network: host\n"),
    ),
    mutant("compose-health-zero", C, ("    cap_drop:\n", "    healthcheck:\n      interval: 0s\n    cap_drop:\n")),
    # Not `--interval="5s"`: Docker reads it, hadolint does not (the Lint claim refuses it, rightly).
    mutant("chown-quoted", D, ("COPY --chown=appuser:appuser src", 'COPY --chown="appuser:appuser" src')),
]

# An adversarial try of the runtime's permissions, environment and user (2026-12-06): lies the static level
# accepted, and true rewrites it refused.
CHMOD_LINE = "    && chmod +x /entrypoint.sh\n"
CATALOGUE += [
    mutant(
        "path-single-quoted",
        D,
        ('PATH="/venv/bin:$PATH"', "PATH='/venv/bin:$PATH'"),
        "Runtime/Environment Variables PATH",
    ),
    mutant(
        "path-escaped", D, ('PATH="/venv/bin:$PATH"', "PATH=/venv/bin:\\$PATH"), "Runtime/Environment Variables PATH"
    ),
    mutant(
        "mkdir-and-or",
        D,
        [
            ("mkdir -p /app/staticfiles /app/mediafiles", "mkdir -p /app/staticfiles"),
            ("/app/staticfiles /app/mediafiles /app/logs /app", "/app/staticfiles /app/logs /app"),
            (
                CHMOD_LINE,
                '    && chmod +x /entrypoint.sh \\\n    && { [ -n "${NEVER:-}" ] && mkdir -p /app/mediafiles || true; }\n',
            ),
        ],
        "Runtime/Permissions & Directories Creates",
    ),
    mutant(
        "mkdir-version",
        D,
        [
            ("mkdir -p /app/staticfiles", "mkdir -p --version /app/staticfiles"),
            (
                "chown appuser:appuser /app /app/staticfiles /app/mediafiles /app/logs /app/logs/backend",
                "chown appuser:appuser /app",
            ),
        ],
        "Runtime/Permissions & Directories Creates",
    ),
    mutant(
        "chown-help",
        D,
        ("chown appuser:appuser /app /app/staticfiles", "chown --help appuser:appuser /app /app/staticfiles"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "chown-away-dot",
        D,
        (CHMOD_LINE, "    && chmod +x /entrypoint.sh \\\n    && chown root:root .\n"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "chown-away-glob",
        D,
        (CHMOD_LINE, "    && chmod +x /entrypoint.sh \\\n    && chown root:root /ap[p]\n"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "chown-away-reference",
        D,
        (CHMOD_LINE, "    && chmod +x /entrypoint.sh \\\n    && chown --reference=/ /app\n"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "chown-away-inside",
        D,
        (CHMOD_LINE, "    && chmod +x /entrypoint.sh \\\n    && chown root:root /app/logs/backend\n"),
        "Runtime/Permissions & Directories Changes ownership",
    ),
    mutant(
        "mkdir-removed",
        D,
        (CHMOD_LINE, "    && chmod +x /entrypoint.sh \\\n    && rm -rf /app/mediafiles\n"),
        "Runtime/Permissions & Directories Creates",
    ),
    mutant(
        "chmod-plus-minus",
        D,
        ("chmod +x /entrypoint.sh", "chmod +x-x /entrypoint.sh"),
        "Runtime/Permissions & Directories Makes executable",
        builds=False,
    ),
    mutant(
        "chmod-a-copy",
        D,
        (
            "chmod +x /entrypoint.sh",
            "chmod -x /entrypoint.sh && cp /entrypoint.sh /tmp/entrypoint.sh && chmod +x /tmp/entrypoint.sh",
        ),
        # The `cp` no claim names is undocumented too, once the failing claim it shares its RUN with is fixed.
        "Runtime/Permissions & Directories Makes executable",
        builds=False,
    ),
    # Executable but unreadable: sh must read a script to run it, so no one but root can start it.
    mutant(
        "chmod-unreadable",
        D,
        ("chmod +x /entrypoint.sh", "chmod 0111 /entrypoint.sh"),
        "Runtime/Permissions & Directories Makes executable",
    ),
    mutant(
        "chmod-execute-only",
        D,
        ("chmod +x /entrypoint.sh", "chmod a=x /entrypoint.sh"),
        "Runtime/Permissions & Directories Makes executable",
    ),
    mutant(
        "usermod-root",
        D,
        (
            "--shell /usr/sbin/nologin appuser\n",
            "--shell /usr/sbin/nologin appuser \\\n    && usermod --non-unique --uid 0 appuser\n",
        ),
        ("Runtime/User Setup", "Non-root"),
    ),
]

EQUIVALENT += [
    mutant(
        "mkdir-relative",
        D,
        ("mkdir -p /app/staticfiles /app/mediafiles /app/logs/backend", "mkdir -p staticfiles mediafiles logs/backend"),
    ),
    mutant(
        "chown-relative",
        D,
        (
            "chown appuser:appuser /app /app/staticfiles /app/mediafiles /app/logs /app/logs/backend",
            "chown appuser:appuser . staticfiles mediafiles logs logs/backend",
        ),
    ),
    mutant("install-dm", D, ("mkdir -p /app/staticfiles", "install -dm755 /app/staticfiles")),
    mutant("install-directory", D, ("mkdir -p /app/staticfiles", "install --directory /app/staticfiles")),
    mutant("chmod-each", D, ("chmod +x /entrypoint.sh", "chmod u+x,g+x,o+x /entrypoint.sh")),
    mutant("chmod-equals", D, ("chmod +x /entrypoint.sh", "chmod a=rx /entrypoint.sh")),
    mutant("chmod-recursive", D, ("chmod +x /entrypoint.sh", "chmod -R +x /entrypoint.sh")),
    mutant("chmod-read-and-execute", D, ("chmod +x /entrypoint.sh", "chmod 0555 /entrypoint.sh")),
    mutant("chmod-then-go-w", D, ("chmod +x /entrypoint.sh", "chmod +x /entrypoint.sh && chmod go-w /entrypoint.sh")),
    mutant("user-quoted", D, ("\nUSER appuser\n", '\nUSER "appuser"\n')),
    mutant("entrypoint-double-slash", D, ('ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["//entrypoint.sh"]')),
]

# Compose's `environment:` and `command:` win in the stack's container: the static level reads them (2026-12-06).
ENV_BLOCK = "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n"
CATALOGUE += [
    mutant(
        "compose-path",
        C,
        (ENV_BLOCK, ENV_BLOCK + "      PATH: /usr/local/bin:/usr/bin:/bin\n"),
        "Runtime/Environment Variables PATH",
    ),
    mutant(
        "compose-unbuffered-empty",
        C,
        (ENV_BLOCK, ENV_BLOCK + '      PYTHONUNBUFFERED: ""\n'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
    ),
    mutant(
        "compose-command",
        C,
        (
            "    read_only: true\n",
            '    read_only: true\n    command: ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n',
        ),
        "Runtime/Command",
    ),
]

EQUIVALENT += [
    mutant("compose-unbuffered-same", C, (ENV_BLOCK, ENV_BLOCK + '      PYTHONUNBUFFERED: "1"\n')),
    mutant(
        "compose-command-same",
        C,
        (
            "    read_only: true\n",
            '    read_only: true\n    command: ["gunicorn", "core.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--graceful-timeout", "5", "--access-logfile", "-"]\n',
        ),
    ),
]

# Line continuations, tried adversarially (2026-12-06): `\` and a newline join two lines, as sh reads them.
CATALOGUE += [
    mutant(
        "continued-echo-migrate",
        E,
        ('echo "entrypoint: applying migrations"\n', 'echo "entrypoint: applying migrations" \\\n'),
        "Migrations",
    ),
    mutant(
        "continued-echo-exec",
        E,
        ('echo "entrypoint: starting $*"\n', 'echo "entrypoint: starting $*" \\\n'),
        ("Server", "Runtime/Command"),
    ),
    mutant("continued-echo-set", E, ("set -eu\n", 'echo "entrypoint: starting up" \\\nset -eu\n'), "Shell"),
]

EQUIVALENT += [
    mutant(
        "continued-migrate", E, ("python manage.py migrate --noinput\n", "python manage.py \\\n    migrate --noinput\n")
    ),
]

# The entrypoint's options and the stack's ports and privileges, tried adversarially (2026-12-06).
NNP = "      - no-new-privileges:true\n"
CATALOGUE += [
    mutant("set-noexec", E, ("set -eu\n", "set -eun\n"), "Shell"),
    mutant(
        "port-udp",
        C,
        ('"127.0.0.1:${BACKEND_PORT:-8000}:8000"', '"127.0.0.1:${BACKEND_PORT:-8000}:8000/udp"'),
        "Published Port",
    ),
    mutant(
        "network-none", C, ("    read_only: true\n", "    read_only: true\n    network_mode: none\n"), "Published Port"
    ),
    mutant("no-new-privileges-undone", C, (NNP, NNP + "      - no-new-privileges:false\n"), "Capabilities"),
]

EQUIVALENT += [
    mutant("no-new-privileges-one", C, (NNP, "      - no-new-privileges=1\n")),
]

EQUIVALENT += [
    # `|| exit 1` stops the start-up on a failure, as `set -e` does.
    mutant(
        "migrate-or-exit", E, ("python manage.py migrate --noinput\n", "python manage.py migrate --noinput || exit 1\n")
    ),
]

# The wait's bound read whole (2026-12-06): an expansion of the variable that is not the variable itself.
CATALOGUE += [
    mutant(
        "wait-bound-suffixed", E, ('--timeout "$DB_WAIT_TIMEOUT"', '--timeout "${DB_WAIT_TIMEOUT}0"'), "Database Wait"
    ),
    mutant(
        "wait-bound-alternative",
        E,
        ('--timeout "$DB_WAIT_TIMEOUT"', '--timeout "${DB_WAIT_TIMEOUT:+300}"'),
        "Database Wait",
    ),
]
EQUIVALENT += [mutant("wait-bound-braced", E, ('--timeout "$DB_WAIT_TIMEOUT"', '--timeout "${DB_WAIT_TIMEOUT}"'))]

# Writable places that are not (2026-12-06): a volume mounted read-only, another service's volumes taken in.
CATALOGUE += [
    mutant(
        "static-volume-ro",
        C,
        ("      - static-files:/app/staticfiles\n", "      - static-files:/app/staticfiles:ro\n"),
        "Read-only Root Filesystem",
    ),
    mutant(
        "volumes-from-db",
        C,
        ("    read_only: true\n", "    read_only: true\n    volumes_from:\n      - db\n"),
        "Read-only Root Filesystem",
    ),
]
EQUIVALENT += [
    mutant(
        "static-volume-rw", C, ("      - static-files:/app/staticfiles\n", "      - static-files:/app/staticfiles:rw\n")
    )
]

# The entrypoint's shell read as sh runs it (2026-12-06): a subshell keeps what it sets and execs to itself,
# the shell is ENTRYPOINT's when it names one, `set --` keeps "$@" whole, and an EXIT trap can hide a failure.
EXEC = 'exec "$@"\n'
CATALOGUE += [
    mutant("set-in-subshell", E, ("set -eu\n", "(set -eu)\n"), "Shell"),
    mutant("exec-in-subshell", E, (EXEC, f"({EXEC.strip()})\n"), ("Server", "Runtime/Command")),
    mutant("set-prepends", E, (EXEC, f'set -- echo "$@"\n{EXEC}'), ("Server", "Runtime/Command")),
    mutant("exec-with-assignment", E, (EXEC, f"PATH=/nonexistent {EXEC}"), ("Server", "Runtime/Command")),
    mutant("trap-exit-0", E, ("set -eu\n", "set -eu\ntrap 'exit 0' EXIT\n"), "Shell"),
    mutant(
        "entrypoint-by-bash",
        D,
        ('ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["bash", "/entrypoint.sh"]'),
        ("Shell", "Runtime/Entrypoint"),
    ),
]
MIGRATE = "python manage.py migrate --noinput\n"
CATALOGUE += [
    mutant("migrate-never-called", E, (MIGRATE, f"apply_migrations() {{\n    {MIGRATE}}}\n"), "Migrations"),
]
EQUIVALENT += [
    mutant("migrate-if-not", E, (MIGRATE, f"if ! {MIGRATE.strip()}; then exit 1; fi\n")),
    mutant("migrate-if-else", E, (MIGRATE, f"if {MIGRATE.strip()}; then :; else exit 1; fi\n")),
    mutant(
        "steps-in-function",
        E,
        (
            f'echo "entrypoint: applying migrations"\n{MIGRATE}',
            f'apply_migrations() {{\n    echo "entrypoint: applying migrations"\n    {MIGRATE}}}\napply_migrations\n',
        ),
    ),
    mutant("shebang-spaced", E, ("#!/bin/sh\n", "#! /bin/sh\n")),
    mutant("shebang-options", E, [("#!/bin/sh\n", "#!/bin/sh -eu\n"), ("set -eu\n", "")]),
    mutant("exec-bourne-guard", E, (EXEC, 'exec ${1+"$@"}\n')),
]

# The stack as compose runs it (2026-12-06): another PID namespace, no container at all, a volume in memory,
# a database image built here, a privileged hook; and packages apt installs by dependency string.
READ_ONLY = "    read_only: true\n"
POSTGRES = "    image: postgres:17\n"
CATALOGUE += [
    mutant("backend-pid-db", C, (READ_ONLY, f"{READ_ONLY}    pid: service:db\n"), "Server"),
    mutant("db-scale-zero", C, (POSTGRES, f"{POSTGRES}    scale: 0\n"), "Services"),
    mutant("backend-replicas-zero", C, (READ_ONLY, f"{READ_ONLY}    deploy:\n      replicas: 0\n"), "Services"),
    mutant(
        "db-volume-tmpfs",
        C,
        ("volumes:\n  db-data:\n", "volumes:\n  db-data:\n    driver_opts:\n      type: tmpfs\n      device: tmpfs\n"),
        "Database Volume",
    ),
    # Not built: compose would tag the backend's build `postgres:17`, over the local base image every stack needs.
    mutant("db-built-here", C, (POSTGRES, f"{POSTGRES}    build: .\n"), "Database Image", builds=False),
    mutant(
        "privileged-hook",
        C,
        (READ_ONLY, f'{READ_ONLY}    post_start:\n      - command: ["true"]\n        privileged: true\n'),
        "Capabilities",
    ),
    mutant(
        "runtime-satisfy-gcc",
        D,
        ("libpq5 curl \\\n", "libpq5 curl \\\n    && apt-get satisfy -y --no-install-recommends 'gcc (>= 4)' \\\n"),
        ("Runtime/Dependencies", "No Build Tools"),
    ),
]
EQUIVALENT += [
    mutant("db-scale-one", C, (POSTGRES, f"{POSTGRES}    scale: 1\n")),
    mutant(
        "runtime-satisfy",
        D,
        (
            "apt-get install -y --no-install-recommends libpq5 curl",
            "apt-get satisfy -y --no-install-recommends 'libpq5, curl'",
        ),
    ),
]

# What a claim's line holds and reads (2026-12-06): a second step added to a cited line is a step of its own, an
# ARG is in scope only from its line on, and an ARG an instruction expands is cited with it.
COLLECT = "python manage.py collectstatic --noinput\n"
SETTINGS_ENV = "    DJANGO_SETTINGS_MODULE=core.settings.dev \\\n"
HEALTH_LINE = "HEALTHCHECK --interval"
CATALOGUE += [
    mutant("collectstatic-undone", E, (COLLECT, f"{COLLECT.strip()}; rm -rf /app/staticfiles/*\n"), UNDOCUMENTED),
    mutant(
        "settings-arg-too-late",
        D,
        [
            (SETTINGS_ENV, "    DJANGO_SETTINGS_MODULE=$SETTINGS \\\n"),
            (HEALTH_LINE, f"ARG SETTINGS=core.settings.dev\n\n{HEALTH_LINE}"),
        ],
        "Runtime/Environment Variables DJANGO_SETTINGS_MODULE",
    ),
]
EQUIVALENT += [
    mutant(
        "prepare-one-line",
        E,
        (f'{MIGRATE}\necho "entrypoint: collecting static files"\n{COLLECT}', f"{MIGRATE.strip()}; {COLLECT}"),
    ),
    mutant(
        "settings-from-arg",
        D,
        [
            (SETTINGS_ENV, "    DJANGO_SETTINGS_MODULE=$SETTINGS \\\n"),
            ("USER appuser\n\nENV", "USER appuser\n\nARG SETTINGS=core.settings.dev\nENV"),
        ],
    ),
    mutant("user-from-arg", D, ("USER appuser\n", "ARG APP_USER=appuser\nUSER $APP_USER\n")),
    mutant("port-from-arg", D, ("EXPOSE 8000\n", "ARG PORT=8000\nEXPOSE $PORT\n")),
]

# The user and the linter, tried adversarially (2026-12-06): getopt's `-u0`, the image compose builds (its own
# Dockerfile, its own build arguments), a `shell=` pragma that turns ShellCheck off, and reasons that say nothing.
DOCKERFILE_TEXT = (Path(__file__).resolve().parent.parent / "Dockerfile").read_text()
USERADD_END = "--shell /usr/sbin/nologin appuser\n"
USER_REASON = "# The docs name the user; useradd above fixes its UID at 1000.\n"
LOCK_REASON = "# The lock is checked against pyproject.toml; only the image's groups leave.\n"
CATALOGUE += [
    mutant(
        "usermod-uid-attached",
        D,
        (USERADD_END, USERADD_END.replace("\n", " \\\n    && usermod -o -u0 appuser\n")),
        ("Non-root", "Runtime/User Setup"),
    ),
    mutant(
        "compose-user-argument",
        D,
        [(USER_REASON, f"ARG APP_USER=appuser\n{USER_REASON}"), ("USER appuser\n", "USER ${APP_USER}\n")],
        "Non-root",
        creates=(
            ("compose.override.yaml", "services:\n  backend:\n    build:\n      args:\n        APP_USER: root\n"),
        ),
    ),
    mutant(
        "compose-other-dockerfile",
        C,
        ("      network: host\n", "      network: host\n      dockerfile: Dockerfile.debug\n"),
        "Non-root",
        creates=(("Dockerfile.debug", DOCKERFILE_TEXT.replace("USER appuser\n", "USER root\n")),),
    ),
    mutant(
        "lint-shell-pragma",
        D,
        [
            (LOCK_REASON, f"{LOCK_REASON}# hadolint shell=pwsh\n"),
            (
                'RUN if [ -n "$PACKAGE_INDEX_URL" ]; then \\\n        poetry',
                "RUN if [ -n $PACKAGE_INDEX_URL ]; then \\\n        poetry",
            ),
        ],
        "Lint",
    ),
    mutant("lint-reason-divider", D, (USER_REASON, "# " + "-" * 60 + "\n"), "Lint"),
]
EQUIVALENT += [
    mutant(
        "lint-reason-beside",
        D,
        (
            f"{USER_REASON}# hadolint ignore=DL3066\n",
            "# hadolint ignore=DL3066 # the docs name the user; useradd above fixes its UID at 1000\n",
        ),
    ),
    mutant(
        "lint-reason-wrapped",
        D,
        (
            "# follow the base image's Debian release, so their versions are not pinned.\n",
            "# follow the base image's Debian release, so their versions are not\n# pinned.\n",
        ),
    ),
    mutant("usermod-uid-same", D, (USERADD_END, USERADD_END.replace("\n", " \\\n    && usermod -u1000 appuser\n"))),
]

# The builder, tried adversarially (2026-12-06): a health request sent elsewhere, installs on a condition, pip and
# Poetry told of other indexes, an ARG after its readers, a lock left in the background; and spellings pip, Poetry,
# curl and Docker read alike.
HEALTH_URL = '"--output", "/dev/null", "http://127.0.0.1:8000/health/"]'
PIP_CONFIG = 'pip config --global set global.index-url "$PACKAGE_INDEX_URL"; \\\n    fi'
LOCK = "    && POETRY_VIRTUALENVS_CREATE=false poetry lock \\\n"
VENV_PIP = "pip --python /venv/bin/python install"
# Loopback, where nothing answers: built, pip would ask an index that is not there, so these run at the static level.
MIRROR = "http://127.0.0.1:9/simple"
CATALOGUE += [
    mutant(
        "health-request-target",
        D,
        (HEALTH_URL, HEALTH_URL.replace('"http', '"--request-target", "/admin/", "http')),
        "Runtime/Healthcheck",
    ),
    mutant(
        "poetry-setup-else",
        D,
        (PIP_CONFIG, PIP_CONFIG.replace("    fi", "    else pip install --no-cache-dir uv==0.9.5; \\\n    fi")),
        "Builder/Poetry Setup",
    ),
    mutant(
        "pip-index-exported",
        D,
        ("RUN python -m venv", f"RUN export PIP_INDEX_URL={MIRROR} \\\n    && python -m venv"),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "pip-extra-index-option",
        D,
        ("pip install --no-cache-dir poetry", f"pip install --no-cache-dir --extra-index-url {MIRROR} poetry"),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "poetry-second-primary",
        D,
        (LOCK, f"    && poetry source add --priority=primary PyPI \\\n{LOCK}"),
        "Builder/Build Argument",
    ),
    mutant(
        "index-argument-late",
        D,
        [('ARG PACKAGE_INDEX_URL=""\n', ""), ("# No pip inside", 'ARG PACKAGE_INDEX_URL=""\n# No pip inside')],
        "Builder/Build Argument",
    ),
    mutant(
        "index-test-inverted",
        D,
        (
            'RUN if [ -n "$PACKAGE_INDEX_URL" ]; then \\\n        pip',
            'RUN if [ -z "$PACKAGE_INDEX_URL" ]; then \\\n        pip',
        ),
        "Builder/Build Argument",
    ),
    mutant("poetry-supplemental-short", D, ("--priority=primary", "-p supplemental"), "Builder/Build Argument"),
    mutant(
        "poetry-lock-background",
        D,
        (LOCK, "    && { POETRY_VIRTUALENVS_CREATE=false poetry lock & } \\\n"),
        "Builder/Dependency Export Runs",
    ),
]
HEALTHCHECK_CMD = (
    '    CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:8000/health/"]'
)
EQUIVALENT += [
    mutant(
        "health-or-exit",
        D,
        [
            (
                "HEALTHCHECK --interval",
                "# Shell form for the `|| exit 1` that hands Docker the status 1 it documents for unhealthy.\n"
                "# hadolint ignore=DL3025\nHEALTHCHECK --interval",
            ),
            (
                HEALTHCHECK_CMD,
                "    CMD curl --fail --silent --show-error --output /dev/null http://127.0.0.1:8000/health/ || exit 1",
            ),
        ],
    ),
    mutant("venv-python-equals", D, (VENV_PIP, VENV_PIP.replace("--python ", "--python="))),
    mutant("venv-python-versioned", D, (VENV_PIP, VENV_PIP.replace("/python ", "/python3.13 "))),
    mutant("requirements-dotted", D, ("-r requirements.txt", "-r ./requirements.txt")),
    mutant("export-output-dotted", D, ("--output requirements.txt", "--output ./requirements.txt")),
    mutant("poetry-lock-env", D, (LOCK, LOCK.replace("&& POETRY", "&& env POETRY"))),
    mutant("poetry-plugin-underscore", D, ("poetry-plugin-export==1.10.1", "poetry_plugin_export==1.10.1")),
    mutant(
        "builder-base-hub-host",
        D,
        ("FROM python:3.13-slim AS builder", "FROM index.docker.io/python:3.13-slim AS builder"),
    ),
]

# The compose page and the entrypoint's steps, tried adversarially (2026-12-06).
WAIT_BOUND = '--timeout "$DB_WAIT_TIMEOUT"'
CATALOGUE += [
    mutant(
        "credentials-db-by-hand",
        C,
        [
            (
                "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-backend-dev-password}\n",
                "      POSTGRES_PASSWORD: dev-password\n",
            ),
            (":${POSTGRES_PASSWORD:-backend-dev-password}@db", ":${POSTGRES_PASSWORD:-dev-password}@db"),
        ],
        "Credentials",
    ),
    mutant(
        "db-health-never-runs",
        C,
        ('["CMD-SHELL", "pg_isready', '["CMD-SHELL", "true || pg_isready'),
        "Database Health Check",
    ),
    mutant("wait-timeout-abbreviated", E, (WAIT_BOUND, f"{WAIT_BOUND} --time 600"), "Database Wait"),
    mutant("wait-bound-interval", E, (WAIT_BOUND, '--interval "$DB_WAIT_TIMEOUT"'), "Database Wait"),
    mutant("wait-other-settings", E, (WAIT_BOUND, f"{WAIT_BOUND} --settings core.settings.test"), "Database Wait"),
    mutant("migrate-elsewhere", E, (MIGRATE, f"DATABASE_URL=sqlite:////tmp/throwaway.db {MIGRATE}"), "Migrations"),
    mutant(
        "db-volume-ramfs",
        C,
        ("volumes:\n  db-data:\n", "volumes:\n  db-data:\n    driver_opts:\n      type: ramfs\n      device: ramfs\n"),
        "Database Volume",
    ),
    mutant("wait-default-compose", C, ("${DB_WAIT_TIMEOUT:-30}", "${DB_WAIT_TIMEOUT:-600}"), "Database Wait"),
    # Not built: compose would look for postgres:16, which no registry here serves.
    mutant(
        "override-yml-wins",
        "compose.override.yaml",
        ("", "services:\n  db:\n    image: postgres:17\n"),
        "Database Image",
        builds=False,
        new_file=True,
        creates=(("compose.override.yml", "services:\n  db:\n    image: postgres:16\n"),),
    ),
]
EQUIVALENT += [
    mutant("echo-arithmetic", E, ("(at most ${DB_WAIT_TIMEOUT}s)", "(at most $((DB_WAIT_TIMEOUT))s)")),
    mutant("wait-bound-defaulted", E, (WAIT_BOUND, '--timeout "${DB_WAIT_TIMEOUT:-30}"')),
    mutant("migrate-dot-manage", E, (MIGRATE, MIGRATE.replace(" manage.py", " ./manage.py"))),
    mutant("db-image-library", C, (POSTGRES, POSTGRES.replace("postgres:17", "library/postgres:17"))),
]

# Health tests read through their wrappers and shells (2026-12-07): `exec`, `timeout`, `sh -c` hand on the status.
PG_ISREADY = 'pg_isready -U \\"$${POSTGRES_USER}\\" -d \\"$${POSTGRES_DB}\\"'
DB_TEST = f'["CMD-SHELL", "{PG_ISREADY}"]'
CATALOGUE += [
    mutant(
        "db-health-sh-or-true",
        C,
        (
            DB_TEST,
            DB_TEST.replace('"CMD-SHELL", "pg_isready', '"CMD", "sh", "-c", "pg_isready').replace(
                '}\\""]', '}\\" || true"]'
            ),
        ),
        "Database Health Check",
    ),
    mutant(
        "health-sh-or-true",
        D,
        (
            HEALTHCHECK_CMD,
            '    CMD ["sh", "-c", "curl --fail --silent --output /dev/null http://127.0.0.1:8000/health/ || true"]',
        ),
        "Runtime/Healthcheck",
    ),
]
EQUIVALENT += [
    mutant("db-health-exec", C, ('["CMD-SHELL", "pg_isready', '["CMD-SHELL", "exec pg_isready')),
    mutant(
        "db-health-sh-c", C, (DB_TEST, DB_TEST.replace('"CMD-SHELL", "pg_isready', '"CMD", "sh", "-c", "pg_isready'))
    ),
    mutant("db-health-timeout", C, ('["CMD-SHELL", "pg_isready', '["CMD-SHELL", "timeout 5 pg_isready')),
    mutant(
        "health-timeout", D, (HEALTHCHECK_CMD, HEALTHCHECK_CMD.replace('CMD ["curl"', 'CMD ["timeout", "5", "curl"'))
    ),
    mutant(
        "health-sh-c",
        D,
        (
            HEALTHCHECK_CMD,
            '    CMD ["sh", "-c", "exec curl --fail --silent --output /dev/null http://127.0.0.1:8000/health/"]',
        ),
    ),
]
EQUIVALENT += [mutant("cmd-python-m", D, ('CMD ["gunicorn", ', 'CMD ["python", "-m", "gunicorn", '))]

# `case` read as the `if` chain it runs as (2026-12-07): bashlex cannot parse it, and a word split saw every branch run.
CATALOGUE += [
    mutant(
        "migrate-in-case",
        E,
        (MIGRATE, f'case "${{RUN_MIGRATIONS:-no}}" in\n    yes) {MIGRATE.strip()} ;;\nesac\n'),
        "Migrations",
    ),
    mutant(
        "flag-prefix-case",
        E,
        ('\nexec "$@"', '\ncase "${1:-}" in\n    -*) set -- gunicorn "$@" ;;\nesac\nexec "$@"'),
        UNDOCUMENTED,
    ),
]

# The settings, security and health pages, tried adversarially (2026-12-07): a path one module overrides, a key
# written in the module, a database that takes connections and never answers, a read-only tmpfs or volume.
PROD = "src/backend_django/core/settings/prod.py"
HEALTH_PAGE = "docs/backend/django/health.md"
CONNECT_TIMEOUT = (
    '    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(\n'
    '        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2)\n'
    "    )\n"
)
CATALOGUE += [
    mutant(
        "prod-static-root",
        PROD,
        ("DEBUG = False\n", 'DEBUG = False\nSTATIC_ROOT = "/var/www/static"\n'),
        "Static Root",
        level="image",
    ),
    mutant(
        "prod-log-elsewhere",
        PROD,
        (
            "DEBUG = False\n",
            'DEBUG = False\nLOGGING["handlers"]["file"]["filename"] = "/tmp/django.log"  # noqa: F405\n',
        ),
        "Log Directory",
        level="image",
    ),
    mutant(
        "prod-secret-written",
        PROD,
        ('SECRET_KEY = env.str("SECRET_KEY")', 'SECRET_KEY = "k3y-baked-into-the-image-0123456789abcdef"'),
        "Required in Production",
        level="image",
    ),
    mutant("no-connect-timeout", BASE, (CONNECT_TIMEOUT, "    pass\n"), "Unhealthy Response", level="running"),
    mutant(
        "tmpfs-read-only",
        C,
        ("    tmpfs:\n      - /tmp\n", "    tmpfs:\n      - /tmp:ro\n"),
        "Read-only Root Filesystem",
    ),
    mutant(
        "log-volume-read-only",
        C,
        (
            "  backend-logs:\n",
            "  backend-logs:\n    driver_opts:\n      type: tmpfs\n      device: tmpfs\n      o: ro\n",
        ),
        "Read-only Root Filesystem",
    ),
    # Not built: Docker refuses `no-new-privileges:` with no value, so the stack would never start.
    mutant("nnp-empty", C, ("- no-new-privileges:true", '- "no-new-privileges:"'), "Capabilities", builds=False),
    mutant(
        "gcc-copied-in",
        D,
        (
            "COPY --from=builder /venv /venv\n",
            "COPY --from=builder /venv /venv\nCOPY --from=builder /usr/bin/gcc-14 /venv/bin/gcc\n",
        ),
        "No Build Tools",
    ),
]
EQUIVALENT += [
    mutant("health-a-reason", HEALTH_PAGE, ("and the reason, when", "and a reason, when")),
    mutant("health-http-status", HEALTH_PAGE, ("**Healthy Response:** `200`", "**Healthy Response:** HTTP `200`")),
    mutant("page-caps-lowercase", SECURITY, ("drops `ALL` Linux", "drops `all` Linux")),
    mutant(
        "log-stream-object",
        BASE,
        [
            ('            "stream": "ext://sys.stdout",', '            "stream": sys.stdout,'),
            ("from pathlib import Path\n", "import sys\nfrom pathlib import Path\n"),
        ],
    ),
]
CATALOGUE += [
    mutant(
        "lint-reason-todo",
        D,
        ("# The docs name the user; useradd above fixes its UID at 1000.\n", "# TODO: fix this warning later.\n"),
        "Lint",
    )
]

# The Dockerfile page, tried adversarially (2026-12-07): bytecode built into the code tree, a copied file rewritten
# after its copy, apt and pip told to install nothing, packages removed by autoremove, a pip told to ignore its config
# through `env`, a start interval, a .dockerignore that drops a copied file; and spellings that were refused.
CHMOD_RUN = "    && chmod +x /entrypoint.sh\n"
CATALOGUE += [
    mutant(
        "pyc-baked",
        D,
        (CHMOD_RUN, CHMOD_RUN.rstrip("\n") + " \\\n    && python -m compileall -q /app\n"),
        "Runtime/Environment Variables PYTHONDONTWRITEBYTECODE",
        level="image",
    ),
    mutant(
        "entrypoint-rewritten",
        D,
        (
            CHMOD_RUN,
            CHMOD_RUN.rstrip("\n")
            + " \\\n    && sed -i 's/DB_WAIT_TIMEOUT:=30/DB_WAIT_TIMEOUT:=300/' /entrypoint.sh\n",
        ),
        "Runtime/Entrypoint",
        level="image",
    ),
    mutant(
        "code-appended-after-chmod",
        D,
        (
            CHMOD_RUN,
            CHMOD_RUN.rstrip("\n") + " \\\n    && chmod go-w /app/manage.py && echo '# appended' >> /app/manage.py\n",
        ),
        "Runtime/Copy Artifacts Copies",
        level="image",
    ),
    mutant(
        "apt-simulate",
        D,
        ("--no-install-recommends libpq5 curl", "--no-install-recommends --simulate libpq5 curl"),
        "Runtime/Dependencies",
    ),
    mutant(
        "apt-autoremoved",
        D,
        (
            "libpq5 curl \\\n    && rm -rf",
            "libpq5 curl \\\n    && apt-mark auto curl && apt-get autoremove -y \\\n    && rm -rf",
        ),
        "Runtime/Dependencies",
    ),
    mutant("pip-dry-run", D, ("-r requirements.txt", "-r requirements.txt --dry-run"), "Builder/Virtual Environment"),
    # Not built: pip would ignore the index the build is given and ask its default.
    mutant(
        "pip-env-config-file",
        D,
        ("&& pip install --no-cache-dir poetry", "&& env PIP_CONFIG_FILE=/dev/null pip install --no-cache-dir poetry"),
        "Builder/Build Argument",
        builds=False,
    ),
    # Not built: Docker 20.10's builder does not know --start-interval (Docker 25 does).
    mutant(
        "start-interval",
        D,
        ("--retries=3 \\", "--retries=3 --start-interval=60s \\"),
        "Runtime/Health Timing",
        builds=False,
    ),
    mutant("dockerignore-entrypoint", ".dockerignore", ("!entrypoint.sh\n", ""), "Runtime/Copy Artifacts Copies"),
]
EQUIVALENT += [
    mutant("command-default-callable", D, ('"core.wsgi:application"', '"core.wsgi"')),
    mutant(
        "chown-recursive",
        D,
        [
            ("COPY --chown=appuser:appuser src/backend_django /app", "COPY src/backend_django /app"),
            (CHMOD_RUN, CHMOD_RUN.rstrip("\n") + " \\\n    && chown -R appuser:appuser /app\n"),
        ],
    ),
    mutant("path-from-arg", D, ('ENV PATH="/venv/bin:$PATH"', 'ARG VENV=/venv\nENV PATH="$VENV/bin:$PATH"')),
    # Not built: a digest names the image in a registry, and there is none here.
    mutant(
        "base-digest",
        D,
        ("FROM python:3.13-slim AS runtime", "FROM python:3.13-slim@sha256:" + "0" * 64 + " AS runtime"),
        builds=False,
    ),
]
# Two tries found the root group taken for "never as root" (2026-12-07): GID 0 reads files root's group may write.
CATALOGUE += [
    mutant("user-root-group", D, ("\nUSER appuser\n", "\nUSER appuser:root\n"), "Non-root"),
    mutant(
        "compose-group-add-root", C, ("    cap_drop:\n", "    group_add:\n      - root\n    cap_drop:\n"), "Non-root"
    ),
]
# From a project of another team (2026-12-07): `install -d -o` makes the folders and gives them their owner at once.
EQUIVALENT += [
    mutant(
        "install-owner",
        D,
        (
            "RUN mkdir -p /app/staticfiles /app/mediafiles /app/logs/backend \\\n"
            "    && chown appuser:appuser /app /app/staticfiles /app/mediafiles /app/logs /app/logs/backend \\\n",
            "RUN install -d -o appuser -g appuser /app/staticfiles /app/mediafiles /app/logs/backend \\\n"
            "    && chown appuser:appuser /app /app/logs \\\n",
        ),
    )
]
# From a review (2026-12-07): the root group given as a supplementary group, which only the running level saw.
CATALOGUE += [
    mutant(
        "useradd-groups-root",
        D,
        ("useradd --uid 1000 --gid appuser", "useradd --uid 1000 --gid appuser --groups root"),
        "Non-root",
    )
]
# gunicorn told to check its configuration, or to fork, exits or leaves PID 1 (2026-12-07): the static level read
# the CMD's words only, and took both for a server serving.
CATALOGUE += [
    mutant(
        "gunicorn-check-config",
        D,
        ('"--access-logfile", "-"]', '"--access-logfile", "-", "--check-config"]'),
        ("Runtime/Command", "Server"),
    ),
    mutant("gunicorn-daemon", D, ('"--workers", "2",', '"--workers", "2", "--daemon",'), ("Runtime/Command", "Server")),
    # As gunicorn's parser reads it: `-D` clustered with `-w`, which takes the next word.
    mutant("gunicorn-daemon-cluster", D, ('"--workers", "2",', '"-Dw", "2",'), ("Runtime/Command", "Server")),
]
EQUIVALENT += [mutant("gunicorn-preload", D, ('"--workers", "2",', '"--workers", "2", "--preload",'))]
# The export before the lock (2026-12-07): the stage exports a lock it then changes; the list says lock, then export.
EXPORT_THEN_LOCK = (
    "    && POETRY_VIRTUALENVS_CREATE=false poetry lock \\\n    && poetry export --only django,shared --output requirements.txt\n",
    "    && poetry export --only django,shared --output requirements.txt \\\n    && POETRY_VIRTUALENVS_CREATE=false poetry lock\n",
)
CATALOGUE += [mutant("export-before-lock", D, EXPORT_THEN_LOCK, "Builder/Dependency Export Exports")]
EQUIVALENT += [
    mutant(
        "lock-then-export-apart",
        D,
        (
            "    && POETRY_VIRTUALENVS_CREATE=false poetry lock \\\n    && poetry export",
            "    && POETRY_VIRTUALENVS_CREATE=false poetry lock\n\nRUN poetry export",
        ),
    )
]
# Reverse coverage read a RUN whole (2026-12-07): a step appended to a RUN other claims cite went unnoticed. A step
# no other label describes needs a Runs claim of its stage; one that a Runs claim names is documented.
CATALOGUE += [
    mutant(
        "run-step-appended",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && ldconfig\n"),
        "(undocumented step)",
    ),
]
EQUIVALENT += [  # a variable set for the rest of the RUN (a build has no one to ask anyway): plumbing, no step
    mutant(
        "export-plumbing",
        D,
        ("    && poetry export --only", "    && export POETRY_NO_INTERACTION=1 \\\n    && poetry export --only"),
    )
]
# An adversarial try of the day's new checks (2026-12-07): a wrapper hid a command from Exports and from coverage,
# other Poetry commands rewrite the lock, and gunicorn reads options from its environment too.
CATALOGUE += [
    mutant(
        "lock-behind-exec",
        D,
        (EXPORT_THEN_LOCK[0], EXPORT_THEN_LOCK[0].rstrip("\n") + " \\\n    && exec poetry lock\n"),
        "Builder/Dependency Export Exports",
    ),
    mutant(
        "update-after-export",
        D,
        (EXPORT_THEN_LOCK[0], EXPORT_THEN_LOCK[0].rstrip("\n") + " \\\n    && poetry update --lock\n"),
        "Builder/Dependency Export Exports",
    ),
    mutant(
        "step-behind-exec",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && exec ldconfig\n"),
        "(undocumented step)",
    ),
    mutant(
        "gunicorn-env-daemon",
        C,
        ("      DB_WAIT_TIMEOUT:", "      GUNICORN_CMD_ARGS: --daemon\n      DB_WAIT_TIMEOUT:"),
        ("Runtime/Command", "Server"),
    ),
]
EQUIVALENT += [
    mutant(
        "getent-probe",
        D,
        ("RUN groupadd --gid 1000 appuser", "RUN getent group appuser || groupadd --gid 1000 appuser"),
    ),
]
# A command read as written only: behind `nice` (or `exec`, `timeout`) it still runs, for every label (2026-12-07).
EQUIVALENT += [
    mutant(
        "nice-poetry-lock",
        D,
        ("POETRY_VIRTUALENVS_CREATE=false poetry lock", "POETRY_VIRTUALENVS_CREATE=false nice poetry lock"),
    )
]
# A constant condition decides nothing, and `$(…)` runs with its command (2026-12-07): the step is as real.
CATALOGUE += [
    mutant(
        "step-behind-true",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && if true; then ldconfig; fi\n"),
        "(undocumented step)",
    ),
    mutant(
        "step-after-false",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && { false || ldconfig; }\n"),
        "(undocumented step)",
    ),
    mutant(
        "step-in-substitution",
        D,
        ("    && chmod +x /entrypoint.sh\n", '    && chmod +x /entrypoint.sh \\\n    && echo "linked $(ldconfig)"\n'),
        "(undocumented step)",
    ),
]
EQUIVALENT += [
    mutant(
        "lock-if-true",
        D,
        (
            "&& POETRY_VIRTUALENVS_CREATE=false poetry lock \\",
            "&& if true; then POETRY_VIRTUALENVS_CREATE=false poetry lock; fi \\",
        ),
    )
]
# Another form of a program a label reads is a step of its own (2026-12-07): the labels read `pip install`, not
# `pip uninstall`; `chmod +x`, not `chmod u+s`; `rm` of caches, not of the venv; `echo` to the log, not to a file.
CATALOGUE += [
    mutant(
        name,
        D,
        ("    && chmod +x /entrypoint.sh\n", f"    && chmod +x /entrypoint.sh \\\n    && {step}\n"),
        "(undocumented step)",
    )  # fmt: skip
    for name, step in [
        ("pip-uninstall", "pip uninstall -y setuptools"),
        ("rm-venv-lib", "rm -rf /venv/lib/python3.13/site-packages/django/contrib/admin"),
        ("ln-shadows-python", "ln -sf /bin/true /venv/bin/gunicorn"),
        ("echo-appends-a-file", 'echo "127.0.0.1 db" >> /etc/hosts'),
        ("chmod-setuid", "chmod u+s /venv/bin/python3"),
    ]
]
EQUIVALENT += [
    mutant(
        "apt-cache-cleaned",
        D,
        (
            "    && rm -rf /var/lib/apt/lists/*\n\nRUN groupadd",
            "    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin\n\nRUN groupadd",
        ),
    ),
    mutant(
        "echo-to-stderr",
        D,
        ("    && chmod +x /entrypoint.sh\n", "    && chmod +x /entrypoint.sh \\\n    && echo 'directories made' >&2\n"),
    ),
]
# gunicorn reads a configuration file too (2026-12-07): `gunicorn.conf.py` where it runs, or the one `--config`
# names. The static level reads the build context's with Python's parser; the image level asks gunicorn itself.
APP = "src/backend_django"
CATALOGUE += [
    mutant(
        "gunicorn-conf-daemon",
        f"{APP}/gunicorn.conf.py",
        ("", "daemon = True\n"),
        ("Runtime/Command", "Server"),
        new_file=True,
    ),
    mutant(
        "gunicorn-config-flag",
        D,
        ('CMD ["gunicorn", ', 'CMD ["gunicorn", "--config=serving.py", '),
        ("Runtime/Command", "Server"),
        creates=((f"{APP}/serving.py", "workers = 2\nprint_config = True\n"),),
    ),
    mutant(
        "gunicorn-conf-made-by-run",
        D,
        (CHMOD_LINE, CHMOD_LINE.rstrip("\n") + " \\\n    && echo 'daemon = True' > /app/gunicorn.conf.py\n"),
        "Runtime/Command",  # statically an undocumented step; that it makes gunicorn fork, only the image shows
        level="image",
    ),
]
EQUIVALENT += [
    mutant("gunicorn-conf-settings", f"{APP}/gunicorn.conf.py", ("", "daemon = False\ntimeout = 30\n"), new_file=True)
]
# An adversarial try of the day's readings (2026-12-07): steps behind loops, tests and traps, output written through a
# group or `/dev/..`, forms of described programs no label reads, and gunicorn settings bound other than plainly.
STEP_APPENDED = [
    ("until-loop-step", "until ldconfig; do :; done"),
    ("while-true-step", "while true; do ldconfig; break; done"),
    ("for-list-step", 'for f in $(ldconfig -p); do echo "$f"; done'),
    ("redirect-target-step", 'true > "/dev/null$(ldconfig)"'),
    ("literal-test-step", "if [ -z '' ]; then ldconfig; fi"),
    ("trap-exit-step", "trap 'rm -rf /venv/include' EXIT"),
    ("help-as-argument-step", "sh -c 'ldconfig' --version"),
    ("group-writes-a-file", "{ echo evil; } > /etc/motd"),
    ("dev-dotdot-writes", "echo '127.0.0.1 db' >> /dev/../etc/hosts"),
    ("probe-writes-a-file", "id > /etc/motd"),
    ("install-setuid-root", "install -o root -m 4755 /bin/dash /usr/local/bin/rootsh"),
    ("groupadd-duplicate-gid", "groupadd -o -g 0 wheel2"),
    ("rm-through-expansion", 'rm -rf "/tmp/${UNSET_X:-../venv/include}"'),
]
# The runtime stage built on the builder stage: it starts from that stage (its compilers and all), not from the
# image the builder starts from (2026-12-07).
CATALOGUE += [
    mutant(
        "runtime-from-builder",
        D,
        ("FROM python:3.13-slim AS runtime", "FROM builder AS runtime"),
        ("Runtime/Base Image", "No Build Tools"),
    )
]
# Settings and the health view, edited where only Django loading them, or the view answering, can tell (2026-12-07).
CATALOGUE += [
    mutant(
        "prod-secret-optional",
        PROD,
        [
            ('for name in ("SECRET_KEY", "DATABASE_URL")', 'for name in ("DATABASE_URL",)'),
            ('SECRET_KEY = env.str("SECRET_KEY")', 'SECRET_KEY = env.str("SECRET_KEY", default="insecure-fallback")'),
        ],
        "Required in Production",
        level="image",
    ),
    mutant(
        "dev-media-from-env",
        "src/backend_django/core/settings/dev.py",
        ("DEBUG = True\n", 'DEBUG = True\nMEDIA_ROOT = env.str("MEDIA_ROOT", default="/tmp/media")\n'),
        "Media Root",
        level="image",
    ),
    mutant(
        "unhealthy-without-reason",
        "src/backend_django/health/views.py",
        (', "reason": one_line(exc)}, 503', "}, 503"),
        "Unhealthy Response",
        level="image",
    ),
]
# The server's output sent elsewhere than Docker's pipes: written through, yet no line reaches `docker logs`.
CATALOGUE += [
    mutant(
        "exec-stderr-to-null",
        "entrypoint.sh",
        ('exec "$@"', 'exec "$@" 2>/dev/null'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
        level="running",
    ),
    mutant(
        "exec-output-to-file",
        "entrypoint.sh",
        ('exec "$@"', 'exec "$@" >/tmp/server.log 2>&1'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
        level="running",
    ),
]
EQUIVALENT += [mutant("exec-stderr-to-stdout", "entrypoint.sh", ('exec "$@"', 'exec "$@" 2>&1'))]
# gunicorn's own logs sent to files: PID 1's pipes are Docker's, but the log lines never reach them (2026-12-07).
ACCESS_LOG = '"--access-logfile", "-"]'
CATALOGUE += [
    mutant(
        "access-log-to-file",
        D,
        (ACCESS_LOG, '"--access-logfile", "/tmp/access.log"]'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
        level="running",
    ),
    mutant(
        "error-log-to-null",
        D,
        (ACCESS_LOG, '"--access-logfile", "-", "--error-logfile", "/dev/null"]'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
        level="running",
    ),
]
EQUIVALENT += [mutant("error-log-to-stderr", D, (ACCESS_LOG, '"--access-logfile", "-", "--error-logfile", "-"]'))]
# A shell that stays PID 1 and starts the server with other settings than its own (2026-12-07): PID 1's
# environment and pipes were read, not the server's.
CATALOGUE += [
    mutant(
        "shell-pid1-server-buffered",
        "entrypoint.sh",
        ('exec "$@"', 'env -u PYTHONUNBUFFERED "$@"'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
        level="running",
    ),
    mutant(
        "shell-pid1-server-writes-bytecode",
        "entrypoint.sh",
        ('exec "$@"', 'env -u PYTHONDONTWRITEBYTECODE "$@"'),
        "Runtime/Environment Variables PYTHONDONTWRITEBYTECODE",
        level="running",
    ),
    mutant(
        "shell-pid1-server-output-to-file",
        "entrypoint.sh",
        ('exec "$@"', '"$@" >/tmp/server.log 2>&1'),
        "Runtime/Environment Variables PYTHONUNBUFFERED",
        level="running",
    ),
]
# Steps inside a parameter's operand or an arithmetic expansion, which bashlex leaves as text (2026-12-07).
STEP_APPENDED += [
    ("default-substitution-step", 'echo "${UNSET_X:-$(ldconfig)}"'),
    ("assign-default-step", ': "${UNSET_Y:=$(ldconfig)}"'),
    ("arithmetic-substitution-step", "echo $(( $(ldconfig; echo 1) + 1 ))"),
    ("background-step", "ldconfig & wait"),
    ("case-star-step", 'case "$HOME" in *) ldconfig ;; esac'),
    ("root-test-step", "if test -d /; then ldconfig; fi"),
]
CATALOGUE += [mutant(name, D, (CHMOD_LINE, f"{CHMOD_LINE.rstrip()} \\\n    && {step}\n"), "(undocumented step)")
              for name, step in STEP_APPENDED]  # fmt: skip
EQUIVALENT += [mutant(name, D, (CHMOD_LINE, f"{CHMOD_LINE.rstrip()} \\\n    && {said}\n")) for name, said in [
    ("default-plain-echo", 'echo "${UNSET_X:-built}"'),
    ("arithmetic-echo", 'echo "$(( 1 + 1 ))"'),
    ("case-star-echo", 'case "$HOME" in *) echo "$HOME" ;; esac'),
]]  # fmt: skip
USERADD = "    && useradd --uid 1000 --gid appuser --no-create-home --shell /usr/sbin/nologin appuser\n"
CATALOGUE += [
    mutant(
        "usermod-shell",
        D,
        (USERADD, USERADD.rstrip() + " \\\n    && usermod -s /bin/bash appuser\n"),
        "(undocumented step)",
    ),
    mutant(
        "umask-open",
        D,
        ("RUN mkdir -p /app/staticfiles", "RUN umask 000 && mkdir -p /app/staticfiles"),
        "(undocumented step)",
    ),
    mutant(
        "gunicorn-conf-star-import",
        f"{APP}/gunicorn.conf.py",
        ("", "from core.serving import *\n"),
        ("Runtime/Command", "Server"),
        new_file=True,
        creates=((f"{APP}/core/serving.py", "daemon = True\n"),),
    ),
    mutant(
        "gunicorn-conf-zero",
        f"{APP}/gunicorn.conf.py",
        ("", "daemon = 0\n"),
        ("Runtime/Command", "Server"),
        new_file=True,
    ),
    mutant(
        "gunicorn-conf-raises",
        f"{APP}/gunicorn.conf.py",
        ("", "workers = 1 // 0\n"),
        ("Runtime/Command", "Server"),
        new_file=True,
    ),
    mutant(
        "gunicorn-conf-with-chdir",
        D,
        ('CMD ["gunicorn", ', 'CMD ["gunicorn", "--chdir", "/app/core", '),
        ("Runtime/Command", "Server"),
        creates=((f"{APP}/gunicorn.conf.py", "daemon = True\n"),),
    ),
]
EQUIVALENT += [
    mutant("gunicorn-conf-false-string", f"{APP}/gunicorn.conf.py", ("", "daemon = 'false'\n"), new_file=True),
    mutant(
        "gunicorn-conf-arithmetic",
        f"{APP}/gunicorn.conf.py",
        ("", "workers = 2 * 1\ntimeout = 60 // 2\n"),
        new_file=True,
    ),
    mutant(
        "apt-retries-option",
        D,
        (
            "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq5",
            "RUN apt-get -o Acquire::Retries=3 update \\\n    && apt-get install -y --no-install-recommends libpq5",
        ),
    ),
    mutant(
        "home-cache-removed",
        D,
        (
            "    && pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1\n",
            '    && pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1 \\\n    && rm -rf "$HOME/.cache"\n',
        ),
    ),
]
# A step is described only by a claim of its own stage whose label reads it (2026-12-07): the builder's Virtual
# Environment says nothing about a `pip install` or a second venv in the runtime stage.
CATALOGUE += [
    mutant(name, D, (CHMOD_LINE, f"{CHMOD_LINE.rstrip()} \\\n    && {step}\n"), "(undocumented step)")
    for name, step in [
        ("pip-install-in-runtime", "pip install --no-cache-dir requests==2.32.3"),
        ("venv-in-runtime", "python -m venv /opt/extra"),
    ]
]
# A Makes executable claim speaks of its own file: a chmod of another path is a step of its own (2026-12-07).
CATALOGUE += [
    mutant(
        "chmod-another-file",
        D,
        ("chmod +x /entrypoint.sh\n", "chmod +x /entrypoint.sh /venv/bin/python3\n"),
        "(undocumented step)",
    ),
    *(
        mutant(name, D, (CHMOD_LINE, f"{CHMOD_LINE.rstrip()} \\\n    && {step}\n"), "(undocumented step)")
        for name, step in [
            ("chmod-shadow-readable", "chmod 755 /etc/shadow"),
            ("chmod-venv-closed", "chmod -R go-rwx /venv"),
        ]
    ),
]
# The data directory moved where compose's environment does not say (2026-12-07): by the entrypoint's `env`, or by
# the server's own options. Static read PGDATA from compose's environment only; running saw each.
STOP_SIGNAL = "    stop_signal: SIGINT\n"
CATALOGUE += [
    mutant(
        "pgdata-entrypoint-env",
        C,
        (
            STOP_SIGNAL,
            '    entrypoint: ["env", "PGDATA=/tmp/pgdata", "docker-entrypoint.sh"]\n    command: ["postgres"]\n'
            + STOP_SIGNAL,
        ),
        "Database Volume",
    ),
    mutant(
        "pgdata-command-data-directory",
        C,
        (STOP_SIGNAL, '    command: ["postgres", "-c", "data_directory=/tmp/pgdata"]\n' + STOP_SIGNAL),
        "Database Volume",
    ),
]
CATALOGUE += [  # not built: PostgreSQL 18's image is none of the base images here
    mutant(
        "pgdata-default-of-18",
        C,
        ("    image: postgres:17\n", "    image: postgres:18\n"),
        ("Database Image", "Database Volume"),
        builds=False,
    ),
    # Past a wrapper the official image has (gosu), the server's own -D still moves the data off the volume. The
    # postgres:17 built here has no gosu, so its container cannot start: static only.
    mutant(
        "pgdata-behind-gosu",
        C,
        (
            STOP_SIGNAL,
            '    entrypoint: ["gosu", "postgres", "docker-entrypoint.sh"]\n'
            '    command: ["postgres", "-D", "/tmp/pgdata"]\n' + STOP_SIGNAL,
        ),
        "Database Volume",
        builds=False,
    ),
    # A shell's script is not read at the static level: it cannot tell, so it must not pass.
    mutant(
        "pgdata-in-a-shell",
        C,
        (
            STOP_SIGNAL,
            '    command: ["sh", "-c", "PGDATA=/tmp/pgdata exec docker-entrypoint.sh postgres"]\n' + STOP_SIGNAL,
        ),
        "Database Volume",
    ),
    # `latest` is PostgreSQL 18 today and moves on: its default data directory is no static fact.
    mutant(
        "pgdata-latest-tag",
        C,
        (POSTGRES, POSTGRES.replace("17", "latest")),
        ("Database Image", "Database Volume"),
        builds=False,
    ),
]
EQUIVALENT += [
    mutant(
        "pgdata-command-default",
        C,
        (STOP_SIGNAL, '    command: ["postgres", "-D", "/var/lib/postgresql/data"]\n' + STOP_SIGNAL),
    ),
    # The same server behind a wrapper: gosu starts the image's entrypoint as the postgres user (static only, as
    # pgdata-behind-gosu: the postgres:17 built here has no gosu).
    mutant(
        "pgdata-behind-gosu-default",
        C,
        (
            STOP_SIGNAL,
            '    entrypoint: ["gosu", "postgres", "docker-entrypoint.sh"]\n    command: ["postgres"]\n' + STOP_SIGNAL,
        ),
        builds=False,
    ),
]

# What a shell does on a condition the static level cannot decide, and what a `for` loop assigns.
RUNTIME_APT = "    && apt-get install -y --no-install-recommends libpq5 curl \\\n"
WAIT_DEFAULT = ': "${DB_WAIT_TIMEOUT:=30}"\n'
INDEX_RUN = 'RUN if [ -n "$PACKAGE_INDEX_URL" ]; then \\\n        pip'
CATALOGUE += [
    # `${SET+word}` expands the word when SET is set, and PATH always is: the install runs.
    mutant(
        "install-in-alternate-value",
        D,
        (RUNTIME_APT, RUNTIME_APT + '    && : "${PATH+$(apt-get install -y --no-install-recommends gcc)}" \\\n'),
        ("No Build Tools", "Runtime/Dependencies"),
    ),
    mutant(
        "install-on-a-condition",
        D,
        (
            RUNTIME_APT,
            RUNTIME_APT + '    && if [ -n "$PATH" ]; then apt-get install -y --no-install-recommends gcc; fi \\\n',
        ),
        ("No Build Tools", "Runtime/Dependencies"),
    ),
    # After the loop the variable keeps its last word: the bound is 30 whatever DB_WAIT_TIMEOUT says.
    mutant(
        "wait-bound-by-a-loop",
        E,
        (WAIT_DEFAULT, "for DB_WAIT_TIMEOUT in 30; do :; done\n" + WAIT_DEFAULT),
        "Database Wait",
    ),
    # Migrations and static files prepared for the test settings, not the server's: an assignment of the start-up,
    # as `DJANGO_SETTINGS_MODULE=…` on a line of its own is, which no claim documents (the running level sees more).
    mutant(
        "settings-by-a-loop",
        E,
        (WAIT_DEFAULT, WAIT_DEFAULT + "for DJANGO_SETTINGS_MODULE in core.settings.test; do :; done\n"),
        "(undocumented step)",
    ),
    # The index cleared before pip reads it: built, pip would ask its default index, which is not reachable here.
    mutant(
        "index-cleared-by-a-loop",
        D,
        (
            INDEX_RUN,
            "# The loop keeps the index variable in its own scope here.\n# hadolint ignore=SC2043\n"
            + INDEX_RUN.replace("RUN if", 'RUN for PACKAGE_INDEX_URL in ""; do :; done; if'),
        ),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "index-set-over-by-env",
        D,
        (INDEX_RUN, 'ENV PACKAGE_INDEX_URL=""\n' + INDEX_RUN),
        "Builder/Build Argument",
        builds=False,
    ),
]
EQUIVALENT += [
    # A retry after a failed install installs the same packages: nothing more may be installed.
    mutant(
        "apt-install-retried",
        D,
        (
            RUNTIME_APT,
            "    && { apt-get install -y --no-install-recommends libpq5 curl \\\n"
            "        || { apt-get update && apt-get install -y --no-install-recommends libpq5 curl; }; } \\\n",
        ),
    ),
    # A variable of pip's own set before the index is handed on: the argument still reaches pip.
    mutant(
        "index-run-exports-another",
        D,
        (INDEX_RUN, INDEX_RUN.replace("RUN if", "RUN export PIP_DISABLE_PIP_VERSION_CHECK=1; if")),
    ),
]

# `.dockerignore` as Docker's own reader takes it: `[…]` is a character class, a pattern is cleaned as a path, and
# only one `!` re-includes (2026-12-07). Read literally, these re-included a file the builder never gets, or hid one
# it does get.
IGNORE = ".dockerignore"
CATALOGUE += [
    # The builder gets the configuration (the class re-includes it): gunicorn forks into the background.
    mutant(
        "ignore-class-sends-gunicorn-conf",
        IGNORE,
        (
            "src/backend_django/mediafiles/\n",
            "src/backend_django/mediafiles/\n" + f"{APP}/gunicorn.conf.py\n!{APP}/gunicorn.conf.p[y]\n",
        ),
        ("Runtime/Command", "Server"),
        creates=((f"{APP}/gunicorn.conf.py", "daemon = True\n"),),
    ),
    # `!!entrypoint.sh` re-includes a file named `!entrypoint.sh`: the entrypoint is not sent, and the COPY fails.
    mutant("ignore-double-bang", IGNORE, ("!entrypoint.sh\n", "!!entrypoint.sh\n"), "Runtime/Copy Artifacts Copies"),
]
EQUIVALENT += [
    mutant("ignore-class-entrypoint", IGNORE, ("!entrypoint.sh\n", "!entrypoin[t].sh\n")),
    mutant("ignore-cleaned-path", IGNORE, ("!entrypoint.sh\n", "!./src/../entrypoint.sh\n")),
]

# Compose's own word on the health check and the start order (2026-12-07): its `test:` replaces the image's in the
# stack, and an optional dependency does not hold the start back.
DEPENDS = "        condition: service_healthy\n"
BACKEND_DEPENDS = "    depends_on:\n      db:\n"
CATALOGUE += [
    mutant(
        "backend-health-test-in-compose",
        C,
        (BACKEND_DEPENDS, '    healthcheck:\n      test: ["CMD", "true"]\n' + BACKEND_DEPENDS),
        "Runtime/Healthcheck",
    ),
    mutant("start-order-optional", C, (DEPENDS, DEPENDS + "        required: false\n"), "Start Order"),
]
EQUIVALENT += [
    mutant(
        "backend-health-test-same-in-compose",
        C,
        (
            BACKEND_DEPENDS,
            "    healthcheck:\n      test: curl --fail --silent --show-error --output /dev/null "
            "http://127.0.0.1:8000/health/ || exit 1\n" + BACKEND_DEPENDS,
        ),
    ),
    mutant("start-order-required", C, (DEPENDS, DEPENDS + "        required: true\n")),
    # The builtin `command` runs `exec` as it is: the shell is replaced all the same.
    mutant("exec-through-command", E, ('exec "$@"\n', 'command exec "$@"\n')),
]

# A second adversarial try (2026-12-07): a build step on a condition the static level cannot decide, `**` and line
# ends in `.dockerignore` as Docker reads them, and the index argument given a value or undone before it is used.
GUNICORN_DAEMON = ((f"{APP}/gunicorn.conf.py", "daemon = True\n"),)
IGNORE_END = "src/backend_django/mediafiles/\n"
CATALOGUE += [
    mutant(
        "step-on-a-condition",
        D,
        (
            CHMOD_LINE,
            CHMOD_LINE.rstrip("\n") + " \\\n    && if [ -d /app ]; then sed -i 's/^exec //' /entrypoint.sh; fi\n",
        ),
        "(undocumented step)",
    ),
    # Docker reads `x**.py` as `x`, any folders (or none), then `.py`: the configuration is sent, not left out.
    mutant(
        "ignore-double-star-in-a-name",
        IGNORE,
        (IGNORE_END, IGNORE_END + f"{APP}/gunicorn**.py\n"),
        ("Runtime/Command", "Server"),
        creates=GUNICORN_DAEMON,
    ),
    # A line ends at `\n` only: `#\r…` is one comment, which leaves nothing out.
    mutant(
        "ignore-carriage-return-in-a-comment",
        IGNORE,
        (IGNORE_END, IGNORE_END + f"#\r{APP}/gunicorn.conf.py\n"),
        ("Runtime/Command", "Server"),
        creates=GUNICORN_DAEMON,
    ),
    # Built, these would ask another index than the one given, which is not reachable here: static only.
    mutant(
        "index-default-when-empty",
        D,
        (INDEX_RUN, INDEX_RUN.replace("RUN if", f'RUN : "${{PACKAGE_INDEX_URL:={MIRROR}}}" \\\n    && if')),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "pip-index-under-set-a",
        D,
        (
            "    && pip install --no-cache-dir poetry",
            f'    && set -a && PIP_INDEX_URL={MIRROR} && echo "pip index: $PIP_INDEX_URL" \\\n'
            "    && pip install --no-cache-dir poetry",
        ),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "index-undone-on-its-condition",
        D,
        (PIP_CONFIG, PIP_CONFIG.replace("    fi", "    pip config --global unset global.index-url; \\\n    fi")),
        "Builder/Build Argument",
        builds=False,
    ),
    mutant(
        "index-env-before-the-arg",
        D,
        ('ARG PACKAGE_INDEX_URL=""\n', 'ENV PACKAGE_INDEX_URL=""\nARG PACKAGE_INDEX_URL=""\n'),
        "Builder/Build Argument",
        builds=False,
    ),
]
EQUIVALENT += [
    # The same folders left out, spelt with `**` at the end: anything under them.
    mutant("ignore-double-star-at-the-end", IGNORE, ("src/backend_django/logs/\n", "src/backend_django/logs/**\n")),
    # Windows line ends: Docker drops the `\r` before each `\n`.
    mutant("ignore-crlf", IGNORE, ("\n!entrypoint.sh\n", "\r\n!entrypoint.sh\r\n")),
]

# initdb keeps the write-ahead log apart when told to (2026-12-07): off the volume, a recreated container cannot start.
DB_NAME_ENV = "      POSTGRES_DB: ${POSTGRES_DB:-backend}\n"
CATALOGUE += [
    mutant(
        "pgdata-wal-elsewhere",
        C,
        (DB_NAME_ENV, DB_NAME_ENV + "      POSTGRES_INITDB_ARGS: --waldir=/tmp/pg_wal\n"),
        "Database Volume",
    ),
]
EQUIVALENT += [
    mutant("initdb-checksums", C, (DB_NAME_ENV, DB_NAME_ENV + "      POSTGRES_INITDB_ARGS: --data-checksums\n")),
]

# The backend's health endpoint is the container's own (2026-12-07): the path alone, on another host or on a port the
# server does not listen on, asks something else.
HEALTH_HOST = "http://127.0.0.1:8000/health/"
CATALOGUE += [
    mutant("health-url-other-host", D, (HEALTH_HOST, "http://example.com/health/"), "Runtime/Healthcheck"),
    mutant("health-url-other-port", D, (HEALTH_HOST, "http://127.0.0.1:9999/health/"), "Runtime/Healthcheck"),
]
EQUIVALENT += [mutant("health-url-localhost", D, (HEALTH_HOST, "http://localhost:8000/health/"))]

# A third try, for rewrites the day's stricter checks refused, and what they still let through (2026-12-07).
CATALOGUE += [
    # gunicorn binds 0.0.0.0 (IPv4 only): curl on ::1 is refused, and the container never turns healthy.
    mutant("health-url-ipv6", D, (HEALTH_HOST, "http://[::1]:8000/health/"), "Runtime/Healthcheck"),
    # The server's settings from a file this level does not read, which may move its data directory.
    mutant(
        "pgdata-config-file",
        C,
        (STOP_SIGNAL, "    command: postgres -c config_file=/etc/postgresql/postgresql.conf\n" + STOP_SIGNAL),
        "Database Volume",
        builds=False,
    ),
]
EQUIVALENT += [
    mutant("health-url-short-loopback", D, (HEALTH_HOST, "http://127.1:8000/health/")),  # curl reads it as inet_aton
    mutant(
        "health-port-shell-default",
        D,
        (
            '    CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", '
            '"http://127.0.0.1:8000/health/"]\n',
            '    CMD ["sh", "-c", "curl --fail --silent --show-error --output /dev/null '
            '\\"http://127.0.0.1:${PORT:-8000}/health/\\""]\n',
        ),
    ),
    # Docker's DNS answers the service's name with the container's own address.
    mutant(
        "backend-health-test-by-name",
        C,
        (
            BACKEND_DEPENDS,
            '    healthcheck:\n      test: ["CMD", "curl", "--fail", "http://backend:8000/health/"]\n'
            + BACKEND_DEPENDS,
        ),
    ),
    # A pause before a retry changes nothing in the image.
    mutant(
        "apt-update-retried-after-a-pause",
        D,
        (
            "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq5",
            "RUN { apt-get update || { sleep 5 && apt-get update; }; } \\\n    && apt-get install -y --no-install-recommends libpq5",
        ),
    ),
]
CATALOGUE += [
    # The loop's words are what `$pkg` takes in turn: gcc, then make, are installed.
    mutant(
        "build-tools-in-a-loop",
        D,
        (
            RUNTIME_APT,
            RUNTIME_APT + '    && for pkg in gcc make; do apt-get install -y --no-install-recommends "$pkg"; done \\\n',
        ),
        ("No Build Tools", "Runtime/Dependencies"),
    ),
]
CATALOGUE += [
    # A function's "$@" is its call's words: gcc and make are installed.
    mutant(
        "build-tools-through-a-function",
        D,
        (
            RUNTIME_APT,
            RUNTIME_APT
            + '    && inst() { apt-get install -y --no-install-recommends "$@"; } \\\n    && inst gcc make \\\n',
        ),
        ("No Build Tools", "Runtime/Dependencies"),
    ),
    # What `$TOOLS` holds is the shell's business: the static level cannot tell gcc is not among it.
    mutant(
        "build-tools-from-a-variable",
        D,
        (
            RUNTIME_APT,
            RUNTIME_APT + '    && TOOLS="gcc make" \\\n    && apt-get install -y --no-install-recommends ${TOOLS} \\\n',
        ),
        ("No Build Tools", "Runtime/Dependencies", "Lint"),
    ),
]
EQUIVALENT += [
    # The same two packages, through a function's "$@".
    mutant(
        "apt-through-a-function",
        D,
        (
            RUNTIME_APT,
            '    && inst() { apt-get install -y --no-install-recommends "$@"; } \\\n    && inst libpq5 curl \\\n',
        ),
    ),
]
CATALOGUE += [
    # sh leaves a RUN at `exit`: the venv is made, the requirements never installed into it.
    mutant(
        "venv-filled-after-an-exit",
        D,
        ("RUN python -m venv --without-pip /venv \\\n", "RUN python -m venv --without-pip /venv && exit 0 \\\n"),
        "Builder/Virtual Environment",
    ),
    # pip reads PIP_DRY_RUN from its environment: the install only says what it would do.
    mutant(
        "venv-install-a-dry-run",
        D,
        (
            "RUN python -m venv --without-pip /venv \\\n",
            "RUN export PIP_DRY_RUN=1 \\\n    && python -m venv --without-pip /venv \\\n",
        ),
        "Builder/Virtual Environment",
    ),
    # `#!/bin/sh -s`: sh reads its commands from the input, and the script's path is only $1.
    mutant("entrypoint-reads-its-input", E, ("#!/bin/sh\n", "#!/bin/sh -s\n"), "Shell"),
    # An arithmetic expansion assigns in the shell: the wait is bounded by 1 s whatever the environment says.
    mutant(
        "wait-bound-set-by-arithmetic",
        E,
        (': "${DB_WAIT_TIMEOUT:=30}"\n', ': "${DB_WAIT_TIMEOUT:=30}" "$((DB_WAIT_TIMEOUT = 1))"\n'),
        "Database Wait",
    ),
]
EQUIVALENT += [
    # The shell removes the quotes: the default is 30.
    mutant("wait-default-quoted", E, (': "${DB_WAIT_TIMEOUT:=30}"\n', ': "${DB_WAIT_TIMEOUT:="30"}"\n')),
    # Compose's empty value is unset to `${DB_WAIT_TIMEOUT:=30}`: the wait is still bounded by 30 s.
    mutant(
        "compose-wait-bound-empty",
        C,
        (ENV_BLOCK, "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-}\n"),
    ),
    # Docker reads a range port by port: this one is 8000 alone.
    mutant("expose-as-a-range", D, ("EXPOSE 8000\n", "EXPOSE 8000-8000\n")),
]
EQUIVALENT += [
    # GNU env splits -S's word: sh runs the script with -e and -u, as `set -eu` has it anyway.
    mutant("entrypoint-shell-through-env-split", E, ("#!/bin/sh\n", "#!/usr/bin/env -S sh -eu\n")),
]
EQUIVALENT += [
    # A retry loop over literal words runs its body once at least: the install is as sure as before.
    mutant(
        "apt-install-retried-in-a-loop",
        D,
        (
            RUNTIME_APT,
            "    && for _ in 1 2 3; do apt-get install -y --no-install-recommends libpq5 curl && break; sleep 5; done \\\n",
        ),
    ),
]
CATALOGUE += [
    # nocopy: a fresh volume keeps none of the image's ownership, and only root writes it.
    mutant(
        "static-volume-nocopy",
        C,
        ("      - static-files:/app/staticfiles\n", "      - static-files:/app/staticfiles:nocopy\n"),
        "Read-only Root Filesystem",
    ),
    # Docker mounts /dev/shm for everyone to write, unless the service has no IPC of its own.
    mutant("shared-memory-writable", C, ("    ipc: none\n", ""), "Read-only Root Filesystem"),
]
EQUIVALENT += [
    # A read-only bind mount adds no place that takes writes.
    mutant(
        "localtime-mounted-read-only",
        C,
        (
            "      - backend-logs:/app/logs/backend\n",
            "      - backend-logs:/app/logs/backend\n      - /etc/localtime:/etc/localtime:ro\n",
        ),
    ),
]
CATALOGUE += [
    # A connection string's user written out by hand: the user no longer comes from the environment.
    mutant(
        "dsn-user-by-hand",
        C,
        (
            ENV_BLOCK,
            ENV_BLOCK + "      PG_DSN: host=db user=backend\n",
        ),
        "Credentials",
    ),
]
EQUIVALENT += [
    # The log folder's own default, given by hand: a path with the user's default name in it is no credential.
    mutant(
        "log-dir-given-by-hand",
        C,
        (
            ENV_BLOCK,
            ENV_BLOCK + "      DJANGO_LOG_DIR: /app/logs/backend\n",
        ),
    ),
]
CATALOGUE += [
    # Docker publishes no port of a container whose networks are all internal.
    mutant(
        "network-internal",
        C,
        ("volumes:\n  db-data:\n", "networks:\n  default:\n    internal: true\n\nvolumes:\n  db-data:\n"),
        "Published Port",
    ),
]
CATALOGUE += [
    # Django signs with SECRET_KEY and only checks with the fallbacks: the key given is not the one in use.
    mutant(
        "prod-secret-given-as-a-fallback",
        PROD,
        (
            'SECRET_KEY = env.str("SECRET_KEY")\n',
            'SECRET_KEY = "k3y-baked-into-the-image-0123456789abcdef"\nSECRET_KEY_FALLBACKS = [env.str("SECRET_KEY")]\n',
        ),
        "Required in Production",
        level="image",
    ),
]
EQUIVALENT += [
    # What `:=` does, spelled out: 30 when the variable is unset or empty.
    mutant(
        "wait-default-by-an-empty-test",
        E,
        (': "${DB_WAIT_TIMEOUT:=30}"\n', 'if [ -z "${DB_WAIT_TIMEOUT:-}" ]; then DB_WAIT_TIMEOUT=30; fi\n'),
    ),
]
EQUIVALENT += [
    # pip settings that change no install's target: the venv is filled all the same.
    mutant(
        "venv-install-with-pip-settings",
        D,
        (
            "RUN python -m venv --without-pip /venv \\\n",
            "RUN export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \\\n    && python -m venv --without-pip /venv \\\n",
        ),
    ),
    # Rotation's old keys beside the key from the environment: the key in use is still SECRET_KEY's.
    mutant(
        "prod-secret-with-fallbacks",
        PROD,
        (
            'SECRET_KEY = env.str("SECRET_KEY")\n',
            'SECRET_KEY = env.str("SECRET_KEY")\nSECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])\n',
        ),
    ),
]
CATALOGUE += [
    # The folder is copied less a file the repository holds: the image has no production settings.
    mutant(
        "app-file-left-out-of-the-context",
        IGNORE,
        (
            "src/backend_django/mediafiles/\n",
            "src/backend_django/mediafiles/\nsrc/backend_django/core/settings/prod.py\n",
        ),
        "Runtime/Copy Artifacts Copies",
    ),
]
EQUIVALENT += [
    # What the app writes at run time, left out by other patterns: git ignores all of it, so the folder is whole.
    mutant(
        "dockerignore-app-output-by-glob",
        IGNORE,
        (
            "src/backend_django/db.sqlite3\nsrc/backend_django/logs/\nsrc/backend_django/staticfiles/\n"
            "src/backend_django/mediafiles/\n",
            "src/backend_django/*.sqlite3\nsrc/backend_django/logs\nsrc/backend_django/*files\n",
        ),
    ),
]
CATALOGUE += [
    # A stage's own ARG default wins over the global one in Docker: the server runs as root.
    mutant(
        "user-from-a-stage-arg-default",
        D,
        [
            ("# --8<-- [start:builder]\n", "ARG APP_USER=appuser\n# --8<-- [start:builder]\n"),
            ("USER appuser\n", "ARG APP_USER=root\nUSER $APP_USER\n"),
        ],
        ("Runtime/User", "Non-root"),
    ),
    # The database published on every interface: the stack is no longer reachable from this machine only.
    mutant(
        "db-published-everywhere",
        C,
        ("    stop_signal: SIGINT\n", '    stop_signal: SIGINT\n    ports:\n      - "5432:5432"\n'),
        "Published Port",
    ),
    # libpq reads `?password=` too: the backend keeps the default whatever POSTGRES_PASSWORD says.
    mutant(
        "dsn-password-in-the-query",
        C,
        (
            ":${POSTGRES_PASSWORD:-backend-dev-password}@db:5432/${POSTGRES_DB:-backend}",
            "@db:5432/${POSTGRES_DB:-backend}?password=backend-dev-password",
        ),
        "Credentials",
    ),
    # Percent-escapes are the same password to libpq.
    mutant(
        "dsn-password-percent-encoded",
        C,
        (":${POSTGRES_PASSWORD:-backend-dev-password}@db", ":backend%2Ddev%2Dpassword@db"),
        "Credentials",
    ),
]
EQUIVALENT += [
    # The stage's own default is the one Docker takes: the server still runs as appuser.
    mutant(
        "user-from-a-stage-arg-over-a-global-one",
        D,
        [
            ("# --8<-- [start:builder]\n", "ARG APP_USER=root\n# --8<-- [start:builder]\n"),
            ("USER appuser\n", "ARG APP_USER=appuser\nUSER $APP_USER\n"),
        ],
    ),
    # The database published on loopback only: the stack is still reachable from this machine only.
    mutant(
        "db-published-on-loopback",
        C,
        ("    stop_signal: SIGINT\n", '    stop_signal: SIGINT\n    ports:\n      - "127.0.0.1:5432:5432"\n'),
    ),
    # libpq's application name is no credential, though it is the user's default.
    mutant(
        "app-name-equal-to-the-user",
        C,
        (
            "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n",
            "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n      PGAPPNAME: backend\n",
        ),
    ),
]
CATALOGUE += [
    # pip's own options send the install out of the venv: /venv stays empty.
    mutant(
        "venv-install-with-a-target",
        D,
        ("install --no-cache-dir -r requirements.txt", "install --no-cache-dir -t/tmp/deps -r requirements.txt"),
        "Builder/Virtual Environment",
    ),
    mutant(
        "venv-install-with-a-prefix",
        D,
        (
            "install --no-cache-dir -r requirements.txt",
            "install --no-cache-dir --prefix /usr/local -r requirements.txt",
        ),
        "Builder/Virtual Environment",
    ),
    # apt's configuration items that install nothing: it only simulates, or only prints the URIs.
    mutant(
        "runtime-apt-simulated-by-an-option",
        D,
        (RUNTIME_APT, RUNTIME_APT.replace("apt-get install", "apt-get -o APT::Get::Simulate=true install")),
        "Runtime/Dependencies",
    ),
    mutant(
        "runtime-apt-print-uris",
        D,
        (RUNTIME_APT, RUNTIME_APT.replace("install -y", "install -y --print-uris")),
        "Runtime/Dependencies",
    ),
    # The EXIT trap's `exit 0` is the status: the check never fails.
    mutant(
        "db-health-exit-trap",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}', f'"CMD-SHELL", "trap \'exit 0\' EXIT; {PG_ISREADY}'),
        "Database Health Check",
    ),
    # The shell keeps the low eight bits: `exit 256` is `exit 0`.
    mutant("db-health-exit-256", C, (PG_ISREADY, f"{PG_ISREADY} || exit 256"), "Database Health Check"),
    # The kernel applies mount options in order: `ro,rw` is writable.
    mutant("mqueue-ro-then-rw", C, ("/dev/mqueue:ro\n", "/dev/mqueue:ro,rw\n"), "Read-only Root Filesystem"),
    # gunicorn's `--env` sets the variable in the server over the image's: the server loads production settings.
    mutant(
        "settings-module-by-gunicorn-env",
        D,
        ('"--access-logfile", "-"]', '"--access-logfile", "-", "--env", "DJANGO_SETTINGS_MODULE=core.settings.prod"]'),
        "Runtime/Environment Variables DJANGO_SETTINGS_MODULE",
    ),
    # The kernel reads the `#!` line to `\n`: it looks for a program named `/bin/sh\r`.
    mutant("entrypoint-shebang-cr", E, ("#!/bin/sh\n", "#!/bin/sh\r\n"), "Shell"),
]
EQUIVALENT += [
    # Under `set -e` pg_isready's failure ends the check with its status.
    mutant(
        "db-health-under-set-e", C, (f'"CMD-SHELL", "{PG_ISREADY}"', f'"CMD-SHELL", "set -e; {PG_ISREADY}; echo ready"')
    ),
    # The branch taken when pg_isready fails exits 1.
    mutant(
        "db-health-if-else",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}"', f'"CMD-SHELL", "if {PG_ISREADY}; then exit 0; else exit 1; fi"'),
    ),
    # `rw,ro`: the last one wins, read-only.
    mutant("mqueue-rw-then-ro", C, ("/dev/mqueue:ro\n", "/dev/mqueue:rw,ro\n")),
    # gunicorn reads `-b0.0.0.0:8000` as `--bind 0.0.0.0:8000`.
    mutant("bind-attached-short-option", D, ('"--bind", "0.0.0.0:8000"', '"-b0.0.0.0:8000"')),
    # gunicorn's `--env` with the value the docs give changes nothing.
    mutant(
        "settings-module-by-gunicorn-env-alike",
        D,
        ('"--access-logfile", "-"]', '"--access-logfile", "-", "-eDJANGO_SETTINGS_MODULE=core.settings.dev"]'),
    ),
]
WAIT_STEP = 'python manage.py wait_for_db --timeout "$DB_WAIT_TIMEOUT"'
EQUIVALENT += [
    # The message before the exit leaves the status to `exit 1`: a failed wait still stops the start.
    mutant("wait-failure-says-why", E, (WAIT_STEP, WAIT_STEP + ' || { echo "entrypoint: no database" >&2; exit 1; }')),
    mutant(
        "migrate-failure-says-why",
        E,
        (MIGRATE, f'if ! {MIGRATE.strip()}; then echo "entrypoint: migrations failed" >&2; exit 1; fi\n'),
    ),
]
CATALOGUE += [
    # The group's `exit 0` ends the start quietly when migrate fails: the server never runs, and nothing says why.
    mutant(
        "migrate-rescued-by-a-group",
        E,
        (MIGRATE, f'{MIGRATE.strip()} || {{ echo "no" >&2; exit 0; }}\n'),
        ("Shell", "Server", "Runtime/Command"),
    ),
]
CATALOGUE += [
    # The password written into the server's own command line: POSTGRES_PASSWORD no longer reaches it alone.
    mutant(
        "password-in-a-command",
        C,
        (
            "    stop_signal: SIGINT\n",
            '    stop_signal: SIGINT\n    command: ["postgres", "-c", "password_encryption=scram-sha-256", '
            '"--superuser-password=backend-dev-password"]\n',
        ),
        "Credentials",
    ),
]
EQUIVALENT += [
    # The one-line spellings over several lines: the failing exit goes with migrate, the test with the default.
    mutant("migrate-if-not-on-lines", E, (MIGRATE, f"if ! {MIGRATE.strip()}; then\n    exit 1\nfi\n")),
    mutant(
        "wait-default-by-an-empty-test-on-lines",
        E,
        (': "${DB_WAIT_TIMEOUT:=30}"\n', 'if [ -z "${DB_WAIT_TIMEOUT:-}" ]; then\n    DB_WAIT_TIMEOUT=30\nfi\n'),
    ),
]
CATALOGUE += [
    # A precondition no page names: the start-up stops when a file is there, over lines of their own.
    mutant(
        "precondition-on-lines",
        E,
        (MIGRATE, f"if [ -f /tmp/maintenance ]; then\n    exit 1\nfi\n{MIGRATE}"),
        "(undocumented step)",
    ),
]
CATALOGUE += [
    # Under `set -e` a test on a line of its own asserts: the start stops when the file is missing, unsaid.
    mutant("assertion-on-its-own-line", E, (MIGRATE, f"test -f /app/ready\n{MIGRATE}"), "(undocumented step)"),
    # env looks for a program named `sh\r`: the container never starts.
    mutant("entrypoint-shebang-env-cr", E, ("#!/bin/sh\n", "#!/usr/bin/env sh\r\n"), "Shell"),
    # The user's default written into a command line, under an option naming a user.
    mutant(
        "user-in-a-command-option",
        C,
        ("    stop_signal: SIGINT\n", '    stop_signal: SIGINT\n    command: ["postgres", "--username=backend"]\n'),
        "Credentials",
    ),
]
EQUIVALENT += [
    # A bare `exit` in the EXIT trap keeps pg_isready's status.
    mutant(
        "db-health-trap-keeps-the-status",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}', f'"CMD-SHELL", "trap \'rm -f /tmp/pg.lock; exit\' EXIT; {PG_ISREADY}'),
    ),
    # pip reads `-rrequirements.txt` as `-r requirements.txt`: no `-t` in it.
    mutant(
        "venv-requirements-attached",
        D,
        ("install --no-cache-dir -r requirements.txt", "install --no-cache-dir -rrequirements.txt"),
    ),
]
CATALOGUE += [
    # gunicorn reads ./gunicorn.conf.py from /app on its own: its raw_env sets the settings module over the ENV.
    mutant(
        "settings-module-by-gunicorn-raw-env",
        f"{APP}/gunicorn.conf.py",
        ("", 'raw_env = ["DJANGO_SETTINGS_MODULE=core.settings.prod"]\n'),
        "Runtime/Environment Variables DJANGO_SETTINGS_MODULE",
        new_file=True,
    ),
]
EQUIVALENT += [
    # raw_env giving the value the docs give changes nothing.
    mutant(
        "settings-module-by-gunicorn-raw-env-alike",
        f"{APP}/gunicorn.conf.py",
        ("", 'raw_env = ["DJANGO_SETTINGS_MODULE=core.settings.dev"]\n'),
        new_file=True,
    ),
]
GUNICORN_CMD = (
    'CMD ["gunicorn", "core.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--graceful-timeout", "5", '
    '"--access-logfile", "-"]'
)
SH_GUNICORN = "gunicorn core.wsgi:application --bind 0.0.0.0:8000 --workers 2 --graceful-timeout 5 --access-logfile -"
EQUIVALENT += [
    # sh replaces itself with gunicorn: the process is gunicorn, with the same words.
    mutant("cmd-through-sh-exec", D, (GUNICORN_CMD, f'CMD ["sh", "-c", "exec {SH_GUNICORN}"]')),
]
CATALOGUE += [
    # Without `exec`, and with a command after it, sh stays the process and gunicorn is its child.
    mutant(
        "cmd-through-sh-without-exec", D, (GUNICORN_CMD, f'CMD ["sh", "-c", "{SH_GUNICORN}; true"]'), "Runtime/Command"
    ),
]
# A second database behind the `debug` profile, publishing the given port mapping.
DEBUG_DB = '\n  debug-db:\n    image: postgres:17\n    profiles: ["debug"]\n    ports:\n      - "{}"\n\nvolumes:\n'
CATALOGUE += [
    # A service in a profile is a `--profile debug` away from being up, publishing the database everywhere.
    mutant(
        "profile-service-published-everywhere",
        C,
        ("\nvolumes:\n", DEBUG_DB.format("5433:5432")),
        "Published Port",
    ),
]
EQUIVALENT += [
    # The same service published on loopback: the stack stays reachable from this machine only.
    mutant(
        "profile-service-published-on-loopback",
        C,
        ("\nvolumes:\n", DEBUG_DB.format("127.0.0.1:5433:5432")),
    ),
]
EQUIVALENT += [
    # Right after `||`, `$?` is migrate's failing status, and a bare `exit` keeps it: the start-up still fails.
    mutant("migrate-or-exit-its-status", E, (MIGRATE, "python manage.py migrate --noinput || exit $?\n")),
    mutant("migrate-or-a-bare-exit", E, (MIGRATE, "python manage.py migrate --noinput || exit\n")),
]
CATALOGUE += [
    # After the echo, `$?` is the echo's 0: a failed migration ends the start-up as a success, the server never run
    # (the failure hidden, as `exit 0` hides it).
    mutant(
        "migrate-or-echo-then-exit-its-status",
        E,
        (MIGRATE, "python manage.py migrate --noinput || { echo 'migrations failed' >&2; exit $?; }\n"),
        ("Runtime/Command", "Shell", "Server"),
    ),
]
EQUIVALENT += [
    # gunicorn binds an empty host as the wildcard, and reads past `tcp://`: the same 0.0.0.0:8000.
    mutant("bind-with-an-empty-host", D, ('"--bind", "0.0.0.0:8000"', '"--bind", ":8000"')),
    mutant("bind-with-the-tcp-scheme", D, ('"--bind", "0.0.0.0:8000"', '"--bind=tcp://0.0.0.0:8000"')),
]
CATALOGUE += [
    # The empty host is still the wildcard, but the port is another: the server is not where the docs send readers.
    mutant(
        "bind-with-an-empty-host-on-another-port",
        D,
        ('"--bind", "0.0.0.0:8000"', '"--bind", ":8001"'),
        "Runtime/Command",
    ),
]
EQUIVALENT += [
    # The script starts in WORKDIR /app: /app/manage.py is the manage.py the docs name.
    mutant("migrate-by-the-absolute-path", E, (MIGRATE, "python /app/manage.py migrate --noinput\n")),
]
CATALOGUE += [
    # Another folder's manage.py: not this project's migrations (here, no file at all, so the start-up fails).
    mutant(
        "migrate-of-another-folders-manage-py", E, (MIGRATE, "python /srv/manage.py migrate --noinput\n"), "Migrations"
    ),
]
EQUIVALENT += [
    # Django's superuser may share the database user's name: it is another account, no credential of the database.
    mutant(
        "superuser-named-as-the-database-user",
        C,
        (
            "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n",
            "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n      DJANGO_SUPERUSER_USERNAME: backend\n",
        ),
    ),
]
CATALOGUE += [
    # The database's user written by hand under a key naming the database: a credential not from the environment.
    mutant(
        "database-user-by-hand",
        C,
        (
            "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n",
            "      DB_WAIT_TIMEOUT: ${DB_WAIT_TIMEOUT:-30}\n      DATABASE_USERNAME: backend\n",
        ),
        "Credentials",
    ),
]
EQUIVALENT += [
    # A subshell's `exit 1` is its status: the health check and the start-up still fail as pg_isready and migrate do.
    mutant(
        "db-health-or-a-failing-subshell",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}"', f'"CMD-SHELL", "{PG_ISREADY} || (echo down >&2; exit 1)"'),
    ),
    mutant(
        "migrate-or-a-failing-subshell",
        E,
        (MIGRATE, "python manage.py migrate --noinput || (echo failed >&2; exit 1)\n"),
    ),
]
CATALOGUE += [
    # The subshell ends well: the database is never reported unhealthy.
    mutant(
        "db-health-or-a-subshell-that-ends-well",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}"', f'"CMD-SHELL", "{PG_ISREADY} || (echo down >&2; exit 0)"'),
        "Database Health Check",
    ),
]
EQUIVALENT += [
    # `$?` is still migrate's failure as the first command of a group after `||`, or of the `else` of `if migrate`.
    mutant(
        "migrate-or-a-group-exiting-its-status", E, (MIGRATE, "python manage.py migrate --noinput || { exit $?; }\n")
    ),
    mutant(
        "migrate-else-exit-its-status",
        E,
        (MIGRATE, "if python manage.py migrate --noinput; then :; else exit $?; fi\n"),
    ),
]
CATALOGUE += [
    # In a subshell after an echo, `exit $?` exits 0: the start-up goes on to an unmigrated database.
    mutant(
        "migrate-or-a-subshell-echoing-then-exiting-its-status",
        E,
        (MIGRATE, "python manage.py migrate --noinput || (echo 'migrate failed' >&2; exit $?)\n"),
        "Shell",
    ),
    # In the `then` of `if ! migrate`, `${?}` is the negation's 0: a failed migration ends the start-up quietly.
    mutant(
        "migrate-negated-then-exit-its-status-braced",
        E,
        (MIGRATE, "if ! python manage.py migrate --noinput; then exit ${?}; fi\n"),
        ("Runtime/Command", "Shell", "Server"),
    ),
    # An argument under WORKDIR is no manage.py: Django reads `/app/migrate` as an unknown command.
    mutant(
        "migrate-command-spelt-under-workdir",
        E,
        (MIGRATE, "python /app/manage.py /app/migrate --noinput\n"),
        "Migrations",
    ),
    # `0.0.0.0:` has no port: gunicorn refuses to start.
    mutant("bind-with-an-empty-port", D, ('"--bind", "0.0.0.0:8000"', '"--bind", "0.0.0.0:"'), "Runtime/Command"),
    # The database's health check ends well after its message: it never reports the database unhealthy.
    mutant(
        "db-health-or-echo-then-exit-its-status",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}"', f'"CMD-SHELL", "{PG_ISREADY} || (echo down >&2; exit $$?)"'),
        "Database Health Check",
    ),
    # A tool behind a profile, given the database's user and database by psql's short options.
    mutant(
        "psql-tool-with-short-options",
        C,
        (
            "\nvolumes:\n",
            '\n  dbcheck:\n    image: postgres:17\n    profiles: ["tools"]\n    entrypoint: ["psql"]\n'
            '    command: ["-h", "db", "-U", "backend", "-d", "backend"]\n\nvolumes:\n',
        ),
        "Credentials",
    ),
    # Words for the image's own entrypoint: the image names the program, a database's here.
    mutant(
        "database-user-for-the-image-entrypoint",
        C,
        (
            "\nvolumes:\n",
            '\n  dbcheck:\n    image: postgres:17\n    profiles: ["tools"]\n'
            '    command: ["-h", "db", "--username", "backend"]\n\nvolumes:\n',
        ),
        "Credentials",
    ),
    # A tool behind a profile with the password by hand: POSTGRES_PASSWORD would not reach it.
    mutant(
        "password-by-hand-behind-a-profile",
        C,
        (
            "\nvolumes:\n",
            '\n  psql:\n    image: postgres:17\n    profiles: ["tools"]\n    environment:\n'
            "      PGPASSWORD: backend-dev-password\n\nvolumes:\n",
        ),
        "Credentials",
    ),
]
EQUIVALENT += [
    # The `die` idiom: the function the rescue calls exits 1, so the start-up still stops on a failed migration.
    mutant(
        "migrate-or-die",
        E,
        [
            ("set -eu\n", 'set -eu\ndie() { echo "entrypoint: $1" >&2; exit 1; }\n'),
            (MIGRATE, 'python manage.py migrate --noinput || die "migrations failed"\n'),
        ],
    ),
]
CATALOGUE += [
    # A function that only warns: the start-up goes on past a failed migration.
    mutant(
        "migrate-or-warn",
        E,
        [
            ("set -eu\n", 'set -eu\nwarn() { echo "entrypoint: $1" >&2; }\n'),
            (MIGRATE, 'python manage.py migrate --noinput || warn "migrations failed"\n'),
        ],
        "Shell",
    ),
]
CATALOGUE += [
    # The database's health test with the user and database written out: it ignores POSTGRES_USER and POSTGRES_DB.
    mutant(
        "db-health-by-the-defaults-by-hand",
        C,
        (f'"CMD-SHELL", "{PG_ISREADY}"', '"CMD-SHELL", "pg_isready -U backend -d backend"'),
        "Credentials",
    ),
    # A tool's `sh -c` script dumping the database as the default user.
    mutant(
        "database-user-in-a-shell-script",
        C,
        (
            "\nvolumes:\n",
            '\n  dump:\n    image: postgres:17\n    profiles: ["tools"]\n'
            '    command: ["sh", "-c", "pg_dump -h db -U backend -d backend > /tmp/dump.sql"]\n\nvolumes:\n',
        ),
        "Credentials",
    ),
    # psql's `-U` glued to its value.
    mutant(
        "database-user-glued-to-its-option",
        C,
        (
            "\nvolumes:\n",
            '\n  dbcheck:\n    image: postgres:17\n    profiles: ["tools"]\n    entrypoint: ["psql", "-Ubackend"]\n\nvolumes:\n',
        ),
        "Credentials",
    ),
    # A function redefined only inside a body nothing calls: the `die` that runs only warns.
    mutant(
        "migrate-or-a-die-redefined-where-it-never-runs",
        E,
        [
            ("set -eu\n", 'set -eu\ndie() { echo "$1" >&2; }\nstrict() { die() { echo "$1" >&2; exit 1; }; }\n'),
            (MIGRATE, 'python manage.py migrate --noinput || die "migrations failed"\n'),
        ],
        "Shell",
    ),
]
EQUIVALENT += [
    # `dbmate -d` names a folder, not the database: no credential.
    mutant(
        "a-tool-whose-name-holds-db",
        C,
        (
            "\nvolumes:\n",
            '\n  migrator:\n    image: postgres:17\n    profiles: ["tools"]\n'
            '    entrypoint: ["dbmate", "-d", "backend", "up"]\n\nvolumes:\n',
        ),
    ),
    # `die` ends by calling another function that exits 1, or by `return 1` under `set -e`: the start-up stops.
    mutant(
        "migrate-or-die-through-fatal",
        E,
        [
            ("set -eu\n", 'set -eu\nfatal() { echo "entrypoint: $1" >&2; exit 1; }\ndie() { fatal "$1"; }\n'),
            (MIGRATE, 'python manage.py migrate --noinput || die "migrations failed"\n'),
        ],
    ),
    mutant(
        "migrate-or-die-by-return",
        E,
        [
            ("set -eu\n", 'set -eu\ndie() { echo "entrypoint: $1" >&2; return 1; }\n'),
            (MIGRATE, 'python manage.py migrate --noinput || die "migrations failed"\n'),
        ],
    ),
    # `|| exit $?` on a line of its own after the `||`.
    mutant(
        "migrate-or-exit-its-status-on-the-next-line",
        E,
        (MIGRATE, "python manage.py migrate --noinput ||\n    exit $?\n"),
    ),
]
