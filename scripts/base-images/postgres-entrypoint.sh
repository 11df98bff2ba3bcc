#!/usr/bin/env bash
# Entrypoint of the postgres stand-in (scripts/base-images.sh), with the
# official image's contract: POSTGRES_PASSWORD (unless
# POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER, POSTGRES_DB,
# POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256),
# their *_FILE variants, and /docker-entrypoint-initdb.d/* on first start.
set -Eeuo pipefail

# VAR or VAR_FILE (e.g. a Docker secret), not both.
file_env() {
	local var=$1 file_var="${1}_FILE" val=${2:-}
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		echo >&2 "error: both $var and $file_var are set (but are exclusive)"
		exit 1
	fi
	if [ -n "${!var:-}" ]; then val=${!var}; elif [ -n "${!file_var:-}" ]; then val=$(<"${!file_var}"); fi
	export "$var"="$val"
	unset "$file_var"
}

init_cluster() {
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		echo >&2 'Error: Database is uninitialized and superuser password is not specified: set POSTGRES_PASSWORD'
		echo >&2 '       (or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without one; not recommended).'
		exit 1
	fi
	# initdb refuses an empty pwfile, hence the newline
	eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"
	printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

	# A server for the set-up steps on a private unix socket only, so nothing
	# outside (TCP clients, pg_isready health checks) mistakes it for the real
	# one.  Scripts in /docker-entrypoint-initdb.d reach it through PGHOST.
	PGHOST=$(mktemp -d /tmp/pg-init.XXXXXX)
	export PGHOST PGPASSWORD=$POSTGRES_PASSWORD
	PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -w start \
		-o "-c listen_addresses='' -c unix_socket_directories=$PGHOST -p ${PGPORT:-5432}"
	local psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc) f
	if [ "$POSTGRES_DB" != postgres ] && [ -z "$("${psql[@]}" --dbname postgres -tA --set db="$POSTGRES_DB" \
		<<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" ]; then
		"${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
	fi
	# shellcheck disable=SC1090 # the scripts are the user's
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
		*.sh) echo "$0: running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
		*.sql) echo "$0: running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
		*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
		*) [ ! -e "$f" ] || echo "$0: ignoring $f" ;;
		esac
	done
	unset PGPASSWORD
	pg_ctl -D "$PGDATA" -m fast -w stop
	rm -rf "$PGHOST" && unset PGHOST
	printf '\nPostgreSQL init process complete; ready for start up.\n\n'
}

[[ ${1:-} != -* ]] || set -- postgres "$@"
for arg; do case "$arg" in -'?' | --help | --describe-config | -V | --version) help=1 ;; esac; done

if [ "${1:-}" = postgres ] && [ -z "${help:-}" ]; then
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$PGDATA" /var/run/postgresql
		chmod 00700 "$PGDATA" || :
		chmod 03775 /var/run/postgresql || :
		find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
		# start again as postgres; exec keeps the final server as PID 1
		exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
	fi
	if [ -s "$PGDATA/PG_VERSION" ]; then
		printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
	else
		init_cluster
	fi
fi

exec "$@"
