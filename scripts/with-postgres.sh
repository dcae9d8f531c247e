#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: a new cluster in a
# temporary directory, from Debian's `postgresql` package, listening on a
# free loopback port, stopped and deleted when the command ends (whatever
# way it ends). The command finds it in PALIER_TEST_DATABASE_URL.
#   ./scripts/with-postgres.sh cargo test --workspace
# PostgreSQL refuses to run as root: as root, the cluster runs as the
# `postgres` user the Debian package creates. `wal_recycle = off` is the
# setting the README asks of a real server: erased bytes leave the
# write-ahead log (tests/tests/storage_conformance.rs).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL is not installed: run ./scripts/setup.sh --tests" >&2
    exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/palier-pg.XXXXXX")
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U palier --auth=trust -E UTF8 --no-locale >/dev/null
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c wal_recycle=off" start >/dev/null

export PALIER_TEST_DATABASE_URL="postgres://palier@127.0.0.1:$port/postgres"
"$@"
