#!/usr/bin/env bash
# Runs inside the postgres stand-in's root fs (debuerreotype-chroot, in the
# folder it was copied to): Debian trixie's PostgreSQL laid out like the
# official postgres:17 image.  Leaves the image's build arguments in ./build-args.
set -euo pipefail
umask 0022 # debuerreotype's is 0002
major=17
fail() { echo "postgres.sh: $*" >&2; exit 1; }
install=(apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends)

# As the official image: the postgres user has ids 999 (data volumes stay
# portable) and Debian's default cluster is never created (the data lives in
# $PGDATA, initialised by the entrypoint).
groupadd -r postgres --gid=999
useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres
install -d -o postgres -g postgres -m 0755 /var/lib/postgresql
"${install[@]}" postgresql-common
conf=/etc/postgresql-common/createcluster.conf
sed -ri 's/^#?\s*(create_main_cluster)\s*=.*/\1 = false/' "$conf"
grep -q '^create_main_cluster = false' "$conf" || fail "could not switch off create_main_cluster in $conf"
"${install[@]}" "postgresql-$major"

echo "entrypoint ..."
sample=/usr/share/postgresql/$major/postgresql.conf.sample
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$sample"
grep -q "^listen_addresses = '\*'" "$sample" || fail "could not set listen_addresses in $sample"
install -d -o postgres -g postgres -m 03775 /var/run/postgresql
install -d -o postgres -g postgres -m 01777 /var/lib/postgresql/data
install -d /docker-entrypoint-initdb.d
install -m 0755 postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ln -sfT usr/local/bin/docker-entrypoint.sh /docker-entrypoint.sh
for tool in setpriv pg_isready "/usr/lib/postgresql/$major/bin/postgres"; do
    command -v "$tool" >/dev/null || fail "$tool is missing"
done
# shellcheck disable=SC2016 # dpkg-query's own format
echo "PG_VERSION=$(dpkg-query -W -f '${Version}' "postgresql-$major")" >build-args
