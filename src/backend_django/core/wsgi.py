"""WSGI entry point (gunicorn core.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

# Fail closed: without an explicit choice, serve with production settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.prod")

application = get_wsgi_application()
