"""Local development and the stand-alone image: SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-do-not-use-in-production")
