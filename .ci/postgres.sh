#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests (SPEC §8: the same commands, the
# same tests on PostgreSQL). Prints the admin URL on stdout; the caller exports it as
# SALESFLOW_TEST_PG_URL. Installs the server from Debian's packages when it is missing.
set -euo pipefail

PORT="${PGPORT_TEST:-54329}"
BASE="${PG_TEST_DIR:-/tmp/salesflow-ci-pg}"

as_pg() {  # PostgreSQL refuses to run as root: run it as the postgres user when root
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
    BIN="$(dirname "$(command -v pg_ctl 2>/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)")"
    as_pg "$BIN/pg_ctl" -D "$BASE/data" -m immediate stop
    exit 0
fi

if ! command -v initdb >/dev/null 2>&1 && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq postgresql >&2
    fi
fi
BIN="$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")"
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server available" >&2; exit 1; }

if [ -f "$BASE/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$BASE/data" -m immediate stop >&2 || true
fi
rm -rf "$BASE"
mkdir -p "$BASE"
[ "$(id -u)" = 0 ] && chown postgres "$BASE"
as_pg "$BIN/initdb" -D "$BASE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
# The admin (postgres) is trusted; every other login (the team's, SPEC §15: created by
# `salesflow user add --password-stdin`) authenticates by password, as on a real server.
as_pg sh -c "cat > '$BASE/data/pg_hba.conf'" <<'HBA'
local   all   postgres                 trust
host    all   postgres   127.0.0.1/32  trust
host    all   postgres   ::1/128       trust
local   all   all                      scram-sha-256
host    all   all        127.0.0.1/32  scram-sha-256
host    all   all        ::1/128       scram-sha-256
HBA
as_pg "$BIN/pg_ctl" -D "$BASE/data" -l "$BASE/log" -w \
    -o "-p $PORT -k $BASE -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    start >&2
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
