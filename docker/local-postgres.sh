#!/usr/bin/env bash
# The `warehouse` of the local engine's stack (docker/compose.local-engine.yml): Debian's
# PostgreSQL server where the registry's postgres image cannot be pulled. Does what that image's
# entrypoint does with the same variables: a cluster in the volume on first start, owned by the
# postgres user (the server refuses to run as root), with POSTGRES_USER as superuser,
# POSTGRES_PASSWORD for TCP connections and POSTGRES_DB created; then the server, in the
# foreground, as that user.
set -euo pipefail

data=/var/lib/postgresql/data
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)

mkdir -p "$data" /var/run/postgresql
chown postgres:postgres "$data" /var/run/postgresql
chmod 700 "$data"
if [ ! -s "$data/PG_VERSION" ]; then
	pwfile=$(mktemp)
	printf '%s' "${POSTGRES_PASSWORD:?}" > "$pwfile"
	chown postgres "$pwfile"
	"${as_postgres[@]}" "$bin/initdb" --pgdata="$data" --username="${POSTGRES_USER:?}" \
		--pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 \
		--locale=C.UTF-8 > /dev/null
	rm -f "$pwfile"
	echo "CREATE DATABASE \"${POSTGRES_DB:-$POSTGRES_USER}\"" |
		"${as_postgres[@]}" "$bin/postgres" --single -D "$data" -j postgres > /dev/null
	echo "local-postgres: cluster created in $data"
fi
# Loopback only: the stack shares the host network of an engine whose namespace has nothing else.
exec "${as_postgres[@]}" "$bin/postgres" -D "$data" -c listen_addresses=127.0.0.1
