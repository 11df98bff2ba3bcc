# The backend image in two stages: `builder` compiles the dependencies into a
# virtual environment; the runtime stage carries only that environment, the
# app and its entrypoint. Section markers below feed the docs' snippets.

# --8<-- [start:builder]
FROM python:3.13-slim AS builder

# Optional PEP 503 index for pip and Poetry; empty means their defaults.
# Declared before WORKDIR so the two stages never share a first layer, which
# would let the legacy builder's cache mix them up.
ARG PACKAGE_INDEX_URL=""

WORKDIR /app

# Compilers and libpq headers build psycopg's C implementation. Packages
# follow the base image's Debian release, so their versions are not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc g++ libpq-dev \
    && rm -rf /var/lib/apt/lists/*

RUN if [ -n "$PACKAGE_INDEX_URL" ]; then \
        pip config --global set global.index-url "$PACKAGE_INDEX_URL"; \
    fi \
    && pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1

COPY pyproject.toml poetry.lock ./

# The lock is checked against pyproject.toml; only the image's groups leave.
RUN if [ -n "$PACKAGE_INDEX_URL" ]; then \
        poetry source add --priority=primary package-index "$PACKAGE_INDEX_URL"; \
    fi \
    && POETRY_VIRTUALENVS_CREATE=false poetry lock \
    && poetry export --only django,shared --output requirements.txt

# No pip inside /venv: the base image's pip installs into it, and nothing at run time needs one.
RUN python -m venv --without-pip /venv \
    && pip --python /venv/bin/python install --no-cache-dir -r requirements.txt
# --8<-- [end:builder]

# --8<-- [start:runtime]
FROM python:3.13-slim AS runtime

WORKDIR /app

# libpq for psycopg's C implementation, curl for the health check; unpinned, as
# they follow the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 1000 appuser \
    && useradd --uid 1000 --gid appuser --no-create-home --shell /usr/sbin/nologin appuser

COPY --from=builder /venv /venv
# Owned at copy time, so no `chown -R` layer duplicates the code.
COPY --chown=appuser:appuser src/backend_django /app
COPY entrypoint.sh /entrypoint.sh

RUN mkdir -p /app/staticfiles /app/mediafiles /app/logs/backend \
    && chown appuser:appuser /app /app/staticfiles /app/mediafiles /app/logs /app/logs/backend \
    && chmod +x /entrypoint.sh

# The docs name the user; useradd above fixes its UID at 1000.
# hadolint ignore=DL3066
USER appuser

ENV PATH="/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=core.settings.dev \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Every 2 s: compose reports the stack up, and a failing backend unhealthy, within seconds.
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=3 \
    CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:8000/health/"]

WORKDIR /app

EXPOSE 8000

ENTRYPOINT ["/entrypoint.sh"]
CMD ["gunicorn", "core.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--graceful-timeout", "5", "--access-logfile", "-"]
# --8<-- [end:runtime]
