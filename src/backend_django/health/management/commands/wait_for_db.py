import time

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connections

from health.views import one_line

DEFAULT_PORTS = {"postgresql": "5432", "mysql": "3306"}


class Command(BaseCommand):
    help = "Wait until the default database accepts connections (container start-up)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30, help="seconds before giving up (default 30)")
        parser.add_argument("--interval", type=float, default=1, help="seconds between attempts (default 1)")

    def handle(self, *args, timeout, interval, **options):
        connection = connections["default"]
        if connection.vendor == "sqlite":
            self.stdout.write("database is sqlite, nothing to wait for")
            return

        db = connection.settings_dict
        target = f"{db['HOST'] or 'localhost'}:{db['PORT'] or DEFAULT_PORTS.get(connection.vendor, '?')}"
        start = time.monotonic()
        while True:
            try:
                connection.ensure_connection()
            except OperationalError as exc:
                reason = one_line(exc)
            else:
                elapsed = time.monotonic() - start
                self.stdout.write(self.style.SUCCESS(f"database is up after {elapsed:.0f}s"))
                return
            elapsed = time.monotonic() - start
            self.stdout.write(f"waiting for database {target} ({elapsed:.0f}s/{timeout:g}s): {reason}")
            if elapsed >= timeout:
                raise CommandError(f"database {target} still unavailable after {timeout:g}s: {reason}")
            # Sleep no further than the deadline, so the last attempt lands on it.
            time.sleep(min(interval, timeout - elapsed))
