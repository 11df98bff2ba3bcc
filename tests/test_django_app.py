"""The Django app for real: /health/, the prod settings guard, wait_for_db.

Cases that need another settings module or a dead database run in a
subprocess (cwd=src/backend_django, this interpreter), as the image does.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

APP_DIR = Path(__file__).resolve().parent.parent / "src" / "backend_django"
# The discard port on loopback: nothing listens, so connecting fails at once.
UNREACHABLE_DB = "postgres://u:p@127.0.0.1:9/x"
PROD_SECRET = secrets.token_urlsafe(50)
# tests/conftest.py exports DJANGO_SETTINGS_MODULE; a stray DATABASE_URL would skew prod cases.
ISOLATED_VARS = ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")


def run(args, tmp_path, timeout=60, **env):
    """Run `python *args` in the app dir with only the Django variables given."""
    environ = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARS}
    environ.update(DJANGO_LOG_DIR=str(tmp_path / "logs"), **env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=APP_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.django_db
def test_health_ok(client, django_assert_num_queries):
    assert reverse("health") == "/health/"
    with django_assert_num_queries(1):  # SELECT 1, nothing else
        response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_ignores_allowed_hosts(client):
    # Probes address the container by IP; other paths still get host checks.
    assert client.get("/health/", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/elsewhere/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_health_503_when_database_unreachable(tmp_path):
    code = (
        "import json, django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/health/')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    started = time.monotonic()
    result = run(
        ["-c", code],
        tmp_path,
        DJANGO_SETTINGS_MODULE="core.settings.dev",
        DATABASE_URL=UNREACHABLE_DB,
    )
    assert time.monotonic() - started < 15
    assert result.returncode == 0, result.stderr
    # Logging also goes to stdout; our line is the last one.
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    body = outcome["body"]
    assert body["status"] == "error"
    assert body["database"] == "unavailable"
    assert "127.0.0.1" in body["reason"]
    assert "port 9 failed" in body["reason"]
    assert "refused" in body["reason"].lower()
    assert "\n" not in body["reason"]
    # ...and the failure reached the log file, not just stdout.
    log = (tmp_path / "logs" / "django.log").read_text()
    assert "Service Unavailable: /health/" in log


@pytest.mark.parametrize(
    "given, missing",
    [
        ({"DATABASE_URL": UNREACHABLE_DB}, ["SECRET_KEY"]),
        ({"SECRET_KEY": PROD_SECRET}, ["DATABASE_URL"]),
        ({}, ["SECRET_KEY", "DATABASE_URL"]),
        ({"SECRET_KEY": "", "DATABASE_URL": UNREACHABLE_DB}, ["SECRET_KEY"]),
    ],
    ids=["no-secret-key", "no-database-url", "neither", "empty-secret-key"],
)
def test_prod_settings_refuse_missing_variables(tmp_path, given, missing):
    result = run(["-c", "import core.settings.prod"], tmp_path, **given)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    for name in ("SECRET_KEY", "DATABASE_URL"):
        assert (name in last_line) == (name in missing), last_line


def test_prod_settings_pass_deploy_check(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="core.settings.prod",
        SECRET_KEY=PROD_SECRET,
        DATABASE_URL=UNREACHABLE_DB,
        ALLOWED_HOSTS="example.com,www.example.com",
    )
    assert result.returncode == 0, result.stderr
    # Only the deliberate ones: SSL redirect is opt-in, HSTS preload too.
    warnings = set(re.findall(r"\((security\.\w+)\)", result.stderr + result.stdout))
    assert warnings <= {"security.W008", "security.W021"}, result.stderr


def test_dev_settings_pass_check(tmp_path):
    result = run(["manage.py", "check"], tmp_path, DJANGO_SETTINGS_MODULE="core.settings.dev")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_wait_for_db_gives_up_on_unreachable_database(tmp_path):
    started = time.monotonic()
    result = run(
        ["manage.py", "wait_for_db", "--timeout", "2", "--interval", "0.5"],
        tmp_path,
        timeout=30,
        DJANGO_SETTINGS_MODULE="core.settings.dev",
        DATABASE_URL=UNREACHABLE_DB,
    )
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    # Bounded, not fast: it gives up rather than hang (Django's start-up on a loaded machine is the slack).
    assert elapsed < 2 + 20, f"took {elapsed:.1f}s"
    assert "waiting for database 127.0.0.1:9 (0s/2s):" in result.stdout
    assert result.stdout.count("waiting for database 127.0.0.1:9") >= 2
    assert "CommandError: database 127.0.0.1:9 still unavailable after 2s" in result.stderr
    assert "refused" in result.stderr.lower()


def test_wait_for_db_returns_at_once_for_sqlite(tmp_path):
    started = time.monotonic()
    result = run(
        ["manage.py", "wait_for_db", "--timeout", "30"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="core.settings.dev",
    )
    assert result.returncode == 0, result.stderr
    assert "database is sqlite, nothing to wait for" in result.stdout
    assert time.monotonic() - started < 10  # interpreter start-up, not the 30 s timeout
