# Starts a throw-away PostgreSQL server for the inbox tests; meant to be sourced by .ci/run
# (or by hand: `source .ci/postgres.sh`). Exports STEPPAY_TEST_POSTGRES_URL and stops the
# server and deletes its files when the calling shell exits. Safe to run again and again on
# the same machine: every run uses a new directory and a free port.

steppay_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(steppay_pg_bin)" ] || [ ! -x "$(steppay_pg_bin)/initdb" ]; then
  echo "installing PostgreSQL (Debian package postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
STEPPAY_PG_BIN="$(steppay_pg_bin)"

# Run the server as the `postgres` user when we are root (initdb refuses root).
if [ "$(id -u)" = 0 ]; then
  steppay_pg_as() { runuser -u postgres -- "$@"; }
else
  steppay_pg_as() { "$@"; }
fi

STEPPAY_PG_DIR="$(mktemp -d /tmp/steppay-pg.XXXXXX)"
chmod 755 "$STEPPAY_PG_DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$STEPPAY_PG_DIR"; fi

steppay_pg_stop() {
  steppay_pg_as "$STEPPAY_PG_BIN/pg_ctl" -D "$STEPPAY_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$STEPPAY_PG_DIR"
}
trap steppay_pg_stop EXIT

steppay_pg_as "$STEPPAY_PG_BIN/initdb" -D "$STEPPAY_PG_DIR/data" -U postgres -A trust \
  --no-sync -E UTF8 >"$STEPPAY_PG_DIR/initdb.log" 2>&1 \
  || { cat "$STEPPAY_PG_DIR/initdb.log" >&2; exit 1; }

# The first port below the ephemeral range (where outgoing connections could hold it) on which
# the server starts.
STEPPAY_PG_PORT=""
for port in $(seq 25432 25531); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    continue # something listens there
  fi
  if steppay_pg_as "$STEPPAY_PG_BIN/pg_ctl" -D "$STEPPAY_PG_DIR/data" -l "$STEPPAY_PG_DIR/server.log" -w \
    -o "-p $port -k $STEPPAY_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off" \
    start >/dev/null; then
    STEPPAY_PG_PORT="$port"
    break
  fi
done
if [ -z "$STEPPAY_PG_PORT" ]; then
  echo "PostgreSQL did not start on any port in 25432-25531" >&2
  cat "$STEPPAY_PG_DIR/server.log" >&2
  exit 1
fi
steppay_pg_as "$STEPPAY_PG_BIN/createdb" -h 127.0.0.1 -p "$STEPPAY_PG_PORT" -U postgres steppay_test

export STEPPAY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$STEPPAY_PG_PORT/steppay_test"
echo "PostgreSQL $("$STEPPAY_PG_BIN/postgres" --version | awk '{print $3}') on port $STEPPAY_PG_PORT: STEPPAY_TEST_POSTGRES_URL=$STEPPAY_TEST_POSTGRES_URL"
