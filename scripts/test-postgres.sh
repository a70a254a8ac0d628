#!/usr/bin/env bash
# Runs the kiosk's protocol and fault tests (sync_*, a chain's shops, sunat_dispatch,
# sunat_void, accounts, backup_restore) against servers on PostgreSQL instead of redb: starts a throwaway
# PostgreSQL cluster (initdb + pg_ctl on a free loopback port, as the postgres user when
# run as root), points MOTORDESK_TEST_POSTGRES at it (a --test-faults server then keeps
# its data in a database named after its --db path), and stops the cluster at the end.
# The server crate's own tests (cargo test -p motordesk-server) run both backends by
# themselves. Usage: bash scripts/test-postgres.sh [extra test filters...]
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "test-postgres: PostgreSQL binaries not found (apt-get install postgresql, or set PG_BIN)" >&2
  exit 1
fi
DIR="$(mktemp -d /tmp/motordesk-pg-XXXXXX)"
RUN=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$DIR"; RUN=(runuser -u postgres --); fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
stop() {
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
"${RUN[@]}" "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres --no-sync -E UTF8 --locale=C >/dev/null
"${RUN[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null
export MOTORDESK_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PORT"
echo "test-postgres: cluster on port $PORT"
cargo build -p motordesk-server
cargo test --test kiosk -- sync_server:: sync_faults:: sync_conflicts:: sync_tenants:: sunat_dispatch:: sunat_void:: accounts:: backup_restore:: "$@"
DBS="$(psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "select count(*) from pg_database where datname like 'md\_%'")"
echo "test-postgres: the tests' servers used $DBS PostgreSQL databases"
[ "$DBS" -gt 0 ] || { echo "test-postgres: no server used PostgreSQL" >&2; exit 1; }
