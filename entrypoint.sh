#!/bin/sh
# Container start-up: wait for the database, migrate, collect static files,
# then replace this shell with the server so it is PID 1 and gets SIGTERM.
set -eu

: "${DB_WAIT_TIMEOUT:=30}"

# --8<-- [start:wait]
echo "entrypoint: waiting for the database (at most ${DB_WAIT_TIMEOUT}s)"
python manage.py wait_for_db --timeout "$DB_WAIT_TIMEOUT"
# --8<-- [end:wait]

# --8<-- [start:prepare]
echo "entrypoint: applying migrations"
python manage.py migrate --noinput

echo "entrypoint: collecting static files"
python manage.py collectstatic --noinput
# --8<-- [end:prepare]

# --8<-- [start:exec]
echo "entrypoint: starting $*"
exec "$@"
# --8<-- [end:exec]
