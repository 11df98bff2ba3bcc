"""pytest: in-memory SQLite, fast hashing, logs outside the source tree."""

import os
import tempfile
from pathlib import Path

TMP_DIR = Path(tempfile.gettempdir()) / "backend-django-test"
# base.py creates the log dir on import, so point it away first.
os.environ["DJANGO_LOG_DIR"] = str(TMP_DIR / "logs")

from .base import *  # noqa: E402,F403

SECRET_KEY = "test-only-secret-key"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests never run collectstatic: no manifest to look names up in, and an
# empty STATIC_ROOT that exists keeps WhiteNoise from warning.
STATIC_ROOT = TMP_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
