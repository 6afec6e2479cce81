#!/usr/bin/env bash
# A private PostgreSQL for the tests: its own cluster in a temp dir, reached
# only through a Unix socket in that dir (no TCP port to collide with).
#
#   scripts/test-postgres.sh run CMD...   start one, run CMD with
#                                         DROVER_TEST_POSTGRES set to its URL,
#                                         stop it (CMD's status is returned);
#                                         with DROVER_TEST_POSTGRES already
#                                         set, just run CMD
#   scripts/test-postgres.sh start DIR    start (creating when DIR is empty)
#                                         and print the URL
#   scripts/test-postgres.sh stop DIR     stop at once (as after a crash)
#   scripts/test-postgres.sh remove DIR   stop and delete DIR
#
# Run as root, the server runs as the `postgres` user the Debian package
# made (PostgreSQL refuses to run as root).
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed (make deps)" >&2; exit 1; }

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_server "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # fsync off: the tests crash processes, never the machine. Benchmarks
  # set PG_FSYNC=on, to time commits that reach the disk.
  as_server "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -c fsync=${PG_FSYNC:-off} -c max_connections=300 -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql:///postgres?host=$dir&user=postgres"
}

stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && as_server "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  return 0
}

case "${1:-}" in
  run)
    shift
    if [ -n "${DROVER_TEST_POSTGRES:-}" ]; then exec "$@"; fi
    dir=$(mktemp -d /tmp/drover-pg.XXXXXX)
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    DROVER_TEST_POSTGRES=$(start "$dir")
    export DROVER_TEST_POSTGRES
    status=0
    "$@" || status=$?
    exit $status
    ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  remove) stop "$2"; rm -rf "$2" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
