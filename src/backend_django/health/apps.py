import logging

from django.apps import AppConfig
from django.conf import settings


class HealthConfig(AppConfig):
    name = "health"

    def ready(self) -> None:
        # Each process says which settings it really runs with: the docs' checks read this line,
        # and so can an operator, whatever the environment or the server's own options claimed.
        logging.getLogger("health").info("settings module %s", settings.SETTINGS_MODULE)
